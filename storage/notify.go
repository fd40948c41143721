package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Signals between the replicas that share one database.
//
// Several `linli serve` processes on one PostgreSQL keep small caches
// (token actors, lineages, categories, staff lists, webhook
// subscriptions) and serve live
// streams; a change made on one must reach the others at once. A
// capability says what changed with Tx.Notify inside the transaction that
// changed it; every replica's handlers registered with Subscribe for that
// channel run once the transaction committed — this process's straight
// from the commit, the others' when their listener (listen.go) hears
// PostgreSQL's NOTIFY, which PostgreSQL delivers only on commit and never
// for a rolled-back transaction. On SQLite there is one process, so the
// same calls stay in it.
//
// All of Linli's signals travel on one PostgreSQL channel per schema
// ("linli.public"; NOTIFY reaches the whole database, and tests run
// databases side by side in schemas of one), as "origin channel
// payload": origin tells a replica its own signals (run already, at
// commit) from the others'. A payload should be small — an id, or nothing
// ("something changed, forget it all") — since PostgreSQL caps a
// notification at 8000 bytes.

// pgChannel is the PostgreSQL channel every replica LISTENs on, followed
// by the schema: the SQL that names it (a channel name is at most 63
// bytes).
const pgChannel = `left('linli.' || current_schema(), 63)`

// MaxPayload is the longest payload Notify and Broadcast take: PostgreSQL's
// 8000 bytes less room for the origin and the channel.
const MaxPayload = 7900

// signals are the handlers of one DB, by channel.
type signals struct {
	once     sync.Once
	origin   string
	mu       sync.RWMutex
	handlers map[string][]func(string)
	resync   []func()
}

func (s *signals) id() string {
	s.once.Do(func() {
		var b [8]byte
		_, _ = rand.Read(b[:])
		s.origin = hex.EncodeToString(b[:])
	})
	return s.origin
}

// Subscribe runs f with the payload of every signal on channel, from any
// replica, this one included. f runs on the listener's goroutine (or the
// committing one's): it must be quick and must not block — clearing a
// cache, handing an event to a hub. Subscribe at start-up.
func (db *DB) Subscribe(channel string, f func(payload string)) {
	db.sig.mu.Lock()
	defer db.sig.mu.Unlock()
	if db.sig.handlers == nil {
		db.sig.handlers = map[string][]func(string){}
	}
	db.sig.handlers[channel] = append(db.sig.handlers[channel], f)
}

// OnResync runs f whenever signals may have been missed: the listener
// lost its connection to PostgreSQL and has it back. Caches forget
// everything; live streams make their clients catch up from the tables.
func (db *DB) OnResync(f func()) {
	db.sig.mu.Lock()
	defer db.sig.mu.Unlock()
	db.sig.resync = append(db.sig.resync, f)
}

// deliver runs the handlers of channel.
func (db *DB) deliver(channel, payload string) {
	db.sig.mu.RLock()
	hs := db.sig.handlers[channel]
	db.sig.mu.RUnlock()
	for _, f := range hs {
		f(payload)
	}
}

// Resync runs the OnResync handlers now, as the listener does when it
// has its connection back: every cache that registered forgets what it
// holds. For an operator who changed the tables by hand, and for tests.
func (db *DB) Resync() { db.resyncAll() }

// resyncAll runs the OnResync handlers.
func (db *DB) resyncAll() {
	db.sig.mu.RLock()
	fs := db.sig.resync
	db.sig.mu.RUnlock()
	for _, f := range fs {
		f()
	}
}

// received handles one notification heard on pgChannel: another
// replica's signal runs its handlers here; this replica's own ran at its
// commit and is skipped.
func (db *DB) received(msg string) {
	origin, rest, ok := strings.Cut(msg, " ")
	if !ok || origin == db.sig.id() {
		return
	}
	channel, payload, _ := strings.Cut(rest, " ")
	db.deliver(channel, payload)
}

func (db *DB) wire(channel, payload string) string {
	return db.sig.id() + " " + channel + " " + payload
}

func checkSignal(channel, payload string) error {
	if channel == "" || strings.ContainsAny(channel, " \x00") {
		return fmt.Errorf("storage: signal channel %q must be one word", channel)
	}
	if len(payload) > MaxPayload || strings.ContainsRune(payload, 0) {
		return fmt.Errorf("storage: signal payload on %q too long (%d bytes) or holding NUL", channel, len(payload))
	}
	return nil
}

// Notify signals channel to every replica when the transaction commits,
// and not at all if it rolls back: this process's handlers run after the
// commit (before InTx returns), the other replicas' as soon as they hear
// it. On PostgreSQL it is a NOTIFY inside the transaction.
func (t *Tx) Notify(ctx context.Context, channel, payload string) error {
	if err := checkSignal(channel, payload); err != nil {
		return err
	}
	if t.db.Dialect == Postgres {
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_notify(`+pgChannel+`, $1)`, t.db.wire(channel, payload)); err != nil {
			return withStatement("pg_notify", err)
		}
	}
	for _, s := range t.signalled {
		if s == [2]string{channel, payload} {
			return nil // once per transaction is enough (PostgreSQL folds them too)
		}
	}
	t.signalled = append(t.signalled, [2]string{channel, payload})
	t.AfterCommit(func() { t.db.deliver(channel, payload) })
	return nil
}

// Broadcast signals channel to the other replicas only, outside any
// transaction: for news this process has handled itself already (a live
// event its hub has published after the owner's commit). Several payloads
// go in one statement, in order. On SQLite, where there are no other
// replicas, it does nothing.
func (db *DB) Broadcast(ctx context.Context, channel string, payloads ...string) error {
	if db.Dialect != Postgres || len(payloads) == 0 {
		return nil
	}
	var q strings.Builder
	args := make([]any, 0, len(payloads))
	q.WriteString("SELECT ")
	for i, p := range payloads {
		if err := checkSignal(channel, p); err != nil {
			return err
		}
		if i > 0 {
			q.WriteString(", ")
		}
		args = append(args, db.wire(channel, p))
		q.WriteString("pg_notify(" + pgChannel + ", $")
		q.WriteString(strconv.Itoa(len(args)))
		q.WriteString(")")
	}
	_, err := db.write.ExecContext(ctx, q.String(), args...)
	return withStatement("pg_notify", err)
}
