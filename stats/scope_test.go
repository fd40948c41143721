package stats_test

import (
	"testing"
	"time"

	"linli"
	"linli/demo/demotest"
	"linli/stats"
	"linli/storage"
	"linli/storage/storagetest"
)

// The rollups go no finer than a grid and keep categories per community,
// so a query must not pass a narrower grant off as a wider one: a building
// head does not read the whole grid's counts through the building's id, a
// grid worker does not read the community's categories through by=category,
// and a place outside one's scope answers as an unknown one does.
func TestStatsScopeIsNoWiderThanTheGrant(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := demotest.New(t, db, time.Date(2026, 11, 26, 10, 0, 0, 0, demotest.Beijing))
		s := &stats.Service{DB: db, Registry: w.Registry, Cases: w.Cases, Weights: stats.DefaultWeights(), Zone: w.Zone, Clock: w.Clock}
		as := w.Actors(t, "building", "grid1", "xueyuan", "jxgrid")
		node := func(path ...string) int64 {
			n, err := w.Registry.FindNode(w.Ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			return n.ID
		}
		xy := []string{"运城市", "盐湖区", "东城街道", "学苑社区"}
		grid := node(append(xy, "第一网格")...)
		building := node(append(xy, "第一网格", "荟萃花园南区", "1号楼")...)
		community := node(xy...)
		from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, w.Zone), time.Date(2026, 11, 30, 0, 0, 0, 0, w.Zone)
		q := func(who string, id int64, by stats.Group) error {
			_, err := s.Report(w.Ctx, as[who], stats.Query{NodeID: id, From: from, To: to, By: by})
			return err
		}
		for _, tc := range []struct {
			what, who string
			node      int64
			by        stats.Group
			code      string
		}{
			{"a building head, the building (its grid's figures)", "building", building, "", linli.ENotFound},
			{"a grid worker by category (the community's rows)", "grid1", grid, stats.ByCategory, linli.EInvalid},
			{"another community's grid worker", "jxgrid", grid, "", linli.ENotFound},
			{"a grid worker, own grid", "grid1", grid, stats.ByGrid, ""},
			{"a grid worker, a building of the grid", "grid1", building, "", ""},
			{"community staff by category", "xueyuan", community, stats.ByCategory, ""},
		} {
			err := q(tc.who, tc.node, tc.by)
			if got := linli.ErrorCode(err); got != tc.code {
				t.Errorf("%s: %v (code %q), want %q", tc.what, err, got, tc.code)
			}
		}
		if _, err := s.Report(w.Ctx, as["jxgrid"], stats.Query{NodeID: 99999999, From: from, To: to}); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("an unknown place: %v, want the same not found", err)
		}
	})
}
