package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

// Queued writes are part of the transaction on both engines: the next
// statement sees them, the commit keeps them (including those queued
// after the last statement), and a queued write that fails fails the
// transaction with nothing kept.
func TestQueuedWrites(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ins := `INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?)`
		count := func() (n int) {
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var seen int
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, name := range []string{"甲", "乙", "丙"} {
				if err := tx.Queue(ctx, ins, name, 1, 1); err != nil {
					return err
				}
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&seen); err != nil {
				return err
			}
			return tx.Queue(ctx, ins, "丁", 1, 1) // sent with the commit
		})
		if err != nil {
			t.Fatal(err)
		}
		if seen != 3 {
			t.Errorf("a query after three queued inserts saw %d rows, want 3", seen)
		}
		if n := count(); n != 4 {
			t.Errorf("%d rows committed, want 4", n)
		}

		err = db.InTx(ctx, func(tx *storage.Tx) error {
			if err := tx.Queue(ctx, ins, "戊", 1, 1); err != nil {
				return err
			}
			return tx.Queue(ctx, `INSERT INTO people (id, name, created_at, updated_at) VALUES ((SELECT MIN(id) FROM people), ?, ?, ?)`, "重复", 1, 1)
		})
		if !storage.IsUnique(err) {
			t.Errorf("a queued duplicate: err %v, want a unique violation", err)
		}
		if n := count(); n != 4 {
			t.Errorf("%d rows after the failed transaction, want 4", n)
		}
	})
}

// In a group commit, writes a request leaves queued are kept with the
// batch's commit, and a queued write that fails fails its own request
// only (the batch is run again with a savepoint per request).
func TestQueuedWritesInBatch(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ins := `INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?)`
		if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.Queue(ctx, ins, "甲", 1, 1) }); err != nil {
			t.Fatal(err)
		}
		const n = 16
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = db.Batch(ctx, func(tx *storage.Tx) error {
					if i == 5 { // a duplicate id: this request alone fails
						return tx.Queue(ctx, `INSERT INTO people (id, name, created_at, updated_at) VALUES ((SELECT MIN(id) FROM people), ?, ?, ?)`, "重复", 1, 1)
					}
					return tx.Queue(ctx, ins, "乙", 1, 1)
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i == 5 && !storage.IsUnique(err) {
				t.Errorf("request %d: %v, want a unique violation", i, err)
			} else if i != 5 && err != nil {
				t.Errorf("request %d: %v", i, err)
			}
		}
		var k int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&k); err != nil || k != n {
			t.Errorf("%d rows (%v), want %d: the first and each request's but the failed one", k, err, n)
		}
	})
}

// A long run of queued writes (a bulk import) is sent in bounded
// statements: one combined statement would pass PostgreSQL's 65,535
// parameters.
func TestQueuedWritesManyInOneTransaction(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const n = 12000 // × 6 parameters > 65,535
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i := range n {
				if err := tx.Queue(ctx, `INSERT INTO people (name, phone, id_number, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
					"甲", "", "", strings.Repeat("x", i%7), 1, 1); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var k int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&k); err != nil || k != n {
			t.Errorf("%d rows (%v), want %d", k, err, n)
		}
	})
}
