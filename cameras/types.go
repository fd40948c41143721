package cameras

import (
	"time"

	"linli/cameras/feed"
)

// State is where a camera is in its life.
type State string

const (
	Draft    State = "draft"    // being set up; its events are dropped
	Active   State = "active"   // its events go through the rules
	Inactive State = "inactive" // switched off; its events are dropped
	// Retired is decommissioned, for good: its events are dropped, its
	// stored events were deleted, its alerts are kept for the record and
	// left off the board.
	Retired State = "retired"
)

// Camera is a monitoring point.
type Camera struct {
	ID        int64       `json:"id"`
	Code      string      `json:"code"`
	Name      string      `json:"name"`
	NodeID    int64       `json:"node_id"` // an estate (its gate), a building or a unit (its entrance)
	Path      string      `json:"path"`
	Direction string      `json:"direction"` // what it faces: "朝外", "north gate inbound"
	Source    feed.Source `json:"source"`
	SourceRef string      `json:"source_ref"` // the source's own name of it
	Snapshots bool        `json:"snapshots"`  // snapshots may be stored
	State     State       `json:"state"`
	// LastHeartbeat is the last sign of life (zero: never).
	LastHeartbeat time.Time `json:"last_heartbeat"`
	Online        bool      `json:"online"`  // heard from in the last five minutes
	Dropped       int64     `json:"dropped"` // events dropped while not active (stored)
	Zones         []Zone    `json:"zones"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Zone is a named area of a camera's view, as the analytics calls it.
type Zone struct {
	Name   string `json:"name"`
	Covers string `json:"covers"` // what it covers: "大门内侧人行道"
}

// CameraInput is what a form or the API sends to create or edit a camera.
type CameraInput struct {
	Code      string      `json:"code"`
	Name      string      `json:"name"`
	NodeID    int64       `json:"node_id"`
	Direction string      `json:"direction"`
	Source    feed.Source `json:"source"`
	SourceRef string      `json:"source_ref"`
	Snapshots bool        `json:"snapshots"`
	Zones     []Zone      `json:"zones"`
}

// Privacy is a camera's privacy record.
type Privacy struct {
	Purpose string `json:"purpose"`
	// Consultation is the meeting or visit that decided the camera:
	// "meeting:12" or "visit:7" (links.Ref form).
	Consultation string `json:"consultation"`
	// NoPrivateView confirms that no balcony, window or private space is
	// in view (after the masks).
	NoPrivateView  bool           `json:"no_private_view"`
	ViewPhotoID    int64          `json:"view_photo_id"`
	Masks          [][][2]float64 `json:"masks"` // polygons, x and y in 0..1 of the frame
	SignagePhotoID int64          `json:"signage_photo_id"`
	SignageText    string         `json:"signage_text"`
	Reviewer       string         `json:"reviewer"`
	ReviewedOn     string         `json:"reviewed_on"` // YYYY-MM-DD
	UpdatedAt      time.Time      `json:"updated_at"`
}

// AlertState is where an alert is in its handling.
type AlertState string

const (
	Open         AlertState = "open"
	Acknowledged AlertState = "acknowledged"
	Handled      AlertState = "handled"     // closed: dealt with
	FalseAlarm   AlertState = "false_alarm" // closed: nothing was wrong
	Escalated    AlertState = "escalated"   // became a case
)

// Alert is what a rule raised.
type Alert struct {
	ID        int64       `json:"id"`
	CameraID  int64       `json:"camera_id"`
	Camera    string      `json:"camera"` // its name
	Path      string      `json:"-"`
	RuleID    int64       `json:"rule_id"`
	RuleKind  RuleKind    `json:"rule_kind"`
	Source    feed.Source `json:"source,omitempty"`
	EventID   string      `json:"event_id,omitempty"`
	Label     string      `json:"label"`
	Score     float64     `json:"score"`
	Zone      string      `json:"zone"`
	At        time.Time   `json:"at"` // the event's own time
	State     AlertState  `json:"state"`
	AckBy     string      `json:"ack_by,omitempty"`
	AckAt     time.Time   `json:"ack_at"`
	AckNote   string      `json:"ack_note,omitempty"`
	ClosedAt  time.Time   `json:"closed_at"`
	CloseNote string      `json:"close_note,omitempty"`
	CaseID    int64       `json:"case_id,omitempty"`
	Snapshot  bool        `json:"snapshot"`
	CreatedAt time.Time   `json:"created_at"`
}
