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
// happiness list). A project's photos are served at
// /projects/{id}/photos/{attachment}: to readers of the project, and to
// anyone once the project is public and in service.
package projects
