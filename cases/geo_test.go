package cases

import "testing"

func TestPolygonContains(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[111,35],[111.01,35],[111.01,35.01],[111,35.01],[111,35]]]}`
	holed := `{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}`
	feature := `{"type":"Feature","geometry":` + square + `}`
	tests := []struct {
		poly string
		x, y float64
		want bool
	}{
		{square, 111.005, 35.005, true},
		{square, 111.02, 35.005, false},
		{square, 110.999, 35.0001, false},
		{holed, 2, 2, true},
		{holed, 5, 5, false}, // in the hole
		{feature, 111.005, 35.005, true},
		{"not json", 1, 1, false},
	}
	for _, tt := range tests {
		if got := polygonContains(tt.poly, tt.x, tt.y); got != tt.want {
			t.Errorf("contains(%.4f, %.4f) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
}
