package cases_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/registry"
	"linli/stats"
	"linli/storage"
	"linli/storage/storagetest"
)

// The street and district rollups (migration 0066) hold, for every street
// and district and every day (for districts also every category and
// month), the sums of the communities under them — cases spread over two
// streets of one district and a street of another, carried through the
// loop with timers firing; then the same after a rebuild from the
// timelines. The city's statistics read from them agree with its
// communities' own.
func TestAreaRollupsEqualCommunitySums(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		sys := linli.System()
		mk := func(parent int64, kind registry.Kind, name, code string) registry.Node {
			n, err := f.reg.CreateNode(f.ctx, sys, registry.NodeInput{ParentID: parent, Kind: kind, Name: name, Code: code})
			if err != nil {
				t.Fatal(err, linli.ErrorFields(err))
			}
			return n
		}
		// A second street in 盐湖区 beside 东城街道.
		xicheng := mk(f.node("运城市", "盐湖区").ID, registry.KindStreet, "西城街道", "140802999000")
		xcGrid := mk(mk(xicheng.ID, registry.KindCommunity, "西城社区", "140802999001").ID, registry.KindGrid, "第一网格", "")
		xyGrid := f.node(append(pXunyang, "第一网格")...)
		hotline := func(grid int64, category string) cases.Case {
			c, err := f.svc.Open(f.ctx, sys, cases.NewCase{Category: category, Title: "热线来电", LocationID: grid, Source: cases.SourceHotline,
				ReporterName: "王先生", ReporterPhone: "13800000000"})
			if err != nil {
				t.Fatalf("open at %d: %v %v", grid, err, linli.ErrorFields(err))
			}
			return c
		}
		for day := 0; day < 4; day++ {
			f.leak("resident")
			f.dispatched("jxresident", "jixiang")
			c := hotline(xcGrid.ID, "water_leak")
			hotline(xcGrid.ID, "noise")
			hotline(xyGrid.ID, "water_leak")
			if day%2 == 0 {
				for _, a := range []cases.Action{cases.ActAccept, cases.ActDispatch} {
					if _, err := f.svc.Act(f.ctx, sys, c.ID, cases.ActionInput{Action: a}); err != nil {
						t.Fatalf("%s: %v %v", a, err, linli.ErrorFields(err))
					}
				}
			}
			f.advance(26 * time.Hour)
			f.runDue()
		}
		f.advance(10 * 24 * time.Hour) // deadlines pass: the due cohorts are counted
		f.runDue()
		if _, err := f.svc.Fold(f.ctx); err != nil {
			t.Fatal(err)
		}
		checkAreaRollups(t, f, 3)
		if _, err := f.svc.RebuildStats(f.ctx); err != nil {
			t.Fatal(err)
		}
		checkAreaRollups(t, f, 3)

		// The city's report (district and street rollups) against its
		// communities' reports (community rollups).
		st := &stats.Service{DB: db, Registry: f.reg, Weights: stats.DefaultWeights(), Zone: f.zone, Clock: f.clock, Fresh: f.svc.Fold}
		from, to := f.clock.Now().AddDate(0, 0, -30), f.clock.Now()
		report := func(id int64, by stats.Group) stats.Report {
			r, err := st.Report(f.ctx, sys, stats.Query{NodeID: id, From: from, To: to, By: by})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		city := report(f.node("运城市").ID, stats.ByStreet)
		byCommunity := report(f.node("运城市").ID, stats.ByCommunity)
		var sum stats.Counters
		trend := map[string]int{}
		for _, r := range byCommunity.Rows {
			own := report(r.ID, "")
			addTo(&sum, own.Total.Counters)
			for _, p := range own.Trend {
				trend[p.Day.Format("01-02")] += p.Reported
			}
		}
		if city.Total.Counters != sum || sum.Reported != 20 {
			t.Errorf("city total %+v, its communities' %+v (20 reported)", city.Total.Counters, sum)
		}
		if len(city.Rows) != 3 {
			t.Errorf("city by street: %d rows, want 3: %+v", len(city.Rows), city.Rows)
		}
		for _, r := range city.Rows {
			if want := report(r.ID, "").Total.Counters; r.Counters != want {
				t.Errorf("street %s: city row %+v, the street's own report %+v", r.Name, r.Counters, want)
			}
		}
		// The ranking: the grids with any due case, best on-time closure
		// first, with all their counters.
		var ranked []stats.Row
		for _, r := range report(f.node("运城市").ID, stats.ByGrid).Rows {
			if r.Due > 0 {
				ranked = append(ranked, r)
			}
		}
		slices.SortStableFunc(ranked, func(a, b stats.Row) int {
			return cmp.Or(cmp.Compare(float64(b.ClosedOnTime)/float64(b.Due), float64(a.ClosedOnTime)/float64(a.Due)), cmp.Compare(a.ID, b.ID))
		})
		if len(ranked) < 2 || len(city.Ranking) != len(ranked) {
			t.Fatalf("ranking %+v, want %+v", city.Ranking, ranked)
		}
		for i, r := range ranked {
			if city.Ranking[i].ID != r.ID || city.Ranking[i].Counters != r.Counters {
				t.Errorf("ranking %d: %d %+v, want %d %+v", i, city.Ranking[i].ID, city.Ranking[i].Counters, r.ID, r.Counters)
			}
		}
		for _, p := range city.Trend {
			if trend[p.Day.Format("01-02")] != p.Reported {
				t.Errorf("city trend %s: %d reported, communities %d", p.Day.Format("01-02"), p.Reported, trend[p.Day.Format("01-02")])
			}
		}
	})
}

// checkAreaRollups compares every street and district rollup row with the
// community rollups summed by the tree, and checks the streets' reported
// counts against the cases under them.
func checkAreaRollups(t *testing.T, f *fixture, wantStreets int) {
	t.Helper()
	parent := map[int64]int64{}
	kind := map[int64]registry.Kind{}
	nodes, err := f.reg.NodesUnder(f.ctx, f.db, "/", registry.KindCommunity, registry.KindStreet, registry.KindDistrict)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		parent[n.ID], kind[n.ID] = n.ParentID, n.Kind
	}
	up := func(community int64, k registry.Kind) int64 {
		for id := community; id != 0; id = parent[id] {
			if kind[id] == k {
				return id
			}
		}
		return 0
	}
	want := map[string][17]int{}
	add := func(table string, period int, area, ref int64, v [17]int) {
		key := fmt.Sprint(table, period, area, ref)
		sum := want[key]
		for i := range v {
			sum[i] += v[i]
		}
		want[key] = sum
	}
	for _, src := range []string{"stats_community_day", "stats_category_month", "stats_grid_month"} {
		for k, v := range rollupRows(t, f.db, src) {
			switch src {
			case "stats_community_day":
				add("stats_street_day", k.period, up(k.area, registry.KindStreet), 0, v)
				add("stats_district_day", k.period, up(k.area, registry.KindDistrict), 0, v)
			case "stats_category_month":
				add("stats_district_category_month", k.period, up(k.area, registry.KindDistrict), k.ref, v)
			default:
				add("stats_district_grid_month", k.period, up(k.area, registry.KindDistrict), k.ref, v)
			}
		}
	}
	got := map[string][17]int{}
	streets := map[int64]bool{}
	for _, tb := range []string{"stats_street_day", "stats_district_day", "stats_district_category_month", "stats_district_grid_month"} {
		for k, v := range rollupRows(t, f.db, tb) {
			got[fmt.Sprint(tb, k.period, k.area, k.ref)] = v
			if tb == "stats_street_day" {
				streets[k.area] = true
			}
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: rollup %v, communities summed %v", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: rollup %v, no community under it", k, v)
		}
	}
	if len(streets) != wantStreets {
		t.Errorf("%d streets counted, want %d", len(streets), wantStreets)
	}
	// The streets' reported counts are their cases.
	for id := range streets {
		var path string
		var cs, reported int
		if err := f.db.QueryRow(f.ctx, `SELECT path FROM nodes WHERE id = ?`, id).Scan(&path); err != nil {
			t.Fatal(err)
		}
		if err := f.db.QueryRow(f.ctx, `SELECT COUNT(*) FROM cases WHERE path LIKE ?`, path+"%").Scan(&cs); err != nil {
			t.Fatal(err)
		}
		if err := f.db.QueryRow(f.ctx, `SELECT COALESCE(SUM(reported), 0) FROM stats_street_day WHERE community_id = ?`, id).Scan(&reported); err != nil {
			t.Fatal(err)
		}
		if cs != reported || cs == 0 {
			t.Errorf("street %s: %d cases, %d reported", path, cs, reported)
		}
	}
}

type rollupKey struct {
	period    int
	area, ref int64
}

// rollupRows reads a rollup's non-zero rows.
func rollupRows(t *testing.T, db *storage.DB, table string) map[rollupKey][17]int {
	t.Helper()
	rows, err := db.Query(t.Context(), `SELECT period, community_id, ref_id, reported, dispatched, responded, responded_on_time,
		due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, rework, extended, escalated, response_due, due_closed, due_extended FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[rollupKey][17]int{}
	for rows.Next() {
		var k rollupKey
		var v [17]int
		if err := rows.Scan(append([]any{&k.period, &k.area, &k.ref}, ptrs(&v)...)...); err != nil {
			t.Fatal(err)
		}
		if v != [17]int{} {
			out[k] = v
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func ptrs(v *[17]int) []any {
	out := make([]any, len(v))
	for i := range v {
		out[i] = &v[i]
	}
	return out
}

func addTo(d *stats.Counters, c stats.Counters) {
	d.Reported += c.Reported
	d.Dispatched += c.Dispatched
	d.Responded += c.Responded
	d.RespondedOnTime += c.RespondedOnTime
	d.Due += c.Due
	d.Closed += c.Closed
	d.ClosedOnTime += c.ClosedOnTime
	d.Resolved += c.Resolved
	d.Satisfied += c.Satisfied
	d.Basic += c.Basic
	d.Unsatisfied += c.Unsatisfied
	d.Rework += c.Rework
	d.Extended += c.Extended
	d.Escalated += c.Escalated
	d.ResponseDue += c.ResponseDue
	d.DueClosed += c.DueClosed
	d.DueExtended += c.DueExtended
}
