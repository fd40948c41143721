// Package feed is the one shape in which camera analytics events reach
// Linli, whatever way they came in: Frigate over MQTT (a broker Linli
// subscribes to, or the embedded broker), GB/T 28181 alarms over SIP, or
// an HTTP POST. The ways in (feed/frigate, feed/gb28181, the HTTP handler
// of package cameras) turn what they receive into an Event and hand it to
// a Sink; package cameras is the Sink: it deduplicates, applies the
// community's rules and raises alerts.
//
// The ways in hold no database and know no camera of Linli's: a message
// they cannot read is counted here (Counters) and logged, never a crash,
// never the end of the stream.
package feed

import (
	"context"
	"sync/atomic"
	"time"
)

// Source names the kind of analytics an event came from. With EventID it
// is the deduplication key.
type Source string

const (
	SourceFrigate Source = "frigate" // Frigate NVR, frigate/events and frigate/reviews
	SourceGB28181 Source = "gb28181" // a GB/T 28181 device's alarm MESSAGE
	SourceHTTP    Source = "http"    // the generic JSON POST
)

// Kind is where an event is in its life.
type Kind string

const (
	KindNew    Kind = "new"    // an object was first seen
	KindUpdate Kind = "update" // the same object, later (zones, score, position changed)
	KindEnd    Kind = "end"    // the object left; End is set
	KindAlarm  Kind = "alarm"  // a one-shot alarm (GB/T 28181 Alarm, a generic POST)
)

// Event is one message of an analytics source, normalised.
type Event struct {
	Source  Source
	EventID string // the source's own id of the event (Frigate's event id; GB: DeviceID+AlarmTime+AlarmType)
	Camera  string // the source's camera: a Frigate camera name, a GB/T 28181 device or channel ID
	Kind    Kind
	Label   string   // what was seen: person, car, bicycle…; GB alarms: "alarm"
	Score   float64  // 0..1; 0 when the source gives none
	Zones   []string // the zones the object is in now (Frigate's current_zones; entered_zones when no current)
	// Start is when the object was first seen (Frigate start_time; GB AlarmTime);
	// At is the time this message speaks of (Frigate: the frame time of the update,
	// else Start; End for an end). Rules measure from these, never from arrival.
	Start, At, End time.Time
	Stationary     bool   // Frigate: the object has stopped moving
	HasSnapshot    bool   // the source holds a snapshot of the event
	AlarmType      int    // GB/T 28181 AlarmType (video alarms: 8 is loitering); 0 for others
	Priority       int    // GB/T 28181 AlarmPriority 1 (highest) … 4; 0 for others
	Method         int    // GB/T 28181 AlarmMethod; 0 for others
	Description    string // a free text the source sent, if any
	Raw            []byte // the message as received (kept for the retention period)
}

// Heartbeat says a camera (or the device reporting for it) is alive.
type Heartbeat struct {
	Source Source
	Camera string
	At     time.Time
}

// Sink takes what the ways in read. An error means the event was not
// stored: a way in that can ask its peer to resend (MQTT QoS 1) must not
// acknowledge it.
type Sink interface {
	Event(ctx context.Context, e Event) error
	Heartbeat(ctx context.Context, h Heartbeat) error
}

// Queuer is a Sink that can also take an event without waiting for it to
// be stored. Queue returns once the event is queued — events queued one
// after another are stored in that order — or with the error that refused
// it; done is then called once, from another goroutine, with the outcome
// of storing it (nil: stored), as Event would have returned it. done is
// not called for an event the Sink stopped before storing. A way in that
// reads one ordered stream (MQTT) uses it to read on while the events
// before are written, so that one commit can take many of them; it
// acknowledges each message in done.
type Queuer interface {
	Sink
	Queue(ctx context.Context, e Event, done func(error)) error
}

// Counters are one way in's counts, exported on /metrics and the cameras
// page. Every field only grows.
type Counters struct {
	Received    atomic.Int64 // messages read off the wire
	Accepted    atomic.Int64 // handed to the Sink without error
	Malformed   atomic.Int64 // not parseable (bad JSON/XML, truncated, wrong encoding)
	UnknownType atomic.Int64 // parseable, but a type or CmdType this way does not handle
	Rejected    atomic.Int64 // the Sink returned an error
}
