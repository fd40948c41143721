// Package jobs keeps Linli's durable timers: "warn before the response
// deadline", "mark overdue and escalate", "the department must report in
// within 30 minutes". A timer is a row in the jobs table, so it survives
// restarts, and it runs exactly once even with several replicas on one
// PostgreSQL.
//
// Scheduling happens inside the caller's transaction (Schedule, Cancel), so
// a job exists iff the change that needs it committed. (Kind, Key) names at
// most one pending job; scheduling it again replaces its due time and
// payload, which is how an approved extension moves a deadline.
//
// A Runner runs due jobs one per transaction: claim the row, delete it,
// call the handler with the same transaction, commit. The handler's writes
// and the job's completion therefore commit together or not at all — that
// is the exactly-once guarantee, and it covers database effects only. Work
// outside the database (SMS, webhooks) belongs in tx.AfterCommit or the
// outbox: an AfterCommit hook runs at most once, an outbox row until
// delivered.
//
// Because the row is deleted before the handler runs, a handler may
// Schedule its own kind and key again (escalate again in 30 minutes): the
// new row is the only pending one. Done jobs are deleted, not kept; the
// case timeline and the audit log are the history, and the table stays as
// small as the number of open deadlines.
//
// A handler that returns an error (or panics) rolls back its writes and the
// claim; the attempt is then recorded in a separate small transaction
// (attempts, last_error, due pushed back by Backoff). After MaxAttempts the
// job is parked with state 'failed' and logged; a later Schedule of the
// same kind and key starts a fresh pending job beside it.
//
// What a handler must know:
//   - Do all database work through the tx it is given. Calling db.InTx
//     inside a handler deadlocks on SQLite (one writer connection) and
//     would escape the exactly-once transaction on PostgreSQL.
//   - Re-read the state it acts on: the job says "look at case 42 now",
//     not "case 42 is still open". A case closed after the job was
//     scheduled should have cancelled it, but the handler is the last check.
//   - Due times are stored in milliseconds.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"linli/storage"
)

// Job is one pending (or parked) timer.
type Job struct {
	ID        int64
	Kind      string // what to do, e.g. "case.response_due"; selects the Handler
	Key       string // which thing, e.g. a case id; unique per Kind among pending jobs
	Due       time.Time
	Payload   []byte
	Attempts  int    // failed runs so far
	LastError string // of the last failed run
}

// Schedule adds a job inside the caller's transaction. If a pending job
// with the same kind and key exists, its due time and payload are replaced
// and its failure count reset: it is the same timer, moved.
func Schedule(ctx context.Context, tx *storage.Tx, kind, key string, due time.Time, payload []byte) error {
	if kind == "" {
		return errors.New("jobs: schedule with an empty kind")
	}
	if payload == nil {
		payload = []byte{}
	}
	// The conflict target names the partial unique index (its WHERE clause
	// included), which both SQLite and PostgreSQL accept.
	_, err := tx.Exec(ctx, `INSERT INTO jobs (kind, key, due_at, payload, state, attempts, last_error)
		VALUES (?, ?, ?, ?, 'pending', 0, '')
		ON CONFLICT (kind, key) WHERE state = 'pending'
		DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, attempts = 0, last_error = ''`,
		kind, key, storage.Millis(due), payload)
	if err != nil {
		return fmt.Errorf("schedule job %s/%s: %w", kind, key, err)
	}
	return nil
}

// Cancel removes the pending job of kind and key inside the caller's
// transaction; it is a no-op if there is none. Parked (failed) jobs are
// left for inspection.
func Cancel(ctx context.Context, tx *storage.Tx, kind, key string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM jobs WHERE kind = ? AND key = ? AND state = 'pending'`, kind, key); err != nil {
		return fmt.Errorf("cancel job %s/%s: %w", kind, key, err)
	}
	return nil
}

// Pending returns the pending job of kind and key, if any.
func Pending(ctx context.Context, db *storage.DB, kind, key string) (Job, bool, error) {
	j, err := scanJob(db.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE kind = ? AND key = ? AND state = 'pending'`, kind, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, err
	}
	return j, true, nil
}

const jobColumns = `id, kind, key, due_at, payload, attempts, last_error`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var due int64
	if err := row.Scan(&j.ID, &j.Kind, &j.Key, &due, &j.Payload, &j.Attempts, &j.LastError); err != nil {
		return Job{}, err
	}
	j.Due = storage.FromMillis(due)
	return j, nil
}
