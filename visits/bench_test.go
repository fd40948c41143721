package visits_test

// Benchmark of the visits layer of the building view (docs/performance.md,
// "Negotiation and projects"), with the plain building view measured in the
// same run as its baseline: the ratio is what holds from machine to
// machine, not a time to assert. It runs only with -bench:
//
//	go test -run '^$' -bench . -benchmem ./visits/
//
// PostgreSQL is added when LINLI_TEST_POSTGRES holds a DSN.

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/links"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/visits"
)

// benchEngines runs f on SQLite, and on PostgreSQL when LINLI_TEST_POSTGRES
// is set. open gives a fresh, migrated database each time it is called.
func benchEngines(b *testing.B, f func(b *testing.B, open func(testing.TB) *storage.DB)) {
	b.Run("sqlite", func(b *testing.B) { f(b, storagetest.SQLite) })
	if os.Getenv("LINLI_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { f(b, storagetest.Postgres) })
	}
}

// benchBuilding builds 荟萃花园南区 1号楼 (8 units × 6 floors × 2 = 96
// households, one owner each) through the registry and returns the
// building and a community staff member.
func benchBuilding(b *testing.B, reg *registry.Service) (registry.Node, *linli.Actor) {
	b.Helper()
	ctx, sys := context.Background(), linli.System()
	var parent, community registry.Node
	for _, in := range []registry.NodeInput{
		{Kind: registry.KindCity, Name: "运城市", Code: "140800000000"},
		{Kind: registry.KindDistrict, Name: "盐湖区", Code: "140802000000"},
		{Kind: registry.KindStreet, Name: "东城街道", Code: "140802001000"},
		{Kind: registry.KindCommunity, Name: "学苑社区", Code: "140802001001"},
		{Kind: registry.KindGrid, Name: "第一网格"},
		{Kind: registry.KindEstate, Name: "荟萃花园南区"},
	} {
		in.ParentID = parent.ID
		n, err := reg.CreateNode(ctx, sys, in)
		if err != nil {
			b.Fatalf("create %s: %v", in.Name, err)
		}
		if n.Kind == registry.KindCommunity {
			community = n
		}
		parent = n
	}
	var hs []ledger.Household
	for u := 1; u <= 8; u++ {
		for f := 1; f <= 6; f++ {
			for p := 1; p <= 2; p++ {
				i := len(hs)
				first17 := "140802" + time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*97).Format("20060102") + "001"
				hs = append(hs, ledger.Household{Row: i + 2, Estate: "荟萃花园南区", Building: "1号楼", Unit: fmt.Sprintf("%d单元", u),
					Floor: f, Room: fmt.Sprintf("%d%02d", f, p), AreaCenti: 7200 + int64(i*53%4800),
					Members: []ledger.Member{{Name: fmt.Sprintf("业主%02d", i+1), Relation: ledger.RelationOwner, IsOwner: true,
						Phone: fmt.Sprintf("139%08d", i+1), IDNumber: first17 + string(ledger.IDCheckChar(first17))}}})
			}
		}
	}
	if _, err := reg.Import(ctx, sys, community.ID, hs); err != nil {
		b.Fatalf("import: %v %v", err, linli.ErrorFields(err))
	}
	bld, err := reg.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"})
	if err != nil {
		b.Fatal(err)
	}
	staff := &linli.Actor{Username: "xueyuan", DisplayName: "学苑社区工作人员",
		Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodeID: community.ID, NodePath: community.Path, NodeName: community.Name}}}
	return bld, staff
}

// BenchmarkVisitLayer is the building view of the 96 households coloured
// by the visits of a matter (registry BuildingWithLayer "visits:<matter
// id>": the view, the layer options, each household's latest stance)
// against the plain view (BuildingWithLayer "": the view and the layer
// options). Every household has been visited once about the project,
// a mix of support, oppose and undecided.
func BenchmarkVisitLayer(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		db := open(b)
		ctx := context.Background()
		clock := linli.NewFakeClock(time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
		reg := registry.New(db, clock)
		svc := visits.New(capability.Deps{DB: db, Clock: clock, Zone: time.FixedZone("CST", 8*3600), Registry: reg, Links: &links.Registry{DB: db}})
		bld, staff := benchBuilding(b, reg)
		hs, _, err := reg.ListHouseholds(ctx, staff, registry.HouseholdFilter{NodeID: bld.ID, Limit: 500})
		if err != nil || len(hs) != 96 {
			b.Fatalf("%d households, err %v", len(hs), err)
		}
		stances := []visits.Stance{visits.Support, visits.Support, visits.Undecided, visits.Oppose}
		var matter int64
		for i, h := range hs {
			clock.Advance(10 * time.Minute)
			in := visits.VisitInput{HouseholdID: h.ID, Subject: "project:1", MatterTitle: "1号楼加装电梯入户走访",
				VisitorNames: []string{"柴晓燕"}, Stance: stances[i%len(stances)]}
			if in.Stance == visits.Oppose {
				in.Concerns, in.Notes = []visits.Concern{visits.Light, visits.Noise}, "担心低层采光"
			}
			v, err := svc.Record(ctx, staff, in)
			if err != nil {
				b.Fatalf("visit %s: %v %v", h.Room, err, linli.ErrorFields(err))
			}
			matter = v.MatterID
		}
		key := fmt.Sprintf("%s:%d", visits.LayerKind, matter)
		b.Run("plain", func(b *testing.B) {
			for b.Loop() {
				v, err := reg.BuildingWithLayer(ctx, staff, bld.ID, "")
				if err != nil || v.Total != 96 || len(v.LayerOptions) != 1 || v.Layer != nil {
					b.Fatalf("view: %d households, %d options, err %v", v.Total, len(v.LayerOptions), err)
				}
			}
		})
		b.Run("visits-layer", func(b *testing.B) {
			for b.Loop() {
				v, err := reg.BuildingWithLayer(ctx, staff, bld.ID, key)
				if err != nil || v.Total != 96 || v.Layer == nil || len(v.Layer.Marks) != 96 {
					b.Fatalf("view: %d households, layer %v, err %v", v.Total, v.Layer != nil, err)
				}
			}
		})
	})
}
