// Package cameras is the gate cameras of issue 12 (the Lindao story): the
// monitoring points at estate gates and building entrances with their
// privacy records, the community's rules over the events of the analytics
// a community already runs, the alerts a gate guard handles, and their way
// to a case.
//
// Linli stores no video and runs no detection. The ways in (package
// cameras/feed and its frigate and gb28181 packages, and the HTTP handler
// here) read what the analytics send into feed.Event; the Service is their
// feed.Sink:
//
//   - an event of an unknown camera, or of a camera that is not active, is
//     dropped and counted (per source; per camera for inactive ones); the
//     counts of each source (accepted, duplicate, late, unknown, inactive,
//     alerts) are added up in the transaction that stores the events
//     (camera_feed_counts), so they survive restarts;
//   - an event is stored once per (source, event id): Frigate's new,
//     update and end of one object share the id, so the row keeps the
//     latest message; the same message twice is nothing, an older one
//     arriving late is counted and not applied;
//   - the rules (rules.go, plain functions over a per-camera state kept in
//     memory, saved at most once a minute and at Stop and read back at
//     start: track.go) measure from the events' own times, never from
//     arrival, so a replayed or delayed stream raises the same alerts;
//   - an alert of a rule whose Notify names the group robots (wecom,
//     dingtalk) is also an outbox message in the same transaction
//     (notify.go), delivered to the nearest community's robot;
//   - the event row, any alert and its log row are written in one
//     transaction shared with concurrent events: Event gathers what
//     callers hand in at the same time into one write of up to 512 events
//     (one commit, no savepoint per event), through storage.DB.Batch.
//
// A camera cannot be switched to active until its privacy record is
// complete (PIPL art. 26; the regulation on the administration of public
// security video image information systems, in force 2025-04-01): the
// purpose, the residents' consultation that decided it, the confirmation
// that no balcony, window or private space is in view with the photo of
// the view and the documented masks, the signage, the reviewer and date.
package cameras
