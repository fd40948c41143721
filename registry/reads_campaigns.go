package registry

// Reads the campaigns capability needs for its progress board and its
// exports (see reads.go for the rules).

import (
	"context"
	"database/sql"

	"linli/storage"
)

// HouseholdCounts returns how many households lie under each path (a
// node's path), keyed by path; a path with none is 0.
func (s *Service) HouseholdCounts(ctx context.Context, q storage.Querier, paths []string) (map[string]int, error) {
	out := make(map[string]int, len(paths))
	for _, p := range paths {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM households WHERE path LIKE ?`, p+"%").Scan(&n); err != nil {
			return nil, err
		}
		out[p] = n
	}
	return out, nil
}

// OwnerPhone is an owner of a household with the phone on file (plain:
// callers mask it before showing it).
type OwnerPhone struct {
	Name  string
	Phone string
}

// OwnerPhonesUnder returns the owners of every household under path with
// their phones, keyed by household, in the register's order.
func (s *Service) OwnerPhonesUnder(ctx context.Context, q storage.Querier, path string) (map[int64][]OwnerPhone, error) {
	out := map[int64][]OwnerPhone{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		var id int64
		var o OwnerPhone
		if err := r.Scan(&id, &o.Name, &o.Phone); err != nil {
			return err
		}
		out[id] = append(out[id], o)
		return nil
	}, `SELECT m.household_id, p.name, p.phone FROM household_members m JOIN people p ON p.id = m.person_id
		JOIN households h ON h.id = m.household_id WHERE h.path LIKE ? AND m.is_owner = 1 ORDER BY m.household_id, m.sort, m.id`, path+"%")
	return out, err
}
