package cameras

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/cameras/feed"
)

// RuleKind is what a rule looks for.
type RuleKind string

const (
	// Loiter: an object of the labels in the zone for Seconds or more,
	// during the hours.
	Loiter RuleKind = "loiter"
	// NightEntry: an object of the labels entering the zone during the
	// hours (the night).
	NightEntry RuleKind = "night_entry"
	// Reappear: objects of the same label appearing in the zone Count
	// times within Seconds. The analytics give a new id to each
	// appearance, so "the same object" is the same label at the same place.
	Reappear RuleKind = "reappear"
	// Offline: no heartbeat from the camera for longer than Seconds.
	Offline RuleKind = "offline"
)

// RuleKinds lists the kinds, as the forms offer them.
func RuleKinds() []RuleKind { return []RuleKind{Loiter, NightEntry, Reappear, Offline} }

// Rule is one of a camera's rules. Zone "" is the whole view; Labels empty
// is every label. The hours are minutes of the day in the deployment's
// zone, FromMinute included, ToMinute excluded; they may cross midnight
// (22:00–06:00 is 1320–360); equal means all day.
type Rule struct {
	ID         int64    `json:"id"`
	CameraID   int64    `json:"camera_id"`
	Kind       RuleKind `json:"kind"`
	Zone       string   `json:"zone"`
	Labels     []string `json:"labels"`
	Seconds    int64    `json:"seconds"` // loiter: N; reappear: the window T; offline: M
	FromMinute int      `json:"from_minute"`
	ToMinute   int      `json:"to_minute"`
	Cooldown   int64    `json:"cooldown"` // seconds between two alerts of the rule for one object, and for one zone
	Count      int      `json:"count"`    // reappear: K
	Enabled    bool     `json:"enabled"`
	// Notify are the community's group robots its alerts go to through
	// the outbox (NotifyChannels: wecom, dingtalk); empty: none.
	Notify []string `json:"notify"`
}

func (r Rule) validate() error {
	var v linli.Validation
	if !slices.Contains(RuleKinds(), r.Kind) {
		v.Add("kind", "未知的规则类型 / unknown rule kind")
	}
	if r.Seconds <= 0 && r.Kind != NightEntry {
		v.Add("seconds", "须为正数 / must be positive")
	}
	if r.Seconds < 0 || r.Seconds > 7*24*3600 {
		v.Add("seconds", "超出范围 / out of range")
	}
	if r.Kind == Reappear && (r.Count < 2 || r.Count > 1000) {
		v.Add("count", "须在 2 到 1000 之间 / must be 2 to 1000")
	}
	if r.FromMinute < 0 || r.FromMinute >= 1440 {
		v.Add("from_minute", "须在 0 到 1439 之间 / must be 0 to 1439")
	}
	if r.ToMinute < 0 || r.ToMinute >= 1440 {
		v.Add("to_minute", "须在 0 到 1439 之间 / must be 0 to 1439")
	}
	if r.Cooldown < 0 {
		v.Add("cooldown", "不能为负 / must not be negative")
	}
	checkNotify(&v, r.Notify)
	return v.Err()
}

// During reports whether t falls in the rule's hours, read in loc.
func (r Rule) During(t time.Time, loc *time.Location) bool {
	if r.FromMinute == r.ToMinute {
		return true
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	if r.FromMinute < r.ToMinute {
		return m >= r.FromMinute && m < r.ToMinute
	}
	return m >= r.FromMinute || m < r.ToMinute // across midnight
}

func (r Rule) matches(label string) bool {
	return len(r.Labels) == 0 || slices.Contains(r.Labels, label)
}

// OfflineDue reports whether a camera last heard from at last has been
// silent longer than the rule allows at now.
func OfflineDue(r Rule, last, now time.Time) bool {
	return now.Sub(last) > time.Duration(r.Seconds)*time.Second
}

// Hit is a rule that fired on an event.
type Hit struct {
	Rule    Rule
	Zone    string
	Label   string
	Score   float64
	EventID string
	At      time.Time // the event's own time
}

// Track is what the rules remember of one camera between its events:
// the objects in view and where they entered each zone, when each rule
// last fired per object and per zone, and recent appearances. The
// Service saves it with the camera's events at most once a minute and at
// Stop (MarshalJSON, table camera_tracks) and reads it back at start, so
// an object already in view is measured from when it entered its zone
// and an alert already raised is not raised again; after a crash what
// changed since the last save is lost, and an object seen again is then
// measured from its message's Start.
type Track struct {
	objects map[string]*object
	fired   map[string]time.Time // cool-downs: rule|o|event, rule|z|zone
	seen    map[string][]time.Time
	limit   int // objects in memory that trigger the next sweep
}

type object struct {
	label   string
	last    time.Time
	zones   map[string]time.Time // entered at; "" is the whole view
	alerted map[string]bool      // rule|zone fired during this visit
}

// NewTrack is an empty memory.
func NewTrack() *Track {
	return &Track{objects: map[string]*object{}, fired: map[string]time.Time{}, seen: map[string][]time.Time{}}
}

// forget bounds the memory: objects whose end never came, and cool-downs
// and appearances long past, go after a day of the events' time.
const forget = 24 * time.Hour

// maxObjects is when Apply first sweeps what it may forget; after a
// sweep the next comes at twice what stayed, so sweeping costs O(1) per
// event however many objects are in view.
const maxObjects = 4096

// Apply runs the rules on one event of the camera and returns what fired.
// An update older than the last message of its object changes nothing.
func (t *Track) Apply(rules []Rule, e feed.Event, loc *time.Location) []Hit {
	o := t.objects[e.EventID]
	isNew := o == nil
	if !isNew && e.At.Before(o.last) {
		return nil
	}
	first := e.At
	if !e.Start.IsZero() && e.Start.Before(first) {
		first = e.Start
	}
	if isNew {
		if len(t.objects) >= max(t.limit, maxObjects) {
			t.sweep(e.At)
			t.limit = 2 * len(t.objects)
		}
		o = &object{label: e.Label, zones: map[string]time.Time{"": first}, alerted: map[string]bool{}}
		t.objects[e.EventID] = o
	}
	if e.Label != "" {
		o.label = e.Label
	}
	o.last = e.At
	var entered []string
	if isNew {
		entered = append(entered, "")
	}
	for _, z := range e.Zones {
		if _, in := o.zones[z]; !in && z != "" {
			at := e.At
			if isNew {
				at = first
			}
			o.zones[z] = at
			entered = append(entered, z)
		}
	}
	for z := range o.zones {
		if z != "" && !slices.Contains(e.Zones, z) {
			delete(o.zones, z)
			for k := range o.alerted {
				if strings.HasSuffix(k, "|"+z) {
					delete(o.alerted, k)
				}
			}
		}
	}
	var hits []Hit
	for _, r := range rules {
		if !r.Enabled || !r.matches(o.label) {
			continue
		}
		since, inZone := o.zones[r.Zone]
		switch r.Kind {
		case Loiter:
			if !inZone || !r.During(e.At, loc) {
				continue
			}
			long := e.At.Sub(since) >= time.Duration(r.Seconds)*time.Second
			if e.AlarmType == 8 { // GB/T 28181: the device itself detected loitering
				long = true
			}
			visit := strconv.FormatInt(r.ID, 10) + "|" + r.Zone
			if long && !o.alerted[visit] && t.cool(r, e, r.Zone) {
				o.alerted[visit] = true
				hits = append(hits, t.fire(r, e, o, r.Zone))
			}
		case NightEntry:
			if slices.Contains(entered, r.Zone) && r.During(e.At, loc) && t.cool(r, e, r.Zone) {
				hits = append(hits, t.fire(r, e, o, r.Zone))
			}
		case Reappear:
			if !slices.Contains(entered, r.Zone) {
				continue
			}
			key := strconv.FormatInt(r.ID, 10) + "|" + o.label
			window := time.Duration(r.Seconds) * time.Second
			seen := append(t.seen[key], e.At)
			seen = slices.DeleteFunc(seen, func(at time.Time) bool { return e.At.Sub(at) >= window })
			t.seen[key] = seen
			if len(seen) >= r.Count && r.During(e.At, loc) && t.cool(r, e, r.Zone) {
				delete(t.seen, key)
				hits = append(hits, t.fire(r, e, o, r.Zone))
			}
		}
	}
	if e.Kind == feed.KindEnd {
		delete(t.objects, e.EventID)
		// Its cool-downs go with it (an ended object's id does not come
		// again): objects that end never reach the sweep, and each
		// alert's key would otherwise stay for good.
		for _, r := range rules {
			ko, _ := coolKeys(r, e.EventID, r.Zone)
			delete(t.fired, ko)
		}
	}
	return hits
}

func coolKeys(r Rule, eventID, zone string) (obj, z string) {
	id := strconv.FormatInt(r.ID, 10)
	return id + "|o|" + eventID, id + "|z|" + zone
}

// cool reports whether the rule's cool-down has passed for the object and
// for the zone. Objects' messages interleave, so an event may be older
// than the last alert: the distance either way counts.
func (t *Track) cool(r Rule, e feed.Event, zone string) bool {
	ko, kz := coolKeys(r, e.EventID, zone)
	cd := time.Duration(r.Cooldown) * time.Second
	for _, k := range []string{ko, kz} {
		if last, ok := t.fired[k]; ok && (e.At.Sub(last) < cd && last.Sub(e.At) < cd) {
			return false
		}
	}
	return true
}

func (t *Track) fire(r Rule, e feed.Event, o *object, zone string) Hit {
	ko, kz := coolKeys(r, e.EventID, zone)
	t.fired[ko], t.fired[kz] = e.At, e.At
	return Hit{Rule: r, Zone: zone, Label: o.label, Score: e.Score, EventID: e.EventID, At: e.At}
}

// sweep forgets what is older than forget before now.
func (t *Track) sweep(now time.Time) {
	for id, o := range t.objects {
		if now.Sub(o.last) > forget {
			delete(t.objects, id)
		}
	}
	for k, at := range t.fired {
		if now.Sub(at) > forget {
			delete(t.fired, k)
		}
	}
	for k, s := range t.seen {
		if len(s) == 0 || now.Sub(s[len(s)-1]) > forget {
			delete(t.seen, k)
		}
	}
}
