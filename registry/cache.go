package registry

import (
	"sync"
	"time"
)

// lineageTTL bounds how long a cached lineage is used.
const lineageTTL = 5 * time.Second

// lineageCache keeps recent lineages (a node and its ancestors).
type lineageCache struct {
	mu sync.RWMutex
	m  map[int64]lineageEntry
}

type lineageEntry struct {
	nodes []Node
	at    time.Time
}

func (c *lineageCache) get(id int64, now time.Time) ([]Node, bool) {
	c.mu.RLock()
	e, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || now.Sub(e.at) > lineageTTL {
		return nil, false
	}
	return e.nodes, true
}

func (c *lineageCache) put(id int64, nodes []Node, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 100000 {
		c.m = map[int64]lineageEntry{}
	}
	c.m[id] = lineageEntry{nodes: nodes, at: now}
}

// clear forgets everything: the tree changed.
func (c *lineageCache) clear() {
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
