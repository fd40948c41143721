package registry_test

import (
	"context"
	"testing"

	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// After the listener's reconnect (storage.DB.Resync) cached lineages are
// forgotten: a rename heard by no one is read anew.
func TestResyncForgetsLineages(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx := context.Background()
	svc := registry.New(db, nil)
	_, estate := benchPlaces(t, svc)
	b, _ := buildingUnit(t, svc, estate.ID, "3号楼", "1单元")
	if _, err := svc.Lineage(ctx, db, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE nodes SET name = '三号楼' WHERE id = ?`, b.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	name := func() string {
		line, err := svc.Lineage(ctx, db, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return line[len(line)-1].Name
	}
	if got := name(); got != "3号楼" {
		t.Fatalf("before the resync the cached lineage says %q (the test needs the cache to hold it)", got)
	}
	db.Resync()
	if got := name(); got != "三号楼" {
		t.Errorf("after the resync the lineage says %q, want 三号楼", got)
	}
}
