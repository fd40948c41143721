package cameras

import (
	"testing"

	"linli"
	"linli/cameras/feed"
	"linli/web/webtest"
)

// ingestSeeds are bodies of the HTTP way in from the handler tests.
var ingestSeeds = []string{
	`{"event_id":"h1","camera":"gate-1","kind":"new","label":"person","score":0.8,"zones":["gate"],"start":"2026-12-06T15:00:00Z","at":"2026-12-06T15:00:01Z"}`,
	`[{"event_id":"h2","camera":"gate-1","kind":"new","label":"person","zones":["gate"],"at":1796569300.5},
		{"event_id":"h3","camera":"gate-1","kind":"alarm","label":"person","zones":["gate"],"at":"2026-12-06T15:02:00Z"}]`,
	`{"event_id":"x","camera":"gate-1","kind":"new","score":"high","at":"2026-12-06T15:00:00Z"}`,
	`{"event_id":"x","camera":"gate-1","kind":"new","colour":"red","at":"2026-12-06T15:00:00Z"}`,
	`{"event_id":"x","camera":"gate-1","kind":"new","at":"yesterday"}`,
	`{"camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"}`,
	`{"event_id":"x","camera":"gate-1","kind":"appear","at":"2026-12-06T15:00:00Z"}`,
	`[{"event_id":"y","camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"},{"camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"}]`,
	`{"type":"new","before":{"id":"1796569800.0-ab12","camera":"south_gate","label":"person","score":0.7,"top_score":0.8,"start_time":1796569800.0,"end_time":null,"current_zones":[],"entered_zones":[]},` +
		`"after":{"id":"1796569800.0-ab12","camera":"south_gate","label":"person","score":0.8,"top_score":0.8,"start_time":1796569800.0,"end_time":null,"frame_time":1796569805.2,"current_zones":["gate"],"entered_zones":["gate"],"stationary":false,"has_snapshot":true}}`,
	`[]`, `[1]`, `1`, `null`, ``, `{"at": -1}`, `{"at": 1e300}`, `{"at": null}`,
}

// FuzzReadIngest: the HTTP way in for analysis boxes (generic JSON and
// Frigate's messages, one or a batch) never panics, refuses with a 400 or
// 422 naming the event and field, and passes on only events that
// checkEvent can judge — its refusals also name their field.
func FuzzReadIngest(f *testing.F) {
	for _, s := range ingestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, read := range []func([]byte) ([]feed.Event, error){readGeneric, readFrigate} {
			es, err := read(body)
			if err != nil {
				webtest.ClientError(t, err, linli.EBadRequest, linli.EInvalid)
				continue
			}
			if len(es) > 1000 {
				t.Fatalf("a batch of %d events", len(es))
			}
			for _, e := range es {
				for _, fe := range checkEvent(e, "[0].") {
					if fe.Field == "[0]." || fe.Reason == "" {
						t.Fatalf("checkEvent: %+v", fe)
					}
				}
			}
		}
	})
}

// FuzzCameraInputs: the JSON bodies of the camera API decode into their
// types or are refused with a 400 naming the field; the types' own rules
// refuse with a 422 naming the field and are stable on their own output.
func FuzzCameraInputs(f *testing.F) {
	for _, s := range []string{
		`{"code":"XY-01","name":"南门","node_id":3,"direction":"进","source":"frigate","source_ref":"south_gate","snapshots":true,"zones":[{"name":"gate"},{"name":" gate "}]}`,
		`{"code":" ","name":"` + "\u00a0" + `","source":"gb28181","source_ref":"34020000001320000001"}`,
		`{"kind":"night_entry","zone":"gate","from_minute":1320,"to_minute":360,"cooldown":60,"enabled":true,"notify":["robot"]}`,
		`{"kind":"loiter","seconds":-1,"count":3,"labels":["person",""]}`,
		`{"purpose":"出入安全","consultation":"meeting:12","retention_days":30}`,
		`{"note":"已处理","outcome":"handled"}`, `{"state":"active"}`,
		`{"kind":"gb28181","name":"门岗","node_id":1,"device_id":"34020000001110000001","secret":"12345678"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *CameraInput) error { return in.validate() })
		webtest.Input(t, body, func(r *Rule) error { return r.validate() })
		webtest.Input(t, body, func(p *Privacy) error { _, err := p.validate(); return err })
		webtest.Input(t, body, func(n *noteInput) error {
			var err error
			n.Note, err = checkNote(n.Note)
			return err
		})
		webtest.Input[SourceInput](t, body, nil)
		webtest.Input[struct {
			State State `json:"state"`
		}](t, body, nil)
	})
}
