// Package storagetest gives tests a fresh, migrated database on every
// engine: SQLite always, PostgreSQL when LINLI_TEST_POSTGRES holds a DSN.
// Each PostgreSQL test gets its own schema, dropped afterwards.
//
// LINLI_TEST_STRICT=1 (set by CI) turns a skipped engine into a failure, so
// a missing service cannot pass silently.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"linli/storage"
)

// Engines runs f once per available engine as a subtest named after it.
func Engines(t *testing.T, f func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		db := Postgres(t)
		if db == nil {
			return
		}
		f(t, db)
	})
}

// Strict reports whether skipped suites must fail.
func Strict() bool { return os.Getenv("LINLI_TEST_STRICT") == "1" }

// SkipOrFail skips the test, or fails it under LINLI_TEST_STRICT=1.
func SkipOrFail(t testing.TB, why string) {
	t.Helper()
	if Strict() {
		t.Fatalf("LINLI_TEST_STRICT=1 and this suite cannot run: %s", why)
	}
	t.Skip(why)
}

// SQLite opens a migrated database in a temporary directory.
func SQLite(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "linli.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db)
	return db
}

// Postgres opens a migrated database in a new schema, or skips (fails
// under strict mode) without LINLI_TEST_POSTGRES. It returns nil on skip
// only when called through Engines.
func Postgres(t testing.TB) *storage.DB {
	t.Helper()
	dsn := os.Getenv("LINLI_TEST_POSTGRES")
	if dsn == "" {
		SkipOrFail(t, "LINLI_TEST_POSTGRES is not set")
		return nil
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := storage.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db)
	return db
}

func migrate(t testing.TB, db *storage.DB) {
	t.Helper()
	if _, err := db.Migrate(context.Background(), func() int64 { return time.Now().UnixMilli() }); err != nil {
		t.Fatal(err)
	}
}
