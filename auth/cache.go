package auth

import (
	"context"
	"sync"
	"time"

	"linli"
	"linli/storage"
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

// ChannelAccounts is the signal (storage.Tx.Notify) of a change to
// accounts, roles or API tokens, sent in the transaction that made it:
// every replica forgets its cached token actors when it commits, and
// whoever else caches who holds a role (cases' staff lists) subscribes to
// it too. tokenTTL stays as a backstop for a signal never heard.
const ChannelAccounts = "accounts"

// accountsChanged signals ChannelAccounts in tx.
func (s *Service) accountsChanged(ctx context.Context, tx *storage.Tx) error {
	return tx.Notify(ctx, ChannelAccounts, "")
}
