package storage

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite spends most of a small statement's time parsing it, and the
// pure-Go driver keeps no statement cache, so each pool keeps its prepared
// statements by SQL text. (pgx caches prepared statements itself.)
// Statements built with a variable number of placeholders make new texts;
// the cache stops growing at maxStmts and such queries run unprepared.
const maxStmts = 2000

type stmtCache struct {
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

// lookup returns a cached statement, or nil after starting to prepare it
// in the background. Inside a transaction the caller holds the writer's
// only connection, so preparing on the pool there and then would wait on
// itself; the statement is ready for the next transaction instead.
func (c *stmtCache) lookup(pool *sql.DB, q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[string]bool{}
	}
	if c.pending[q] || len(c.m)+len(c.pending) >= maxStmts {
		return nil
	}
	c.pending[q] = true
	go func() {
		st, err := pool.Prepare(q)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, q)
		if err != nil || c.m == nil && c.pending == nil {
			if st != nil {
				st.Close()
			}
			return
		}
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		c.m[q] = st
	}()
	return nil
}

func (c *stmtCache) get(ctx context.Context, pool *sql.DB, q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[q]; st != nil {
		return st
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // let the plain call report the error
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m, c.pending = nil, nil
}
