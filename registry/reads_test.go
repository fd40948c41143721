package registry_test

import (
	"context"
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
