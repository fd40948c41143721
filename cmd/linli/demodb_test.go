package main

// Test servers start on a copy of one demo database per engine, built once
// per test process, rather than loading the demo (1,386 households, four
// weeks of cases and the two negotiation stories) again for every test:
// under -race on PostgreSQL the load takes several seconds, and some
// seventy servers start in this package.
//
//   - SQLite: the demo is loaded into a file in a temporary directory,
//     closed (which checkpoints the WAL) and copied for each test.
//   - PostgreSQL: the demo is loaded into a template database, and each test
//     gets CREATE DATABASE … TEMPLATE it (a file copy on the server), dropped
//     when the test ends. The template is dropped when the tests end.
//
// Each copy is a whole, separate database, so tests still cannot see one
// another's writes.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"linli/demo"
	"linli/storage"
	"linli/storage/storagetest"
)

var demoTemplates struct {
	mu       sync.Mutex
	sqlite   string // path of the loaded SQLite file
	pgName   string // name of the loaded template database
	pgAdmin  string // DSN of the database the template was created from
	cleanups []func()
}

// TestMain drops the template databases after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	demoTemplates.mu.Lock()
	for _, f := range demoTemplates.cleanups {
		f()
	}
	demoTemplates.mu.Unlock()
	os.Exit(code)
}

func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// loadDemo migrates db and loads the demo data exactly as startServer's
// server would.
func loadDemo(tb testing.TB, db *storage.DB) {
	tb.Helper()
	if _, err := db.Migrate(context.Background(), func() int64 { return time.Now().UnixMilli() }); err != nil {
		tb.Fatal(err)
	}
	m, _ := newTestMain(tb, db)
	if err := m.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if _, err := ensureDemo(context.Background(), m, demo.Build()); err != nil {
		tb.Fatal(err)
	}
}

// demoSQLite returns a fresh copy of the demo database on SQLite.
func demoSQLite(tb testing.TB) *storage.DB {
	tb.Helper()
	demoTemplates.mu.Lock()
	if demoTemplates.sqlite == "" {
		dir, err := os.MkdirTemp("", "linli-demo-template-")
		if err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatal(err)
		}
		path := filepath.Join(dir, "linli.db")
		db, err := storage.Open(context.Background(), path)
		if err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatal(err)
		}
		loadDemo(tb, db)
		// Fold the write-ahead log into the file, so the file alone is
		// the whole database.
		if err := checkpoint(db); err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatal(err)
		}
		if err := db.Close(); err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatal(err)
		}
		demoTemplates.sqlite = path
		demoTemplates.cleanups = append(demoTemplates.cleanups, func() { os.RemoveAll(dir) })
	}
	src := demoTemplates.sqlite
	demoTemplates.mu.Unlock()

	dst := filepath.Join(tb.TempDir(), "linli.db")
	if err := copyFile(src, dst); err != nil {
		tb.Fatal(err)
	}
	db, err := storage.Open(context.Background(), dst)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// checkpoint copies every committed page from the WAL into the database
// file and empties the log.
func checkpoint(db *storage.DB) error {
	var busy, logged, done int
	// On the writing pool: the reading one opens the file read-only.
	if err := db.Pools()["write"].QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return err
	}
	if busy != 0 {
		return fmt.Errorf("wal checkpoint: the database is busy (%d/%d pages)", done, logged)
	}
	return nil
}

// withDatabase returns dsn naming another database on the same server.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// demoPostgres returns a fresh copy of the demo database on PostgreSQL, or
// skips (fails under LINLI_TEST_STRICT=1) without LINLI_TEST_POSTGRES.
func demoPostgres(tb testing.TB) *storage.DB {
	tb.Helper()
	db, _ := demoPostgresDSN(tb)
	return db
}

// demoPostgresDSN is demoPostgres and the URL of its database, for
// replicas (replicas_test.go).
func demoPostgresDSN(tb testing.TB) (*storage.DB, string) {
	tb.Helper()
	dsn := os.Getenv("LINLI_TEST_POSTGRES")
	if dsn == "" {
		storagetest.SkipOrFail(tb, "LINLI_TEST_POSTGRES is not set")
		return nil, ""
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	demoTemplates.mu.Lock()
	if demoTemplates.pgName == "" {
		name := randomName("linli_tpl_")
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatalf("create the template database: %v", err)
		}
		tplDSN, err := withDatabase(dsn, name)
		if err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatal(err)
		}
		db, err := storage.Open(ctx, tplDSN)
		if err != nil {
			demoTemplates.mu.Unlock()
			tb.Fatal(err)
		}
		loadDemo(tb, db)
		db.Close()
		demoTemplates.pgName, demoTemplates.pgAdmin = name, dsn
		demoTemplates.cleanups = append(demoTemplates.cleanups, func() {
			if a, err := sql.Open("pgx", dsn); err == nil {
				_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				a.Close()
			}
		})
	}
	tpl := demoTemplates.pgName
	// CREATE DATABASE … TEMPLATE needs the template to have no other
	// session; copies are made one at a time.
	name := randomName("linli_t_")
	_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tpl))
	demoTemplates.mu.Unlock()
	if err != nil {
		tb.Fatalf("copy the template database: %v", err)
	}
	tb.Cleanup(func() {
		if a, err := sql.Open("pgx", dsn); err == nil {
			_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			a.Close()
		}
	})
	copyDSN, err := withDatabase(dsn, name)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := storage.Open(ctx, copyDSN)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, copyDSN
}
