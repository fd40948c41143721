package frigate

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"linli/cameras/feed"
)

// Test vectors written from the shapes in Frigate's MQTT documentation
// (https://docs.frigate.video/integrations/mqtt/), with values of our own:
// a gate camera at night, a person who stops in the "gate" zone.
const (
	vecNew = `{"type":"new","before":{"id":"1764975600.250000-k3v9qa","camera":"gate_north","frame_time":1764975600.25,"label":"person","sub_label":null,"top_score":0.71,"false_positive":true,"start_time":1764975600.25,"end_time":null,"score":0.71,"current_zones":[],"entered_zones":[],"has_snapshot":false,"has_clip":false,"stationary":false},
"after":{"id":"1764975600.250000-k3v9qa","camera":"gate_north","frame_time":1764975601.5,"label":"person","sub_label":null,"top_score":0.83,"false_positive":false,"start_time":1764975600.25,"end_time":null,"score":0.8,"box":[10,20,110,320],"area":30000,"region":[0,0,320,320],"current_zones":[],"entered_zones":[],"thumbnail":null,"has_snapshot":true,"has_clip":false,"stationary":false,"motionless_count":0,"position_changes":0}}`
	vecUpdate = `{"type":"update","before":{"id":"1764975600.250000-k3v9qa","camera":"gate_north","frame_time":1764975601.5,"label":"person","top_score":0.83,"start_time":1764975600.25,"end_time":null,"score":0.8,"current_zones":[],"entered_zones":[]},
"after":{"id":"1764975600.250000-k3v9qa","camera":"gate_north","frame_time":1764975662.000125,"label":"person","sub_label":["Wang",0.91],"top_score":0.9,"false_positive":false,"start_time":1764975600.25,"end_time":null,"score":0.88,"current_zones":["gate"],"entered_zones":["street","gate"],"has_snapshot":true,"has_clip":true,"stationary":true,"motionless_count":40,"position_changes":1}}`
	vecEnd = `{"type":"end","before":{"id":"1764975600.250000-k3v9qa","camera":"gate_north","frame_time":1764975662.000125,"label":"person","top_score":0.9,"start_time":1764975600.25,"end_time":null,"current_zones":["gate"],"entered_zones":["street","gate"]},
"after":{"id":"1764975600.250000-k3v9qa","camera":"gate_north","frame_time":1764975900.5,"label":"person","sub_label":"Wang","top_score":0.9,"false_positive":false,"start_time":1764975600.25,"end_time":1764975905.75,"score":0.6,"current_zones":[],"entered_zones":["street","gate"],"has_snapshot":true,"has_clip":true,"stationary":false}}`
	vecReview = `{"type":"update","before":{"id":"1764975600.300000-r8m2pz","camera":"gate_north","start_time":1764975600.3,"end_time":null,"severity":"detection","thumb_path":"/media/frigate/clips/review/thumb-gate_north-1764975600.300000-r8m2pz.webp","data":{"detections":["1764975600.250000-k3v9qa"],"objects":["person"],"sub_labels":[],"zones":[],"audio":[]}},
"after":{"id":"1764975600.300000-r8m2pz","camera":"gate_north","start_time":1764975600.3,"end_time":null,"severity":"alert","thumb_path":"/media/frigate/clips/review/thumb-gate_north-1764975600.300000-r8m2pz.webp","data":{"detections":["1764975600.250000-k3v9qa","1764975630.100000-c7d1ee"],"objects":["person","car"],"sub_labels":[],"zones":["gate"],"audio":[]}}}`
	vecReviewEnd = `{"type":"end","before":null,"after":{"id":"1764975600.300000-r8m2pz","camera":"gate_north","start_time":1764975600.3,"end_time":1764975910,"severity":"alert","data":{"detections":["1764975600.250000-k3v9qa"],"objects":["person"],"zones":["gate"]}}}`
)

func utc(sec int64, micro int64) time.Time { return time.Unix(sec, micro*1000).UTC() }

func TestParseEvent(t *testing.T) {
	start := utc(1764975600, 250000)
	cases := []struct {
		name string
		in   string
		want feed.Event
	}{
		{"new: At is the frame time, score the top score", vecNew, feed.Event{
			Source: feed.SourceFrigate, EventID: "1764975600.250000-k3v9qa", Camera: "gate_north", Kind: feed.KindNew,
			Label: "person", Score: 0.83, Zones: []string{}, Start: start, At: utc(1764975601, 500000), HasSnapshot: true}},
		{"update: current zones, stationary, sub_label as [name, score]", vecUpdate, feed.Event{
			Source: feed.SourceFrigate, EventID: "1764975600.250000-k3v9qa", Camera: "gate_north", Kind: feed.KindUpdate,
			Label: "person", Score: 0.9, Zones: []string{"gate"}, Start: start, At: utc(1764975662, 125),
			Stationary: true, HasSnapshot: true, Description: "Wang"}},
		{"end: At and End are end_time; entered zones when no current", vecEnd, feed.Event{
			Source: feed.SourceFrigate, EventID: "1764975600.250000-k3v9qa", Camera: "gate_north", Kind: feed.KindEnd,
			Label: "person", Score: 0.9, Zones: []string{"street", "gate"}, Start: start, At: utc(1764975905, 750000),
			End: utc(1764975905, 750000), HasSnapshot: true, Description: "Wang"}},
		{"no frame_time: At is start_time; score without top_score", `{"type":"new","after":{"id":"a","camera":"c","label":"car","start_time":1764975600.25,"score":0.6}}`,
			feed.Event{Source: feed.SourceFrigate, EventID: "a", Camera: "c", Kind: feed.KindNew, Label: "car", Score: 0.6, Start: start, At: start}},
		{"end without end_time: the last frame time", `{"type":"end","after":{"id":"a","camera":"c","label":"car","start_time":1764975600.25,"frame_time":1764975700}}`,
			feed.Event{Source: feed.SourceFrigate, EventID: "a", Camera: "c", Kind: feed.KindEnd, Label: "car", Start: start, At: utc(1764975700, 0), End: utc(1764975700, 0)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseEvent([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Raw) != c.in {
				t.Errorf("Raw is not the message as received")
			}
			got.Raw = nil
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if got.Start.Location() != time.UTC || got.At.Location() != time.UTC {
				t.Errorf("times not in UTC")
			}
		})
	}
}

func TestParseReview(t *testing.T) {
	start := utc(1764975600, 300000)
	cases := []struct {
		name string
		in   string
		want feed.Event
	}{
		{"update to alert", vecReview, feed.Event{Source: feed.SourceFrigate, EventID: "review:1764975600.300000-r8m2pz",
			Camera: "gate_north", Kind: feed.KindUpdate, Label: "review/alert", Zones: []string{"gate"}, Start: start, At: start,
			Description: "person,car"}},
		{"end", vecReviewEnd, feed.Event{Source: feed.SourceFrigate, EventID: "review:1764975600.300000-r8m2pz",
			Camera: "gate_north", Kind: feed.KindEnd, Label: "review/alert", Zones: []string{"gate"}, Start: start,
			At: utc(1764975910, 0), End: utc(1764975910, 0), Description: "person"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseReview([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			got.Raw = nil
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// badMessages are refused by both parsers, with the error they must wrap.
var badMessages = []struct {
	name string
	in   string
	want error
}{
	{"empty", ``, ErrMalformed},
	{"not JSON", `frigate`, ErrMalformed},
	{"truncated", vecNew[:len(vecNew)/2], ErrMalformed},
	{"trailing garbage", `{"type":"new","after":{"id":"a","camera":"c","start_time":1764975600}}}`, ErrMalformed},
	{"array", `[1,2]`, ErrMalformed},
	{"no type", `{"after":{"id":"a","camera":"c","start_time":1764975600}}`, ErrMalformed},
	{"unknown type", `{"type":"description","after":{"id":"a","camera":"c","start_time":1764975600}}`, ErrUnknownType},
	{"type is a number", `{"type":3,"after":{"id":"a","camera":"c","start_time":1764975600}}`, ErrMalformed},
	{"no after", `{"type":"new","before":{"id":"a","camera":"c","start_time":1764975600}}`, ErrMalformed},
	{"after null", `{"type":"new","after":null}`, ErrMalformed},
	{"no id", `{"type":"new","after":{"camera":"c","start_time":1764975600}}`, ErrMalformed},
	{"no camera", `{"type":"new","after":{"id":"a","start_time":1764975600}}`, ErrMalformed},
	{"camera is a number", `{"type":"new","after":{"id":"a","camera":7,"start_time":1764975600}}`, ErrMalformed},
	{"no start_time", `{"type":"new","after":{"id":"a","camera":"c"}}`, ErrMalformed},
	{"start_time as a string", `{"type":"new","after":{"id":"a","camera":"c","start_time":"1764975600"}}`, ErrMalformed},
	{"start_time in milliseconds", `{"type":"new","after":{"id":"a","camera":"c","start_time":1764975600000}}`, ErrMalformed},
	{"start_time huge", `{"type":"new","after":{"id":"a","camera":"c","start_time":1e300}}`, ErrMalformed},
	{"false positive", `{"type":"update","after":{"id":"a","camera":"c","start_time":1764975600,"false_positive":true}}`, ErrFalsePositive},
	{"end_time negative", `{"type":"end","after":{"id":"a","camera":"c","start_time":1764975600,"end_time":-5}}`, ErrMalformed},
}

func TestParseRefusesBadMessages(t *testing.T) {
	for _, c := range badMessages {
		t.Run(c.name, func(t *testing.T) {
			for name, parse := range map[string]func([]byte) (feed.Event, error){"event": ParseEvent, "review": ParseReview} {
				if name == "review" && c.want == ErrFalsePositive {
					continue // reviews have no false_positive
				}
				_, err := parse([]byte(c.in))
				if !errors.Is(err, c.want) {
					t.Errorf("%s: got %v, want %v", name, err, c.want)
				}
			}
		})
	}
}

func TestParseAvailability(t *testing.T) {
	cases := []struct {
		topic, payload string
		want           Availability
		ok             bool
	}{
		{"frigate/available", "online", Availability{Online: true, Value: "online"}, true},
		{"frigate/available", "offline", Availability{Value: "offline"}, true},
		{"frigate/gate_north/status/detect", "online\n", Availability{Camera: "gate_north", Role: "detect", Online: true, Value: "online"}, true},
		{"frigate/gate_north/status/record", "disabled", Availability{Camera: "gate_north", Role: "record", Value: "disabled"}, true},
		{"site2/gate_north/status/detect", "online", Availability{}, false},
		{"frigate/gate_north/person", "1", Availability{}, false},
		{"frigate//status/detect", "online", Availability{}, false},
		{"frigate/events", "{}", Availability{}, false},
	}
	for _, c := range cases {
		got, ok := ParseAvailability("frigate", c.topic, []byte(c.payload))
		if ok != c.ok || got != c.want {
			t.Errorf("%s %q: got %+v %v, want %+v %v", c.topic, c.payload, got, ok, c.want, c.ok)
		}
	}
}

// FuzzParseEvent: no input panics, and whatever is accepted has the fields
// the Sink relies on.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{vecNew, vecUpdate, vecEnd, vecReview, vecReviewEnd} {
		f.Add([]byte(s))
	}
	for _, c := range badMessages {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (feed.Event, error){ParseEvent, ParseReview} {
			e, err := parse(b)
			if err != nil {
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownType) && !errors.Is(err, ErrFalsePositive) {
					t.Fatalf("error wraps neither sentinel: %v", err)
				}
				continue
			}
			if e.EventID == "" || e.Camera == "" || e.Start.IsZero() || e.At.IsZero() {
				t.Fatalf("accepted an event without id, camera or times: %+v", e)
			}
			if e.Kind == feed.KindEnd && e.End.IsZero() {
				t.Fatalf("an end without End: %+v", e)
			}
		}
	})
}
