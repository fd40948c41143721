package storage

import "sync"

// locals is what capabilities keep in this process beside one DB.
type locals struct {
	mu sync.Mutex
	m  sync.Map // key → value
}

// Local returns the value this process keeps beside db under key, made by
// init on the first call for the key and the same value on every later
// one. It is for the state of a capability whose functions are handed
// only a transaction (webhooks' Emit and its cache of subscriptions): the
// state lives and dies with the DB, and init, given the DB, may subscribe
// to the signals that keep it right. init runs once per key, under a lock
// of its own: it must not call Local.
func (db *DB) Local(key any, init func(*DB) any) any {
	if v, ok := db.locals.m.Load(key); ok {
		return v
	}
	db.locals.mu.Lock()
	defer db.locals.mu.Unlock()
	if v, ok := db.locals.m.Load(key); ok {
		return v
	}
	v := init(db)
	db.locals.m.Store(key, v)
	return v
}

// Local is DB.Local of the transaction's DB.
func (t *Tx) Local(key any, init func(*DB) any) any { return t.db.Local(key, init) }
