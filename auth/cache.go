package auth

import (
	"sync"
	"time"

	"linli"
)

// tokenTTL bounds how long a cached bearer-token actor is used.
const tokenTTL = 2 * time.Second

type tokenCache struct {
	mu sync.Mutex
	m  map[string]tokenEntry
}

type tokenEntry struct {
	a  *linli.Actor
	at time.Time
}

func (c *tokenCache) get(hash string) (*linli.Actor, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || time.Since(e.at) > tokenTTL {
		return nil, false
	}
	return e.a, true
}

func (c *tokenCache) put(hash string, a *linli.Actor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]tokenEntry{}
	}
	c.m[hash] = tokenEntry{a: a, at: time.Now()}
}

// clear forgets every cached actor: an account or role changed.
func (c *tokenCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}
