package main

import (
	"strings"
	"testing"
	"time"
)

// bellState is GET /notifications/unread.
type bellState struct {
	Unread int    `json:"unread"`
	Latest string `json:"latest"`
	URL    string `json:"url"`
}

// bellReport is a hotline call the community staff are told about.
var bellReport = map[string]any{"category": "noise", "title": "铃声测试：夜间噪声", "location_id": 7, "source": "hotline", "reporter_name": "来电人"}

// bellStream opens the account's bell stream on a server at url with the
// cookies of c.
func bellStream(t *testing.T, c *client, url string) <-chan sseEvent {
	t.Helper()
	rc := &replicaClient{t: t, http: c.http}
	return rc.stream(t, &replica{url: url}, "/notifications/live")
}

// waitBell waits for a bell event on events, at most within.
func waitBell(t *testing.T, what string, events <-chan sseEvent, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case e := <-events:
		if e.typ != "bell" {
			t.Fatalf("%s: event %+v, want a bell", what, e)
		}
		return time.Since(start)
	case <-time.After(within):
		t.Fatalf("%s: no bell event within %v", what, within)
	}
	return 0
}

// noBell checks that nothing came on events for a while.
func noBell(t *testing.T, what string, events <-chan sseEvent, wait time.Duration) {
	t.Helper()
	select {
	case e := <-events:
		t.Fatalf("%s: got %+v", what, e)
	case <-time.After(wait):
	}
}

// The bell is live: a notification written for an account rings that
// account's stream, and only that one; reading rings it again; the page
// then reads the new count and the newest notification. Anonymous
// visitors have no bell stream. On both engines.
func TestBellRingsOnlyItsAccount(t *testing.T) {
	eachServer(t, bellRingsOnlyItsAccount)
}

func bellRingsOnlyItsAccount(t *testing.T, s *testServer) {
	staff, guard := s.login(t, "xueyuan"), s.login(t, "ydguard")
	if st, _ := s.anon(t).do("GET", "/notifications/live", nil); st != 401 && st != 303 {
		t.Fatalf("anonymous bell stream: %d", st)
	}
	var before, guardBefore bellState
	staff.json("GET", "/notifications/unread", nil, &before)
	guard.json("GET", "/notifications/unread", nil, &guardBefore)
	mine, theirs := bellStream(t, staff, s.URL), bellStream(t, guard, s.URL)

	if st := staff.json("POST", "/api/cases", bellReport, nil); st != 201 {
		t.Fatalf("report: %d", st)
	}
	waitBell(t, "the staff's bell after a report", mine, 2*time.Second)
	noBell(t, "another account's bell after the report", theirs, 300*time.Millisecond)
	var after, guardAfter bellState
	staff.json("GET", "/notifications/unread", nil, &after)
	if after.Unread != before.Unread+1 || !strings.Contains(after.Latest, "铃声测试") || !strings.HasPrefix(after.URL, "/cases/") {
		t.Fatalf("the staff's bell: %+v → %+v", before, after)
	}
	guard.json("GET", "/notifications/unread", nil, &guardAfter)
	if guardAfter != guardBefore {
		t.Fatalf("the guard's bell changed: %+v → %+v", guardBefore, guardAfter)
	}

	if st := staff.json("POST", "/api/notifications/read", nil, nil); st != 204 {
		t.Fatalf("mark all read: %d", st)
	}
	waitBell(t, "the staff's bell after reading", mine, 2*time.Second)
	noBell(t, "another account's bell after the staff read", theirs, 300*time.Millisecond)
	var read bellState
	staff.json("GET", "/notifications/unread", nil, &read)
	if read.Unread != 0 || read.Latest != "" {
		t.Fatalf("after reading all: %+v", read)
	}
}

// The bell across replicas (two `linli serve` processes of the built
// binary on one PostgreSQL): a notification written through A rings the
// account's stream opened on B within 500 ms of the write's answer, and
// so does reading it on A. PostgreSQL only; skipped with -short.
func TestReplicasBell(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	_, dsn := demoPostgresDSN(t)
	if dsn == "" {
		return
	}
	bin := buildLinli(t)
	a, b := startReplica(t, bin, dsn), startReplica(t, bin, dsn)
	staff := newReplicaClient(t)
	staff.login(a, "xueyuan")
	events := staff.stream(t, b, "/notifications/live")

	start := time.Now()
	if st := staff.json(a, "POST", "/api/cases", bellReport, nil); st != 201 {
		t.Fatalf("report on A: %d", st)
	}
	answered := time.Since(start)
	took := waitBell(t, "B's bell after a report on A", events, 500*time.Millisecond)
	t.Logf("report answered by A in %v, B's bell rang %v after that (%v after the request)", answered, took, answered+took)
	var bell bellState
	if st := staff.json(b, "GET", "/notifications/unread", nil, &bell); st != 200 || bell.Unread == 0 || !strings.Contains(bell.Latest, "铃声测试") {
		t.Fatalf("B's bell: %d %+v", st, bell)
	}

	if st := staff.json(a, "POST", "/api/notifications/read", nil, nil); st != 204 {
		t.Fatalf("read on A: %d", st)
	}
	took = waitBell(t, "B's bell after reading on A", events, 500*time.Millisecond)
	t.Logf("read on A, B's bell rang %v later", took)
}
