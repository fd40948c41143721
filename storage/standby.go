package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A hot standby for heavy reads. A city's statistics, exports and reports
// scan far more rows than a page of cases does; on PostgreSQL they may be
// sent to a streaming replica (a hot standby) so they do not compete with
// the writes on the primary.
//
// What goes there is chosen per request, not per query: a handler marks its
// context with HeavyRead, and only DB.Query and DB.QueryRow made with that
// context — reads outside a transaction — are answered by the standby.
// InTx and Batch always run on the primary, whatever the context says, so a
// write cannot be routed to the standby; and the standby's sessions start
// with default_transaction_read_only=on, so a write sent through the read
// route by mistake fails (as it would on any hot standby) instead of
// landing anywhere.
//
// A standby lags the primary by its replay delay (normally milliseconds;
// more under a long query or a network hiccup): figures read there may miss
// the newest changes by that much. A standby that does not answer is not an
// outage: its reads go to the primary, counted in StandbyStats, and it is
// tried again after StandbyOptions.Retry. (A read whose rows were already
// coming when the standby went away fails, like any read cut off halfway;
// the next one finds the standby down.)

// heavyKey marks a context whose reads may be answered by the standby.
type heavyKey struct{}

// HeavyRead marks ctx: reads made with it outside a transaction may be
// answered by the hot standby, if one is configured (else by the primary,
// as always). Statistics, exports and reports use it; a read whose answer
// must include the request's own writes must not.
func HeavyRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, heavyKey{}, true)
}

func isHeavy(ctx context.Context) bool {
	v, _ := ctx.Value(heavyKey{}).(bool)
	return v
}

// planned makes a heavy read on PostgreSQL planned for its own values
// each time (pgx's QueryExecModeExec: an unnamed statement), not through
// a prepared statement. After five runs PostgreSQL may keep one generic
// plan for every later value: the city statistics' grid ranking then read
// a district's 5,000 grid rows one by one through the primary key (3,800
// buffers, 6.7 ms a call) where the plan for the values reads them by
// bitmap (110 buffers, under 2 ms). Planning a statistics query costs a
// fraction of a millisecond; the hot paths (a report, a list) keep their
// prepared statements.
func (db *DB) planned(ctx context.Context, args []any) []any {
	if db.Dialect != Postgres || !isHeavy(ctx) {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// StandbyOptions configure UseStandby. Zero values take the defaults.
type StandbyOptions struct {
	// Retry is how long a standby that failed is left alone before it is
	// tried again (default 5 s); its reads go to the primary meanwhile.
	Retry time.Duration
	// Now is the clock of the retry (default time.Now).
	Now func() time.Time
	// Changed is told when the standby stops answering (up false, with
	// the error) and when it answers again; the wiring logs it.
	Changed func(up bool, err error)
}

// StandbyStats count the heavy reads.
type StandbyStats struct {
	Up        bool  // the last attempt on the standby succeeded
	Served    int64 // heavy reads answered by the standby
	Fallbacks int64 // heavy reads answered by the primary because the standby did not
	Failures  int64 // attempts on the standby that failed for want of a connection
}

type standby struct {
	pool  *sql.DB
	label string
	o     StandbyOptions

	mu        sync.Mutex
	up        bool
	downUntil time.Time

	served, fallbacks, failures atomic.Int64
}

// UseStandby sends the heavy reads (HeavyRead) to the hot standby at dsn, a
// postgres:// URL of a streaming replica of this database. It is called once,
// before the database is used. A standby that does not answer now is not an
// error: it is tried again later, its reads meanwhile on the primary.
func (db *DB) UseStandby(ctx context.Context, dsn string, o StandbyOptions) error {
	if db.Dialect != Postgres {
		return errors.New("a hot standby for reading needs PostgreSQL (--db postgres://…)")
	}
	if db.standby != nil {
		return errors.New("the standby is already set")
	}
	full, err := standbyDSN(dsn)
	if err != nil {
		return err
	}
	if o.Retry <= 0 {
		o.Retry = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	p, err := sql.Open("pgx", full)
	if err != nil {
		return err
	}
	p.SetMaxOpenConns(16)
	p.SetMaxIdleConns(16)
	p.SetConnMaxIdleTime(5 * time.Minute)
	sb := &standby{pool: p, label: hostLabel(dsn), o: o, up: true}
	if err := p.PingContext(ctx); err != nil {
		sb.fail(err)
	}
	db.standby = sb
	return nil
}

// standbyDSN adds to the standby's URL what every one of its sessions
// needs: read-only transactions, a name in pg_stat_activity, and a short
// connect timeout (a dead standby must not hold a page for long).
func standbyDSN(dsn string) (string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return "", errors.New("the standby must be a postgres:// URL")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("standby URL: %w", err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	if q.Get("application_name") == "" {
		q.Set("application_name", "linli-standby")
	}
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "2")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// hostLabel is a URL without its user and password, for logs.
func hostLabel(dsn string) string {
	if i := strings.Index(dsn, "@"); i >= 0 {
		return "postgres://…" + dsn[i:]
	}
	return dsn
}

// StandbyLabel says where the standby is, for logs; "" without one.
func (db *DB) StandbyLabel() string {
	if db.standby == nil {
		return ""
	}
	return db.standby.label
}

// StandbyStats returns the heavy reads' counts; ok is false without a standby.
func (db *DB) StandbyStats() (s StandbyStats, ok bool) {
	sb := db.standby
	if sb == nil {
		return s, false
	}
	sb.mu.Lock()
	s.Up = sb.up
	sb.mu.Unlock()
	s.Served, s.Fallbacks, s.Failures = sb.served.Load(), sb.fallbacks.Load(), sb.failures.Load()
	return s, true
}

// standbyFor returns the standby to try for a read with ctx, or nil for
// the primary (no standby, not a heavy read, or the standby failed less
// than Retry ago — that read is counted as a fallback).
func (db *DB) standbyFor(ctx context.Context) *standby {
	sb := db.standby
	if sb == nil || !isHeavy(ctx) {
		return nil
	}
	sb.mu.Lock()
	resting := sb.o.Now().Before(sb.downUntil)
	sb.mu.Unlock()
	if resting {
		sb.fallbacks.Add(1)
		return nil
	}
	return sb
}

// answered reports whether the standby's answer (err of the query) stands;
// false sends the read to the primary.
func (sb *standby) answered(ctx context.Context, err error) bool {
	if err == nil {
		sb.served.Add(1)
		sb.mu.Lock()
		back := !sb.up
		sb.up = true
		sb.mu.Unlock()
		if back && sb.o.Changed != nil {
			sb.o.Changed(true, nil)
		}
		return true
	}
	if ctx.Err() != nil {
		return true // the caller gave up; the primary would not do better
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "40001" {
		// Cancelled by a conflict with recovery (the standby replayed
		// something the query needed): that query alone goes to the
		// primary; the standby is well.
		sb.fallbacks.Add(1)
		return false
	}
	if !unavailable(err) {
		return true // an error of the query itself (the read-only refusal among them)
	}
	sb.failures.Add(1)
	sb.fallbacks.Add(1)
	sb.fail(err)
	return false
}

// fail rests the standby for Retry.
func (sb *standby) fail(err error) {
	sb.mu.Lock()
	was := sb.up
	sb.up = false
	sb.downUntil = sb.o.Now().Add(sb.o.Retry)
	sb.mu.Unlock()
	if was && sb.o.Changed != nil {
		sb.o.Changed(false, err)
	}
}

// unavailable reports whether err says the server could not be reached
// or went away, rather than that the query was wrong.
func unavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	case errors.As(err, &pe):
		// 08: connection exceptions; 57P01–57P03: shut down, starting up.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return pgconn.SafeToRetry(err)
}

// heavyQuery runs a read on the standby when ctx asks for it and the
// standby answers; ok false means run it on the primary.
func (db *DB) heavyQuery(ctx context.Context, q string, args []any) (*sql.Rows, bool, error) {
	sb := db.standbyFor(ctx)
	if sb == nil {
		return nil, false, nil
	}
	rows, err := sb.pool.QueryContext(ctx, db.Rebind(q), args...)
	if !sb.answered(ctx, err) {
		return nil, false, nil
	}
	return rows, true, withStatement(q, err)
}

// heavyQueryRow is heavyQuery for one row.
func (db *DB) heavyQueryRow(ctx context.Context, q string, args []any) *Row {
	sb := db.standbyFor(ctx)
	if sb == nil {
		return nil
	}
	row := sb.pool.QueryRowContext(ctx, db.Rebind(q), args...)
	if !sb.answered(ctx, row.Err()) {
		return nil
	}
	return &Row{row: row, q: q}
}
