// Package projects runs livelihood projects (民生实事) such as adding an elevator to a unit:
// scope, the phases from proposal to service, milestones with progress, the
// people involved, construction hours and the complaints raised during
// construction (cases linked to the project), and residents who follow a
// project and get in-app updates.
//
// The rules are plain functions tested as tables: Missing says what a phase
// still lacks before the project may leave it (phase.go), ComputeProgress
// gives a parent milestone the exact weighted mean of its children, rounded
// down only for display (progress.go), parseSpans reads working and quiet
// hours (hours.go).
//
// Other capabilities meet a project through links (a vote or meeting links
// to it; complaints are cases linked with rel "complaint"), through the
// VoteGate hook (the votes capability says whether the consent vote is
// valid) and through HappinessEntries (completed public projects on the
// happiness list). Readers of a project: staff and workers of its
// community or scope, residents of households inside its scope, and every
// resident of the community when it is public. A project's photos are
// served at /projects/{id}/photos/{attachment} as uploaded to readers of
// the project; anyone else is sent to the happiness list's copy without
// metadata, which exists once the project is public and in service.
//
// Followers are notified of phase changes, working-hour changes, measures
// taken on complaints, staff notes and top-level milestones completed;
// smaller milestones go onto the update feed only.
package projects
