package frigate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"linli/cameras/feed"
)

// The two kinds of message this package cannot use. The subscriber counts
// the first as feed.Counters.Malformed and the second as UnknownType; both
// are acknowledged, since sending them again would not make them readable.
var (
	ErrMalformed   = errors.New("frigate: malformed message")
	ErrUnknownType = errors.New("frigate: unknown message type")
	// ErrFalsePositive: Frigate flagged the object as a false positive.
	// It is no error of the message: the subscriber acknowledges and drops it.
	ErrFalsePositive = errors.New("frigate: object is a false positive")
)

// trackedObject is the part of a frigate/events "before"/"after" object
// Linli reads. Frigate sends more (box, region, area, snapshot…); it is
// kept in Event.Raw and otherwise ignored.
type trackedObject struct {
	ID            string          `json:"id"`
	Camera        string          `json:"camera"`
	Label         string          `json:"label"`
	SubLabel      json.RawMessage `json:"sub_label"`
	TopScore      *float64        `json:"top_score"`
	Score         *float64        `json:"score"`
	CurrentZones  []string        `json:"current_zones"`
	EnteredZones  []string        `json:"entered_zones"`
	StartTime     *float64        `json:"start_time"`
	EndTime       *float64        `json:"end_time"`
	FrameTime     *float64        `json:"frame_time"`
	Stationary    bool            `json:"stationary"`
	HasSnapshot   bool            `json:"has_snapshot"`
	HasClip       bool            `json:"has_clip"`
	FalsePositive bool            `json:"false_positive"`
}

type eventMessage struct {
	Type   string         `json:"type"`
	Before *trackedObject `json:"before"`
	After  *trackedObject `json:"after"`
}

// reviewItem is a frigate/reviews "before"/"after" object.
type reviewItem struct {
	ID        string   `json:"id"`
	Camera    string   `json:"camera"`
	StartTime *float64 `json:"start_time"`
	EndTime   *float64 `json:"end_time"`
	Severity  string   `json:"severity"`
	Data      struct {
		Detections []string `json:"detections"`
		Objects    []string `json:"objects"`
		Zones      []string `json:"zones"`
	} `json:"data"`
}

type reviewMessage struct {
	Type   string      `json:"type"`
	Before *reviewItem `json:"before"`
	After  *reviewItem `json:"after"`
}

// ReviewIDPrefix is put before a review's id in Event.EventID, so a review
// and a tracked object can never share a deduplication key.
const ReviewIDPrefix = "review:"

// ReviewLabelPrefix starts the Label of an event read from frigate/reviews;
// the severity follows ("review/alert", "review/detection"). Rules written
// for object labels (person, car) therefore never match a review.
const ReviewLabelPrefix = "review/"

// ParseEvent reads one frigate/events message. The error wraps ErrMalformed
// or ErrUnknownType and says what was wrong.
func ParseEvent(payload []byte) (feed.Event, error) {
	var m eventMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return feed.Event{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	kind, err := kindOf(m.Type)
	if err != nil {
		return feed.Event{}, err
	}
	o := m.After
	if o == nil {
		return feed.Event{}, fmt.Errorf("%w: no \"after\" object", ErrMalformed)
	}
	if o.ID == "" || o.Camera == "" {
		return feed.Event{}, fmt.Errorf("%w: \"after\" has no id or camera", ErrMalformed)
	}
	if o.FalsePositive {
		return feed.Event{}, fmt.Errorf("%w: %s", ErrFalsePositive, o.ID)
	}
	start, err := unixSeconds("start_time", o.StartTime, true)
	if err != nil {
		return feed.Event{}, err
	}
	frame, err := unixSeconds("frame_time", o.FrameTime, false)
	if err != nil {
		return feed.Event{}, err
	}
	end, err := unixSeconds("end_time", o.EndTime, false)
	if err != nil {
		return feed.Event{}, err
	}
	e := feed.Event{
		Source:      feed.SourceFrigate,
		EventID:     o.ID,
		Camera:      o.Camera,
		Kind:        kind,
		Label:       o.Label,
		Score:       score(o),
		Zones:       zones(o.CurrentZones, o.EnteredZones),
		Start:       start,
		At:          start,
		Stationary:  o.Stationary,
		HasSnapshot: o.HasSnapshot,
		Description: subLabel(o.SubLabel),
		Raw:         append([]byte(nil), payload...),
	}
	if !frame.IsZero() {
		e.At = frame
	}
	if kind == feed.KindEnd {
		// Frigate always sets end_time on an end; should one come without,
		// the last frame time is the best guess of when the object left.
		if end.IsZero() {
			end = e.At
		}
		e.End, e.At = end, end
	}
	return e, nil
}

// ParseReview reads one frigate/reviews message into an Event whose
// EventID starts with ReviewIDPrefix and whose Label is ReviewLabelPrefix
// followed by the severity; Description lists the objects seen.
func ParseReview(payload []byte) (feed.Event, error) {
	var m reviewMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return feed.Event{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	kind, err := kindOf(m.Type)
	if err != nil {
		return feed.Event{}, err
	}
	r := m.After
	if r == nil {
		return feed.Event{}, fmt.Errorf("%w: no \"after\" object", ErrMalformed)
	}
	if r.ID == "" || r.Camera == "" {
		return feed.Event{}, fmt.Errorf("%w: \"after\" has no id or camera", ErrMalformed)
	}
	start, err := unixSeconds("start_time", r.StartTime, true)
	if err != nil {
		return feed.Event{}, err
	}
	end, err := unixSeconds("end_time", r.EndTime, false)
	if err != nil {
		return feed.Event{}, err
	}
	e := feed.Event{
		Source:      feed.SourceFrigate,
		EventID:     ReviewIDPrefix + r.ID,
		Camera:      r.Camera,
		Kind:        kind,
		Label:       ReviewLabelPrefix + r.Severity,
		Zones:       r.Data.Zones,
		Start:       start,
		At:          start,
		Description: strings.Join(r.Data.Objects, ","),
		Raw:         append([]byte(nil), payload...),
	}
	if kind == feed.KindEnd {
		if end.IsZero() {
			end = start
		}
		e.End, e.At = end, end
	}
	return e, nil
}

// Availability is what a status topic said.
type Availability struct {
	Camera string // empty for frigate/available (Frigate itself)
	Role   string // detect, record, audio; empty for frigate/available
	Online bool
	Value  string // the payload as sent: online, offline, disabled
}

// ParseAvailability reads <prefix>/available ("online"/"offline", Frigate
// itself) and <prefix>/<camera>/status/<role> ("online", "offline",
// "disabled", one of the camera's processes). ok is false for any other
// topic.
func ParseAvailability(prefix, topic string, payload []byte) (a Availability, ok bool) {
	rest, found := strings.CutPrefix(topic, prefix+"/")
	if !found {
		return Availability{}, false
	}
	a.Value = strings.TrimSpace(string(payload))
	a.Online = a.Value == "online"
	if rest == "available" {
		return a, true
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[1] != "status" || parts[0] == "" || parts[2] == "" {
		return Availability{}, false
	}
	a.Camera, a.Role = parts[0], parts[2]
	return a, true
}

func kindOf(t string) (feed.Kind, error) {
	switch t {
	case "new":
		return feed.KindNew, nil
	case "update":
		return feed.KindUpdate, nil
	case "end":
		return feed.KindEnd, nil
	case "":
		return "", fmt.Errorf("%w: no \"type\"", ErrMalformed)
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownType, t)
}

// Times Frigate sends lie between 2000 and 2200; anything else is a
// broken message, not a time (and would overflow time.Unix).
const (
	minUnix = 946684800.0  // 2000-01-01
	maxUnix = 7258118400.0 // 2200-01-01
)

// unixSeconds turns Frigate's float Unix seconds into a UTC time, rounded
// to the microsecond Frigate writes. A nil or JSON null field is the zero
// time, an error when required.
func unixSeconds(field string, v *float64, required bool) (time.Time, error) {
	if v == nil {
		if required {
			return time.Time{}, fmt.Errorf("%w: no %s", ErrMalformed, field)
		}
		return time.Time{}, nil
	}
	if !(*v >= minUnix && *v < maxUnix) {
		return time.Time{}, fmt.Errorf("%w: %s %v out of range", ErrMalformed, field, *v)
	}
	sec, frac := math.Modf(*v)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), nil
}

// score prefers top_score, the best score the object has had: rules ask
// "was this a person", and the current frame's score dips as people turn.
func score(o *trackedObject) float64 {
	switch {
	case o.TopScore != nil && *o.TopScore > 0:
		return *o.TopScore
	case o.Score != nil:
		return *o.Score
	}
	return 0
}

func zones(current, entered []string) []string {
	if len(current) > 0 {
		return current
	}
	return entered
}

// subLabel reads sub_label, a string in older Frigate and a [name, score]
// pair in newer; anything else is ignored rather than refused, since it
// does not change what the event is.
func subLabel(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var pair []json.RawMessage
	if json.Unmarshal(raw, &pair) == nil && len(pair) > 0 && json.Unmarshal(pair[0], &s) == nil {
		return s
	}
	return ""
}
