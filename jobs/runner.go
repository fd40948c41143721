package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"linli"
	"linli/storage"
)

// Handler runs a due job inside tx. The job's row is already deleted in
// tx, so returning nil commits the handler's writes and the job's
// completion together; returning an error rolls both back and the job is
// retried after a backoff.
type Handler func(ctx context.Context, tx *storage.Tx, j Job) error

// Runner runs due jobs. Several runners (one per replica) may share a
// database: each job is claimed in its own transaction, with FOR UPDATE
// SKIP LOCKED on PostgreSQL; on SQLite the single writer serialises them.
// A runner claims only the kinds it has handlers for, so a replica running
// older code leaves newer kinds to the replicas that know them.
type Runner struct {
	DB       *storage.DB
	Clock    linli.Clock
	Handlers map[string]Handler
	// Batch caps the jobs one RunDue call runs (default 1000), so a handler
	// that reschedules itself at or before now cannot spin forever; Start
	// carries on with a backlog at once.
	Batch int
	// MaxAttempts is how many failed runs park a job (default 10).
	MaxAttempts int
	// Backoff is the delay after the n-th failed run (n ≥ 1); nil means
	// 1m, 2m, 4m, … capped at 1h.
	Backoff func(n int) time.Duration
	Logger  *slog.Logger // nil: slog.Default()

	mu   sync.Mutex
	stop context.CancelFunc
	done chan struct{}
}

// errNoJob ends a claim transaction that found nothing to run.
var errNoJob = errors.New("jobs: nothing due")

// RunDue runs the jobs due by Clock.Now(), oldest first, each in its own
// transaction, and returns how many completed. A failing job is recorded
// and skipped, not returned as an error; the error is for the database
// itself failing or ctx ending. Cancelling ctx aborts the job in hand (it
// rolls back and stays pending, with no attempt counted).
func (r *Runner) RunDue(ctx context.Context) (int, error) { return r.runDue(ctx, ctx) }

// runDue checks stop between jobs and runs each job with ctx, so the loop
// can let the job in hand finish while it shuts down.
func (r *Runner) runDue(ctx, stop context.Context) (int, error) {
	kinds := make([]string, 0, len(r.Handlers))
	for k := range r.Handlers {
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return 0, nil
	}
	sort.Strings(kinds)
	now := r.Clock.Now()
	ran := 0
	for ran < r.batch() {
		if err := stop.Err(); err != nil {
			return ran, err
		}
		j, err := r.runOne(ctx, kinds, now)
		switch {
		case errors.Is(err, errNoJob):
			return ran, nil
		case err == nil:
			ran++
		case ctx.Err() != nil:
			// Cancelled mid-job: the transaction rolled back and the job
			// is still pending; it is not the job's fault, so no attempt is
			// counted.
			return ran, ctx.Err()
		case j.ID != 0:
			if ferr := r.recordFailure(ctx, j, err); ferr != nil {
				return ran, ferr
			}
		default:
			return ran, err
		}
	}
	return ran, nil
}

// runOne claims the oldest due job, deletes it and runs its handler, all in
// one transaction. On failure it returns the claimed job (ID 0 if none was
// claimed) so the attempt can be recorded.
func (r *Runner) runOne(ctx context.Context, kinds []string, now time.Time) (Job, error) {
	var claimed Job
	err := r.DB.InTx(ctx, func(tx *storage.Tx) error {
		q := `SELECT ` + jobColumns + ` FROM jobs
			WHERE state = 'pending' AND due_at <= ? AND kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)
			ORDER BY due_at, id LIMIT 1`
		if tx.Dialect() == storage.Postgres {
			// Another replica's claimed row is skipped, not waited for: it
			// will be gone (done) or back with a later due (failed).
			q += ` FOR UPDATE SKIP LOCKED`
		}
		args := []any{storage.Millis(now)}
		for _, k := range kinds {
			args = append(args, k)
		}
		j, err := scanJob(tx.QueryRow(ctx, q, args...))
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errNoJob
			}
			return fmt.Errorf("claim job: %w", err)
		}
		// Deleting first is what makes a reschedule inside the handler
		// work: the handler's Schedule of the same kind and key finds no
		// pending row and inserts a new one, which the commit keeps.
		res, err := tx.Exec(ctx, `DELETE FROM jobs WHERE id = ? AND state = 'pending'`, j.ID)
		if err != nil {
			return fmt.Errorf("complete job %d: %w", j.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			// Cannot happen under the row lock or the single writer; if it
			// does, someone else has the job and we must not run it.
			return errNoJob
		}
		claimed = j
		return r.call(ctx, tx, j)
	})
	if err != nil {
		return claimed, err
	}
	return claimed, nil
}

// call runs the handler, turning a panic into an error so one bad job
// rolls back and is retried instead of taking the runner down.
func (r *Runner) call(ctx context.Context, tx *storage.Tx, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.logger().Error("job handler panicked", "kind", j.Kind, "key", j.Key, "id", j.ID, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return r.Handlers[j.Kind](ctx, tx, j)
}

// recordFailure counts a failed run in its own small transaction. It
// cannot share the handler's transaction (even via a savepoint): that
// transaction must roll back whole, or AfterCommit hooks the handler queued
// would fire for work that never happened.
//
// The update is guarded by the attempts and due time seen at claim: if the
// job was meanwhile replaced by Schedule, cancelled, or run by another
// replica, the new state wins and this attempt is not recorded.
func (r *Runner) recordFailure(ctx context.Context, j Job, cause error) error {
	attempts := j.Attempts + 1
	msg := cause.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	state := "pending"
	due := r.Clock.Now().Add(r.backoff(attempts))
	if attempts >= r.maxAttempts() {
		state = "failed"
	}
	var changed int64
	err := r.DB.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE jobs SET attempts = ?, last_error = ?, due_at = ?, state = ?
			WHERE id = ? AND state = 'pending' AND attempts = ? AND due_at = ?`,
			attempts, msg, storage.Millis(due), state, j.ID, j.Attempts, storage.Millis(j.Due))
		if err != nil {
			return err
		}
		changed, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("record failure of job %d: %w", j.ID, err)
	}
	log := r.logger().With("kind", j.Kind, "key", j.Key, "id", j.ID, "attempts", attempts, "error", msg)
	switch {
	case changed == 0:
		log.Info("job failed but was changed meanwhile; not counted")
	case state == "failed":
		log.Error("job parked after too many failures")
	default:
		log.Warn("job failed; will retry", "retry_at", due)
	}
	return nil
}

// Start runs due jobs now and then every interval in the background until
// ctx is done or Stop is called. Calling Start on a running runner does
// nothing.
func (r *Runner) Start(ctx context.Context, every time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil {
		return
	}
	ctx, r.stop = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go r.loop(ctx, every, r.done)
}

func (r *Runner) loop(ctx context.Context, every time.Duration, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// The job in hand finishes even when ctx ends: Stop then waits
		// for one short transaction instead of throwing its work away.
		n, err := r.runDue(context.WithoutCancel(ctx), ctx)
		if err != nil && ctx.Err() == nil {
			r.logger().Error("running due jobs", "error", err)
		}
		if err == nil && n >= r.batch() {
			continue // a backlog: keep going
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stop ends the loop started by Start and waits for it, including the job
// in hand, which completes (or fails) normally; the rest stay pending for
// the next start. Handlers should therefore be short.
func (r *Runner) Stop() {
	r.mu.Lock()
	stop, done := r.stop, r.done
	r.stop, r.done = nil, nil
	r.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-done
}

func (r *Runner) batch() int {
	if r.Batch > 0 {
		return r.Batch
	}
	return 1000
}

func (r *Runner) maxAttempts() int {
	if r.MaxAttempts > 0 {
		return r.MaxAttempts
	}
	return 10
}

func (r *Runner) backoff(n int) time.Duration {
	if r.Backoff != nil {
		return r.Backoff(n)
	}
	d := time.Minute
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
