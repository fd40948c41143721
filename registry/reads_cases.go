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
