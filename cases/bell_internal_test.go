package cases

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/live"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

// bellService is a service on a fresh SQLite database ringing on a hub
// of its own.
func bellService(t *testing.T) (*Service, *live.Hub) {
	s := New(storagetest.SQLite(t), nil, nil, nil, time.UTC)
	hub := live.NewHub(live.Options{})
	t.Cleanup(hub.Close)
	s.SetBell(hub)
	return s, hub
}

// The bell rings after the commit only, one event per account for a few
// accounts and one for every open bell (bellAll) for many — a notice to a
// whole community does not send thousands through the relay.
func TestRingAfterCommitOnce(t *testing.T) {
	s, hub := bellService(t)
	db := s.DB
	ctx := context.Background()
	ring := func(n int, fail bool) int64 {
		t.Helper()
		before := hub.Stats().Published
		accounts := make([]int64, n)
		for i := range accounts {
			accounts[i] = int64(i + 1)
		}
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			s.ring(tx, accounts)
			if fail {
				return errors.New("rolled back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatal(err)
		}
		return hub.Stats().Published - before
	}
	if got := ring(3, true); got != 0 {
		t.Errorf("a rolled-back write rang %d bells", got)
	}
	if got := ring(3, false); got != 3 {
		t.Errorf("three accounts: %d events", got)
	}
	if got := ring(ringEach, false); got != ringEach {
		t.Errorf("%d accounts: %d events", ringEach, got)
	}
	if got := ring(ringEach+1, false); got != 1 {
		t.Errorf("%d accounts: %d events, want one for every bell", ringEach+1, got)
	}
}

// An account's bell stream hears its own account and every bell, never
// another account.
func TestBellStreamHearsItsTopics(t *testing.T) {
	s, _ := bellService(t)
	db := s.DB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(web.WithActor(r.Context(), &linli.Actor{AccountID: 7}))
		if err := s.bellStream(w, r); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"?last_event_id=9000000000000000000", nil)
	req.Header.Set("Last-Event-ID", "9000000000000000000") // ignored: a bell has no history
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: ") {
				events <- sc.Text()
			}
		}
	}()
	ring := func(accounts ...int64) {
		if err := db.InTx(ctx, func(tx *storage.Tx) error { s.ring(tx, accounts); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(what string, want bool) {
		t.Helper()
		select {
		case e := <-events:
			if !want {
				t.Fatalf("%s: got %s", what, e)
			}
		case <-time.After(300 * time.Millisecond):
			if want {
				t.Fatalf("%s: nothing", what)
			}
		}
	}
	ring(8)
	expect("another account's ring", false)
	ring(7)
	expect("its own ring", true)
	many := make([]int64, ringEach+1)
	for i := range many {
		many[i] = int64(100 + i) // 7 not among them: every bell rings anyway
	}
	ring(many...)
	expect("a ring of many", true)
}
