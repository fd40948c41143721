package webhooks

import "linli/storage"

// Loads is how many times events have read db's subscriptions.
func Loads(db *storage.DB) int64 { return cacheOf(db).loads.Load() }
