package registry

// Reads the visits capability needs (see reads.go for the rules).

import (
	"context"
	"database/sql"
	"strconv"

	"linli/storage"
)

// UnitPlace is a unit with the names of its estate and building.
type UnitPlace struct {
	ID       int64
	Estate   string
	Building string
	Unit     string
}

// UnitsHoused lists the units under any of scopes that hold a household, in estate, building, unit order, at most limit (a form's unit picker).
func (s *Service) UnitsHoused(ctx context.Context, q storage.Querier, scopes []string, limit int) ([]UnitPlace, error) {
	cond, args := storage.ScopeFilter("u.path", scopes)
	return storage.Select(ctx, q, func(r *sql.Rows) (UnitPlace, error) {
		var p UnitPlace
		err := r.Scan(&p.ID, &p.Estate, &p.Building, &p.Unit)
		return p, err
	}, `SELECT u.id, e.name, b.name, u.name FROM nodes u JOIN nodes b ON b.id = u.parent_id JOIN nodes e ON e.id = b.parent_id
		WHERE u.kind = 'unit' AND `+cond+` AND EXISTS (SELECT 1 FROM households h WHERE h.unit_id = u.id)
		ORDER BY e.sort, e.id, b.sort, b.id, u.sort, u.id LIMIT `+strconv.Itoa(limit), args...)
}
