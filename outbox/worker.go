package outbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"linli"
	"linli/registry"
	"linli/storage"
)

// Worker delivers the outbox (see the package doc). Zero fields take the
// defaults given.
type Worker struct {
	DB       *storage.DB
	Clock    linli.Clock
	Settings Settings
	// Nodes reads the paths of community nodes (registry's NodesAt), to
	// find the nearest community's channel; AccountPhone the phone a
	// "notify" message goes to (auth's AccountPhone).
	Nodes        NodeReader
	AccountPhone func(ctx context.Context, accountID int64) (string, error)
	// Endpoint resolves a webhook row whose recipient is not a configured
	// channel's name ("subscription:7", package webhooks's): its URL and
	// signing secret, ok=false when the recipient is not its own. An error
	// that is a *Failure says what becomes of the row (NotConfigured: it
	// waits; Permanent: it is dead).
	Endpoint func(ctx context.Context, recipient string) (e Endpoint, ok bool, err error)
	Client   *http.Client // for the HTTP channels (10 s timeout)
	// Rand draws the backoff jitter in [0,1); nil: math/rand.
	Rand func() float64
	// Name identifies this worker in claimed_by (default host-pid-random).
	Name        string
	Batch       int           // rows claimed at once (500)
	Parallel    int           // recipients sent to at the same time (32)
	Lease       time.Duration // how long a claim holds (2m)
	MaxAttempts int           // tries before a row is dead (8)
	BaseDelay   time.Duration // first backoff step (30s)
	MaxDelay    time.Duration // longest backoff step (1h)
	Recheck     time.Duration // how soon a row without a channel is looked at again (5m)
	Logger      *slog.Logger

	nameOnce sync.Once
	mu       sync.Mutex
	stop     context.CancelFunc
	done     chan struct{}
}

// NodeReader is the registry's read of nodes by id.
type NodeReader interface {
	NodesAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]registry.Node, error)
}

// row is a claimed outbox row.
type row struct {
	ID        int64
	At        time.Time
	Channel   string
	AccountID int64
	Payload   string
	Attempts  int
	Recipient string
	NodeID    int64
	Kind      string
	Ref       string
	DedupKey  string
}

// outcome is what became of a claimed row.
type outcome struct {
	row  row
	err  error // nil: sent
	sent bool
	// released: not tried (an earlier row of its recipient failed, or the
	// lease ran short); it goes back as it was.
	released bool
	// decided after a failure
	status   string
	next     time.Time
	attempts int
	msg      string
}

// claimLock is the key of the PostgreSQL advisory lock held while
// claiming, so two replicas never claim rows of one recipient at once.
const claimLock = 0x6c696e6c69 // "linli"

// RunDue delivers every row due by Clock.Now(), batch after batch, and
// returns how many were sent. Failures are recorded on their rows, not
// returned; the error is for the database failing or ctx ending.
func (w *Worker) RunDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		n, claimed, err := w.runBatch(ctx)
		sent += n
		if err != nil || claimed < w.batch() {
			return sent, err
		}
	}
}

// runBatch claims, sends and records one batch.
func (w *Worker) runBatch(ctx context.Context) (sent, claimed int, err error) {
	now := w.Clock.Now()
	lease := now.Add(w.lease())
	rows, err := w.claim(ctx, now, lease)
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	outs := w.deliver(ctx, rows)
	if err := w.record(ctx, outs, lease); err != nil {
		return 0, len(rows), err
	}
	for _, o := range outs {
		if o.sent {
			sent++
		}
	}
	return sent, len(rows), nil
}

// claim takes up to Batch due rows whose recipient has no earlier row
// waiting (in backoff or claimed), and leases them.
func (w *Worker) claim(ctx context.Context, now, lease time.Time) ([]row, error) {
	var rows []row
	err := w.DB.InTx(ctx, func(tx *storage.Tx) error {
		q := `SELECT id, at, channel, account_id, payload, attempts, recipient, node_id, kind, ref, dedup_key FROM outbox o
			WHERE status = 'pending' AND next_at <= ?
			AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.channel = o.channel AND b.recipient = o.recipient
				AND b.status = 'pending' AND b.next_at > ?)
			ORDER BY id LIMIT ?`
		if tx.Dialect() == storage.Postgres {
			// The lock makes claims take turns, so the NOT EXISTS above
			// sees the leases of the claim before; SKIP LOCKED passes rows
			// a retry on the page holds for a moment.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, claimLock); err != nil {
				return err
			}
			q += ` FOR UPDATE SKIP LOCKED`
		}
		ms := storage.Millis(now)
		err := storage.Each(ctx, tx, func(rs *sql.Rows) error {
			var r row
			var at int64
			if err := rs.Scan(&r.ID, &at, &r.Channel, &r.AccountID, &r.Payload, &r.Attempts, &r.Recipient, &r.NodeID, &r.Kind, &r.Ref, &r.DedupKey); err != nil {
				return err
			}
			r.At = storage.FromMillis(at)
			rows = append(rows, r)
			return nil
		}, q, ms, ms, w.batch())
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		args := []any{storage.Millis(lease), storage.Millis(lease), w.name()}
		for _, r := range rows {
			args = append(args, r.ID)
		}
		_, err = tx.Exec(ctx, `UPDATE outbox SET next_at = ?, claimed_until = ?, claimed_by = ? WHERE id IN (?`+strings.Repeat(", ?", len(rows)-1)+`)`, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	return rows, nil
}

// deliver sends the claimed rows: one recipient's rows in id order, one
// after the other, stopping at the first failure; recipients in parallel.
func (w *Worker) deliver(ctx context.Context, rows []row) []outcome {
	rt, err := w.newRouter(ctx, rows)
	outs := make([]outcome, len(rows))
	if err != nil {
		for i, r := range rows {
			outs[i] = outcome{row: r, released: true}
		}
		w.logger().Error("outbox: cannot route", "error", err)
		return outs
	}
	// Stop starting new sends well before the lease runs out, so no row is
	// still being sent when another worker may take it.
	sendCtx, cancel := context.WithTimeout(ctx, w.lease()*3/4)
	defer cancel()
	groups := map[string][]int{}
	var order []string
	for i, r := range rows {
		k := r.Channel + "\x00" + r.Recipient
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	sem := make(chan struct{}, w.parallel())
	var wg sync.WaitGroup
	for _, k := range order {
		idx := groups[k]
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			failed := false
			for _, i := range idx {
				r := rows[i]
				if failed || sendCtx.Err() != nil {
					outs[i] = outcome{row: r, released: true}
					continue
				}
				err := w.sendOne(sendCtx, rt, r)
				outs[i] = outcome{row: r, err: err, sent: err == nil}
				failed = err != nil
			}
		}()
	}
	wg.Wait()
	return outs
}

// sendOne delivers one row to every target it has.
func (w *Worker) sendOne(ctx context.Context, rt *router, r row) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = temporary("panic in channel: %v", p)
		}
	}()
	var p payload
	if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
		return permanent("unreadable payload")
	}
	d := Delivery{ID: r.ID, Channel: r.Channel, To: r.Recipient, AccountID: r.AccountID, NodeID: r.NodeID, Kind: r.Kind,
		Ref: r.Ref, DedupKey: r.DedupKey, Subject: p.Subject, Text: p.Text, Markdown: p.Markdown, Body: p.Body, Attempt: r.Attempts + 1, At: r.At}
	if d.To == "" && r.Channel == SMS {
		d.To = p.Phone
	}
	targets, err := rt.targets(ctx, &d)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if err := t.sender.Send(ctx, d); err != nil {
			f := failureOf(err)
			return &Failure{Kind: f.Kind, RetryAfter: f.RetryAfter, Msg: t.label + ": " + redact(f.Msg, t.secrets...)}
		}
	}
	return nil
}

// record writes every outcome in one transaction. Each update is guarded
// by the lease: rows whose lease ran out and which another worker took
// meanwhile are not touched.
func (w *Worker) record(ctx context.Context, outs []outcome, lease time.Time) error {
	now := w.Clock.Now()
	ms, leaseMS, me := storage.Millis(now), storage.Millis(lease), w.name()
	for i := range outs {
		if o := &outs[i]; !o.sent && !o.released {
			o.status, o.next, o.attempts, o.msg = w.afterFailure(*o, now)
		}
	}
	var sent, released []any
	for _, o := range outs {
		switch {
		case o.sent:
			sent = append(sent, o.row.ID)
		case o.released:
			released = append(released, o.row.ID)
		}
	}
	err := w.DB.InTx(ctx, func(tx *storage.Tx) error {
		// The happy path is one statement per 500 rows.
		if err := updateIn(ctx, tx, `UPDATE outbox SET status = 'sent', sent_at = ?, delivered_at = ?, attempts = attempts + 1,
			last_error = '', next_at = 0, claimed_until = 0, claimed_by = ''
			WHERE claimed_by = ? AND claimed_until = ? AND status = 'pending' AND id IN `, []any{ms, ms, me, leaseMS}, sent); err != nil {
			return err
		}
		if err := updateIn(ctx, tx, `UPDATE outbox SET next_at = ?, claimed_until = 0, claimed_by = ''
			WHERE claimed_by = ? AND claimed_until = ? AND status = 'pending' AND id IN `, []any{ms, me, leaseMS}, released); err != nil {
			return err
		}
		for _, o := range outs {
			if o.sent || o.released {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE outbox SET status = ?, next_at = ?, attempts = ?, last_error = ?, claimed_until = 0, claimed_by = ''
				WHERE id = ? AND claimed_by = ? AND claimed_until = ? AND status = 'pending'`,
				o.status, storage.Millis(o.next), o.attempts, o.msg, o.row.ID, me, leaseMS); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record outbox outcomes: %w", err)
	}
	// A channel that is not configured holds back every row of its kind,
	// pass after pass: one line per channel and pass says so, not one per
	// row (a demo's notices leave thousands of SMS waiting for a gateway).
	waiting := map[string]int{}
	for _, o := range outs {
		if o.sent || o.released {
			continue
		}
		if o.err != nil && failureOf(o.err).Kind == NotConfigured {
			waiting[o.msg]++
			continue
		}
		log := w.logger().With("id", o.row.ID, "channel", o.row.Channel, "attempts", o.attempts, "error", o.msg)
		switch o.status {
		case Dead:
			log.Error("outbox: message dead")
		default:
			log.Warn("outbox: delivery failed; will retry", "next", o.next)
		}
	}
	for msg, n := range waiting {
		w.logger().Info("outbox: messages wait for a channel", "reason", msg, "messages", n)
	}
	return nil
}

// updateIn runs q, which ends in "id IN ", for ids in chunks of 500.
func updateIn(ctx context.Context, tx *storage.Tx, q string, args, ids []any) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		if _, err := tx.Exec(ctx, q+`(?`+strings.Repeat(", ?", len(chunk)-1)+`)`, append(append([]any{}, args...), chunk...)...); err != nil {
			return err
		}
	}
	return nil
}

// afterFailure decides a failed row's new status, next try, tries and
// error text.
func (w *Worker) afterFailure(o outcome, now time.Time) (status string, next time.Time, attempts int, msg string) {
	f := failureOf(o.err)
	msg = redact(f.Msg)
	if f.Kind == NotConfigured {
		// Not the message's fault and not a try: wait for the channel.
		return Pending, now.Add(w.recheck()), o.row.Attempts, msg
	}
	attempts = o.row.Attempts + 1
	if f.Kind == Permanent || attempts >= w.maxAttempts() {
		return Dead, time.Time{}, attempts, msg
	}
	wait := backoff(attempts, w.baseDelay(), w.maxDelay(), w.rand())
	if f.Kind == RateLimited {
		wait = max(wait, f.RetryAfter, w.baseDelay())
	}
	return Pending, now.Add(wait), attempts, msg
}

// Start delivers now and then every interval in the background until ctx
// ends or Stop is called; a full batch carries on at once.
func (w *Worker) Start(ctx context.Context, every time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil {
		return
	}
	ctx, w.stop = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			// A batch in hand finishes (its sends are bounded by the
			// HTTP timeout) so its outcomes are recorded, not resent.
			if _, err := w.RunDue(context.WithoutCancel(ctx)); err != nil {
				w.logger().Error("outbox: delivering", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}(w.done)
}

// Stop ends the loop started by Start and waits for the batch in hand.
func (w *Worker) Stop() {
	w.mu.Lock()
	stop, done := w.stop, w.done
	w.stop, w.done = nil, nil
	w.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-done
}

func (w *Worker) name() string {
	w.nameOnce.Do(func() {
		if w.Name == "" {
			host, _ := os.Hostname()
			var b [4]byte
			_, _ = rand.Read(b[:])
			w.Name = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
		}
	})
	return w.Name
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (w *Worker) batch() int               { return orDefault(w.Batch, 500) }
func (w *Worker) parallel() int            { return orDefault(w.Parallel, 32) }
func (w *Worker) lease() time.Duration     { return orDefault(w.Lease, 2*time.Minute) }
func (w *Worker) maxAttempts() int         { return orDefault(w.MaxAttempts, 8) }
func (w *Worker) baseDelay() time.Duration { return orDefault(w.BaseDelay, 30*time.Second) }
func (w *Worker) maxDelay() time.Duration  { return orDefault(w.MaxDelay, time.Hour) }
func (w *Worker) recheck() time.Duration   { return orDefault(w.Recheck, 5*time.Minute) }

func (w *Worker) rand() float64 {
	if w.Rand != nil {
		return w.Rand()
	}
	return mrand.Float64()
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}
