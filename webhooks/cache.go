package webhooks

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli/storage"
)

// Which subscriptions an event goes to is decided on every step of every
// case, in the step's transaction, while subscriptions change a few times
// a year. So each process keeps the enabled ones of its database in
// memory (id, event types, scope paths) and an event is a walk of them: a
// deployment with none reads nothing. The cache follows the changes of
// every replica: Create, SetEnabled and Delete signal ChannelSubscriptions
// in their transaction, and each replica forgets it when that commits; so
// does a replica whose listener was away (storage.DB.OnResync). cacheTTL
// stays as a backstop for a signal never heard (a process that does not
// listen). The first event after forgetting reads them again, in its own
// transaction, with the query the decision was made by before.

// ChannelSubscriptions is the signal (storage.Tx.Notify) of a change that
// decides where events go — a subscription added, enabled, disabled or
// deleted — sent in the transaction that made it: every replica forgets
// its cached subscriptions when it commits. A rotated secret is not one:
// a delivery reads the secret when it is sent (Service.Endpoint).
const ChannelSubscriptions = "webhooks"

// cacheTTL bounds how long cached subscriptions are used.
const cacheTTL = time.Minute

// cacheKey is the key of a DB's cache (storage.DB.Local).
type cacheKey struct{}

// subscriptionCache is one database's enabled subscriptions, in this
// process.
type subscriptionCache struct {
	cur atomic.Pointer[subscriptionSet] // nil: read them again
	mu  sync.Mutex
	gen uint64 // bumped by each forget, under mu
	// loads counts the reads of the subscriptions; afterRead, when set,
	// runs after each (tests).
	loads     atomic.Int64
	afterRead func()
}

// subscriptionSet is what one read found.
type subscriptionSet struct {
	at   time.Time
	subs []cachedSubscription // in id order
}

// cachedSubscription is an enabled subscription with its event types as
// stored (" case.created case.rated ").
type cachedSubscription struct {
	wanted
	events string
}

// cacheOf is db's cache, made (and subscribed to the signals that clear
// it) on first use: at start-up by New, or by the first Emit on a DB no
// service was built for.
func cacheOf(db *storage.DB) *subscriptionCache {
	return db.Local(cacheKey{}, newCache).(*subscriptionCache)
}

// txCache is the cache of tx's DB.
func txCache(tx *storage.Tx) *subscriptionCache {
	return tx.Local(cacheKey{}, newCache).(*subscriptionCache)
}

func newCache(db *storage.DB) any {
	c := &subscriptionCache{}
	db.Subscribe(ChannelSubscriptions, func(string) { c.forget() })
	db.OnResync(c.forget)
	return c
}

// forget drops the cached subscriptions: the next event reads them.
func (c *subscriptionCache) forget() {
	c.mu.Lock()
	c.gen++
	c.cur.Store(nil)
	c.mu.Unlock()
}

// wanting returns the enabled subscriptions that want typ, in id order,
// reading them in q first when they are not cached. A read that a change
// overtook (a signal heard while it ran) serves its own event but is not
// kept.
func (c *subscriptionCache) wanting(ctx context.Context, q storage.Querier, typ string) ([]wanted, error) {
	set := c.cur.Load()
	if set == nil || time.Since(set.at) > cacheTTL {
		c.mu.Lock()
		gen := c.gen
		c.mu.Unlock()
		var err error
		if set, err = loadSubscriptions(ctx, q); err != nil {
			return nil, err
		}
		c.loads.Add(1)
		if c.afterRead != nil {
			c.afterRead()
		}
		c.mu.Lock()
		if c.gen == gen {
			c.cur.Store(set)
		}
		c.mu.Unlock()
	}
	return set.wanting(typ), nil
}

// wanting picks the subscriptions whose events hold typ: the word between
// spaces, as the column is written (Create) and as the query matched it
// (events LIKE '% typ %', case-sensitive on both engines). LIKE took the
// _ of case.state_changed for any character; no stored list differs from
// a type only there, since Create writes only Types.
func (s *subscriptionSet) wanting(typ string) []wanted {
	if len(s.subs) == 0 {
		return nil
	}
	word := " " + typ + " "
	var out []wanted
	for _, sub := range s.subs {
		if strings.Contains(sub.events, word) {
			out = append(out, sub.wanted)
		}
	}
	return out
}

// loadSubscriptions reads the enabled subscriptions with their scopes, in
// id order.
func loadSubscriptions(ctx context.Context, q storage.Querier) (*subscriptionSet, error) {
	set := &subscriptionSet{at: time.Now()}
	idx := map[int64]int{}
	err := storage.Each(ctx, q, func(rs *sql.Rows) error {
		var id int64
		var events string
		var path sql.NullString
		if err := rs.Scan(&id, &events, &path); err != nil {
			return err
		}
		i, ok := idx[id]
		if !ok {
			i = len(set.subs)
			idx[id] = i
			set.subs = append(set.subs, cachedSubscription{wanted: wanted{id: id}, events: events})
		}
		if path.Valid {
			set.subs[i].paths = append(set.subs[i].paths, path.String)
		}
		return nil
	}, `SELECT s.id, s.events, c.path FROM webhook_subscriptions s LEFT JOIN webhook_scopes c ON c.subscription_id = s.id
		WHERE s.enabled = 1 ORDER BY s.id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: subscriptions: %w", err)
	}
	return set, nil
}

// changed signals ChannelSubscriptions in tx.
func changed(ctx context.Context, tx *storage.Tx, id int64) error {
	return tx.Notify(ctx, ChannelSubscriptions, fmt.Sprint(id))
}
