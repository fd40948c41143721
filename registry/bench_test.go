package registry_test

// Benchmarks for the foundation's performance baselines (docs/performance.md).
// Each one has a baseline measured in the same run — the bare SQL the
// operation cannot do without — so what is reported is a ratio that holds
// from machine to machine, not a time to assert. They run only with -bench:
//
//	go test -run '^$' -bench . -benchmem ./registry/
//
// PostgreSQL is added when LINLI_TEST_POSTGRES holds a DSN.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"linli"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
	"linli/storage/storagetest"
)

// benchEngines runs f on SQLite, and on PostgreSQL when LINLI_TEST_POSTGRES
// is set. open gives a fresh, migrated database each time it is called.
func benchEngines(b *testing.B, f func(b *testing.B, open func(testing.TB) *storage.DB)) {
	b.Run("sqlite", func(b *testing.B) { f(b, storagetest.SQLite) })
	if os.Getenv("LINLI_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { f(b, storagetest.Postgres) })
	}
}

const benchEstate = "荟萃花园南区"

// benchPlaces creates 运城市/盐湖区/东城街道/学苑社区/第一网格/荟萃花园南区 and
// returns the community and the estate.
func benchPlaces(tb testing.TB, svc *registry.Service) (community, estate registry.Node) {
	tb.Helper()
	ctx, sys := context.Background(), linli.System()
	var parent registry.Node
	for _, in := range []registry.NodeInput{
		{Kind: registry.KindCity, Name: "运城市", Code: "140800000000"},
		{Kind: registry.KindDistrict, Name: "盐湖区", Code: "140802000000"},
		{Kind: registry.KindStreet, Name: "东城街道", Code: "140802001000"},
		{Kind: registry.KindCommunity, Name: "学苑社区", Code: "140802001001"},
		{Kind: registry.KindGrid, Name: "第一网格"},
		{Kind: registry.KindEstate, Name: benchEstate},
	} {
		in.ParentID = parent.ID
		n, err := svc.CreateNode(ctx, sys, in)
		if err != nil {
			tb.Fatalf("create %s: %v", in.Name, err)
		}
		if n.Kind == registry.KindCommunity {
			community = n
		}
		parent = n
	}
	return community, parent
}

var (
	benchSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
	benchGiven    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌鹏辉宇浩凯晨欣怡梅琳丹")
)

// benchHouseholds generates a plausible ledger: buildings × units × floors ×
// perFloor households in one estate, with one to three members each (owner,
// family, tenant), valid mobile numbers (139…) and valid ID numbers.
func benchHouseholds(building func(i int) string, buildings, units, floors, perFloor int) []ledger.Household {
	hs := make([]ledger.Household, 0, buildings*units*floors*perFloor)
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	row := 2 // the header is row 1
	for bi := range buildings {
		for u := range units {
			for f := 1; f <= floors; f++ {
				for p := 1; p <= perFloor; p++ {
					i := len(hs)
					h := ledger.Household{Row: row, Estate: benchEstate, Building: building(bi),
						Unit: fmt.Sprintf("%d单元", u+1), Floor: f, Room: fmt.Sprintf("%d%02d", f, p),
						AreaCenti: 6800 + int64(i*37%6200)}
					for j := range i%3 + 1 {
						rel := []string{ledger.RelationOwner, ledger.RelationFamily, ledger.RelationTenant}[j]
						first17 := "140802" + born.AddDate(j*25, 0, i).Format("20060102") + fmt.Sprintf("%03d", j+1)
						h.Members = append(h.Members, ledger.Member{
							Name:     string(benchSurnames[(i+j*7)%len(benchSurnames)]) + string(benchGiven[(i/3+j)%len(benchGiven)]) + string(benchGiven[(i*7+j)%len(benchGiven)]),
							Relation: rel, IsOwner: rel == ledger.RelationOwner,
							Phone:    fmt.Sprintf("139%08d", i*3+j),
							IDNumber: first17 + string(ledger.IDCheckChar(first17)),
						})
					}
					row += len(h.Members)
					hs = append(hs, h)
				}
			}
		}
	}
	return hs
}

// building96 makes 1号楼: 8 units × 6 floors × 2 households, the size of the
// demo's elevator-retrofit building, in a database that also holds others
// households in other buildings of the same estate.
func building96(b *testing.B, db *storage.DB, others int) (*registry.Service, registry.Node) {
	svc := registry.New(db, nil)
	comm, _ := benchPlaces(b, svc)
	ctx, sys := context.Background(), linli.System()
	if others > 0 {
		const perBuilding = 5 * 10 * 2
		hs := benchHouseholds(func(i int) string { return fmt.Sprintf("其他%d号楼", i+1) }, others/perBuilding, 5, 10, 2)
		if _, err := svc.Import(ctx, sys, comm.ID, hs); err != nil {
			b.Fatal(err)
		}
	}
	hs := benchHouseholds(func(int) string { return "1号楼" }, 1, 8, 6, 2)
	if _, err := svc.Import(ctx, sys, comm.ID, hs); err != nil {
		b.Fatal(err)
	}
	found, _, err := svc.ListHouseholds(ctx, sys, registry.HouseholdFilter{NodeID: comm.ID, Query: "602", Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range found {
		if bld, err := svc.Node(ctx, sys, h.BuildingID); err == nil && bld.Name == "1号楼" {
			return svc, bld
		}
	}
	b.Fatalf("1号楼 not found: %v", err)
	return nil, registry.Node{}
}

// buildingSizes runs f with 1号楼 alone in the database and with 5,000 other
// households beside it: the view of one building should not cost more as
// the register grows.
func buildingSizes(b *testing.B, open func(testing.TB) *storage.DB, f func(b *testing.B, db *storage.DB, svc *registry.Service, bld registry.Node)) {
	for _, others := range []int{0, 5000} {
		b.Run(fmt.Sprintf("households=%d", 96+others), func(b *testing.B) {
			db := open(b)
			svc, bld := building96(b, db, others)
			f(b, db, svc, bld)
		})
	}
}

// BenchmarkBuildingView96 is the building view (floors × units grid with
// owners) of a 96-household building.
func BenchmarkBuildingView96(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		buildingSizes(b, open, func(b *testing.B, _ *storage.DB, svc *registry.Service, bld registry.Node) {
			ctx, sys := context.Background(), linli.System()
			for b.Loop() {
				v, err := svc.Building(ctx, sys, bld.ID)
				if err != nil || v.Total != 96 || len(v.Floors) != 6 || len(v.Units) != 8 {
					b.Fatalf("view: %d households, %d floors, %d units, err %v", v.Total, len(v.Floors), len(v.Units), err)
				}
			}
		})
	})
}

// BenchmarkBuildingViewBaselineQuery is the least the building view must
// read: the building's households, one bare query.
func BenchmarkBuildingViewBaselineQuery(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		buildingSizes(b, open, func(b *testing.B, db *storage.DB, _ *registry.Service, bld registry.Node) {
			ctx := context.Background()
			for b.Loop() {
				rows, err := db.Query(ctx, `SELECT id, floor, room, area_centi FROM households WHERE path LIKE ?`, bld.Path+"%")
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					var id, area int64
					var floor int
					var room string
					if err := rows.Scan(&id, &floor, &room, &area); err != nil {
						b.Fatal(err)
					}
					n++
				}
				if err := rows.Close(); err != nil || n != 96 {
					b.Fatalf("%d rows, err %v", n, err)
				}
			}
		})
	})
}

// households5000 is a large community: 50 buildings × 5 units × 10 floors
// × 2 households, about 10,000 people.
func households5000() []ledger.Household {
	return benchHouseholds(func(i int) string { return fmt.Sprintf("%d号楼", i+1) }, 50, 5, 10, 2)
}

// BenchmarkImport5000 parses a 5,000-household .xlsx ledger and imports it
// into a fresh database, as `linli import` and the import page do.
func BenchmarkImport5000(b *testing.B) {
	hs := households5000()
	var book bytes.Buffer
	if err := ledger.WriteXLSX(&book, hs); err != nil {
		b.Fatal(err)
	}
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		ctx, sys := context.Background(), linli.System()
		n := 0
		for b.Loop() {
			b.StopTimer()
			db := open(b)
			svc := registry.New(db, nil)
			comm, _ := benchPlaces(b, svc)
			b.StartTimer()
			got, bad, err := ledger.Parse(bytes.NewReader(book.Bytes()), "xlsx")
			if err != nil || len(bad) > 0 || len(got) != len(hs) {
				b.Fatalf("parse: %d households, %d problems %v, err %v", len(got), len(bad), bad[:min(3, len(bad))], err)
			}
			res, err := svc.Import(ctx, sys, comm.ID, got)
			if err != nil || res.Created != len(hs) {
				b.Fatalf("import: %+v, err %v", res, err)
			}
			b.StopTimer()
			db.Close() // early: one database per iteration would pile up until the end
			b.StartTimer()
			n++
		}
		b.ReportMetric(float64(n*len(hs))/b.Elapsed().Seconds(), "households/s")
	})
}

// BenchmarkImport5000RawInsert writes the same rows as BenchmarkImport5000
// — buildings, units, households, people, members — with plain INSERTs in
// one transaction: no parsing, no checks, no look-ups, no audit entry.
func BenchmarkImport5000RawInsert(b *testing.B) {
	hs := households5000()
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		ctx := context.Background()
		n := 0
		for b.Loop() {
			b.StopTimer()
			db := open(b)
			_, estate := benchPlaces(b, registry.New(db, nil))
			b.StartTimer()
			err := db.InTx(ctx, func(tx *storage.Tx) error { return rawInsert(ctx, tx, estate, hs) })
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			db.Close()
			b.StartTimer()
			n++
		}
		b.ReportMetric(float64(n*len(hs))/b.Elapsed().Seconds(), "households/s")
	})
}

func rawInsert(ctx context.Context, tx *storage.Tx, estate registry.Node, hs []ledger.Household) error {
	now := storage.Millis(time.Now())
	type place struct {
		id   int64
		path string
	}
	places := map[string]place{}
	node := func(key string, parent place, depth int, kind registry.Kind, name string) (place, error) {
		if p, ok := places[key]; ok {
			return p, nil
		}
		id, err := tx.Insert(ctx, `INSERT INTO nodes (parent_id, kind, name, path, depth, floors, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, ?)`,
			parent.id, kind, name, depth, 10, now, now)
		if err != nil {
			return place{}, err
		}
		p := place{id, fmt.Sprintf("%s%d/", parent.path, id)}
		if _, err := tx.Exec(ctx, `UPDATE nodes SET path = ? WHERE id = ?`, p.path, id); err != nil {
			return place{}, err
		}
		places[key] = p
		return p, nil
	}
	e := place{estate.ID, estate.Path}
	for _, h := range hs {
		bld, err := node(h.Building, e, estate.Depth+1, registry.KindBuilding, h.Building)
		if err != nil {
			return err
		}
		unit, err := node(h.Building+"\x00"+h.Unit, bld, estate.Depth+2, registry.KindUnit, h.Unit)
		if err != nil {
			return err
		}
		hid, err := tx.Insert(ctx, `INSERT INTO households (unit_id, path, floor, room, area_centi, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			unit.id, unit.path, h.Floor, h.Room, h.AreaCenti, h.Note, now, now)
		if err != nil {
			return err
		}
		for i, m := range h.Members {
			pid, err := tx.Insert(ctx, `INSERT INTO people (name, phone, id_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				m.Name, m.Phone, m.IDNumber, now, now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, is_owner, sort) VALUES (?, ?, ?, ?, ?)`,
				hid, pid, m.Relation, storage.Int(m.IsOwner), i); err != nil {
				return err
			}
		}
	}
	return nil
}
