package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
)

func TestFailurePaths(t *testing.T) {
	cases := []struct {
		name  string
		reply func(w http.ResponseWriter, r *http.Request, b []byte)
		err   string
	}{
		{"5xx", func(w http.ResponseWriter, r *http.Request, b []byte) { w.WriteHeader(503) }, "HTTP 503"},
		{"malformed", func(w http.ResponseWriter, r *http.Request, b []byte) { io.WriteString(w, "<html>gateway</html>") }, "malformed answer"},
		{"timeout", func(w http.ResponseWriter, r *http.Request, b []byte) { <-r.Context().Done() }, "Timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := storagetest.SQLite(t)
			clock := linli.NewFakeClock(t0)
			rc := &receiver{reply: c.reply}
			srv := serve(t, rc)
			addChannel(t, db, 0, WeCom, "群", srv.URL+"/send?key=k-secret-1", "")
			w := newWorker(db, clock, Settings{})
			w.Client = &http.Client{Timeout: 100 * time.Millisecond}
			w.MaxAttempts = 3
			id := enqueue(t, db, t0, Message{Channel: WeCom, Text: "x"})
			runDue(t, w)
			s := stateOf(t, db, id)
			// First backoff: 30 s with jitter 0.5 → 15 s + 7.5 s.
			if s.Status != Pending || s.Attempts != 1 || !s.NextAt.Equal(t0.Add(22500*time.Millisecond)) || !strings.Contains(s.LastError, c.err) {
				t.Fatalf("after one try: %+v", s)
			}
			if strings.Contains(s.LastError, "k-secret-1") {
				t.Fatalf("key leaked: %s", s.LastError)
			}
			runDue(t, w) // not due yet
			if rc.count() != 1 {
				t.Fatalf("%d tries before the backoff ended", rc.count())
			}
			clock.Advance(23 * time.Second)
			runDue(t, w)
			clock.Advance(time.Minute)
			runDue(t, w)
			if s := stateOf(t, db, id); s.Status != Dead || s.Attempts != 3 || rc.count() != 3 {
				t.Fatalf("after 3 tries: %+v, %d requests", s, rc.count())
			}
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	base, limit := 30*time.Second, time.Hour
	if got := backoff(1, base, limit, 0); got != 15*time.Second {
		t.Errorf("1st, no jitter: %v", got)
	}
	if got := backoff(3, base, limit, 0.999); got <= 119*time.Second || got > 120*time.Second {
		t.Errorf("3rd, most jitter: %v", got)
	}
	if got := backoff(20, base, limit, 1); got != time.Hour {
		t.Errorf("capped: %v", got)
	}
}

// A channel down for an hour of fake time: nothing lost, no later message
// overtakes an earlier one to the same recipient, all delivered once it is
// back; another recipient is not held up meanwhile.
func TestChannelDownForAnHour(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		down := true
		var order []string
		rc := &receiver{}
		rc.reply = func(w http.ResponseWriter, r *http.Request, b []byte) {
			if down && strings.Contains(r.URL.Path, "/a") {
				w.WriteHeader(502)
				return
			}
			var wb WebhookBody
			json.Unmarshal(b, &wb)
			order = append(order, r.URL.Path+" "+wb.Text)
			w.WriteHeader(200)
		}
		srv := serve(t, rc)
		addChannel(t, db, 0, Webhook, "a", srv.URL+"/a", "k")
		addChannel(t, db, 0, Webhook, "b", srv.URL+"/b", "k")
		w := newWorker(db, clock, Settings{})
		w.MaxAttempts = 20
		var ids []int64
		for i := range 5 {
			ids = append(ids, enqueue(t, db, clock.Now(), Message{Channel: Webhook, To: "a", Text: fmt.Sprint("a", i)}))
		}
		runDue(t, w)
		for i := range 3 {
			enqueue(t, db, clock.Now(), Message{Channel: Webhook, To: "b", Text: fmt.Sprint("b", i)})
		}
		for clock.Now().Before(t0.Add(time.Hour)) {
			clock.Advance(time.Minute)
			runDue(t, w)
			enqueue(t, db, clock.Now(), Message{Channel: Webhook, To: "a", Text: fmt.Sprint("a-", clock.Now().Sub(t0).Minutes())})
		}
		if len(order) != 3 || order[0] != "/b b0" || order[2] != "/b b2" {
			t.Fatalf("while a is down: %v", order)
		}
		if s := stateOf(t, db, ids[1]); s.Attempts != 0 || s.Status != Pending {
			t.Fatalf("a later row was tried while the first waits: %+v", s)
		}
		down = false
		clock.Advance(2 * time.Hour)
		runDue(t, w)
		var a []string
		for _, o := range order[3:] {
			a = append(a, strings.TrimPrefix(o, "/a "))
		}
		if len(a) != 5+60 || a[0] != "a0" || a[4] != "a4" || a[5] != "a-1" || a[64] != "a-60" {
			t.Fatalf("after it came back: %d messages, %v", len(a), a)
		}
		var pending int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`).Scan(&pending)
		if pending != 0 {
			t.Fatalf("%d rows not sent", pending)
		}
	})
}

func TestNoChannelStaysPendingAndVisible(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	w := newWorker(db, clock, Settings{})
	sms := enqueue(t, db, t0, Message{Channel: SMS, To: "13800000001", Text: "验证码 123456"})
	robot := enqueue(t, db, t0, Message{Channel: WeCom, NodeID: 3, Text: "预警"})
	if n := runDue(t, w); n != 0 {
		t.Fatalf("sent %d with no channel", n)
	}
	for _, id := range []int64{sms, robot} {
		s := stateOf(t, db, id)
		if s.Status != Pending || s.Attempts != 0 || s.LastError == "" {
			t.Fatalf("row %d: %+v", id, s)
		}
	}
	if s := stateOf(t, db, sms); s.LastError != "no SMS channel configured" {
		t.Fatalf("%q", s.LastError)
	}
	// Configured later: the backlog goes out.
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) {}}
	srv := serve(t, rc)
	w.Settings.SMS = &SMSGateway{URL: srv.URL, Body: `{"p":"{{phone}}","t":"{{text}}"}`}
	clock.Advance(5 * time.Minute)
	runDue(t, w)
	if stateOf(t, db, sms).Status != Sent {
		t.Fatal("not sent once configured")
	}
}

func TestNotifyGoesToTheAccountsPhone(t *testing.T) {
	db := storagetest.SQLite(t)
	acc, bare := int64(7), int64(8)
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) {}}
	srv := serve(t, rc)
	w := newWorker(db, linli.NewFakeClock(t0), Settings{SMS: &SMSGateway{URL: srv.URL + "/sms?to={{phone}}", Method: "GET"}})
	// auth.Service.AccountPhone in the server.
	w.AccountPhone = func(_ context.Context, id int64) (string, error) {
		return map[int64]string{acc: "13911112222"}[id], nil
	}
	ok := enqueue(t, db, t0, Message{Channel: Notify, AccountID: acc, Text: "您的上报已受理"})
	none := enqueue(t, db, t0, Message{Channel: Notify, AccountID: bare, Text: "您的上报已受理"})
	runDue(t, w)
	if stateOf(t, db, ok).Status != Sent || rc.got[0].URL.Query().Get("to") != "13911112222" {
		t.Fatalf("%+v %v", stateOf(t, db, ok), rc.got)
	}
	if s := stateOf(t, db, none); s.Status != Dead || !strings.Contains(s.LastError, "no phone") {
		t.Fatalf("%+v", s)
	}
}

// A worker that dies after claiming loses nothing: the rows come back
// when its lease runs out, and its late report is ignored.
func TestLeaseExpiryHandsRowsOver(t *testing.T) {
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) {}}
	srv := serve(t, rc)
	addChannel(t, db, 0, Webhook, "x", srv.URL, "")
	id := enqueue(t, db, t0, Message{Channel: Webhook, Text: "x"})
	dead := newWorker(db, clock, Settings{})
	dead.Name = "crashed"
	rows, err := dead.claim(context.Background(), t0, t0.Add(dead.lease()))
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	other := newWorker(db, clock, Settings{})
	if runDue(t, other) != 0 {
		t.Fatal("took a leased row")
	}
	clock.Advance(dead.lease())
	if runDue(t, other) != 1 {
		t.Fatal("the row did not come back after the lease")
	}
	// The crashed worker's late failure report changes nothing.
	if err := dead.record(context.Background(), []outcome{{row: rows[0], err: temporary("late")}}, t0.Add(dead.lease())); err != nil {
		t.Fatal(err)
	}
	if s := stateOf(t, db, id); s.Status != Sent {
		t.Fatalf("%+v", s)
	}
}

// net/http's errors quote the whole URL, and a robot's key is in it: the
// row's last_error and the log show the URL with its key masked.
func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	db := storagetest.SQLite(t)
	srv := serve(t, &receiver{})
	dead := srv.URL
	srv.Close() // connection refused from now on
	addChannel(t, db, 0, WeCom, "群", dead+"/cgi-bin/webhook/send?key=SECRET-KEY-123", "")
	addChannel(t, db, 0, DingTalk, "钉", dead+"/robot/send?access_token=TOKEN-456", "SEC-SIGN-789")
	var logs strings.Builder
	w := newWorker(db, linli.NewFakeClock(t0), Settings{})
	w.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	a := enqueue(t, db, t0, Message{Channel: WeCom, Text: "x"})
	b := enqueue(t, db, t0, Message{Channel: DingTalk, Text: "x"})
	runDue(t, w)
	for _, id := range []int64{a, b} {
		s := stateOf(t, db, id)
		if s.Status != Pending || s.Attempts != 1 || !strings.Contains(s.LastError, "••••") {
			t.Fatalf("%+v", s)
		}
	}
	all := logs.String() + stateOf(t, db, a).LastError + stateOf(t, db, b).LastError
	for _, secret := range []string{"SECRET-KEY-123", "TOKEN-456", "SEC-SIGN-789"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%s leaked: %s", secret, all)
		}
	}
	if !strings.Contains(logs.String(), "will retry") {
		t.Fatalf("nothing logged: %q", logs.String())
	}
}
