package registry

import (
	"context"
	"database/sql"

	"linli/storage"
)

// GridBoundary is a grid's id and its boundary (a GeoJSON Polygon).
type GridBoundary struct {
	ID       int64
	Boundary string
}

// GridBoundaries returns the grids under path that have a boundary, in tree order: for cases to place a map point in its grid.
func (s *Service) GridBoundaries(ctx context.Context, q storage.Querier, path string) ([]GridBoundary, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (GridBoundary, error) {
		var g GridBoundary
		err := r.Scan(&g.ID, &g.Boundary)
		return g, err
	}, `SELECT id, boundary FROM nodes WHERE kind = ? AND boundary <> '' AND path LIKE ? ORDER BY path`, string(KindGrid), path+"%")
}

// Outline is a grid's or an estate's boundary (a GeoJSON Polygon) and its
// name, for drawing on a map.
type Outline struct {
	ID       int64
	Kind     Kind
	Name     string
	Boundary string
}

// Outlines returns the grids and estates under path that have a boundary,
// in tree order (grids before the estates in them): for maps.
func (s *Service) Outlines(ctx context.Context, q storage.Querier, path string) ([]Outline, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (Outline, error) {
		var o Outline
		err := r.Scan(&o.ID, &o.Kind, &o.Name, &o.Boundary)
		return o, err
	}, `SELECT id, kind, name, boundary FROM nodes WHERE kind IN (?, ?) AND boundary <> '' AND path LIKE ? ORDER BY path`,
		string(KindGrid), string(KindEstate), path+"%")
}
