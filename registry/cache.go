package registry

import (
	"sync"
	"time"
)

// lineageTTL bounds how long a cached lineage is used.
const lineageTTL = 5 * time.Second

// ttlCache keeps recent answers for lineageTTL, at most max of them (then
// it starts over). The registry keeps two: lineages (a node and its
// ancestors) by node id, and IDsUnder's answers by path and kinds — a
// city's statistics read all its 5,000-odd places on every request (2.7 ms
// on PostgreSQL at a city of 5,000 grids), and places change rarely. Both
// are cleared at every change to the tree (ChannelTree).
type ttlCache[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]ttlEntry[V]
	max int
}

type ttlEntry[V any] struct {
	v  V
	at time.Time
}

func (c *ttlCache[K, V]) get(key K, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || now.Sub(e.at) > lineageTTL {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[K, V]) put(key K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > c.max {
		c.m = map[K]ttlEntry[V]{}
	}
	c.m[key] = ttlEntry[V]{v: v, at: now}
}

// clear forgets everything: the tree changed.
func (c *ttlCache[K, V]) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// ChannelTree is the signal (storage.Tx.Notify) of a change to the tree —
// a node added, renamed, moved or removed, a ledger imported — sent in the
// transaction that made it: every replica forgets its cached lineages
// when it commits, and whoever else caches names of places (statistics)
// subscribes to it too. lineageTTL stays as a backstop for a signal never
// heard.
const ChannelTree = "tree"
