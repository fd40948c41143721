package cameras_test

import (
	"net/http"
	"strings"
	"testing"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage/storagetest"
)

// The HTTP way in takes Frigate's own messages (?format=frigate), one or a
// batch, through the parser the MQTT way in uses: stored as Frigate
// events of the camera named in them; a message that is not Frigate's is
// a 422 naming its place in the batch, and nothing of the batch is stored.
func TestHTTPIngestFrigateBatch(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	f.activeCameraFrom(f.input("XY-02", "south_gate"), cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	src, err := f.svc.CreateSource(f.ctx, f.a("xueyuan"), cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "门岗分析盒", NodeID: f.estate.ID})
	f.must(err)
	box := f.server().Bearer(t, src.Token)
	post := func(body string) (int, string) {
		r := box.Do("POST", "/api/cameras/ingest?format=frigate", strings.NewReader(body), http.Header{"Content-Type": {"application/json"}})
		return r.Status, r.String()
	}
	// 2026-12-06 23:10 in Beijing: at night.
	msg := func(id, typ string) string {
		return `{"type":"` + typ + `","before":{"id":"` + id + `","camera":"south_gate","label":"person","score":0.7,"top_score":0.8,"start_time":1796569800.0,"end_time":null,"current_zones":[],"entered_zones":[]},` +
			`"after":{"id":"` + id + `","camera":"south_gate","label":"person","score":0.8,"top_score":0.8,"start_time":1796569800.0,"end_time":null,"frame_time":1796569805.2,"current_zones":["gate"],"entered_zones":["gate"],"stationary":false,"has_snapshot":true}}`
	}
	if st, body := post(msg("1796569800.0-ab12", "new")); st != http.StatusAccepted {
		t.Fatalf("one message: %d %s", st, body)
	}
	if st, body := post(`[` + msg("1796569900.0-cd34", "new") + `,` + msg("1796569900.0-cd34", "update") + `]`); st != http.StatusAccepted {
		t.Fatalf("a batch: %d %s", st, body)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_events WHERE source = ?`, string(feed.SourceFrigate)); n != 2 {
		t.Errorf("Frigate events stored: %d, want 2 (two ids)", n)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_alerts`); n == 0 {
		t.Error("no alert from a person entering the gate zone at night")
	}
	before := f.count(`SELECT COUNT(*) FROM camera_events`)
	st, body := post(`[` + msg("1796570000.0-ef56", "new") + `,{"type":"new","after":{"camera":"south_gate"}}]`)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"[1]"`) {
		t.Errorf("a bad message in a batch: %d %s", st, body)
	}
	if st, _ := post(`{"type":"new","after":{"camera":"south_gate"}}`); st != http.StatusUnprocessableEntity {
		t.Errorf("a message without an id: %d", st)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_events`); n != before {
		t.Errorf("a refused batch stored %d events", n-before)
	}
}
