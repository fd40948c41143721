package cases_test

import (
	"testing"

	"linli"
	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
)

// A report with a map point and no place goes to the grid whose boundary
// contains the point; a point outside every grid is refused by field.
func TestMapPointRoutesToGrid(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		grid := f.node("运城市", "盐湖区", "东城街道", "学苑社区", "第一网格")
		c := f.open("resident", cases.NewCase{Category: "public_facility", Title: "路灯杆倾斜", Lat: 35.028, Lon: 111.007})
		if c.GridID != grid.ID || c.LocationID != grid.ID {
			t.Fatalf("case at grid %d (location %d), want 第一网格 %d", c.GridID, c.LocationID, grid.ID)
		}
		second := f.node("运城市", "盐湖区", "东城街道", "学苑社区", "第二网格")
		c = f.open("xueyuan", cases.NewCase{Category: "sanitation", Title: "绿化带垃圾", Lat: 35.028, Lon: 111.013, Source: cases.SourceHotline, ReporterName: "来电人"})
		if c.GridID != second.ID {
			t.Fatalf("case at grid %d, want 第二网格 %d", c.GridID, second.ID)
		}
		_, err := f.svc.Open(f.ctx, f.actor("resident"), cases.NewCase{Category: "noise", Title: "噪声", Lat: 35.9, Lon: 111.9})
		if linli.ErrorCode(err) != linli.EInvalid || len(linli.ErrorFields(err)) == 0 || linli.ErrorFields(err)[0].Field != "lat" {
			t.Fatalf("point outside every grid: %v %v", err, linli.ErrorFields(err))
		}
	})
}
