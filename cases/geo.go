package cases

import (
	"context"
	"encoding/json"
	"strings"

	"linli"
)

// gridAt finds the grid whose boundary (GeoJSON Polygon) contains the
// point, among the grids under scopePath ("/" for all). Holes are
// honoured; a point on an edge counts as inside one of the grids.
func (s *Service) gridAt(ctx context.Context, scopePath string, lon, lat float64) (int64, error) {
	grids, err := s.Registry.GridBoundaries(ctx, s.DB, scopePath)
	if err != nil {
		return 0, err
	}
	for _, g := range grids {
		if polygonContains(g.Boundary, lon, lat) {
			return g.ID, nil
		}
	}
	return 0, linli.Invalid("该位置不在任何网格内 / the point lies in no grid",
		linli.FieldError{Field: "lat", Reason: "该位置不在任何网格内，请选择地点 / no grid contains the point; pick a place"})
}

// polygonContains tests a point against a GeoJSON Polygon (or a Feature
// holding one) with the even-odd rule over every ring.
func polygonContains(geojson string, x, y float64) bool {
	var g struct {
		Type        string          `json:"type"`
		Geometry    json.RawMessage `json:"geometry"`
		Coordinates [][][2]float64  `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(geojson), &g); err != nil {
		return false
	}
	if strings.EqualFold(g.Type, "Feature") {
		return polygonContains(string(g.Geometry), x, y)
	}
	inside := false
	for _, ring := range g.Coordinates {
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				inside = !inside
			}
		}
	}
	return inside
}
