package storage

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listener is the PostgreSQL session on which a replica hears the other
// replicas' signals (LISTEN). It is a connection of its own, outside the
// pools: a LISTEN holds its session for as long as it listens.
//
// It reconnects by itself: when PostgreSQL restarts, or the connection
// drops, it tries again every reconnectWait until it is back, then runs
// the OnResync handlers — what was signalled in between was not heard, so
// caches forget everything and live streams catch up from the tables. A
// connection that stays silent is pinged every pingEvery, so one that
// died without a word (a cut cable) is noticed too.
type Listener struct {
	db     *DB
	dsn    string
	cancel context.CancelFunc
	done   chan struct{}
	up     atomic.Bool
	// Reconnects counts the connections made after the first.
	reconnects atomic.Int64
	pid        atomic.Uint32 // the server process of the session
	mu         sync.Mutex
	lastErr    error
}

const (
	reconnectWait = 250 * time.Millisecond
	pingEvery     = 10 * time.Second
)

// Listen starts hearing signals on PostgreSQL at dsn (the URL the DB was
// opened with) until Stop. On SQLite it returns nil: every signal stays in
// the one process.
func (db *DB) Listen(dsn string) *Listener {
	if db.Dialect != Postgres {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Listener{db: db, dsn: dsn, cancel: cancel, done: make(chan struct{})}
	go l.run(ctx)
	return l
}

// Up says whether the listener is connected and listening now.
func (l *Listener) Up() bool { return l != nil && l.up.Load() }

// Reconnects is how many times the listener came back after losing its
// connection.
func (l *Listener) Reconnects() int64 {
	if l == nil {
		return 0
	}
	return l.reconnects.Load()
}

// PID is the PostgreSQL server process of the listening session (the
// latest one): pg_stat_activity's pid.
func (l *Listener) PID() uint32 {
	if l == nil {
		return 0
	}
	return l.pid.Load()
}

// Err is why the listener is down (nil while it is up).
func (l *Listener) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastErr
}

// Stop ends listening and waits for the goroutine.
func (l *Listener) Stop() {
	if l == nil {
		return
	}
	l.cancel()
	<-l.done
}

func (l *Listener) run(ctx context.Context) {
	defer close(l.done)
	again := false // a session has listened before: the next one is a reconnect
	for {
		listened, err := l.session(ctx, again)
		if ctx.Err() != nil {
			return
		}
		if listened {
			again = true
			l.up.Store(false)
			slog.Warn("storage: signal listener lost its connection; reconnecting", "err", err)
			// Nothing is heard until it is back: forget now too, so what
			// is cached meanwhile is at least read after the loss.
			l.db.resyncAll()
		}
		l.mu.Lock()
		l.lastErr = err
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(reconnectWait):
		}
	}
}

// session connects, listens and hands each notification on until the
// connection fails.
func (l *Listener) session(ctx context.Context, again bool) (listened bool, err error) {
	cfg, err := pgx.ParseConfig(l.dsn)
	if err != nil {
		return false, err
	}
	cfg.RuntimeParams["application_name"] = "linli listener" // seen in pg_stat_activity
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return false, err
	}
	l.pid.Store(conn.PgConn().PID())
	defer func() {
		// A dead connection must not hold the reconnect up.
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	var channel string
	if err := conn.QueryRow(ctx, `SELECT `+pgChannel).Scan(&channel); err != nil {
		return false, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false, err
	}
	l.mu.Lock()
	l.lastErr = nil
	l.mu.Unlock()
	l.up.Store(true)
	if again {
		l.reconnects.Add(1)
		slog.Info("storage: signal listener reconnected")
		l.db.resyncAll() // signalled while away: not heard
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, pingEvery)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			l.db.received(n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			// pgx closes the connection when a wait is cancelled; quiet
			// for pingEvery is normal, so open a new one and go on.
			if !conn.IsClosed() {
				if err := conn.Ping(ctx); err != nil {
					return true, err
				}
				continue
			}
			return true, errQuiet
		default:
			return true, err
		}
	}
}

var errQuiet = errors.New("storage: listener connection closed after a quiet wait")
