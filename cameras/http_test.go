package cameras_test

import (
	"net/http"
	"strings"
	"testing"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

func (f *fixture) server() *webtest.Server {
	srv := webtest.New(f.t, cameras.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	return srv
}

// The HTTP way in: a source token, generic JSON one by one or in a batch;
// bad input is a 4xx problem naming the field; another place's camera is
// unknown to the token.
func TestHTTPIngest(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	in := f.input("XY-01", "gate-1")
	in.Source = feed.SourceHTTP
	f.activeCameraFrom(in, cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	src, err := f.svc.CreateSource(f.ctx, f.a("xueyuan"), cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "门岗分析盒", NodeID: f.estate.ID})
	f.must(err)
	if !strings.HasPrefix(src.Token, "cam_") {
		t.Fatalf("token %q", src.Token)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_sources WHERE token_hash = ?`, src.Token); n != 0 {
		t.Fatal("the token is stored in clear")
	}
	srv := f.server()
	post := func(c *webtest.Client, body string) *webtest.Response {
		return c.Do("POST", "/api/cameras/ingest", strings.NewReader(body), http.Header{"Content-Type": {"application/json"}})
	}
	one := `{"event_id":"h1","camera":"gate-1","kind":"new","label":"person","score":0.8,"zones":["gate"],"start":"2026-12-06T15:00:00Z","at":"2026-12-06T15:00:01Z"}`
	if r := post(srv.Anon(t), one); r.Status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.Status)
	}
	if r := post(srv.Bearer(t, "cam_wrong"), one); r.Status != http.StatusUnauthorized || r.Problem(t).Code != "unauthorized" {
		t.Fatalf("wrong token: %d", r.Status)
	}
	box := srv.Bearer(t, src.Token)
	if r := post(box, one); r.Status != http.StatusAccepted {
		t.Fatalf("one: %d %s", r.Status, r)
	}
	batch := `[{"event_id":"h2","camera":"gate-1","kind":"new","label":"person","zones":["gate"],"at":1796569300.5},
		{"event_id":"h3","camera":"gate-1","kind":"alarm","label":"person","zones":["gate"],"at":"2026-12-06T15:02:00Z"}]`
	if r := post(box, batch); r.Status != http.StatusAccepted {
		t.Fatalf("batch: %d %s", r.Status, r)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_events WHERE source = 'http'`); n != 3 {
		t.Fatalf("stored %d", n)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_alerts`); n != 3 {
		t.Fatalf("alerts %d", n)
	}
	for _, c := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"event_id":"x","camera":"gate-1","kind":"new","score":"high","at":"2026-12-06T15:00:00Z"}`, 400, "score"},
		{`{"event_id":"x","camera":"gate-1","kind":"new","colour":"red","at":"2026-12-06T15:00:00Z"}`, 400, "colour"},
		{`{"event_id":"x","camera":"gate-1","kind":"new","at":"yesterday"}`, 400, "at"},
		{`{"camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"}`, 422, "event_id"},
		{`{"event_id":"x","camera":"gate-1","kind":"appear","at":"2026-12-06T15:00:00Z"}`, 422, "kind"},
		{`[{"event_id":"y","camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"},{"camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"}]`, 422, "[1].event_id"},
		{`[{"event_id":"y","camera":"gate-1","kind":"new","at":"2026-12-06T15:00:00Z"},{"event_id":3}]`, 400, "[1].event_id"},
	} {
		r := post(box, c.body)
		if r.Status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.body, r.Status, c.status, r)
			continue
		}
		p := r.Problem(t)
		if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s: fields %+v, want %s", c.body, p.Errors, c.field)
		}
	}
	if r := post(box, `{"event_id":`); r.Status != http.StatusBadRequest {
		t.Errorf("truncated: %d", r.Status)
	}
	// 吉祥社区's camera is unknown to 荟萃花园南区's token.
	jx, err := f.w.Registry.FindNode(f.ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园"})
	f.must(err)
	other := cameras.CameraInput{Code: "JX-01", Name: "吉祥花园东门", NodeID: jx.ID, Source: feed.SourceHTTP, SourceRef: "jx-gate"}
	_, err = f.svc.CreateCamera(f.ctx, f.a("jixiang"), other)
	f.must(err)
	before := f.svc.SourceCounts(feed.SourceHTTP).Unknown.Load()
	if r := post(box, `{"event_id":"j1","camera":"jx-gate","kind":"new","at":"2026-12-06T15:00:00Z"}`); r.Status != http.StatusAccepted {
		t.Fatalf("other place: %d", r.Status)
	}
	if got := f.svc.SourceCounts(feed.SourceHTTP).Unknown.Load(); got != before+1 {
		t.Errorf("another place's camera not counted unknown: %d", got)
	}
}

// The API: activation refused naming the missing fields; alerts listed,
// filtered and acknowledged; a bad filter names its field.
func TestAPI(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	staff := srv.As(t, f.a("xueyuan"))
	r := staff.JSON("POST", "/api/cameras", f.input("XY-09", "cam9"))
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r)
	}
	var c cameras.Camera
	r.Decode(t, &c)
	r = staff.JSON("POST", "/api/cameras/state/"+itoa(c.ID), map[string]string{"state": "active"})
	if r.Status != http.StatusUnprocessableEntity || len(r.Problem(t).Errors) != 9 {
		t.Fatalf("activation: %d %s", r.Status, r)
	}
	f.raiseNightEntries(1)
	guard := srv.As(t, f.a("guard"))
	var list struct{ Alerts []cameras.Alert }
	guard.Get("/api/cameras/alerts?state=open").Decode(t, &list)
	if len(list.Alerts) != 1 {
		t.Fatalf("alerts %+v", list)
	}
	if r := guard.Get("/api/cameras/alerts?state=shut"); r.Status != 422 || r.Problem(t).Errors[0].Field != "state" {
		t.Errorf("bad state: %d", r.Status)
	}
	r = guard.JSON("POST", "/api/cameras/alerts/"+itoa(list.Alerts[0].ID)+"/ack", map[string]string{"note": "已查看"})
	if r.Status != http.StatusOK {
		t.Fatalf("ack: %d %s", r.Status, r)
	}
	if r := guard.JSON("POST", "/api/cameras/alerts/"+itoa(list.Alerts[0].ID)+"/ack", map[string]string{}); r.Status != http.StatusConflict {
		t.Errorf("ack twice: %d", r.Status)
	}
	if r := srv.As(t, f.a("jixiang")).Get("/api/cameras/alerts/" + itoa(list.Alerts[0].ID)); r.Status != http.StatusNotFound {
		t.Errorf("other community: %d", r.Status)
	}
	var counts struct{ Sources []cameras.CountsView }
	guard.Get("/api/cameras/counts").Decode(t, &counts)
	if len(counts.Sources) != 3 || counts.Sources[0].Accepted != 1 {
		t.Errorf("counts %+v", counts)
	}
}

// Frigate-shaped JSON over HTTP (?format=frigate): a frigate/events
// message reaches the camera by its Frigate name (Source frigate), an
// unreadable one is a 422 naming it; a source created with a given token
// (the demo's) takes it.
func TestHTTPIngestFrigate(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	if _, err := f.svc.CreateSource(f.ctx, f.a("xueyuan"), cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "盒子", NodeID: f.estate.ID, Token: "short"}); fields(err)["token"] == false {
		t.Errorf("a short given token: %v", err)
	}
	src, err := f.svc.CreateSource(f.ctx, f.a("xueyuan"), cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "盒子", NodeID: f.estate.ID, Token: "cam_given_token_for_the_demo"})
	f.must(err)
	if src.Token != "cam_given_token_for_the_demo" {
		t.Fatalf("token %q", src.Token)
	}
	box := f.server().Bearer(t, src.Token)
	post := func(body string) *webtest.Response {
		return box.Do("POST", "/api/cameras/ingest?format=frigate", strings.NewReader(body), http.Header{"Content-Type": {"application/json"}})
	}
	msg := `{"type":"new","before":{},"after":{"id":"1796569200.5-abc","camera":"south_gate","label":"person","score":0.8,"top_score":0.8,
		"start_time":1796569200.5,"frame_time":1796569201.0,"current_zones":["gate"],"entered_zones":["gate"]}}`
	if r := post(msg); r.Status != http.StatusAccepted {
		t.Fatalf("frigate: %d %s", r.Status, r)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_events WHERE source = 'frigate' AND event_id = '1796569200.5-abc'`); n != 1 {
		t.Fatalf("stored %d", n)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_alerts`); n != 1 {
		t.Errorf("alerts %d", n)
	}
	if r := post(`{"type":"new","after":{"camera":"south_gate"}}`); r.Status != http.StatusUnprocessableEntity || r.Problem(t).Errors[0].Field != "body" {
		t.Errorf("unreadable: %d %s", r.Status, r)
	}
	if r := post(`[` + msg + `,{"type":"gone"}]`); r.Status != http.StatusUnprocessableEntity || r.Problem(t).Errors[0].Field != "[1]" {
		t.Errorf("batch with a bad one: %d %s", r.Status, r)
	}
}
