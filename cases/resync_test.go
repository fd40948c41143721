package cases_test

import (
	"testing"

	"linli"
	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
)

// After the listener's reconnect (storage.DB.Resync) the cached
// categories are forgotten: a category switched off while no signal could
// be heard is refused at once, not after the cache's lifetime.
func TestResyncForgetsCategories(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	open := func() error {
		_, err := f.svc.Open(f.ctx, f.actor("resident"), cases.NewCase{Category: "water_leak", Title: "厨房漏水", HouseholdID: f.household("resident")})
		return err
	}
	if err := open(); err != nil {
		t.Fatal(err)
	}
	if err := f.db.InTx(f.ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(f.ctx, `UPDATE categories SET active = 0 WHERE code = 'water_leak'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := open(); err != nil {
		t.Fatalf("before the resync: %v (the test needs the cache to hold the category)", err)
	}
	f.db.Resync()
	if err := open(); linli.ErrorCode(err) != linli.EInvalid {
		t.Errorf("a category switched off while the listener was away, after the resync: %v, want refused", err)
	}
}
