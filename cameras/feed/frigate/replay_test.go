package frigate

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"linli/cameras/feed"
)

func TestDayOfEvents(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	day := time.Date(2026, 12, 5, 15, 0, 0, 0, shanghai)
	msgs := DayOfEvents([]string{"gate_east", "gate_west"}, day, 7)
	if len(msgs) < 300 {
		t.Fatalf("%d messages, want a busy gate's day", len(msgs))
	}
	if again := DayOfEvents([]string{"gate_east", "gate_west"}, day, 7); !reflect.DeepEqual(msgs, again) {
		t.Errorf("the same seed gave another day")
	}
	if other := DayOfEvents([]string{"gate_east", "gate_west"}, day, 8); reflect.DeepEqual(msgs, other) {
		t.Errorf("another seed gave the same day")
	}

	dayStart := time.Date(2026, 12, 5, 0, 0, 0, 0, shanghai)
	byID := map[string][]feed.Event{}
	var prev time.Time
	labels := map[string]int{}
	for i, m := range msgs {
		e, err := ParseEvent(m)
		if err != nil {
			t.Fatalf("message %d does not parse: %v\n%s", i, err, m)
		}
		if e.At.Before(prev) {
			t.Fatalf("message %d at %v before the previous %v", i, e.At, prev)
		}
		prev = e.At
		if e.Start.Before(dayStart) || !e.Start.Before(dayStart.Add(24*time.Hour)) {
			t.Errorf("%s starts %v, outside the day", e.EventID, e.Start.In(shanghai))
		}
		byID[e.EventID] = append(byID[e.EventID], e)
		if e.Kind == feed.KindNew {
			labels[e.Label]++
		}
	}
	if labels["person"] == 0 || labels["car"] == 0 {
		t.Errorf("labels %v, want people and cars", labels)
	}
	lingerers := 0
	for id, evs := range byID {
		kinds := make([]feed.Kind, len(evs))
		for i, e := range evs {
			kinds[i] = e.Kind
			if !e.Start.Equal(evs[0].Start) || e.Camera != evs[0].Camera || e.Label != evs[0].Label {
				t.Errorf("%s: start, camera or label changes within the object", id)
			}
			if e.At.Before(e.Start) || (i > 0 && !e.At.After(evs[i-1].At)) {
				t.Errorf("%s: message %d at %v not after the one before", id, i, e.At)
			}
		}
		if kinds[0] != feed.KindNew || kinds[len(kinds)-1] != feed.KindEnd ||
			slices.ContainsFunc(kinds[1:len(kinds)-1], func(k feed.Kind) bool { return k != feed.KindUpdate }) {
			t.Errorf("%s: kinds %v, want new, update…, end", id, kinds)
		}
		last := evs[len(evs)-1]
		stayed := last.End.Sub(last.Start)
		if h := last.Start.In(shanghai).Hour(); (h >= 22 || h < 5) && stayed >= 3*time.Minute &&
			slices.ContainsFunc(evs, func(e feed.Event) bool { return e.Stationary && slices.Contains(e.Zones, "gate") }) {
			lingerers++
		}
	}
	if lingerers < 3 {
		t.Errorf("%d people lingering in the gate zone at night, want 3", lingerers)
	}
}

func TestReplayGaps(t *testing.T) {
	msgs := [][]byte{
		[]byte(msg("new", "a", 1764975601)),
		[]byte(msg("update", "a", 1764975661)), // 60 s later
		[]byte(`not json`),
		[]byte(msg("new", "b", 1764975781)),    // 120 s after a's update
		[]byte(msg("update", "c", 1764975700)), // earlier: at once
	}
	want := []time.Duration{0, time.Second, 0, 2 * time.Second, 0}
	if got := replayGaps(msgs, 60); !reflect.DeepEqual(got, want) {
		t.Errorf("gaps %v, want %v", got, want)
	}
}

// A replayed day arrives whole and in order through the embedded broker.
func TestPublishReplaysThroughABroker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // after the subscribers' cleanups: they stop first
	b := startTestBroker(ctx, t)
	sink := &recorder{}
	var c feed.Counters
	startSubscriber(t, b.SubscriberConfig(uniq(t)), sink, &c)

	msgs := DayOfEvents([]string{"gate_east"}, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), 1)[:60]
	if err := Publish(ctx, "tcp://gatebox:gate-2026@"+b.Addr(), msgs, 1e9); err != nil {
		t.Fatal(err)
	}
	eventually(t, "all replayed events", func() bool { return len(sink.got()) == len(msgs) })
	var want []string
	for _, m := range msgs {
		e, _ := ParseEvent(m)
		want = append(want, e.EventID+" "+string(e.Kind))
	}
	if got := sink.got(); !reflect.DeepEqual(got, want) {
		t.Errorf("replayed out of order")
	}
	if err := Publish(ctx, "tcp://gatebox:wrong@"+b.Addr(), msgs, 1e9); err == nil {
		t.Errorf("published with a wrong password")
	}
}
