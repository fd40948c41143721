package cameras

import (
	"fmt"
	"testing"
	"time"

	"linli/cameras/feed"
)

var cst = time.FixedZone("CST", 8*3600)

// at is a time on 6 Dec 2026 in Beijing.
func at(h, m, s int) time.Time { return time.Date(2026, 12, 6, h, m, s, 0, cst) }

func ev(id string, kind feed.Kind, start, t time.Time, zones ...string) feed.Event {
	return feed.Event{Source: feed.SourceFrigate, EventID: id, Camera: "gate", Kind: kind, Label: "person", Score: 0.8,
		Zones: zones, Start: start, At: t}
}

func loiter(n, cooldown int64) Rule {
	return Rule{ID: 1, Kind: Loiter, Zone: "gate", Labels: []string{"person"}, Seconds: n, Cooldown: cooldown, Enabled: true}
}

// Loitering fires at N seconds in the zone, measured from the events' own
// times, not before: N−1, N, N+1.
func TestLoiterBoundary(t *testing.T) {
	t0 := at(23, 0, 0)
	for _, tc := range []struct {
		after int
		fire  bool
	}{{29, false}, {30, true}, {31, true}} {
		t.Run(fmt.Sprint(tc.after), func(t *testing.T) {
			tr := NewTrack()
			rules := []Rule{loiter(30, 0)}
			if h := tr.Apply(rules, ev("a", feed.KindNew, t0, t0, "gate"), cst); len(h) != 0 {
				t.Fatalf("new: %v", h)
			}
			h := tr.Apply(rules, ev("a", feed.KindUpdate, t0, t0.Add(time.Duration(tc.after)*time.Second), "gate"), cst)
			if (len(h) == 1) != tc.fire {
				t.Fatalf("after %d s: hits %v, want fire %v", tc.after, h, tc.fire)
			}
			if tc.fire && (h[0].Zone != "gate" || h[0].Label != "person" || !h[0].At.Equal(t0.Add(time.Duration(tc.after)*time.Second))) {
				t.Fatalf("hit %+v", h[0])
			}
		})
	}
}

// Time in a zone counts from entering the zone, not from the object's
// first sighting; an object outside the labels never fires.
func TestLoiterFromZoneEntry(t *testing.T) {
	t0 := at(23, 0, 0)
	tr := NewTrack()
	rules := []Rule{loiter(30, 0)}
	tr.Apply(rules, ev("a", feed.KindNew, t0, t0), cst)
	tr.Apply(rules, ev("a", feed.KindUpdate, t0, t0.Add(20*time.Second), "gate"), cst)
	if h := tr.Apply(rules, ev("a", feed.KindUpdate, t0, t0.Add(49*time.Second), "gate"), cst); len(h) != 0 {
		t.Fatalf("29 s in the zone fired: %v", h)
	}
	if h := tr.Apply(rules, ev("a", feed.KindUpdate, t0, t0.Add(50*time.Second), "gate"), cst); len(h) != 1 {
		t.Fatalf("30 s in the zone: %v", h)
	}
	car := ev("c", feed.KindNew, t0, t0, "gate")
	car.Label = "car"
	tr.Apply(rules, car, cst)
	car.Kind, car.At = feed.KindUpdate, t0.Add(time.Hour)
	if h := tr.Apply(rules, car, cst); len(h) != 0 {
		t.Fatalf("a car fired a person rule: %v", h)
	}
}

// One alert per visit; the cool-down holds per object (a re-entry) and per
// zone (another object).
func TestLoiterCooldown(t *testing.T) {
	t0 := at(23, 0, 0)
	tr := NewTrack()
	rules := []Rule{loiter(10, 60)}
	step := func(id string, s int, zones ...string) int {
		return len(tr.Apply(rules, ev(id, feed.KindUpdate, t0, t0.Add(time.Duration(s)*time.Second), zones...), cst))
	}
	tr.Apply(rules, ev("a", feed.KindNew, t0, t0, "gate"), cst)
	if step("a", 10, "gate") != 1 {
		t.Fatal("no first alert")
	}
	if step("a", 20, "gate") != 0 {
		t.Fatal("fired twice in one visit")
	}
	step("a", 25)                   // leaves
	step("a", 30, "gate")           // back
	if step("a", 45, "gate") != 0 { // 15 s in the zone, but 35 s after the last alert
		t.Fatal("object cool-down ignored")
	}
	if step("a", 70, "gate") != 1 { // 60 s after the first alert: the cool-down has passed
		t.Fatal("no alert after the cool-down")
	}
	tr.Apply(rules, ev("b", feed.KindNew, t0.Add(100*time.Second), t0.Add(100*time.Second), "gate"), cst)
	if step("b", 129, "gate") != 0 { // 59 s after the zone's last alert
		t.Fatal("zone cool-down ignored")
	}
	if step("b", 130, "gate") != 1 {
		t.Fatal("no alert at the end of the zone cool-down")
	}
}

// Hours across midnight: 22:00 included, 06:00 excluded.
func TestDuringAcrossMidnight(t *testing.T) {
	r := Rule{FromMinute: 22 * 60, ToMinute: 6 * 60}
	for _, tc := range []struct {
		t  time.Time
		in bool
	}{
		{at(21, 59, 59), false}, {at(22, 0, 0), true}, {at(23, 30, 0), true}, {at(0, 0, 0), true},
		{at(5, 59, 59), true}, {at(6, 0, 0), false}, {at(12, 0, 0), false},
	} {
		if got := r.During(tc.t, cst); got != tc.in {
			t.Errorf("%s: %v, want %v", tc.t.Format("15:04:05"), got, tc.in)
		}
	}
	day := Rule{FromMinute: 8 * 60, ToMinute: 18 * 60}
	if !day.During(at(8, 0, 0), cst) || day.During(at(18, 0, 0), cst) || day.During(at(23, 0, 0), cst) {
		t.Error("daytime hours")
	}
	if !(Rule{}).During(at(3, 0, 0), cst) {
		t.Error("equal bounds are all day")
	}
	// The hours are read in the deployment's zone: 15:30 UTC is 23:30 in Beijing.
	if !r.During(time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC), cst) {
		t.Error("hours read in UTC")
	}
}

// Loitering outside the hours does not fire.
func TestLoiterOutsideHours(t *testing.T) {
	r := loiter(10, 0)
	r.FromMinute, r.ToMinute = 22*60, 6*60
	tr := NewTrack()
	t0 := at(12, 0, 0)
	tr.Apply([]Rule{r}, ev("a", feed.KindNew, t0, t0, "gate"), cst)
	if h := tr.Apply([]Rule{r}, ev("a", feed.KindUpdate, t0, t0.Add(time.Minute), "gate"), cst); len(h) != 0 {
		t.Fatalf("fired at noon: %v", h)
	}
}

// Entry into a zone at night fires once per entry, by day never.
func TestNightEntry(t *testing.T) {
	r := Rule{ID: 2, Kind: NightEntry, Zone: "yard", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true}
	tr := NewTrack()
	n := func(id string, kind feed.Kind, t time.Time, zones ...string) int {
		return len(tr.Apply([]Rule{r}, ev(id, kind, t, t, zones...), cst))
	}
	if n("a", feed.KindNew, at(23, 0, 0), "road") != 0 {
		t.Fatal("fired outside the zone")
	}
	if n("a", feed.KindUpdate, at(23, 0, 5), "road", "yard") != 1 {
		t.Fatal("entry at night did not fire")
	}
	if n("a", feed.KindUpdate, at(23, 0, 9), "yard") != 0 {
		t.Fatal("staying in the zone fired again")
	}
	if n("b", feed.KindNew, at(12, 0, 0), "yard") != 0 {
		t.Fatal("entry by day fired")
	}
	if n("c", feed.KindNew, at(5, 59, 0), "yard") != 1 {
		t.Fatal("entry at 05:59 did not fire")
	}
}

// The same label appearing K times within T fires at the K-th; spread
// wider than T it does not.
func TestReappear(t *testing.T) {
	r := Rule{ID: 3, Kind: Reappear, Labels: []string{"person"}, Seconds: 600, Count: 3, Enabled: true}
	tr := NewTrack()
	app := func(id string, t time.Time) int { return len(tr.Apply([]Rule{r}, ev(id, feed.KindNew, t, t), cst)) }
	if app("a", at(1, 0, 0)) != 0 || app("b", at(1, 5, 0)) != 0 {
		t.Fatal("fired before the third appearance")
	}
	if app("c", at(1, 9, 59)) != 1 {
		t.Fatal("third appearance within 10 min did not fire")
	}
	tr = NewTrack()
	app("a", at(2, 0, 0))
	app("b", at(2, 5, 0))
	if app("c", at(2, 10, 0)) != 0 { // the first is exactly T old: out of the window
		t.Fatal("fired with the first appearance out of the window")
	}
	if app("d", at(2, 11, 0)) != 1 {
		t.Fatal("b, c, d within 10 min did not fire")
	}
}

// An update older than the object's last message changes nothing; an end
// forgets the object.
func TestOutOfOrderAndEnd(t *testing.T) {
	t0 := at(23, 0, 0)
	tr := NewTrack()
	rules := []Rule{loiter(30, 0)}
	tr.Apply(rules, ev("a", feed.KindNew, t0, t0, "gate"), cst)
	tr.Apply(rules, ev("a", feed.KindUpdate, t0, t0.Add(10*time.Second)), cst) // left the zone
	if h := tr.Apply(rules, ev("a", feed.KindUpdate, t0, t0.Add(5*time.Second), "gate"), cst); h != nil {
		t.Fatalf("a late update was applied: %v", h)
	}
	if _, in := tr.objects["a"].zones["gate"]; in {
		t.Fatal("a late update moved the object back into the zone")
	}
	tr.Apply(rules, ev("a", feed.KindEnd, t0, t0.Add(20*time.Second)), cst)
	if len(tr.objects) != 0 {
		t.Fatal("end did not forget the object")
	}
}

// A GB/T 28181 loitering alarm (AlarmType 8) is loitering the device
// measured: it fires at once.
func TestGBLoiterAlarm(t *testing.T) {
	r := loiter(120, 0)
	r.Labels = nil
	e := feed.Event{Source: feed.SourceGB28181, EventID: "x", Kind: feed.KindAlarm, Label: "alarm", Zones: []string{"gate"}, Start: at(1, 0, 0), At: at(1, 0, 0), AlarmType: 8}
	if h := NewTrack().Apply([]Rule{r}, e, cst); len(h) != 1 {
		t.Fatalf("hits %v", h)
	}
	e.AlarmType = 2
	if h := NewTrack().Apply([]Rule{r}, e, cst); len(h) != 0 {
		t.Fatalf("another alarm type fired: %v", h)
	}
}

// Offline: longer than M, not at M.
func TestOfflineDue(t *testing.T) {
	r := Rule{Kind: Offline, Seconds: 600}
	last := at(3, 0, 0)
	for _, tc := range []struct {
		after time.Duration
		due   bool
	}{{599 * time.Second, false}, {600 * time.Second, false}, {601 * time.Second, true}} {
		if got := OfflineDue(r, last, last.Add(tc.after)); got != tc.due {
			t.Errorf("%v: %v", tc.after, got)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	good := []Rule{loiter(30, 0), {Kind: NightEntry, FromMinute: 1320, ToMinute: 360}, {Kind: Reappear, Seconds: 600, Count: 3}, {Kind: Offline, Seconds: 600}}
	for _, r := range good {
		if err := r.validate(); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
	bad := []Rule{{Kind: "x", Seconds: 1}, {Kind: Loiter}, {Kind: Reappear, Seconds: 60, Count: 1}, {Kind: Offline, Seconds: 60, FromMinute: 1440}, {Kind: Loiter, Seconds: 1, Cooldown: -1}}
	for _, r := range bad {
		if err := r.validate(); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

// Objects whose end never came are forgotten a day later (of the events'
// time), so the memory stays bounded over a long stream.
func TestTrackForgets(t *testing.T) {
	tr := NewTrack()
	rules := []Rule{loiter(30, 60)}
	t0 := at(1, 0, 0)
	for i := range maxObjects {
		tr.Apply(rules, ev(fmt.Sprint(i), feed.KindNew, t0, t0, "gate"), cst)
	}
	later := t0.Add(25 * time.Hour)
	tr.Apply(rules, ev("new", feed.KindNew, later, later, "gate"), cst)
	if len(tr.objects) != 1 || len(tr.fired) != 0 {
		t.Fatalf("objects %d, cool-downs %d after a day", len(tr.objects), len(tr.fired))
	}
}

// The statistics: per camera per day in the deployment's zone, the share
// of false alarms among the closed, the median and mean time to
// acknowledge, escalations.
func TestSummarize(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, cst) }
	al := func(cam int64, at time.Time, st AlertState, ack time.Duration) Alert {
		a := Alert{CameraID: cam, Camera: fmt.Sprint("cam", cam), At: at, CreatedAt: at, State: st}
		if ack > 0 {
			a.AckAt = at.Add(ack)
		}
		return a
	}
	alerts := []Alert{
		al(1, day(1, 23), FalseAlarm, 30*time.Second),
		al(1, day(2, 0), Handled, 90*time.Second), // 00:00 Beijing is 2 Dec, though 1 Dec in UTC
		al(1, day(2, 3), Escalated, 0),
		al(2, day(3, 12), FalseAlarm, 60*time.Second),
		al(2, day(3, 13), Open, 0),
		al(2, day(9, 1), Open, 0), // outside the period
	}
	st := Summarize(alerts, day(1, 0), day(3, 0), cst)
	if len(st.Days) != 3 || st.Days[0] != "2026-12-01" || st.Alerts != 5 || st.Closed != 4 || st.FalseAlarm != 2 || st.FalseShare != 50 || st.Escalated != 1 {
		t.Fatalf("%+v", st)
	}
	if len(st.Cameras) != 2 || st.Cameras[0].CameraID != 1 || fmt.Sprint(st.Cameras[0].PerDay) != "[1 2 0]" || fmt.Sprint(st.Cameras[1].PerDay) != "[0 0 2]" {
		t.Fatalf("cameras %+v", st.Cameras)
	}
	if st.Acked != 3 || st.AckMedian != 60 || st.AckMean != 60 {
		t.Fatalf("ack: %d median %d mean %d", st.Acked, st.AckMedian, st.AckMean)
	}
	if e := Summarize(nil, day(1, 0), day(1, 0), cst); e.FalseShare != 0 || e.AckMedian != 0 || len(e.Days) != 1 {
		t.Fatalf("empty %+v", e)
	}
}

// A night of objects that each raise an alert and end leaves no
// cool-downs of theirs behind: the tracker's memory stays flat however
// long it runs (the board's soak, BenchmarkCameraBoardSoak), while the
// zone's cool-down stays.
func TestTrackForgetsEndedObjects(t *testing.T) {
	tr := NewTrack()
	night := Rule{ID: 2, Kind: NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true}
	rules := []Rule{night, loiter(30, 0)}
	t0 := at(23, 0, 0)
	alerts := 0
	for i := range 3 * maxObjects {
		id := fmt.Sprint("o", i)
		start := t0.Add(time.Duration(i) * time.Second)
		tr.Apply(rules, ev(id, feed.KindNew, start, start), cst)
		alerts += len(tr.Apply(rules, ev(id, feed.KindUpdate, start, start.Add(time.Second), "gate"), cst))
		tr.Apply(rules, ev(id, feed.KindEnd, start, start.Add(2*time.Second)), cst)
	}
	if alerts != 3*maxObjects {
		t.Fatalf("%d alerts, want one per object (%d)", alerts, 3*maxObjects)
	}
	if len(tr.objects) != 0 || len(tr.fired) > len(rules) {
		t.Fatalf("after %d objects: %d objects and %d cool-downs kept", 3*maxObjects, len(tr.objects), len(tr.fired))
	}
}
