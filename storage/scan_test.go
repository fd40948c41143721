package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

func TestScanHelpersReadEveryRow(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, name := range []string{"甲", "乙", "丙"} {
				if _, err := tx.Insert(ctx, `INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?)`, name, 1, 1); err != nil {
					return err
				}
			}
			// Inside the transaction the same helpers read through the Tx.
			names, err := storage.Scalars[string](ctx, tx, `SELECT name FROM people ORDER BY id`)
			if err != nil || len(names) != 3 {
				t.Errorf("Scalars in tx = %v, %v", names, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		type pair struct {
			id   int64
			name string
		}
		got, err := storage.Select(ctx, db, func(r *sql.Rows) (pair, error) {
			var p pair
			return p, r.Scan(&p.id, &p.name)
		}, `SELECT id, name FROM people ORDER BY id`)
		if err != nil || len(got) != 3 || got[2].name != "丙" {
			t.Fatalf("Select = %v, %v", got, err)
		}
	})
}

// A connection lost halfway must be an error, never a short list: a
// context cancelled after the first row makes rows.Next stop early, and
// only rows.Err tells.
func TestScanHelpersReportAnInterruptedRead(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		err := storage.Each(ctx, db, func(r *sql.Rows) error {
			n++
			cancel()
			return nil
		}, `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100000) SELECT i FROM s`)
		if err == nil {
			t.Fatalf("Each read %d rows and returned nil after the context was cancelled", n)
		}
		if n >= 100000 {
			t.Fatalf("read all %d rows", n)
		}
	})
}

func TestStatementInErrors(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var name string
		err := db.QueryRow(ctx, `SELECT name FROM people WHERE id = ?`, -1).Scan(&name)
		if !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("err = %v; want sql.ErrNoRows through the wrapper", err)
		}
		if !strings.Contains(err.Error(), "SELECT name FROM people WHERE id = ?") {
			t.Errorf("error %q does not say which statement", err)
		}
		_, err = db.Query(ctx, `SELECT no_such_column FROM people`)
		if err == nil || !strings.Contains(err.Error(), "SELECT no_such_column FROM people") {
			t.Errorf("query error %v does not say which statement", err)
		}
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE no_such_table SET x = 1`)
			return err
		})
		var se *storage.StatementError
		if !errors.As(err, &se) || se.Statement != "UPDATE no_such_table SET x = 1" {
			t.Errorf("exec error %v; want a StatementError naming the statement", err)
		}
	})
}

// A unique violation's own message names the constraint; the statement
// Linli adds names every column and must not be searched.
func TestDriverMessageLeavesOutTheStatement(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ins := func() error {
			return db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO accounts (username, phone, display_name, password_hash, created_at, updated_at) VALUES (?, NULL, ?, ?, ?, ?)`, "same", "甲", "x", 1, 1)
				return err
			})
		}
		if err := ins(); err != nil {
			t.Fatal(err)
		}
		err := ins()
		if !storage.IsUnique(err) {
			t.Fatalf("err = %v; want a unique violation", err)
		}
		if !strings.Contains(err.Error(), "phone") {
			t.Fatalf("the statement is not in the error: %v", err)
		}
		if strings.Contains(storage.DriverMessage(err), "phone") {
			t.Errorf("DriverMessage %q names the phone column of the statement; the violation is on username", storage.DriverMessage(err))
		}
	})
}
