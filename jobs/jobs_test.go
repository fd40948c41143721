package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/jobs"
	"linli/storage"
	"linli/storage/storagetest"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func schedule(t *testing.T, db *storage.DB, kind, key string, due time.Time, payload []byte) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		return jobs.Schedule(context.Background(), tx, kind, key, due, payload)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func runDue(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

func pending(t *testing.T, db *storage.DB, kind, key string) (jobs.Job, bool) {
	t.Helper()
	j, ok, err := jobs.Pending(context.Background(), db, kind, key)
	if err != nil {
		t.Fatal(err)
	}
	return j, ok
}

func count(t *testing.T, db *storage.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func exec(t *testing.T, db *storage.DB, q string) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.Exec(context.Background(), q)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer collects log output from runner goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// dsnOf returns what storage.Open needs to open the same database again:
// the file for SQLite, the test server with this test's schema for
// PostgreSQL.
func dsnOf(t *testing.T, db *storage.DB) string {
	t.Helper()
	if db.Dialect == storage.SQLite {
		return db.Label
	}
	var schema string
	if err := db.QueryRow(context.Background(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv("LINLI_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, dsn string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestJobRunsOnceWhenDueAndNotBefore(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		var got []jobs.Job
		hooks := 0
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"case.overdue": func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
				got = append(got, j)
				tx.AfterCommit(func() { hooks++ })
				return nil
			},
		}}
		schedule(t, db, "case.overdue", "42", t0.Add(time.Hour), []byte(`{"case":42}`))

		runDue(t, r, 0)
		clock.Advance(time.Hour - time.Millisecond)
		runDue(t, r, 0)
		clock.Advance(time.Millisecond)
		runDue(t, r, 1)
		runDue(t, r, 0)
		clock.Advance(24 * time.Hour)
		runDue(t, r, 0)

		if len(got) != 1 || hooks != 1 {
			t.Fatalf("handler ran %d times, hooks %d; want 1, 1", len(got), hooks)
		}
		j := got[0]
		if j.Kind != "case.overdue" || j.Key != "42" || !j.Due.Equal(t0.Add(time.Hour)) || string(j.Payload) != `{"case":42}` || j.Attempts != 0 {
			t.Fatalf("handler got %+v", j)
		}
		if _, ok := pending(t, db, "case.overdue", "42"); ok {
			t.Fatal("job still pending after it ran")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Fatalf("%d rows left in jobs; done jobs are deleted", n)
		}
	})
}

func TestScheduleInRolledBackTxLeavesNoJob(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if err := jobs.Schedule(ctx, tx, "case.overdue", "7", t0, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if _, ok := pending(t, db, "case.overdue", "7"); ok {
			t.Fatal("rolled-back Schedule left a job")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Fatalf("%d rows in jobs", n)
		}
	})
}

func TestScheduleAgainReplacesDueAndPayload(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		var payloads []string
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"case.overdue": func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
				payloads = append(payloads, string(j.Payload))
				return nil
			},
		}}
		schedule(t, db, "case.overdue", "42", t0.Add(time.Hour), []byte("first"))
		schedule(t, db, "case.overdue", "43", t0.Add(time.Hour), []byte("other case"))
		// An approved extension moves the deadline by a day.
		schedule(t, db, "case.overdue", "42", t0.Add(25*time.Hour), []byte("extended"))

		j, ok := pending(t, db, "case.overdue", "42")
		if !ok || !j.Due.Equal(t0.Add(25*time.Hour)) || string(j.Payload) != "extended" {
			t.Fatalf("pending = %+v, %v; want the extended job", j, ok)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM jobs WHERE kind = 'case.overdue' AND key = '42'`); n != 1 {
			t.Fatalf("%d rows for case 42, want 1", n)
		}
		clock.Advance(time.Hour)
		runDue(t, r, 1) // only case 43
		clock.Advance(24 * time.Hour)
		runDue(t, r, 1)
		if strings.Join(payloads, ",") != "other case,extended" {
			t.Fatalf("ran %q", payloads)
		}
	})
}

func TestCancel(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := linli.NewFakeClock(t0)
		ran := 0
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"case.warn": func(context.Context, *storage.Tx, jobs.Job) error { ran++; return nil },
		}}
		schedule(t, db, "case.warn", "1", t0.Add(time.Minute), nil)
		schedule(t, db, "case.warn", "2", t0.Add(time.Minute), nil)
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if err := jobs.Cancel(ctx, tx, "case.warn", "1"); err != nil {
				return err
			}
			return jobs.Cancel(ctx, tx, "case.warn", "absent") // no-op
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := pending(t, db, "case.warn", "1"); ok {
			t.Fatal("cancelled job still pending")
		}
		clock.Advance(time.Hour)
		runDue(t, r, 1)
		if ran != 1 {
			t.Fatalf("handler ran %d times, want 1 (job 2 only)", ran)
		}
	})
}

func TestFailingHandlerRollsBackRetriesAndParks(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		exec(t, db, `CREATE TABLE scratch (note TEXT NOT NULL)`)
		clock := linli.NewFakeClock(t0)
		var logs lockedBuffer
		calls, hooks := 0, 0
		r := &jobs.Runner{
			DB: db, Clock: clock, MaxAttempts: 3,
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			Handlers: map[string]jobs.Handler{
				"whistle.ack": func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
					calls++
					if _, err := tx.Exec(ctx, `INSERT INTO scratch (note) VALUES (?)`, j.Key); err != nil {
						return err
					}
					tx.AfterCommit(func() { hooks++ })
					// The handler sees its own job as already done.
					if _, ok, err := pendingInTx(ctx, tx, j.Kind, j.Key); err != nil || ok {
						return fmt.Errorf("own job visible in tx: %v, %v", ok, err)
					}
					return errors.New("department directory unavailable")
				},
			},
		}
		schedule(t, db, "whistle.ack", "9", t0, nil)

		runDue(t, r, 0) // ran and failed: not counted
		j, ok := pending(t, db, "whistle.ack", "9")
		if !ok || j.Attempts != 1 || j.LastError != "department directory unavailable" || !j.Due.Equal(t0.Add(time.Minute)) {
			t.Fatalf("after 1st failure: %+v, %v", j, ok)
		}
		runDue(t, r, 0) // backing off: not called again
		if calls != 1 {
			t.Fatalf("handler called %d times during backoff, want 1", calls)
		}
		clock.Advance(time.Minute)
		runDue(t, r, 0)
		j, _ = pending(t, db, "whistle.ack", "9")
		if calls != 2 || j.Attempts != 2 || !j.Due.Equal(t0.Add(3*time.Minute)) {
			t.Fatalf("after 2nd failure: calls %d, %+v; want due +2m", calls, j)
		}
		clock.Advance(2 * time.Minute)
		runDue(t, r, 0)
		if calls != 3 {
			t.Fatalf("handler called %d times, want 3", calls)
		}
		if _, ok := pending(t, db, "whistle.ack", "9"); ok {
			t.Fatal("job still pending after MaxAttempts")
		}
		var state, lastErr string
		var attempts int
		if err := db.QueryRow(context.Background(), `SELECT state, attempts, last_error FROM jobs WHERE kind = 'whistle.ack' AND key = '9'`).Scan(&state, &attempts, &lastErr); err != nil {
			t.Fatal(err)
		}
		if state != "failed" || attempts != 3 || lastErr == "" {
			t.Fatalf("parked row: %s, %d, %q", state, attempts, lastErr)
		}
		clock.Advance(24 * time.Hour)
		runDue(t, r, 0)
		if calls != 3 {
			t.Fatalf("parked job ran again (%d calls)", calls)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM scratch`); n != 0 || hooks != 0 {
			t.Fatalf("failed runs left %d scratch rows and ran %d hooks", n, hooks)
		}
		if !strings.Contains(logs.String(), "parked") {
			t.Fatalf("parking not logged:\n%s", logs.String())
		}

		// A parked job does not block a new timer for the same thing.
		schedule(t, db, "whistle.ack", "9", clock.Now(), nil)
		if j, ok := pending(t, db, "whistle.ack", "9"); !ok || j.Attempts != 0 {
			t.Fatalf("new job after park: %+v, %v", j, ok)
		}
	})
}

// pendingInTx looks for a pending job through the handler's transaction.
func pendingInTx(ctx context.Context, tx *storage.Tx, kind, key string) (int, bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND key = ? AND state = 'pending'`, kind, key).Scan(&n)
	return n, n > 0, err
}

func TestPanickingHandlerIsAFailedAttempt(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"bad": func(context.Context, *storage.Tx, jobs.Job) error { panic("nil map") },
		}}
		schedule(t, db, "bad", "1", t0, nil)
		runDue(t, r, 0)
		j, ok := pending(t, db, "bad", "1")
		if !ok || j.Attempts != 1 || !strings.Contains(j.LastError, "nil map") {
			t.Fatalf("after panic: %+v, %v", j, ok)
		}
	})
}

func TestRetrySucceedsAndScheduleResetsAttempts(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		fail := true
		ran := 0
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"k": func(context.Context, *storage.Tx, jobs.Job) error {
				if fail {
					return errors.New("not yet")
				}
				ran++
				return nil
			},
		}}
		schedule(t, db, "k", "1", t0, nil)
		runDue(t, r, 0)
		if j, _ := pending(t, db, "k", "1"); j.Attempts != 1 {
			t.Fatalf("attempts %d, want 1", j.Attempts)
		}
		// Moving the deadline makes it a fresh timer.
		schedule(t, db, "k", "1", t0.Add(time.Hour), nil)
		if j, _ := pending(t, db, "k", "1"); j.Attempts != 0 || j.LastError != "" {
			t.Fatalf("after reschedule: %+v", j)
		}
		fail = false
		clock.Advance(time.Hour)
		runDue(t, r, 1)
		if ran != 1 {
			t.Fatalf("ran %d", ran)
		}
	})
}

func TestHandlerReschedulingItselfLeavesOnePendingJob(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		level := 0
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			// Escalate, and look again in 30 minutes.
			"case.escalate": func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
				level++
				return jobs.Schedule(ctx, tx, j.Kind, j.Key, clock.Now().Add(30*time.Minute), []byte(fmt.Sprint(level)))
			},
		}}
		schedule(t, db, "case.escalate", "42", t0, []byte("0"))
		for i := 1; i <= 3; i++ {
			runDue(t, r, 1)
			if level != i {
				t.Fatalf("level %d after run %d", level, i)
			}
			j, ok := pending(t, db, "case.escalate", "42")
			if !ok || !j.Due.Equal(clock.Now().Add(30*time.Minute)) || string(j.Payload) != fmt.Sprint(i) {
				t.Fatalf("after run %d: pending %+v, %v; want due in 30m", i, j, ok)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM jobs`); n != 1 {
				t.Fatalf("%d job rows after run %d, want 1", n, i)
			}
			runDue(t, r, 0)
			clock.Advance(30 * time.Minute)
		}
	})
}

func TestUnknownKindIsLeftForAnotherRunner(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"known": func(context.Context, *storage.Tx, jobs.Job) error { return nil },
		}}
		schedule(t, db, "newer.kind", "1", t0, nil)
		schedule(t, db, "known", "1", t0.Add(time.Second), nil)
		clock.Advance(time.Minute)
		runDue(t, r, 1)
		j, ok := pending(t, db, "newer.kind", "1")
		if !ok || j.Attempts != 0 {
			t.Fatalf("unknown kind was touched: %+v, %v", j, ok)
		}
	})
}

func TestJobSurvivesRestart(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		dsn := dsnOf(t, db)
		schedule(t, db, "case.overdue", "42", t0.Add(time.Hour), []byte("p"))
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		db2 := open(t, dsn)
		if ok, err := db2.Current(context.Background()); err != nil || !ok {
			t.Fatalf("reopened database current = %v, %v", ok, err)
		}
		clock := linli.NewFakeClock(t0.Add(2 * time.Hour))
		var got []byte
		r := &jobs.Runner{DB: db2, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"case.overdue": func(_ context.Context, _ *storage.Tx, j jobs.Job) error { got = j.Payload; return nil },
		}}
		runDue(t, r, 1)
		if string(got) != "p" {
			t.Fatalf("payload %q", got)
		}
	})
}

// Two replicas — two handles on one database — race over 200 due jobs. Each
// job's handler must be called once and its effect committed once.
func TestConcurrentRunnersRunEachJobOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		const jobCount = 200
		ctx := context.Background()
		exec(t, db, `CREATE TABLE handled (key TEXT NOT NULL)`)
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i := range jobCount {
				if err := jobs.Schedule(ctx, tx, "case.overdue", fmt.Sprint(i), t0.Add(time.Duration(i)*time.Millisecond), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		other := open(t, dsnOf(t, db))

		var mu sync.Mutex
		calls := map[string]int{}
		handlers := map[string]jobs.Handler{
			"case.overdue": func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
				mu.Lock()
				calls[j.Key]++
				mu.Unlock()
				_, err := tx.Exec(ctx, `INSERT INTO handled (key) VALUES (?)`, j.Key)
				return err
			},
		}
		clock := linli.NewFakeClock(t0.Add(time.Hour))
		runners := []*jobs.Runner{
			{DB: db, Clock: clock, Handlers: handlers, Logger: quietLogger()},
			{DB: other, Clock: clock, Handlers: handlers, Logger: quietLogger()},
		}
		var wg sync.WaitGroup
		ran := make([]int, 4)
		errs := make([]error, 4)
		for i := range ran {
			wg.Go(func() { ran[i], errs[i] = runners[i%2].RunDue(ctx) })
		}
		wg.Wait()
		total := 0
		for i := range ran {
			if errs[i] != nil {
				t.Fatalf("runner %d: %v", i, errs[i])
			}
			total += ran[i]
		}
		if total != jobCount {
			t.Fatalf("runners report %d jobs run (%v), want %d", total, ran, jobCount)
		}
		if len(calls) != jobCount {
			t.Fatalf("%d distinct jobs handled, want %d", len(calls), jobCount)
		}
		for k, n := range calls {
			if n != 1 {
				t.Fatalf("job %s handled %d times", k, n)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM handled`); n != jobCount {
			t.Fatalf("%d effects committed, want %d", n, jobCount)
		}
		if n := count(t, db, `SELECT COUNT(DISTINCT key) FROM handled`); n != jobCount {
			t.Fatalf("%d distinct effects, want %d", n, jobCount)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Fatalf("%d jobs left", n)
		}
		t.Logf("split between runners: %v", ran)
	})
}

func TestBatchCapsOneCall(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		r := &jobs.Runner{DB: db, Clock: clock, Batch: 2, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			// A handler that keeps itself due now would spin without the cap.
			"spin": func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
				return jobs.Schedule(ctx, tx, j.Kind, j.Key, clock.Now(), nil)
			},
		}}
		schedule(t, db, "spin", "1", t0, nil)
		runDue(t, r, 2)
	})
}

// Start runs due jobs at once (catching up after a restart); Stop lets the
// job in hand commit and waits for it. The interval is long so nothing here
// depends on timing.
func TestStartRunsAtOnceAndStopFinishesTheJobInHand(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		started, release := make(chan string, 1), make(chan struct{})
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(), Handlers: map[string]jobs.Handler{
			"case.warn": func(_ context.Context, _ *storage.Tx, j jobs.Job) error {
				started <- j.Key
				<-release
				return nil
			},
		}}
		schedule(t, db, "case.warn", "5", t0, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r.Start(ctx, time.Hour)
		r.Start(ctx, time.Hour) // no second loop
		select {
		case k := <-started:
			if k != "5" {
				t.Fatalf("ran %q", k)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Start did not run the due job")
		}
		// Shutdown begins while the handler is still working.
		cancel()
		close(release)
		r.Stop()
		r.Stop() // idempotent
		if _, ok := pending(t, db, "case.warn", "5"); ok {
			t.Fatal("job in hand at Stop was rolled back")
		}
	})
}

// A deadline moved while the job's handler was failing must keep its new
// due time: the failure is recorded only against the job as it was claimed.
func TestFailureDoesNotClobberAMovedDeadline(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		clock := linli.NewFakeClock(t0)
		extended := t0.Add(5 * time.Hour)
		r := &jobs.Runner{DB: db, Clock: clock, Logger: quietLogger(),
			Handlers: map[string]jobs.Handler{
				"case.overdue": func(context.Context, *storage.Tx, jobs.Job) error { return errors.New("busy") },
			},
			// Backoff is asked between the handler's rollback and the
			// failure record: the window where another transaction (an
			// approved extension) can move the deadline.
			Backoff: func(int) time.Duration {
				schedule(t, db, "case.overdue", "42", extended, []byte("extended"))
				return time.Minute
			},
		}
		schedule(t, db, "case.overdue", "42", t0, nil)
		runDue(t, r, 0)
		j, ok := pending(t, db, "case.overdue", "42")
		if !ok || !j.Due.Equal(extended) || j.Attempts != 0 || string(j.Payload) != "extended" {
			t.Fatalf("pending = %+v, %v; want the extension untouched", j, ok)
		}
	})
}
