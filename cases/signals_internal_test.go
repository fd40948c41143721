package cases

import (
	"context"
	"testing"
	"time"

	"linli/auth"
	"linli/storage"
	"linli/storage/storagetest"
)

// The service's caches follow the signals of any replica: a category
// changed forgets the categories, a grant changed forgets the community
// staff lists (which are read from the grants).
func TestCachesForgetOnSignals(t *testing.T) {
	db := storagetest.SQLite(t)
	s := New(db, nil, nil, nil, time.UTC)
	ctx := context.Background()
	s.cats, s.catAt = map[string]Category{"noise": {Code: "noise"}}, time.Now()
	s.staff = map[int64]staffEntry{1: {ids: []int64{7}, at: time.Now()}}
	signal := func(channel string) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.Notify(ctx, channel, "") }); err != nil {
			t.Fatal(err)
		}
	}
	signal(ChannelCategories)
	if !s.catAt.IsZero() {
		t.Error("categories kept after a category signal")
	}
	if s.staff == nil {
		t.Error("staff lists forgotten by a category signal")
	}
	signal(auth.ChannelAccounts)
	if s.staff != nil {
		t.Error("staff lists kept after a grant signal")
	}
}
