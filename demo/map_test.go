package demo

import (
	"encoding/json"
	"testing"
)

// box reads the bounding box of a demo boundary (gridBox rectangles).
func boxOf(t *testing.T, geo string) (minLon, minLat, maxLon, maxLat float64) {
	t.Helper()
	var g struct{ Coordinates [][][2]float64 }
	if err := json.Unmarshal([]byte(geo), &g); err != nil || len(g.Coordinates) == 0 {
		t.Fatalf("boundary %s: %v", geo, err)
	}
	minLon, minLat, maxLon, maxLat = 999, 999, -999, -999
	for _, c := range g.Coordinates[0] {
		minLon, maxLon = min(minLon, c[0]), max(maxLon, c[0])
		minLat, maxLat = min(minLat, c[1]), max(maxLat, c[1])
	}
	return
}

// Estates drawn on the map lie inside their grid, and the points the
// demo's cases get lie inside the estate they are reported in (the map
// shows each pin in its estate, and a grid found from the point is the
// case's grid).
func TestEstateOutlinesAndCasePoints(t *testing.T) {
	d := Build()
	estates := 0
	walk(d.Roots, nil, func(p *Place, path []string) {
		if p.Kind != kindGrid || p.Boundary == "" {
			return
		}
		g0, g1, g2, g3 := boxOf(t, p.Boundary)
		for _, e := range p.Children {
			if e.Boundary == "" {
				continue
			}
			estates++
			checkPolygon(t, append(path, e.Name), e.Boundary)
			e0, e1, e2, e3 := boxOf(t, e.Boundary)
			if e0 < g0 || e1 < g1 || e2 > g2 || e3 > g3 {
				t.Errorf("%v %s: outline outside its grid", path, e.Name)
			}
		}
	})
	if estates < 4 {
		t.Errorf("%d estates with an outline, want 荟萃花园南区, 书香苑, 槐荫小区 and 吉祥花园", estates)
	}
	for _, a := range [][4]float64{huicuiBox, jixiangBox} {
		for i := range 100 {
			lon, lat := pointIn(a, i)
			if lon <= a[0] || lon >= a[0]+a[2] || lat <= a[1] || lat >= a[1]+a[3] {
				t.Fatalf("point %d (%v, %v) outside %v", i, lon, lat, a)
			}
		}
	}
}
