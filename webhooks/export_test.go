package webhooks

import (
	"time"

	"linli/storage"
)

// Loads is how many times events have read db's subscriptions.
func Loads(db *storage.DB) int64 { return cacheOf(db).loads.Load() }

// AgeCache makes db's cached subscriptions d older, as if read d earlier.
func AgeCache(db *storage.DB, d time.Duration) {
	c := cacheOf(db)
	if set := c.cur.Load(); set != nil {
		aged := *set
		aged.at = aged.at.Add(-d)
		c.cur.Store(&aged)
	}
}

// CacheTTL is cacheTTL.
const CacheTTL = cacheTTL

// AfterRead runs f after each read of db's subscriptions.
func AfterRead(db *storage.DB, f func()) { cacheOf(db).afterRead = f }

// Forget is what a signal on ChannelSubscriptions does to db's cache.
func Forget(db *storage.DB) { cacheOf(db).forget() }
