package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"linli/live"
	"linli/storage"
)

// Several `linli serve` processes of the built binary on one PostgreSQL
// (README "Running several replicas"): what is made on one is valid on
// the other, a change on one is seen on the other at once (not after a
// cache's TTL), a live event published on one reaches a stream on the
// other, one killed with SIGKILL under load loses nothing acknowledged
// while the other carries on, and both come back by themselves when
// PostgreSQL restarts. PostgreSQL only (LINLI_TEST_POSTGRES; strict mode
// fails without it); skipped with -short.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	db, dsn := demoPostgresDSN(t)
	if db == nil {
		return
	}
	bin := buildLinli(t)
	a, b := startReplica(t, bin, dsn), startReplica(t, bin, dsn)

	t.Run("sessions and tokens", func(t *testing.T) {
		c := newReplicaClient(t)
		c.login(a, "grid1")
		var me struct {
			Username string `json:"username"`
		}
		if st := c.json(b, "GET", "/api/me", nil, &me); st != 200 || me.Username != "grid1" {
			t.Fatalf("session of A on B: %d %+v", st, me)
		}
		tokID, tok := c.newToken(a, "两个副本")
		bearer := newReplicaClient(t)
		bearer.token = tok
		if st := bearer.json(b, "GET", "/api/me", nil, &me); st != 200 || me.Username != "grid1" {
			t.Fatalf("token of A on B: %d", st)
		}
		// B has the token's actor in its cache now (tokenTTL, 2 s); A
		// revokes it, and B refuses it as soon as it hears A's signal.
		if st := c.json(a, "DELETE", fmt.Sprintf("/api/tokens/%d", tokID), nil, nil); st != 204 && st != 200 {
			t.Fatalf("revoke on A: %d", st)
		}
		soon(t, "token revoked on A refused on B", func() bool { return bearer.json(b, "GET", "/api/me", nil, nil) == 401 })
	})

	t.Run("category change seen at once", func(t *testing.T) {
		staff, street := newReplicaClient(t), newReplicaClient(t)
		staff.login(b, "xueyuan")
		street.login(a, "street")
		report := map[string]any{"category": "noise", "title": "夜间噪声", "location_id": 7, "source": "hotline", "reporter_name": "来电人"}
		if st := staff.json(b, "POST", "/api/cases", report, nil); st != 201 {
			t.Fatalf("report on B: %d", st) // B caches the category now (5 s)
		}
		var list struct {
			Categories []struct {
				ID   int64  `json:"id"`
				Code string `json:"code"`
			} `json:"categories"`
		}
		street.json(a, "GET", "/api/categories", nil, &list)
		var noise int64
		for _, c := range list.Categories {
			if c.Code == "noise" {
				noise = c.ID
			}
		}
		off := false
		in := map[string]any{"name": "噪声扰民", "name_en": "Noise", "route": "grid", "response_limit": "2wh", "resolve_limit": "1wd",
			"ack_limit": "15m", "escalation": []string{"community"}, "priority": "normal", "active": &off}
		if st := street.json(a, "PUT", fmt.Sprintf("/api/categories/%d", noise), in, nil); st != 200 {
			t.Fatalf("deactivate on A: %d", st)
		}
		soon(t, "a report of the category A deactivated refused on B", func() bool { return staff.json(b, "POST", "/api/cases", report, nil) == 422 })
	})

	t.Run("live event from A on a stream of B", func(t *testing.T) {
		guard, staff := newReplicaClient(t), newReplicaClient(t)
		guard.login(b, "ydguard")
		staff.login(a, "lindao")
		var alerts struct {
			Alerts []struct {
				ID int64 `json:"id"`
			} `json:"alerts"`
		}
		if st := staff.json(a, "GET", "/api/cameras/alerts?state=open&state=acknowledged", nil, &alerts); st != 200 || len(alerts.Alerts) == 0 {
			t.Fatalf("open alerts on A: %d, %d", st, len(alerts.Alerts))
		}
		id := alerts.Alerts[0].ID
		events := guard.stream(t, b, "/api/cameras/stream")
		start := time.Now()
		// Closing answers for an open alert and an acknowledged one alike.
		if st := staff.json(a, "POST", fmt.Sprintf("/api/cameras/alerts/%d/close", id), map[string]string{"outcome": "handled", "note": "已处理"}, nil); st != 200 {
			t.Fatalf("close on A: %d", st)
		}
		select {
		case e := <-events:
			var ch struct {
				What  string `json:"what"`
				Alert struct {
					ID int64 `json:"id"`
				} `json:"alert"`
			}
			if err := json.Unmarshal([]byte(e.data), &ch); err != nil || e.typ != "alert-update" || ch.Alert.ID != id || ch.What != "handled" {
				t.Fatalf("B's stream got %+v", e)
			}
			t.Logf("acknowledged on A, on B's stream %v later", time.Since(start))
		case <-time.After(10 * time.Second):
			t.Fatal("no event on B's stream 10 s after the change on A")
		}
	})

	t.Run("SIGKILL under load", func(t *testing.T) {
		// A third replica, to be killed; B carries on.
		c := startReplica(t, bin, dsn)
		load := startCreationLoad(t, []*replica{c, b}, 4)
		load.waitAcked(t, c, 100)
		c.gone.Store(true)
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = c.cmd.Wait()
		killedAt := load.ackedOn(b)
		load.waitAcked(t, b, killedAt+100) // B carries on
		acked := load.stop()
		checkAcknowledged(t, db, acked)
		t.Logf("%d cases acknowledged (%d by the killed replica), all present with their timelines", len(acked), load.ackedOn(c))
	})
}

// TestReplicasSurvivePostgresRestart restarts a private PostgreSQL (not
// the shared test server: initdb into a temporary directory, a postmaster
// on a free loopback port) under a creation load on two replicas: both
// answer /readyz red while it is down and green again within 5 s of its
// being back, by themselves, and hear each other again.
func TestReplicasSurvivePostgresRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	_, demoDSN := demoPostgresDSN(t)
	if demoDSN == "" {
		return
	}
	pg := startPrivatePostgres(t)
	dsn := pg.load(t, demoDSN)
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bin := buildLinli(t)
	a, b := startReplica(t, bin, dsn), startReplica(t, bin, dsn)
	load := startCreationLoad(t, []*replica{a, b}, 2)
	load.waitAcked(t, a, 20)
	load.waitAcked(t, b, 20)

	type watch struct {
		mu         sync.Mutex
		red, green time.Time // first red; first green after it
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	watches := map[*replica]*watch{a: {}, b: {}}
	for r, w := range watches {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(25 * time.Millisecond):
				}
				ok := r.ready()
				w.mu.Lock()
				if !ok && w.red.IsZero() {
					w.red = time.Now()
				}
				if ok && !w.red.IsZero() && w.green.IsZero() {
					w.green = time.Now()
				}
				w.mu.Unlock()
			}
		})
	}
	pg.ctl(t, "stop", "-m", "fast")
	time.Sleep(time.Second) // down long enough for every replica to notice
	pg.ctl(t, "start")
	back := time.Now()
	deadline := back.Add(15 * time.Second)
	for {
		allGreen := true
		for _, w := range watches {
			w.mu.Lock()
			allGreen = allGreen && !w.green.IsZero()
			w.mu.Unlock()
		}
		if allGreen || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	for r, w := range watches {
		if w.red.IsZero() {
			t.Errorf("%s: /readyz never went red while PostgreSQL was down", r.url)
			continue
		}
		if w.green.IsZero() || w.green.Sub(back) > 5*time.Second {
			t.Errorf("%s: /readyz not green within 5 s of PostgreSQL being back (green %v after)", r.url, w.green.Sub(back))
			continue
		}
		t.Logf("%s: red, then green %v after PostgreSQL was back", r.url, w.green.Sub(back).Round(time.Millisecond))
	}
	// The load goes on on both, and they hear each other again.
	la, lb := load.ackedOn(a), load.ackedOn(b)
	load.waitAcked(t, a, la+20)
	load.waitAcked(t, b, lb+20)
	checkAcknowledged(t, db, load.stop())

	c := newReplicaClient(t)
	c.login(a, "grid1")
	tokID, tok := c.newToken(a, "重启之后")
	bearer := newReplicaClient(t)
	bearer.token = tok
	if st := bearer.json(b, "GET", "/api/me", nil, nil); st != 200 {
		t.Fatalf("token of A on B: %d", st)
	}
	c.json(a, "DELETE", fmt.Sprintf("/api/tokens/%d", tokID), nil, nil)
	soon(t, "after the restart, a token revoked on A refused on B", func() bool { return bearer.json(b, "GET", "/api/me", nil, nil) == 401 })
}

// TestReplicasRunEachTimerOnce: two replicas (two Mains in this process,
// each with its own pool on one PostgreSQL and a fake clock) run the due
// timers at the same moment — every deadline of the demo's open cases
// passed at once — and each timer's effect is written once: no case gets
// two "overdue" or two "warning" entries.
func TestReplicasRunEachTimerOnce(t *testing.T) {
	db, dsn := demoPostgresDSN(t)
	if db == nil {
		return
	}
	ctx := context.Background()
	other, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var mains [2]*Main
	for i, d := range []*storage.DB{db, other} {
		m, clock := newTestMain(t, d)
		if err := m.Open(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(60 * 24 * time.Hour)
		mains[i] = m
	}
	var before int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE action IN ('overdue', 'warning')`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ran := make([]int, 4)
	errs := make([]error, 4)
	for i := range ran {
		wg.Go(func() {
			for {
				n, err := mains[i%2].Jobs.RunDue(ctx)
				ran[i] += n
				if err != nil || n == 0 {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("runner %d: %v", i, err)
		}
	}
	var after int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE action IN ('overdue', 'warning')`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Fatalf("no deadline passed: the test would prove nothing (ran %v)", ran)
	}
	var twice int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT case_id, action FROM case_events WHERE action IN ('overdue', 'warning')
		GROUP BY case_id, action HAVING COUNT(*) > 1) d`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Fatalf("%d (case, overdue|warning) pairs written more than once", twice)
	}
	t.Logf("timers run by the four runners of two replicas: %v; %d deadline entries written", ran, after-before)
}

// BenchmarkReplicaLiveEvent times a live event from the hub of one
// replica to a guard's board stream served by another (two Mains in this
// process on one PostgreSQL, each with its listener; the event relayed
// through NOTIFY), from Publish to the frame read by the client. Reports
// the median and the 99th percentile.
func BenchmarkReplicaLiveEvent(b *testing.B) {
	db, dsn := demoPostgresDSN(b)
	if db == nil {
		return
	}
	ctx := context.Background()
	other, err := storage.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	var mains [2]*Main
	for i, d := range []*storage.DB{db, other} {
		m, _ := newTestMain(b, d)
		m.Config.DB = dsn // so it listens
		if err := m.Open(ctx); err != nil {
			b.Fatal(err)
		}
		if err := m.Listen(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		mains[i] = m
	}
	for _, m := range mains {
		for !m.signals.Up() {
			time.Sleep(5 * time.Millisecond)
		}
	}
	s := &testServer{Main: mains[1], URL: mains[1].URL()}
	guard := s.login(b, "ydguard")
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/cameras/stream", nil)
	res, err := guard.http.Do(req)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("stream: %v %v", err, res)
	}
	defer res.Body.Close()
	ids := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				ids <- id
			}
		}
	}()
	next := int64(1_000_000_000)
	// across: published on A, streamed by B; same: published on B, the
	// baseline of one replica in the same run.
	for _, bc := range []struct {
		name string
		on   *Main
	}{{"across", mains[0]}, {"same", mains[1]}} {
		b.Run(bc.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			for range b.N {
				next++
				start := time.Now()
				bc.on.Live.Publish(live.Event{ID: next, Topic: "camera/1", Type: "alert", Data: []byte(`{"bench":true}`)})
				select {
				case got := <-ids:
					if got != fmt.Sprint(next) {
						b.Fatalf("got id %s, want %d", got, next)
					}
				case <-time.After(10 * time.Second):
					b.Fatal("no event on the stream in 10 s")
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
		})
	}
}
