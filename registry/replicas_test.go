package registry_test

import (
	"context"
	"testing"
	"time"

	"linli"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// Two replicas of the registry on one database: a node renamed on A is
// named anew in B's lineages at once, though B had the lineage cached
// (lineageTTL is 5 s). On SQLite both are one process on one handle; on
// PostgreSQL B has its own pool and hears A through its listener.
func TestLineageForgottenOnEveryReplica(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db := storagetest.SQLite(t)
		checkLineageAcross(t, registry.New(db, nil), registry.New(db, nil))
	})
	t.Run("postgres", func(t *testing.T) {
		db, dsn := storagetest.PostgresDSN(t)
		if db == nil {
			return
		}
		other, err := storage.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		b := registry.New(other, nil)
		l := other.Listen(dsn)
		defer l.Stop()
		for deadline := time.Now().Add(10 * time.Second); !l.Up(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("listener not up: %v", l.Err())
			}
		}
		checkLineageAcross(t, registry.New(db, nil), b)
	})
}

func checkLineageAcross(t *testing.T, a, b *registry.Service) {
	t.Helper()
	ctx, sys := context.Background(), linli.System()
	_, estate := benchPlaces(t, a)
	bld, err := a.CreateNode(ctx, sys, registry.NodeInput{Kind: registry.KindBuilding, Name: "1号楼", ParentID: estate.ID, Floors: 6})
	if err != nil {
		t.Fatal(err)
	}
	line, err := b.Lineage(ctx, b.DB, bld.ID) // cached on B now
	if err != nil || line[len(line)-1].Name != "1号楼" {
		t.Fatalf("lineage on B: %v %v", line, err)
	}
	if _, err := a.UpdateNode(ctx, sys, bld.ID, registry.NodeInput{Kind: registry.KindBuilding, Name: "一号楼", Floors: 6}); err != nil {
		t.Fatal(err)
	}
	// On PostgreSQL the signal reaches B a fraction of a millisecond
	// after A's commit; wait for it, well within lineageTTL.
	deadline := time.Now().Add(time.Second)
	for {
		line, err = b.Lineage(ctx, b.DB, bld.ID)
		if err != nil {
			t.Fatal(err)
		}
		if line[len(line)-1].Name == "一号楼" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still names the building %q a second after A renamed it", line[len(line)-1].Name)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
