package storage_test

import (
	"context"
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
