package storage

import (
	"context"
	"fmt"
)

// Group commit. SQLite has one writer and synchronous=FULL makes every
// commit wait for the disk, so one transaction per request caps writes at
// the disk's flush rate. Batch runs concurrent writers' functions one
// after another inside one shared transaction, each under its own
// savepoint (a failing one is rolled back alone), and commits once for all
// of them: every caller still sees "my change committed, or it did not",
// and is told only after the commit is durable.
//
// On PostgreSQL, Batch is InTx: the server has its own group commit and
// many connections.

type batchReq struct {
	ctx  context.Context
	f    func(*Tx) error
	done chan error
	tx   *Tx // for after-commit hooks of this request
}

type batcher struct {
	db   *DB
	reqs chan *batchReq
}

// maxBatch bounds one shared transaction, so a long queue still commits
// regularly and latency stays bounded.
const maxBatch = 256

func (db *DB) batcher() *batcher {
	db.batchOnce.Do(func() {
		db.batch = &batcher{db: db, reqs: make(chan *batchReq, 4096)}
		go db.batch.loop()
	})
	return db.batch
}

// Batch runs f in a transaction shared with other concurrent Batch calls
// (SQLite) or in its own (PostgreSQL). f's AfterCommit hooks run after the
// shared commit. f must use only the Tx it is given.
func (db *DB) Batch(ctx context.Context, f func(*Tx) error) error {
	if db.Dialect != SQLite {
		return db.InTx(ctx, f)
	}
	r := &batchReq{ctx: ctx, f: f, done: make(chan error, 1)}
	b := db.batcher()
	select {
	case b.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.closing:
		return fmt.Errorf("database closed")
	}
	// Once queued, the request will be answered: wait for the commit even
	// if the caller gives up, so "acknowledged" never means "maybe".
	return <-r.done
}

func (b *batcher) loop() {
	for {
		var first *batchReq
		select {
		case first = <-b.reqs:
		case <-b.db.closing:
			b.drain()
			return
		}
		batch := []*batchReq{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		b.run(batch)
	}
}

// drain answers the requests still queued when the database closes.
func (b *batcher) drain() {
	for {
		select {
		case r := <-b.reqs:
			r.done <- fmt.Errorf("database closed")
		default:
			return
		}
	}
}

// run executes a batch. Failures are rare (requests validate before they
// queue), so the first attempt runs without savepoints; if any request
// fails, everything is rolled back and the batch runs again with a
// savepoint per request, so the failing one is undone alone.
func (b *batcher) run(batch []*batchReq) {
	if errs, ok := b.attempt(batch, false); ok {
		b.finish(batch, errs)
		return
	}
	errs, _ := b.attempt(batch, true)
	b.finish(batch, errs)
}

// attempt runs the batch in one transaction. Without savepoints it gives
// up (ok=false, rolled back) at the first failing request.
func (b *batcher) attempt(batch []*batchReq, savepoints bool) (errs []error, ok bool) {
	ctx := context.Background()
	errs = make([]error, len(batch))
	fail := func(err error) ([]error, bool) {
		for i := range errs {
			errs[i] = err
		}
		return errs, true
	}
	sqlTx, err := b.db.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("begin: %w", err))
	}
	for i, r := range batch {
		r.tx = nil
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		tx := &Tx{db: b.db, tx: sqlTx}
		if !savepoints {
			if err := safeCall(r.f, tx); err != nil {
				_ = sqlTx.Rollback()
				return nil, false
			}
			r.tx = tx
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT req"); err != nil {
			_ = sqlTx.Rollback()
			return fail(err)
		}
		err := safeCall(r.f, tx)
		if err == nil {
			err = tx.flush(ctx)
		}
		if err != nil {
			errs[i] = err
			if _, rerr := sqlTx.ExecContext(ctx, "ROLLBACK TO req"); rerr != nil {
				_ = sqlTx.Rollback()
				return fail(fmt.Errorf("batch rollback: %w", rerr))
			}
		} else {
			r.tx = tx
		}
		if _, err := sqlTx.ExecContext(ctx, "RELEASE req"); err != nil {
			_ = sqlTx.Rollback()
			return fail(err)
		}
	}
	if !savepoints {
		if err := flushAlike(ctx, batch); err != nil {
			_ = sqlTx.Rollback()
			return nil, false
		}
	}
	if err := sqlTx.Commit(); err != nil {
		for _, r := range batch {
			r.tx = nil
		}
		return fail(fmt.Errorf("commit: %w", err))
	}
	return errs, true
}

// finish runs the after-commit hooks of the requests that committed and
// answers every request.
func (b *batcher) finish(batch []*batchReq, errs []error) {
	for i, r := range batch {
		if errs[i] == nil && r.tx != nil {
			for _, h := range r.tx.after {
				h()
			}
		}
		r.done <- errs[i]
	}
}

// safeCall turns a panic in f into an error so one request cannot take
// the batch down.
func safeCall(f func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in transaction: %v", p)
		}
	}()
	return f(tx)
}

// flushAlike runs the writes the batch's requests left queued (Tx.Queue),
// alike statements together in the order each first appeared, so that the
// FTS5 search rows of a whole batch are indexed in one go.
func flushAlike(ctx context.Context, batch []*batchReq) error {
	var order []string
	byQuery := map[string][]queuedOn{}
	for _, r := range batch {
		if r.tx == nil {
			continue
		}
		for _, w := range r.tx.queue {
			if _, ok := byQuery[w.q]; !ok {
				order = append(order, w.q)
			}
			byQuery[w.q] = append(byQuery[w.q], queuedOn{r.tx, w})
		}
		r.tx.queue = nil
	}
	for _, q := range order {
		for _, w := range byQuery[q] {
			if _, err := w.tx.exec(ctx, w.q, w.args...); err != nil {
				return err
			}
		}
	}
	return nil
}

type queuedOn struct {
	tx *Tx
	queued
}
