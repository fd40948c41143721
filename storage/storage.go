// Package storage opens Linli's database — embedded SQLite by default,
// PostgreSQL for a city — runs the embedded migrations and offers one
// transaction helper used by every capability. SQL is written once with
// "?" placeholders and rebound for PostgreSQL.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the database. For SQLite, writes go through a one-connection pool
// (SQLite has one writer; queueing in Go beats spinning on SQLITE_BUSY) and
// reads through a wider pool; for PostgreSQL both are the same pool, and
// the heavy reads may go to a hot standby (standby.go).
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// counters is PostgreSQL's pool for Tx.Counter: a few connections
	// whose commits do not wait for the disk (nil on SQLite).
	counters *sql.DB
	// Label says where the data lives, for logs (path or host/db).
	Label string

	batchOnce sync.Once
	batch     *batcher
	// prepared statements of the SQLite pools (nil on PostgreSQL)
	writeStmts, readStmts *stmtCache
	closing               chan struct{}
	closeOnce             sync.Once
	// standby answers the heavy reads when set (standby.go).
	standby *standby
	// sig are the handlers of signals between replicas (notify.go).
	sig signals
	// locals is what capabilities keep beside the DB (local.go).
	locals locals
}

// Open opens the database named by dsn: a postgres:// URL, or otherwise a
// path to an SQLite file (created with its directory).
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// sqliteDSN keeps every pragma in the DSN so each pooled connection has it:
// WAL for concurrent readers, foreign keys on, a busy timeout, and
// synchronous=FULL so an acknowledged commit survives power loss. The
// writer keeps its temporary storage in memory (temp_store=MEMORY): a
// group commit gives each request a savepoint, and each savepoint's
// statement journal went to a temporary file — system calls on the one
// writer for what is never needed after the commit (issue 14: report
// creation 950–1,225/s before, 1,325–1,355/s after, in alternating runs).
func sqliteDSN(path string, readOnly bool) string {
	// case_sensitive_like lets "path LIKE '/1/4/%'" use the index on
	// path (materialised paths hold only digits and slashes).
	q := "_pragma=journal_mode(WAL)&_pragma=temp_store(MEMORY)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_pragma=case_sensitive_like(1)&_txlock=immediate"
	if readOnly {
		q = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=case_sensitive_like(1)&mode=ro"
	}
	return "file:" + path + "?" + q
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &DB{Dialect: SQLite, write: w, read: r, Label: path, closing: make(chan struct{}), writeStmts: &stmtCache{}, readStmts: &stmtCache{}}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	// Enough transactions in flight for the server's group commit to
	// share each WAL flush among many; a request waits here for a
	// connection rather than in PostgreSQL for a lock.
	p.SetMaxOpenConns(DefaultPool)
	p.SetMaxIdleConns(DefaultPool)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	c, err := sql.Open("pgx", asyncCommitDSN(dsn))
	if err != nil {
		p.Close()
		return nil, err
	}
	c.SetMaxOpenConns(4)
	c.SetMaxIdleConns(4)
	c.SetConnMaxIdleTime(5 * time.Minute)
	label := dsn
	if i := strings.Index(label, "@"); i >= 0 {
		label = "postgres://…" + label[i:]
	}
	return &DB{Dialect: Postgres, write: p, read: p, counters: c, Label: label, closing: make(chan struct{})}, nil
}

// asyncCommitDSN is dsn with synchronous_commit off for every session
// (pgx passes unknown URL parameters as run-time settings).
func asyncCommitDSN(dsn string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "synchronous_commit=off"
}

// Close closes both pools. Queued batched writes are answered first.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { close(db.closing) })
	if db.writeStmts != nil {
		db.writeStmts.close()
		db.readStmts.close()
	}
	err := db.write.Close()
	if db.counters != nil {
		err = errors.Join(err, db.counters.Close())
	}
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.standby != nil {
		err = errors.Join(err, db.standby.pool.Close())
	}
	return err
}

// Pools returns the underlying pools for metrics (name → pool).
func (db *DB) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{"main": db.write}
	if db.read != db.write {
		pools = map[string]*sql.DB{"write": db.write, "read": db.read}
	}
	if db.counters != nil {
		pools["counters"] = db.counters
	}
	if db.standby != nil {
		pools["standby"] = db.standby.pool
	}
	return pools
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Rebind turns "?" placeholders into "$n" for PostgreSQL. Question marks
// inside string literals are left alone.
func (db *DB) Rebind(q string) string {
	if db.Dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Query runs a read query outside a transaction (on the hot standby when
// ctx is marked HeavyRead and one answers).
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	args = db.planned(ctx, args)
	if rows, ok, err := db.heavyQuery(ctx, q, args); ok {
		return rows, err
	}
	if db.readStmts != nil && !isHeavy(ctx) {
		if st := db.readStmts.get(ctx, db.read, q); st != nil {
			rows, err := st.QueryContext(ctx, args...)
			return rows, withStatement(q, err)
		}
	}
	rows, err := db.read.QueryContext(ctx, db.Rebind(q), args...)
	return rows, withStatement(q, err)
}

// QueryRow runs a one-row read query outside a transaction (on the hot
// standby when ctx is marked HeavyRead and one answers).
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *Row {
	args = db.planned(ctx, args)
	if r := db.heavyQueryRow(ctx, q, args); r != nil {
		return r
	}
	if db.readStmts != nil && !isHeavy(ctx) {
		if st := db.readStmts.get(ctx, db.read, q); st != nil {
			return &Row{row: st.QueryRowContext(ctx, args...), q: q}
		}
	}
	return &Row{row: db.read.QueryRowContext(ctx, db.Rebind(q), args...), q: q}
}

// Tx is a write transaction. Work that must only happen once the data is
// durable (events, notifications) is queued with AfterCommit.
type Tx struct {
	db    *DB
	tx    *sql.Tx
	after []func()
	// signalled are the (channel, payload) pairs Notify queued.
	signalled [][2]string
	queue     []queued // PostgreSQL: writes not sent yet (Queue)
}

type queued struct {
	q    string
	args []any
}

// stmt returns the transaction's handle on a cached prepared statement,
// or nil to run the text unprepared.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.db.writeStmts == nil {
		return nil
	}
	st := t.db.writeStmts.lookup(t.db.write, q)
	if st == nil {
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	return t.exec(ctx, q, args...)
}

// exec runs a statement without sending the queued writes first.
func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, withStatement(q, err)
	}
	res, err := t.tx.ExecContext(ctx, t.db.Rebind(q), args...)
	return res, withStatement(q, err)
}

// Query runs a query inside the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	if st := t.stmt(ctx, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, withStatement(q, err)
	}
	rows, err := t.tx.QueryContext(ctx, t.db.Rebind(q), args...)
	return rows, withStatement(q, err)
}

// QueryRow runs a one-row query inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *Row {
	if err := t.flush(ctx); err != nil {
		return &Row{q: q, err: err}
	}
	if st := t.stmt(ctx, q); st != nil {
		return &Row{row: st.QueryRowContext(ctx, args...), q: q}
	}
	return &Row{row: t.tx.QueryRowContext(ctx, t.db.Rebind(q), args...), q: q}
}

// Insert runs an INSERT … RETURNING id and returns the id.
func (t *Tx) Insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// Queue runs q, an INSERT, UPDATE or DELETE without RETURNING whose
// result the caller does not need, as part of the transaction: it is held
// until the transaction's next statement or its commit. On PostgreSQL the
// writes held together go to the server as one statement (each a
// data-modifying WITH clause of it): one round trip instead of one each,
// which is what a write costs on PostgreSQL when the process is not busy.
// On SQLite they run one by one; in a group commit (Batch) the writes
// still held when a request ends run after every request of the batch,
// alike statements together — so FTS5 search rows are written out to the
// index once per batch, not once per report (any statement with a
// statement journal between two of them makes FTS5 write a segment). A
// report writes its search row, timeline step and statistics change this
// way.
//
// Writes queued together run on one snapshot, in no set order: queue only
// writes that do not depend on each other's effects (rows of different
// cases, or of different tables that no trigger or check ties together).
// An error of a queued write surfaces at that next statement or at the
// commit, naming the combined statement.
func (t *Tx) Queue(ctx context.Context, q string, args ...any) error {
	if len(t.queue) >= maxQueued {
		// A long loop of queued writes (a bulk import) goes out in
		// bounded statements: PostgreSQL takes at most 65,535 parameters.
		if err := t.flush(ctx); err != nil {
			return err
		}
	}
	t.queue = append(t.queue, queued{q: q, args: args})
	return nil
}

// maxQueued bounds the writes one transaction holds back.
const maxQueued = 64

// flush sends the queued writes: one by one on SQLite, as one statement
// on PostgreSQL.
func (t *Tx) flush(ctx context.Context) error {
	if len(t.queue) == 0 {
		return nil
	}
	qs := t.queue
	t.queue = nil
	if t.db.Dialect != Postgres {
		for _, w := range qs {
			if _, err := t.exec(ctx, w.q, w.args...); err != nil {
				return err
			}
		}
		return nil
	}
	q, args := qs[0].q, qs[0].args
	if len(qs) > 1 {
		var b strings.Builder
		args = nil
		for i, w := range qs[:len(qs)-1] {
			if i == 0 {
				b.WriteString("WITH ")
			} else {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "w%d AS (%s)", i, w.q)
			args = append(args, w.args...)
		}
		last := qs[len(qs)-1]
		b.WriteString(" ")
		b.WriteString(last.q)
		q, args = b.String(), append(args, last.args...)
	}
	_, err := t.tx.ExecContext(ctx, t.db.Rebind(q), args...)
	return withStatement(q, err)
}

// Counter bumps a hot counter row (a community's case numbers of the day)
// and returns its new value. update bumps an existing row ("UPDATE … SET
// n = n + 1 WHERE … RETURNING n"); upsert makes or bumps it ("INSERT …
// ON CONFLICT … DO UPDATE … RETURNING n"); both take args.
//
// On SQLite it runs in the transaction: there is one writer, so nobody
// waits for the row, and a rollback gives the number back (gap-free).
// The update runs first, and the upsert only for a new row: an upsert
// opens a statement journal, and that makes FTS5 write out the search
// rows the batch's earlier reports queued in memory — a new index
// segment per report, then merges (45 % of the writer's CPU under load).
//
// On PostgreSQL a row locked in the transaction would stay locked until
// its commit, WAL flush included, so every writer of the row would queue
// behind the one before it: one community's reports ran one at a time
// (issue 14: 29 of 32 connections waiting on the counter row). Here q
// runs at once as a transaction of its own on a connection with
// synchronous_commit off, so the row is held for one statement and the
// commit does not wait for the disk. That is still durable enough: the
// counter's commit record enters the WAL before the caller's transaction
// even writes, and PostgreSQL flushes the WAL in order, so once the
// caller's commit is durable the counter's is too — a restart never hands
// out a number a stored row already has. The price: if the caller's
// transaction then fails, the value is spent (a gap).
func (t *Tx) Counter(ctx context.Context, update, upsert string, args ...any) (int64, error) {
	var n int64
	if t.db.counters == nil {
		err := t.QueryRow(ctx, update, args...).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			err = t.QueryRow(ctx, upsert, args...).Scan(&n)
		}
		return n, err
	}
	err := t.db.counters.QueryRowContext(ctx, t.db.Rebind(upsert), args...).Scan(&n)
	return n, withStatement(upsert, err)
}

// Dialect returns the engine of the transaction.
func (t *Tx) Dialect() Dialect { return t.db.Dialect }

// AfterCommit queues f to run after a successful commit.
func (t *Tx) AfterCommit(f func()) { t.after = append(t.after, f) }

// InTx runs f in one write transaction: committed if f returns nil, rolled
// back otherwise. Hooks queued with AfterCommit run after the commit.
func (db *DB) InTx(ctx context.Context, f func(*Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{db: db, tx: sqlTx}
	err = f(tx)
	if err == nil {
		err = tx.flush(ctx)
	}
	if err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, h := range tx.after {
		h()
	}
	return nil
}

// IsUnique reports whether err is a unique-constraint violation on either engine.
func IsUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// IsForeignKey reports whether err is a foreign-key violation on either engine.
func IsForeignKey(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return false
}

// Millis converts a time to the stored form: Unix milliseconds, UTC.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMillis converts the stored form back; zero stays the zero time.
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// Bool converts a stored 0/1 integer.
func Bool(i int64) bool { return i != 0 }

// Int converts a bool to the stored 0/1 integer.
func Int(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Counts runs a query of (id, count) rows — "SELECT community_id, COUNT(*)
// … GROUP BY community_id" — and returns them as a map.
func (db *DB) Counts(ctx context.Context, q string, args ...any) (map[int64]int, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// IDs runs a query of one integer column and returns the values in order.
func (db *DB) IDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
