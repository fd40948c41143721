package cameras_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/capability"
	"linli/outbox"
	"linli/storage"
	"linli/storage/storagetest"
)

// restart stops the service (as the wiring does at shutdown) and builds a
// new one on the same database, as a restarted process would.
func (f *fixture) restart() {
	f.t.Helper()
	f.svc.Stop()
	w := f.w
	f.svc = cameras.New(capability.Deps{DB: f.db, Clock: w.Clock, Zone: w.Zone, Calendar: w.Cases.WorkingCalendar, Links: w.Links,
		Registry: w.Registry, Auth: w.Auth, Cases: w.Cases}, f.hub)
	f.t.Cleanup(f.svc.Stop)
}

// robot is a WeCom group robot: it records the texts it is sent.
type robot struct {
	mu    sync.Mutex
	texts []string
}

func (rb *robot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &m); err != nil || m.MsgType != "text" {
		io.WriteString(w, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	}
	rb.mu.Lock()
	rb.texts = append(rb.texts, m.Text.Content)
	rb.mu.Unlock()
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (rb *robot) got() []string {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return append([]string(nil), rb.texts...)
}

// An alert of a rule that asks for WeCom is written to the outbox in the
// alert's transaction; the worker delivers it to the community's robot (a
// real HTTP server here) with the camera, the place, the rule, the time
// and the label, in Chinese and English. A rule without notify sends
// nothing and leaves no pending row.
func TestAlertNotifiesGroupRobot(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rb := &robot{}
		srv := httptest.NewServer(rb)
		t.Cleanup(srv.Close)
		community, err := f.w.Registry.FindNode(f.ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区"})
		f.must(err)
		f.must(db.InTx(f.ctx, func(tx *storage.Tx) error {
			_, err := tx.Insert(f.ctx, `INSERT INTO outbox_channels (node_id, kind, name, url, secret, enabled, created_at, updated_at)
				VALUES (?, 'wecom', '学苑社区保安群', ?, '', 1, 0, 0)`, community.ID, srv.URL+"/cgi-bin/webhook/send?key=k-123")
			return err
		}))
		night := cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true, Notify: []string{"wecom"}}
		c := f.activeCamera("XY-N1", "north_gate", night)
		quiet := f.activeCamera("XY-N2", "east_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		rules, err := f.svc.Rules(f.ctx, f.a("xueyuan"), c.ID)
		f.must(err)
		if len(rules) != 1 || len(rules[0].Notify) != 1 || rules[0].Notify[0] != "wecom" {
			t.Fatalf("rules %+v", rules)
		}
		at := t0.Add(10 * time.Minute)
		f.must(f.svc.Events(f.ctx, []feed.Event{event("east_gate", "q1", feed.KindNew, at, at, "gate")}))
		if n := f.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
			t.Fatalf("a rule without notify enqueued %d messages", n)
		}
		f.must(f.svc.Events(f.ctx, []feed.Event{event("north_gate", "n1", feed.KindNew, at, at, "gate")}))
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, c.ID); n != 1 {
			t.Fatalf("%d alerts", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, quiet.ID); n != 1 {
			t.Fatalf("%d alerts of the quiet camera", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM outbox WHERE channel = 'wecom' AND kind = 'camera_alert' AND status = 'pending'`); n != 1 {
			t.Fatalf("%d pending wecom rows", n)
		}
		w := &outbox.Worker{DB: db, Clock: f.w.Clock, Nodes: f.w.Registry, Client: &http.Client{Timeout: 5 * time.Second},
			Rand: func() float64 { return 0.5 }, Name: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if _, err := w.RunDue(f.ctx); err != nil {
			t.Fatal(err)
		}
		got := rb.got()
		if len(got) != 1 {
			t.Fatalf("the robot got %d messages: %q", len(got), got)
		}
		for _, want := range []string{"门岗告警", "夜间进入", "南门XY-N1", "荟萃花园南区", "gate", "人员", "Object: Person", "2026-12-06 23:10:00",
			"Gate camera alert", "Night entry", "Camera: 南门XY-N1 (荟萃花园南区)", "Zone: gate"} {
			if !strings.Contains(got[0], want) {
				t.Errorf("message lacks %q:\n%s", want, got[0])
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM outbox WHERE status = 'sent'`); n != 1 {
			t.Errorf("%d sent rows", n)
		}
	})
}

// A rule's notify list takes only the group robots, by name.
func TestRuleNotifyValidated(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.activeCamera("XY-V1", "v_gate")
		_, err := f.svc.SaveRule(f.ctx, f.a("xueyuan"), c.ID, cameras.Rule{Kind: cameras.NightEntry, Enabled: true, Notify: []string{"sms"}})
		if !fields(err)["notify"] {
			t.Fatalf("sms accepted: %v", err)
		}
		r, err := f.svc.SaveRule(f.ctx, f.a("xueyuan"), c.ID, cameras.Rule{Kind: cameras.NightEntry, Enabled: true, Notify: []string{"dingtalk", "wecom", "wecom"}})
		f.must(err)
		if strings.Join(r.Notify, ",") != "wecom,dingtalk" {
			t.Errorf("notify %v", r.Notify)
		}
		r.Notify = nil
		r, err = f.svc.SaveRule(f.ctx, f.a("xueyuan"), c.ID, r)
		f.must(err)
		if r.Notify == nil || len(r.Notify) != 0 {
			t.Errorf("cleared notify %#v", r.Notify)
		}
	})
}

// The Sink's counts are stored with the events: a new service on the same
// database (a restart) shows the same counts.
func TestCountsSurviveRestart(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.activeCamera("XY-C1", "c_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		draft, err := f.svc.CreateCamera(f.ctx, f.a("xueyuan"), f.input("XY-C2", "c_draft"))
		f.must(err)
		at := t0.Add(time.Minute)
		e1 := event("c_gate", "e1", feed.KindNew, at, at, "gate")
		e2 := event("c_gate", "e1", feed.KindUpdate, at, at.Add(5*time.Second), "gate")
		e3 := event("c_gate", "e2", feed.KindNew, at, at, "road")
		f.must(f.svc.Events(f.ctx, []feed.Event{e1, e2, e3}))
		f.must(f.svc.Event(f.ctx, e1))                                                          // late: older than the stored update
		f.must(f.svc.Event(f.ctx, e2))                                                          // the same again
		f.must(f.svc.Event(f.ctx, event("nowhere", "u1", feed.KindNew, at, at)))                // unknown camera
		f.must(f.svc.Events(f.ctx, []feed.Event{event("c_draft", "d1", feed.KindNew, at, at)})) // not active
		want := cameras.CountsView{Source: feed.SourceFrigate, Accepted: 3, Duplicate: 1, OutOfOrder: 1, Unknown: 1, Inactive: 1, Alerts: 1}
		check := func(when string) {
			t.Helper()
			cs, err := f.svc.CountsAll(f.ctx, f.a("guard"))
			f.must(err)
			if len(cs) != 3 || cs[0] != want {
				t.Errorf("%s: counts %+v, want %+v", when, cs, want)
			}
			if cs[1].Accepted != 0 || cs[2].Accepted != 0 {
				t.Errorf("%s: other sources %+v", when, cs[1:])
			}
		}
		check("before the restart")
		f.restart()
		check("after the restart")
		// The API and the page show the same.
		srv := f.server()
		var got struct{ Sources []cameras.CountsView }
		srv.As(t, f.a("guard")).Get("/api/cameras/counts").Decode(t, &got)
		if len(got.Sources) != 3 || got.Sources[0] != want {
			t.Errorf("API counts %+v", got.Sources)
		}
		page := srv.As(t, f.a("guard")).Get("/cameras").String()
		if i := strings.Index(page, `data-source="frigate"`); i < 0 || !strings.Contains(page[i:], `data-test="unknown">1<`) ||
			!strings.Contains(page[i:], `<td data-label="已接收">3</td><td data-label="重复">1</td>`) {
			t.Errorf("the page's counts:\n%s", page)
		}
		c, err := f.svc.Camera(f.ctx, f.a("xueyuan"), draft.ID)
		f.must(err)
		if c.Dropped != 1 {
			t.Errorf("dropped of the draft camera %d", c.Dropped)
		}
		// And they go on from there.
		f.must(f.svc.Event(f.ctx, event("c_gate", "e3", feed.KindNew, at.Add(time.Hour), at.Add(time.Hour), "road")))
		want.Accepted++
		check("after one more")
	})
}

// The rules' memory is saved at Stop and read back at start: an object
// that entered the zone before the restart raises its loitering alert N
// seconds after it entered the zone (not after it was first seen), and
// one whose alert was raised before the restart is not alerted again.
func TestRulesMemorySurvivesRestart(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		loiter := cameras.Rule{Kind: cameras.Loiter, Zone: "gate", Seconds: 60, Cooldown: 60, Enabled: true}
		c := f.activeCamera("XY-R1", "r_gate", loiter)
		s := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
		ev := func(id string, kind feed.Kind, start, at int, zones ...string) feed.Event {
			return event("r_gate", id, kind, s(start), s(at), zones...)
		}
		alerts := func() int { return f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, c.ID) }
		// B loiters and is alerted at 70 s; A is seen at 80 s and steps
		// into the zone at 90 s.
		f.must(f.svc.Events(f.ctx, []feed.Event{ev("b", feed.KindNew, 0, 0, "gate"), ev("b", feed.KindUpdate, 0, 70, "gate"),
			ev("a", feed.KindNew, 80, 80), ev("a", feed.KindUpdate, 80, 90, "gate")}))
		if alerts() != 1 {
			t.Fatalf("%d alerts before the restart", alerts())
		}
		f.restart()
		f.must(f.svc.Event(f.ctx, ev("b", feed.KindUpdate, 0, 140, "gate")))
		if alerts() != 1 {
			t.Fatalf("B was alerted again after the restart (%d alerts)", alerts())
		}
		f.must(f.svc.Event(f.ctx, ev("a", feed.KindUpdate, 80, 145, "gate")))
		if alerts() != 1 {
			t.Fatalf("A alerted 55 s after it entered the zone (%d alerts)", alerts())
		}
		f.must(f.svc.Event(f.ctx, ev("a", feed.KindUpdate, 80, 150, "gate")))
		if alerts() != 2 {
			t.Fatalf("A not alerted 60 s after it entered the zone (%d alerts)", alerts())
		}
	})
}

// The memory is also saved with the events once a minute, so a process
// that dies without Stop loses at most that.
func TestRulesMemorySavedWithEvents(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.activeCamera("XY-S1", "s_gate", cameras.Rule{Kind: cameras.Loiter, Zone: "gate", Seconds: 60, Enabled: true})
		f.must(f.svc.Event(f.ctx, event("s_gate", "a", feed.KindNew, t0, t0, "gate")))
		if n := f.count(`SELECT COUNT(*) FROM camera_tracks WHERE camera_id = ?`, c.ID); n != 0 {
			t.Fatalf("saved within the minute (%d)", n)
		}
		f.w.Clock.Advance(time.Minute)
		f.must(f.svc.Event(f.ctx, event("s_gate", "a", feed.KindUpdate, t0, t0.Add(10*time.Second), "gate")))
		var state string
		f.must(db.QueryRow(f.ctx, `SELECT state FROM camera_tracks WHERE camera_id = ?`, c.ID).Scan(&state))
		if !strings.Contains(state, `"a"`) || !strings.Contains(state, `"gate"`) {
			t.Errorf("state %s", state)
		}
	})
}

// The rule form offers the group robots: a rule added with WeCom ticked
// keeps it and the list says so, in both languages; a channel that is not
// a robot is refused beside the field, with the ticked boxes kept.
func TestRuleFormNotify(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	staff := srv.As(t, f.a("xueyuan"))
	c := f.activeCamera("XY-F1", "f_gate")
	loc := "/cameras/" + itoa(c.ID)
	page := staff.Get(loc).String()
	if !strings.Contains(page, `name="notify" value="wecom"`) || !strings.Contains(page, `name="notify" value="dingtalk"`) {
		t.Fatalf("the rule form has no notify boxes:\n%s", page)
	}
	bad := staff.PostForm(loc+"/rules", url.Values{"kind": {"night_entry"}, "zone": {"gate"}, "from": {"22:00"}, "to": {"06:00"}, "notify": {"dingtalk", "sms"}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.String(), `data-test="err-notify"`) ||
		!strings.Contains(bad.String(), `value="dingtalk" checked`) {
		t.Fatalf("bad notify: %d\n%s", bad.Status, bad)
	}
	if r := staff.PostForm(loc+"/rules", url.Values{"kind": {"night_entry"}, "zone": {"gate"}, "from": {"22:00"}, "to": {"06:00"}, "notify": {"wecom"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rule: %d %s", r.Status, r)
	}
	rules, err := f.svc.Rules(f.ctx, f.a("xueyuan"), c.ID)
	f.must(err)
	if len(rules) != 1 || strings.Join(rules[0].Notify, ",") != "wecom" {
		t.Fatalf("rules %+v", rules)
	}
	if !strings.Contains(staff.Get(loc).String(), "通知 企业微信群") || !strings.Contains(staff.English().Get(loc).String(), "Notify WeCom group") {
		t.Error("the rule's notify is not shown")
	}
	if u := srv.Untranslated(); len(u) > 0 {
		t.Errorf("untranslated: %q", u)
	}
}

// An offline rule's alert goes to its robots too.
func TestOfflineAlertNotifies(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.activeCamera("XY-O1", "o_gate", cameras.Rule{Kind: cameras.Offline, Seconds: 600, Enabled: true, Notify: []string{"dingtalk"}})
		f.must(f.svc.Heartbeat(f.ctx, feed.Heartbeat{Source: feed.SourceFrigate, Camera: "o_gate", At: f.w.Clock.Now()}))
		f.w.Clock.Advance(601 * time.Second)
		f.must(db.InTx(f.ctx, func(tx *storage.Tx) error { return f.svc.CheckOffline(f.ctx, tx) }))
		var text string
		f.must(db.QueryRow(f.ctx, `SELECT payload FROM outbox WHERE channel = 'dingtalk' AND kind = 'camera_alert'`).Scan(&text))
		if !strings.Contains(text, "摄像头离线") || !strings.Contains(text, "Camera offline") || !strings.Contains(text, "南门XY-O1") {
			t.Errorf("payload %s", text)
		}
	})
}
