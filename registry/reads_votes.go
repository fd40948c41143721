package registry

// Reads the votes capability needs (see reads.go for the rules).

import (
	"context"
	"database/sql"

	"linli/storage"
)

// OwnerContact is an owner member of a household as an account is matched
// to it: the person and their phone (plain: for matching, never shown).
type OwnerContact struct {
	PersonID int64
	Phone    string
}

// OwnerContacts returns the owner members of a household with their phones, for telling whether an account is one of its owners.
func (s *Service) OwnerContacts(ctx context.Context, q storage.Querier, householdID int64) ([]OwnerContact, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (OwnerContact, error) {
		var o OwnerContact
		err := r.Scan(&o.PersonID, &o.Phone)
		return o, err
	}, `SELECT p.id, p.phone FROM household_members m JOIN people p ON p.id = m.person_id
		WHERE m.household_id = ? AND m.is_owner = 1 ORDER BY m.sort, m.id`, householdID)
}
