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

const (
	bumpCounter = `UPDATE case_counters SET last = last + 1 WHERE community_id = ? AND day = ? RETURNING last`
	newCounter  = `INSERT INTO case_counters (community_id, day, last) VALUES (?, ?, 1)
	ON CONFLICT (community_id, day) DO UPDATE SET last = case_counters.last + 1 RETURNING last`
)

// Concurrent writers of one counter row get distinct, consecutive values
// on both engines.
func TestCounterConcurrentValuesAreDistinct(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const n = 32
		got := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = db.InTx(ctx, func(tx *storage.Tx) error {
					v, err := tx.Counter(ctx, bumpCounter, newCounter, 7, 20261206)
					got[i] = v
					return err
				})
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		for i, v := range got {
			if v != int64(i+1) {
				t.Fatalf("values %v, want 1…%d each once", got, n)
			}
		}
	})
}

// On PostgreSQL the counter row is not held until the caller commits: a
// second transaction takes the next value while the first is still open
// (before Tx.Counter it waited for the first's commit, and one
// community's reports ran one at a time). The value of a transaction
// that rolls back is spent there; on SQLite, with its one writer, the
// bump is part of the transaction and a rollback gives it back.
func TestCounterIsNotHeldUntilCommit(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		take := func(ctx context.Context) (int64, error) {
			var v int64
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				var err error
				v, err = tx.Counter(ctx, bumpCounter, newCounter, 7, 20261206)
				return err
			})
			return v, err
		}
		rollback := errors.New("roll back")
		var first, second int64
		var firstErr, secondErr error
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			// No t.Fatal in here: the transaction must end either way.
			first, firstErr = tx.Counter(ctx, bumpCounter, newCounter, 7, 20261206)
			if db.Dialect == storage.Postgres && firstErr == nil {
				// A deadline only as a guard: without it a held row
				// would block this test for ever.
				wait, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				second, secondErr = take(wait)
			}
			return rollback
		})
		if !errors.Is(err, rollback) || firstErr != nil || first != 1 {
			t.Fatalf("first value %d, %v (%v); want 1", first, firstErr, err)
		}
		if db.Dialect == storage.Postgres && (secondErr != nil || second != 2) {
			t.Fatalf("second transaction while the first is open: %d, %v; want 2 at once", second, secondErr)
		}
		want := int64(1) // SQLite: the rolled-back value is given back
		if db.Dialect == storage.Postgres {
			want = 3 // PostgreSQL: 1 was spent by the rolled-back transaction
		}
		if v, err := take(ctx); err != nil || v != want {
			t.Fatalf("after the rollback: %d, %v; want %d", v, err, want)
		}
	})
}
