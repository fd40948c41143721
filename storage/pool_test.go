package storage_test

import (
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

// A replica of a city can be told how many PostgreSQL connections to open
// for its work, so that the replicas together fit the server's
// max_connections; SQLite refuses (its pools are fixed).
func TestPoolSize(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		err := db.SetPoolSize(8)
		if db.Dialect == storage.SQLite {
			if err == nil {
				t.Fatal("SQLite accepted a pool size")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Pools()["main"].Stats().MaxOpenConnections; got != 8 {
			t.Errorf("pool after SetPoolSize(8): at most %d connections", got)
		}
		for _, n := range []int{0, 1, 1001} {
			if db.SetPoolSize(n) == nil {
				t.Errorf("pool size %d accepted", n)
			}
		}
	})
}
