package registry_test

import (
	"context"
	"strings"
	"testing"

	"linli"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// HouseholdAt is the light read every household report makes (the place
// and room only): it must not load the members and their phones too — on
// PostgreSQL that join was the costliest read of a resident's report.
func TestHouseholdAtReadsNoMembers(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx, sys := context.Background(), linli.System()
		svc := registry.New(db, nil)
		_, estate := benchPlaces(t, svc)
		_, u := buildingUnit(t, svc, estate.ID, "2号楼", "1单元")
		h, err := svc.CreateHousehold(ctx, sys, registry.HouseholdInput{UnitID: u.ID, Floor: 3, Room: "301", Area: registry.Decimal("66.50")},
			[]registry.MemberInput{{Name: "赵一鸣", Relation: registry.RelOwner, IsOwner: true, Phone: "13900001111"}})
		if err != nil {
			t.Fatal(err)
		}
		light, err := svc.HouseholdAt(ctx, db, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if light.Room != "301" || light.UnitID != u.ID || light.Path != h.Path {
			t.Errorf("HouseholdAt = room %q unit %d path %q, want 301, %d, %q", light.Room, light.UnitID, light.Path, u.ID, h.Path)
		}
		if len(light.Members) != 0 {
			t.Errorf("HouseholdAt loaded %d members, want none", len(light.Members))
		}
		full, err := svc.Household(ctx, sys, h.ID)
		if err != nil || len(full.Members) != 1 {
			t.Errorf("Household: %d members (%v), want 1", len(full.Members), err)
		}
		if _, err := svc.HouseholdAt(ctx, db, h.ID+1000); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("unknown household: %v, want not found", err)
		}
	})
}

// IDsUnder (the statistics' places) is cached for a few seconds and
// forgotten at every change to the tree: a community added through the
// service is counted at once; one written behind the cache's back is not,
// until the cache is cleared; a transaction always reads afresh.
func TestIDsUnderCachedUntilTheTreeChanges(t *testing.T) {
	db := storagetest.SQLite(t)
	ctx, sys := context.Background(), linli.System()
	svc := registry.New(db, nil)
	community, _ := benchPlaces(t, svc)
	city := "/" + strings.Split(strings.Trim(community.Path, "/"), "/")[0] + "/"
	count := func(q storage.Querier) int {
		ids, err := svc.IDsUnder(ctx, q, city, registry.KindCommunity)
		if err != nil {
			t.Fatal(err)
		}
		return len(ids[registry.KindCommunity])
	}
	if n := count(db); n != 1 {
		t.Fatalf("%d communities, want 1", n)
	}
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO nodes (parent_id, kind, name, path, depth, sort, created_at, updated_at) VALUES (?, 'community', '暗中社区', ?, ?, 99, 0, 0)`,
			community.ParentID, city+"9999/", community.Depth)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(db); n != 1 {
		t.Errorf("a place written without a signal is counted at once (%d): the answer is not cached", n)
	}
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		if n := count(tx); n != 2 {
			t.Errorf("inside a transaction %d communities, want 2 (read afresh)", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateNode(ctx, sys, registry.NodeInput{Kind: registry.KindCommunity, Name: "新建社区", Code: "140802001002", ParentID: community.ParentID}); err != nil {
		t.Fatal(err)
	}
	if n := count(db); n != 3 {
		t.Errorf("after a community was added through the service: %d communities, want 3", n)
	}
}
