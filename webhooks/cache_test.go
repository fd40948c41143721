package webhooks_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/webhooks"
)

// wantingQuery is how an event found its subscriptions before they were
// cached: the reference the cache must agree with.
const wantingQuery = `SELECT s.id, c.path FROM webhook_subscriptions s LEFT JOIN webhook_scopes c ON c.subscription_id = s.id
	WHERE s.enabled = 1 AND s.events LIKE ? ORDER BY s.id`

// byQuery is the subscriptions an event of typ at path went to by
// wantingQuery, in id order.
func byQuery(t *testing.T, db *storage.DB, typ, path string) []string {
	t.Helper()
	var ids []int64
	scopes := map[int64][]string{}
	err := storage.Each(context.Background(), db, func(rs *sql.Rows) error {
		var id int64
		var p sql.NullString
		if err := rs.Scan(&id, &p); err != nil {
			return err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
		if p.Valid {
			scopes[id] = append(scopes[id], p.String)
		}
		return nil
	}, wantingQuery, "% "+typ+" %")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, id := range ids {
		ok := len(scopes[id]) == 0
		for _, s := range scopes[id] {
			ok = ok || (path != "" && linli.Within(path, s))
		}
		if ok {
			out = append(out, webhooks.Recipient(id))
		}
	}
	return out
}

// emitted emits an event of typ at path in a transaction of its own and
// returns the recipients of its outbox rows, in order.
func emitted(t *testing.T, db *storage.DB, typ, path, subject string) []string {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		return webhooks.Emit(ctx, tx, webhooks.Event{Type: typ, At: at, Path: path, CommunityID: 4, Subject: subject,
			Data: webhooks.CaseData{CaseID: 1, Number: "X"}})
	}); err != nil {
		t.Fatal(err)
	}
	rs, err := storage.Scalars[string](ctx, db, `SELECT recipient FROM outbox WHERE ref = ? ORDER BY id`, subject)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// addRaw stores a subscription as its row and scope rows, and signals it
// as the service does.
func addRaw(t *testing.T, db *storage.DB, events string, enabled int, paths ...string) int64 {
	t.Helper()
	id, err := insertRaw(db, events, enabled, paths...)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func insertRaw(db *storage.DB, events string, enabled int, paths ...string) (int64, error) {
	ctx := context.Background()
	var id int64
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO webhook_subscriptions (name, url, secret, events, enabled, created_at, updated_at)
			VALUES ('s', 'https://hook.example.cn/', 's', ?, ?, 0, 0)`, events, enabled)
		if err != nil {
			return err
		}
		for i, p := range paths {
			if _, err := tx.Exec(ctx, `INSERT INTO webhook_scopes (subscription_id, node_id, path) VALUES (?, ?, ?)`, id, i+1, p); err != nil {
				return err
			}
		}
		return tx.Notify(ctx, webhooks.ChannelSubscriptions, "")
	})
	return id, err
}

// The subscriptions an event goes to are those the query found before the
// cache, for every type at places inside, beside and outside scopes:
// unscoped and scoped (one node, several, a node whose path only starts
// like another's), disabled, wanting other types, and event lists the
// query did not match (other case, no spaces around). Twice: read into
// the cache by the first event, and from it.
func TestMatchingAsTheQuery(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		webhooks.New(db, linli.SystemClock{}, nil, false)
		all := " " + strings.Join(webhooks.Types(), " ") + " "
		ids := map[string]int64{
			"unscoped, all":          addRaw(t, db, all, 1),
			"4, created":             addRaw(t, db, " case.created ", 1, "/1/4/"),
			"4 and 9, two types":     addRaw(t, db, " case.state_changed notice.published ", 1, "/1/4/", "/1/9/"),
			"disabled, all":          addRaw(t, db, all, 0),
			"disabled, 4":            addRaw(t, db, " case.created ", 0, "/1/4/"),
			"40, created":            addRaw(t, db, " case.created ", 1, "/1/40/"),
			"4/5, created and rated": addRaw(t, db, " case.created case.rated ", 1, "/1/4/5/"),
			"upper case":             addRaw(t, db, " CASE.CREATED ", 1),
			"no spaces":              addRaw(t, db, "case.created", 1),
			"a longer word":          addRaw(t, db, " case.created_x ", 1),
			"enabled 2":              addRaw(t, db, all, 2),
		}
		paths := []string{"/1/4/5/8/", "/1/4/5/", "/1/4/", "/1/40/2/", "/1/9/3/", "/2/", ""}
		n := 0
		for pass := range 2 {
			for _, typ := range webhooks.Types() {
				for _, path := range paths {
					n++
					got := emitted(t, db, typ, path, fmt.Sprintf("t:%d", n))
					if want := byQuery(t, db, typ, path); !slices.Equal(got, want) {
						t.Errorf("pass %d, %s at %q: went to %v, the query says %v", pass, typ, path, got, want)
					}
				}
			}
		}
		// The reference itself: a few by hand.
		r := func(names ...string) []string {
			var out []string
			for _, name := range names {
				out = append(out, webhooks.Recipient(ids[name]))
			}
			return out
		}
		for _, c := range []struct {
			typ, path string
			want      []string
		}{
			{webhooks.CaseCreated, "/1/4/5/8/", r("unscoped, all", "4, created", "4/5, created and rated")},
			{webhooks.CaseCreated, "/1/40/2/", r("unscoped, all", "40, created")},
			{webhooks.CaseCreated, "", r("unscoped, all")},
			{webhooks.CaseStateChanged, "/1/9/3/", r("unscoped, all", "4 and 9, two types")},
			{webhooks.CaseRated, "/1/4/", r("unscoped, all")},
			{webhooks.VoteClosed, "/2/", r("unscoped, all")},
		} {
			n++
			if got := emitted(t, db, c.typ, c.path, fmt.Sprintf("t:%d", n)); !slices.Equal(got, c.want) {
				t.Errorf("%s at %q: went to %v, want %v", c.typ, c.path, got, c.want)
			}
		}
	})
}

// A subscription added, disabled, enabled again or deleted decides the
// very next event, with no wait; a rotated secret keeps it wanted.
func TestSubscriptionChangeDecidesNextEvent(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		xueyuan := f.node(pXueyuan...)
		n := 0
		next := func() []string {
			n++
			return emitted(t, db, webhooks.CaseCreated, xueyuan.Path+"9/", fmt.Sprintf("e:%d", n))
		}
		if got := next(); len(got) != 0 {
			t.Fatalf("no subscription yet, went to %v", got)
		}
		sub := f.subscribe("xueyuan", "/a", []string{webhooks.CaseCreated}, xueyuan.ID)
		want := []string{webhooks.Recipient(sub.ID)}
		if got := next(); !slices.Equal(got, want) {
			t.Fatalf("after adding: went to %v, want %v", got, want)
		}
		other := f.subscribe("admin", "/b", []string{webhooks.CaseCreated})
		want = append(want, webhooks.Recipient(other.ID))
		if got := next(); !slices.Equal(got, want) {
			t.Fatalf("after adding a second: went to %v, want %v", got, want)
		}
		if _, err := f.svc.SetEnabled(f.ctx, f.actor("xueyuan"), sub.ID, false); err != nil {
			t.Fatal(err)
		}
		if got := next(); !slices.Equal(got, want[1:]) {
			t.Fatalf("after disabling: went to %v, want %v", got, want[1:])
		}
		if _, err := f.svc.SetEnabled(f.ctx, f.actor("xueyuan"), sub.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := next(); !slices.Equal(got, want) {
			t.Fatalf("after enabling again: went to %v, want %v", got, want)
		}
		if _, err := f.svc.Rotate(f.ctx, f.actor("xueyuan"), sub.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := next(); !slices.Equal(got, want) {
			t.Fatalf("after rotating: went to %v, want %v", got, want)
		}
		if err := f.svc.Delete(f.ctx, f.actor("admin"), other.ID); err != nil {
			t.Fatal(err)
		}
		if got := next(); !slices.Equal(got, want[:1]) {
			t.Fatalf("after deleting: went to %v, want %v", got, want[:1])
		}
	})
}

// Reports and steps of cases read the subscriptions once, not per event:
// with none, every event after the first reads nothing; after a change,
// the next event reads them once more.
func TestEventsReadSubscriptionsOnce(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		base := webhooks.Loads(db)
		for range 5 {
			f.leak("resident")
		}
		if got := webhooks.Loads(db) - base; got != 1 {
			t.Fatalf("5 reports with no subscription read them %d times, want 1", got)
		}
		f.subscribe("xueyuan", "/a", []string{webhooks.CaseStateChanged}, f.node(pXueyuan...).ID)
		c := f.leak("resident")
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDispatch})
		if got := webhooks.Loads(db) - base; got != 2 {
			t.Fatalf("after adding a subscription, 3 events read them %d times in all, want 2", got)
		}
		if got := f.rcv.received("/a"); len(got) != 0 {
			t.Fatalf("delivered before the worker ran: %v", got)
		}
		if n := f.deliver(); n != 2 {
			t.Fatalf("delivered %d, want the 2 state changes", n)
		}
	})
}

// On PostgreSQL, with two replicas on one database (two DBs, each with
// its listener): a subscription added, disabled or deleted through A
// decides the events of B's service within 500 ms; and B reads the
// subscriptions again after its listener was away.
func TestReplicaSeesSubscriptionChange(t *testing.T) {
	a, dsn := storagetest.PostgresDSN(t)
	if a == nil {
		return
	}
	ctx := context.Background()
	b, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	f := newFixture(t, a) // the world and the service on A
	webhooks.New(b, f.w.Clock, f.w.Registry, true)
	la, lb := a.Listen(dsn), b.Listen(dsn)
	defer la.Stop()
	defer lb.Stop()
	for _, l := range []*storage.Listener{la, lb} {
		deadline := time.Now().Add(10 * time.Second)
		for !l.Up() {
			if time.Now().After(deadline) {
				t.Fatalf("listener not up: %v", l.Err())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	n := 0
	onB := func() []string {
		n++
		return emitted(t, b, webhooks.CaseCreated, "/1/", fmt.Sprintf("b:%d", n))
	}
	// within emits on B until its events go to want, for at most 500 ms.
	within := func(what string, want []string) {
		t.Helper()
		start := time.Now()
		for {
			got := onB()
			if slices.Equal(got, want) {
				t.Logf("%s: B's events followed after %v", what, time.Since(start).Round(time.Microsecond))
				return
			}
			if time.Since(start) > 500*time.Millisecond {
				t.Fatalf("%s: 500 ms on, B's events still go to %v, want %v", what, got, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if got := onB(); len(got) != 0 {
		t.Fatalf("no subscription yet, B's event went to %v", got)
	}
	if l := webhooks.Loads(b); l != 1 {
		t.Fatalf("B read the subscriptions %d times, want 1", l)
	}
	sub := f.subscribe("admin", "/a", []string{webhooks.CaseCreated})
	within("added on A", []string{webhooks.Recipient(sub.ID)})
	if _, err := f.svc.SetEnabled(f.ctx, f.actor("admin"), sub.ID, false); err != nil {
		t.Fatal(err)
	}
	within("disabled on A", nil)
	if _, err := f.svc.SetEnabled(f.ctx, f.actor("admin"), sub.ID, true); err != nil {
		t.Fatal(err)
	}
	within("enabled on A", []string{webhooks.Recipient(sub.ID)})
	if err := f.svc.Delete(f.ctx, f.actor("admin"), sub.ID); err != nil {
		t.Fatal(err)
	}
	within("deleted on A", nil)

	// B's listener is cut (as by a PostgreSQL restart) and comes back: B
	// forgets and reads again, since it may have missed a change.
	onB()
	before := webhooks.Loads(b)
	if _, err := a.Pools()["main"].ExecContext(ctx, `SELECT pg_terminate_backend($1)`, int64(lb.PID())); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for lb.Reconnects() < 1 || !lb.Up() {
		if time.Now().After(deadline) {
			t.Fatalf("B's listener did not come back: %v", lb.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
	onB()
	if got := webhooks.Loads(b) - before; got != 1 {
		t.Fatalf("after B's listener came back, an event read the subscriptions %d times, want 1", got)
	}
}

// A change whose signal was never heard (here: rows written without one)
// decides events once the cache is older than its lifetime, and not before.
func TestCacheLifetimeBackstop(t *testing.T) {
	t.Parallel()
	db := storagetest.SQLite(t)
	webhooks.New(db, linli.SystemClock{}, nil, false)
	if got := emitted(t, db, webhooks.CaseCreated, "/1/", "e:1"); len(got) != 0 {
		t.Fatalf("went to %v", got)
	}
	ctx := context.Background()
	var id int64
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO webhook_subscriptions (name, url, secret, events, enabled, created_at, updated_at)
			VALUES ('s', 'https://hook.example.cn/', 's', ' case.created ', 1, 0, 0)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	webhooks.AgeCache(db, webhooks.CacheTTL-time.Second)
	if got := emitted(t, db, webhooks.CaseCreated, "/1/", "e:2"); len(got) != 0 || webhooks.Loads(db) != 1 {
		t.Fatalf("within the lifetime: went to %v, %d reads", got, webhooks.Loads(db))
	}
	webhooks.AgeCache(db, 2*time.Second)
	if got := emitted(t, db, webhooks.CaseCreated, "/1/", "e:3"); !slices.Equal(got, []string{webhooks.Recipient(id)}) || webhooks.Loads(db) != 2 {
		t.Fatalf("past the lifetime: went to %v, %d reads", got, webhooks.Loads(db))
	}
}

// Events and changes at once, on both engines: once they are done, the
// next event goes where the query says.
func TestCacheUnderConcurrentChanges(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		webhooks.New(db, linli.SystemClock{}, nil, false)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for g := range 4 {
			wg.Go(func() {
				for i := range 10 {
					err := db.InTx(ctx, func(tx *storage.Tx) error {
						return webhooks.Emit(ctx, tx, webhooks.Event{Type: webhooks.CaseCreated, At: time.Now(), Path: "/1/4/",
							Subject: fmt.Sprintf("c:%d:%d", g, i), Data: webhooks.CaseData{CaseID: 1}})
					})
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Go(func() {
			for i := range 10 {
				if _, err := insertRaw(db, " case.created ", i%2, "/1/"); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := emitted(t, db, webhooks.CaseCreated, "/1/4/", "last")
		if want := byQuery(t, db, webhooks.CaseCreated, "/1/4/"); len(want) != 5 || !slices.Equal(got, want) {
			t.Fatalf("went to %v, the query says %v", got, want)
		}
	})
}

// A read of the subscriptions that a change overtook (its signal heard
// while the read ran) serves its own event but is not kept: the next
// event reads them again.
func TestOvertakenReadNotKept(t *testing.T) {
	t.Parallel()
	db := storagetest.SQLite(t)
	webhooks.New(db, linli.SystemClock{}, nil, false)
	once := true
	webhooks.AfterRead(db, func() {
		if once {
			once = false
			webhooks.Forget(db)
		}
	})
	emitted(t, db, webhooks.CaseCreated, "/1/", "e:1")
	emitted(t, db, webhooks.CaseCreated, "/1/", "e:2")
	emitted(t, db, webhooks.CaseCreated, "/1/", "e:3")
	if got := webhooks.Loads(db); got != 2 {
		t.Fatalf("read %d times, want 2 (the overtaken read, then one kept)", got)
	}
}
