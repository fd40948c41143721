package storage_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"linli/storage"
	"linli/storage/storagetest"
)

// These tests give the test database a second pool as its "standby": the
// same data reached through a switchable loopback proxy, told apart by the
// sessions' application_name. The real streaming standby is started by
// cmd/linli's TestHeavyPagesReadTheHotStandby.

// proxy forwards connections to the PostgreSQL test server while on; off,
// it cuts every connection and refuses new ones, like a standby gone down.
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	on     bool
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target, on: true}
	t.Cleanup(func() { l.Close(); p.set(false) })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			on := p.on
			if on {
				p.conns = append(p.conns, c)
			}
			p.mu.Unlock()
			if !on {
				c.Close()
				continue
			}
			go p.pipe(c)
		}
	}()
	return p
}

func (p *proxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, s)
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); s.Close() }()
	_, _ = io.Copy(c, s)
	c.Close()
}

func (p *proxy) set(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.on = on
	if !on {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// standbyVia gives db a standby through a proxy to its own server.
func standbyVia(t *testing.T, db *storage.DB, o storage.StandbyOptions) *proxy {
	dsn := storagetest.DSN(t, db)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.l.Addr().String()
	if err := db.UseStandby(context.Background(), u.String(), o); err != nil {
		t.Fatal(err)
	}
	return p
}

func appName(t *testing.T, q storage.Querier, ctx context.Context) string {
	t.Helper()
	var app string
	if err := q.QueryRow(ctx, `SELECT current_setting('application_name')`).Scan(&app); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestHeavyReadsGoToTheStandbyAndWritesNever(t *testing.T) {
	db := storagetest.Postgres(t)
	standbyVia(t, db, storage.StandbyOptions{})
	ctx := context.Background()
	heavy := storage.HeavyRead(ctx)
	if got := appName(t, db, heavy); got != "linli-standby" {
		t.Errorf("a heavy read ran on %q; want the standby", got)
	}
	if got := appName(t, db, ctx); got == "linli-standby" {
		t.Error("an ordinary read ran on the standby")
	}
	rows, err := db.Query(heavy, `SELECT current_setting('application_name')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var app string
		if err := rows.Scan(&app); err != nil || app != "linli-standby" {
			t.Errorf("Query: a heavy read ran on %q (%v)", app, err)
		}
	}
	rows.Close()

	// A transaction started with a heavy read's context is still the
	// primary's: writes are never routed by the context.
	err = db.InTx(heavy, func(tx *storage.Tx) error {
		if got := appName(t, tx, heavy); got == "linli-standby" {
			t.Error("a transaction ran on the standby")
		}
		_, err := tx.Insert(heavy, `INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?)`, "甲", 1, 1)
		return err
	})
	if err != nil {
		t.Fatalf("a write in InTx with a heavy read's context: %v", err)
	}
	// A write sent through the read route by mistake is refused: the
	// standby's sessions are read-only (as a hot standby is anyway), and
	// the refusal is not taken for an outage and retried on the primary.
	before, _ := db.StandbyStats()
	_, err = db.Query(heavy, `INSERT INTO people (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id`, "乙", 1, 1)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25006" {
		t.Fatalf("a write through the read route: %v; want read_only_sql_transaction (25006)", err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("people = %d, %v; want only the write made in InTx", n, err)
	}
	after, _ := db.StandbyStats()
	if after.Fallbacks != before.Fallbacks || !after.Up || after.Served < 2 {
		t.Errorf("stats %+v after %+v; want the refusal not to count as an outage", after, before)
	}
}

func TestStandbyOutageFallsBackToThePrimary(t *testing.T) {
	db := storagetest.Postgres(t)
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var changes []bool
	p := standbyVia(t, db, storage.StandbyOptions{Retry: 10 * time.Second, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		Changed: func(up bool, err error) { mu.Lock(); changes = append(changes, up); mu.Unlock() }})
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	heavy := storage.HeavyRead(context.Background())
	if got := appName(t, db, heavy); got != "linli-standby" {
		t.Fatalf("read on %q; want the standby", got)
	}

	p.set(false)
	for i := 0; i < 3; i++ { // the first finds it down; the others do not try it
		if got := appName(t, db, heavy); got == "linli-standby" {
			t.Fatal("read on the standby while it is down")
		}
	}
	s, _ := db.StandbyStats()
	if s.Up || s.Fallbacks != 3 || s.Failures != 1 {
		t.Errorf("down: %+v; want Up false, 3 fallbacks, 1 failure (the standby left alone for Retry)", s)
	}
	if _, err := db.IDs(heavy, `SELECT id FROM people`); err != nil {
		t.Errorf("Query while the standby is down: %v", err)
	}

	advance(11 * time.Second) // tried again, still down
	appName(t, db, heavy)
	if s, _ = db.StandbyStats(); s.Failures != 2 {
		t.Errorf("after Retry: %d failures; want the standby tried again", s.Failures)
	}

	p.set(true)
	advance(5 * time.Second) // within Retry: still the primary
	if got := appName(t, db, heavy); got == "linli-standby" {
		t.Error("the standby was tried before Retry passed")
	}
	advance(6 * time.Second)
	if got := appName(t, db, heavy); got != "linli-standby" {
		t.Errorf("read on %q after the standby came back; want the standby", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 2 || changes[0] || !changes[1] {
		t.Errorf("Changed told %v; want [false true]", changes)
	}
}

func TestStandbyNeedsPostgreSQL(t *testing.T) {
	db := storagetest.SQLite(t)
	if err := db.UseStandby(context.Background(), "postgres://127.0.0.1:1/x", storage.StandbyOptions{}); err == nil {
		t.Fatal("an SQLite database took a standby")
	}
	// Without a standby a heavy read is an ordinary read.
	var n int
	if err := db.QueryRow(storage.HeavyRead(context.Background()), `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, ok := db.StandbyStats(); ok {
		t.Error("stats without a standby")
	}
}
