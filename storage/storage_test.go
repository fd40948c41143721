package storage_test

import (
	"context"
	"errors"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

func TestMigrationsCurrentAndIdempotent(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ok, err := db.Current(ctx)
		if err != nil || !ok {
			t.Fatalf("current = %v, %v; want true", ok, err)
		}
		n, err := db.Migrate(ctx, func() int64 { return 1 })
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, %v; want 0", n, err)
		}
	})
}

func TestRollbackKeepsNothingAndHooksWaitForCommit(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ran := false
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.Insert(ctx, `INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?)`, "甲", 1, 1); err != nil {
				return err
			}
			tx.AfterCommit(func() { ran = true })
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 || ran {
			t.Fatalf("rolled-back tx left %d rows, hook ran=%v", n, ran)
		}
	})
}

func TestUniqueViolationIsRecognised(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ins := func() error {
			return db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := tx.Insert(ctx, `INSERT INTO nodes (kind, name, code, path, depth, created_at, updated_at) VALUES ('city', '运城市', '140800000000', '/', 0, 1, 1)`)
				return err
			})
		}
		if err := ins(); err != nil {
			t.Fatal(err)
		}
		if err := ins(); !storage.IsUnique(err) {
			t.Fatalf("second insert: %v; want unique violation", err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor, action, entity) VALUES (1, 'a', 'x', 'y')`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE audit_log SET actor = 'b'`)
			return err
		})
		if err == nil {
			t.Fatal("update of audit_log succeeded")
		}
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM audit_log`)
			return err
		})
		if err == nil {
			t.Fatal("delete from audit_log succeeded")
		}
	})
}

func TestRebind(t *testing.T) {
	db := &storage.DB{Dialect: storage.Postgres}
	got := db.Rebind(`SELECT '?' , a FROM t WHERE b = ? AND c = ?`)
	want := `SELECT '?' , a FROM t WHERE b = $1 AND c = $2`
	if got != want {
		t.Fatalf("got %q", got)
	}
}

func TestIDsAndCounts(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, l := range [][2]int64{{3, 10}, {3, 11}, {4, 12}} {
				if _, err := tx.Exec(ctx, `INSERT INTO links (from_kind, from_id, to_kind, to_id, rel, created_at) VALUES ('project', ?, 'case', ?, 'complaint', 0)`, l[0], l[1]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids, err := db.IDs(ctx, `SELECT to_id FROM links WHERE from_id = ? ORDER BY to_id DESC`, 3)
		if err != nil || len(ids) != 2 || ids[0] != 11 || ids[1] != 10 {
			t.Errorf("IDs = %v, %v; want [11 10]", ids, err)
		}
		counts, err := db.Counts(ctx, `SELECT from_id, COUNT(*) FROM links GROUP BY from_id`)
		if err != nil || len(counts) != 2 || counts[3] != 2 || counts[4] != 1 {
			t.Errorf("Counts = %v, %v; want map[3:2 4:1]", counts, err)
		}
		if _, err := db.IDs(ctx, `SELECT nothing FROM links`); err == nil {
			t.Error("IDs of a bad query: no error")
		}
	})
}

// The writer keeps statement journals and temporary tables in memory
// (sqliteDSN): PRAGMA temp_store is 2 (MEMORY) inside a write transaction.
func TestSQLiteWriterTempStoreInMemory(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	var mode int
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		return tx.QueryRow(ctx, `PRAGMA temp_store`).Scan(&mode)
	}); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("temp_store in the writer = %d, want 2 (memory)", mode)
	}
}
