package storage_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"linli/storage"
	"linli/storage/storagetest"
)

// heard collects what a replica's handlers were given.
type heard struct {
	mu   sync.Mutex
	got  []string
	wake chan struct{}
}

func newHeard() *heard { return &heard{wake: make(chan struct{}, 100)} }

func (h *heard) add(p string) {
	h.mu.Lock()
	h.got = append(h.got, p)
	h.mu.Unlock()
	h.wake <- struct{}{}
}

func (h *heard) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

// wait waits for the nth signal, at most a few seconds (a bound on a
// failure, not a timing: a signal arrives in about a millisecond).
func (h *heard) wait(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for len(h.list()) < n {
		select {
		case <-h.wake:
		case <-deadline:
			t.Fatalf("heard %q, want %d signals", h.list(), n)
		}
	}
}

func TestNotifyRunsHandlersOnCommitOnly(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHeard()
		db.Subscribe("things", h.add)
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if err := tx.Notify(ctx, "things", "rolled back"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			if err := tx.Notify(ctx, "things", "7"); err != nil {
				return err
			}
			if len(h.list()) != 0 {
				t.Error("handler ran before the commit")
			}
			return tx.Notify(ctx, "things", "7") // once is enough
		}); err != nil {
			t.Fatal(err)
		}
		if got := h.list(); len(got) != 1 || got[0] != "7" {
			t.Fatalf("heard %q at commit, want [7]", got)
		}
		err = db.InTx(ctx, func(tx *storage.Tx) error { return tx.Notify(ctx, "two words", "") })
		if err == nil {
			t.Fatal("a channel with a space was taken")
		}
	})
}

// Two replicas on one PostgreSQL: a signal committed on A runs B's
// handlers, and A's own once; Broadcast reaches B only; B's listener comes
// back by itself after its connection is killed, and says signals may
// have been missed.
func TestSignalsCrossReplicas(t *testing.T) {
	a, dsn := storagetest.PostgresDSN(t)
	ctx := context.Background()
	b, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	onA, onB := newHeard(), newHeard()
	a.Subscribe("things", onA.add)
	b.Subscribe("things", onB.add)
	resynced := make(chan struct{}, 10)
	b.OnResync(func() { resynced <- struct{}{} })
	la, lb := a.Listen(dsn), b.Listen(dsn)
	defer la.Stop()
	defer lb.Stop()
	waitUp(t, la)
	waitUp(t, lb)

	if err := a.InTx(ctx, func(tx *storage.Tx) error { return tx.Notify(ctx, "things", "from A") }); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, 1)
	if err := a.InTx(ctx, func(tx *storage.Tx) error { return errors.Join(tx.Notify(ctx, "things", "never"), errors.New("no")) }); err == nil {
		t.Fatal("want the error")
	}
	if err := a.Broadcast(ctx, "things", "to the others 1", "to the others 2"); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, 3)
	if got := onB.list(); got[0] != "from A" || got[1] != "to the others 1" || got[2] != "to the others 2" {
		t.Fatalf("B heard %q", got)
	}
	// A hears its own NOTIFY on its listener too and skips it: by the time
	// B heard the broadcast sent after it, A's copy has come and gone.
	if got := onA.list(); len(got) != 1 || got[0] != "from A" {
		t.Fatalf("A heard %q, want its own signal once", got)
	}

	// Kill B's listening session, as a PostgreSQL restart does.
	if _, err := a.Pools()["main"].ExecContext(ctx, `SELECT pg_terminate_backend($1)`, int64(lb.PID())); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for lb.Reconnects() < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if lb.Reconnects() < 1 || !lb.Up() {
		t.Fatalf("B's listener did not come back: reconnects %d, up %v, err %v", lb.Reconnects(), lb.Up(), lb.Err())
	}
	select {
	case <-resynced:
	default:
		t.Fatal("B reconnected without a resync")
	}
	if err := a.InTx(ctx, func(tx *storage.Tx) error { return tx.Notify(ctx, "things", "after") }); err != nil {
		t.Fatal(err)
	}
	onB.wait(t, 4)
}

func waitUp(t *testing.T, l *storage.Listener) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !l.Up() {
		if time.Now().After(deadline) {
			t.Fatalf("listener not up: %v", l.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkSignalAcrossReplicas times a signal from the commit on one
// replica to the handler on the other (two pools and two listeners on one
// PostgreSQL): what a cache invalidation costs in delay. Reports the
// median and the 99th percentile.
func BenchmarkSignalAcrossReplicas(b *testing.B) {
	a, dsn := storagetest.PostgresDSN(b)
	if a == nil {
		return
	}
	ctx := context.Background()
	other, err := storage.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer other.Close()
	got := make(chan struct{}, 1)
	other.Subscribe("bench", func(string) { got <- struct{}{} })
	l := other.Listen(dsn)
	defer l.Stop()
	for !l.Up() {
		time.Sleep(5 * time.Millisecond)
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := a.InTx(ctx, func(tx *storage.Tx) error { return tx.Notify(ctx, "bench", "") }); err != nil {
			b.Fatal(err)
		}
		<-got
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, took)
}

func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}
