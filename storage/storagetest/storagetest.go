// Package storagetest gives tests a fresh, migrated database on every
// engine: SQLite always, PostgreSQL when LINLI_TEST_POSTGRES holds a DSN.
// Each PostgreSQL test gets its own schema, dropped afterwards.
//
// Migrating SQLite from scratch takes seconds under -race, so each test
// process migrates one file once, keeps its bytes, and gives every test a
// copy of them in the test's own directory: a whole, separate database, as
// if migrated there. Take and Snapshot.Restore do the same, on both
// engines, for any state a test helper builds (demotest's demo world).
//
// LINLI_TEST_STRICT=1 (set by CI) turns a skipped engine into a failure, so
// a missing service cannot pass silently.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"

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
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "linli.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrated holds the bytes of an SQLite file with every migration applied,
// built once per test process.
var migrated struct {
	mu    sync.Mutex
	bytes []byte
}

// OpenSQLite writes a migrated SQLite database to path (which must not
// exist) and opens it. The caller closes it.
func OpenSQLite(path string) (*storage.DB, error) {
	migrated.mu.Lock()
	if migrated.bytes == nil {
		b, err := buildMigrated()
		if err != nil {
			migrated.mu.Unlock()
			return nil, err
		}
		migrated.bytes = b
	}
	b := migrated.bytes
	migrated.mu.Unlock()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, err
	}
	return storage.Open(context.Background(), path)
}

func buildMigrated() ([]byte, error) {
	dir, err := os.MkdirTemp("", "linli-migrated-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := storage.Open(context.Background(), filepath.Join(dir, "linli.db"))
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(context.Background(), func() int64 { return time.Now().UnixMilli() }); err != nil {
		db.Close()
		return nil, err
	}
	s, err := Take(db)
	if err != nil {
		return nil, err
	}
	return s.file, nil
}

// Snapshot is the whole content of a database, taken once and restored
// into any number of freshly migrated databases of the same engine.
type Snapshot struct {
	file []byte // SQLite: the database file
	// PostgreSQL: the tables are copied to temporary tables of one
	// session held by this process (gone when it exits), named prefix +
	// table; seqs holds the sequences' last values.
	prefix string
	tables []string
	seqs   map[string]int64
}

// Take snapshots db. An SQLite db is closed; a PostgreSQL one is left as
// it was.
func Take(db *storage.DB) (*Snapshot, error) {
	if db.Dialect == storage.Postgres {
		return takePostgres(db)
	}
	var busy, logged, done int
	// On the writing pool: the reading one opens the file read-only.
	err := db.Pools()["write"].QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done)
	if err == nil && busy != 0 {
		err = fmt.Errorf("wal checkpoint: the database is busy (%d/%d pages)", done, logged)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(db.Label)
	if err != nil {
		return nil, err
	}
	return &Snapshot{file: b}, nil
}

// Restore replaces the content of db, freshly migrated and of the engine
// the snapshot was taken on, with the snapshot's; db's handle and pools
// stay valid.
func (s *Snapshot) Restore(t testing.TB, db *storage.DB) {
	t.Helper()
	var err error
	if db.Dialect == storage.Postgres {
		err = s.restorePostgres(db)
	} else {
		err = s.restoreSQLite(t.TempDir(), db)
	}
	if err != nil {
		t.Fatalf("restore snapshot: %v", err)
	}
}

// restoreSQLite copies the file over db through SQLite's online backup.
func (s *Snapshot) restoreSQLite(dir string, db *storage.DB) error {
	src := filepath.Join(dir, "snapshot.db")
	if err := os.WriteFile(src, s.file, 0o600); err != nil {
		return err
	}
	ctx := context.Background()
	conn, err := db.Pools()["write"].Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	type restorer interface {
		NewRestore(srcURI string) (*sqlite.Backup, error)
	}
	return conn.Raw(func(dc any) error {
		r, ok := dc.(restorer)
		if !ok {
			return fmt.Errorf("the SQLite driver cannot restore (%T)", dc)
		}
		bk, err := r.NewRestore("file:" + src)
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = bk.Step(-1); err != nil {
				bk.Finish()
				return err
			}
		}
		return bk.Finish()
	})
}

// held is the PostgreSQL session that keeps the snapshots' temporary
// tables, with triggers and foreign-key checks off while it copies
// (session_replication_role, which needs a superuser, as the test server
// has).
var held struct {
	mu    sync.Mutex
	conn  *sql.Conn
	taken int
}

func heldConn(ctx context.Context) (*sql.Conn, error) {
	if held.conn != nil {
		return held.conn, nil
	}
	pool, err := sql.Open("pgx", os.Getenv("LINLI_TEST_POSTGRES"))
	if err != nil {
		return nil, err
	}
	c, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if _, err := c.ExecContext(ctx, `SET session_replication_role = replica; SET synchronous_commit = off`); err != nil {
		c.Close()
		pool.Close()
		return nil, err
	}
	held.conn = c
	return c, nil
}

func currentSchema(ctx context.Context, db *storage.DB) (string, error) {
	var schema string
	err := db.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema)
	return schema, err
}

func takePostgres(db *storage.DB) (*Snapshot, error) {
	ctx := context.Background()
	schema, err := currentSchema(ctx, db)
	if err != nil {
		return nil, err
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	c, err := heldConn(ctx)
	if err != nil {
		return nil, err
	}
	held.taken++
	s := &Snapshot{prefix: fmt.Sprintf("snap%d_", held.taken), seqs: map[string]int64{}}
	rows, err := c.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name`, schema)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, err
		}
		s.tables = append(s.tables, name)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for _, tb := range s.tables {
		q := fmt.Sprintf(`CREATE TEMP TABLE %s AS SELECT * FROM %s.%s`, quote(s.prefix+tb), quote(schema), quote(tb))
		if _, err := c.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	rows, err = c.QueryContext(ctx, `SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = $1 AND last_value IS NOT NULL`, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return nil, err
		}
		s.seqs[name] = v
	}
	return s, rows.Err()
}

func (s *Snapshot) restorePostgres(db *storage.DB) error {
	ctx := context.Background()
	schema, err := currentSchema(ctx, db)
	if err != nil {
		return err
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	c, err := heldConn(ctx)
	if err != nil {
		return err
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, tb := range s.tables {
		q := fmt.Sprintf(`INSERT INTO %s.%s SELECT * FROM pg_temp.%s`, quote(schema), quote(tb), quote(s.prefix+tb))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", tb, err)
		}
	}
	for name, v := range s.seqs {
		if _, err := tx.ExecContext(ctx, `SELECT setval($1::regclass, $2)`, quote(schema)+"."+quote(name), v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return tx.Commit()
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// Postgres opens a migrated database in a new schema, or skips (fails
// under strict mode) without LINLI_TEST_POSTGRES. It returns nil on skip
// only when called through Engines.
func Postgres(t testing.TB) *storage.DB {
	t.Helper()
	db, _ := PostgresDSN(t)
	return db
}

// PostgresDSN is Postgres and the URL that opens the same schema again:
// for a second replica, or a signal listener (DB.Listen).
func PostgresDSN(t testing.TB) (*storage.DB, string) {
	t.Helper()
	dsn := os.Getenv("LINLI_TEST_POSTGRES")
	if dsn == "" {
		SkipOrFail(t, "LINLI_TEST_POSTGRES is not set")
		return nil, ""
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
	// A test's commits need not wait for the disk: the test server's
	// crash safety is not under test here (scripts/crashtest.sh tests it).
	// Benchmarks keep the flush, so they time what production does.
	if _, bench := t.(*testing.B); !bench {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	db, err := storage.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrate(t, db)
	return db, u.String()
}

func migrate(t testing.TB, db *storage.DB) {
	t.Helper()
	if _, err := db.Migrate(context.Background(), func() int64 { return time.Now().UnixMilli() }); err != nil {
		t.Fatal(err)
	}
}

// DSN is the URL of a PostgreSQL test database (Postgres): its database on
// LINLI_TEST_POSTGRES's server with its schema on the search path, for a
// second pool on the same data.
func DSN(t testing.TB, db *storage.DB) string {
	t.Helper()
	var schema, database string
	if err := db.QueryRow(context.Background(), `SELECT current_schema(), current_database()`).Scan(&schema, &database); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv("LINLI_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + database
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
