package registry

// The reads other capabilities may run on registry's tables (nodes,
// households, people, household_members). A capability that needs a place,
// a household or the people in it calls one of these; it does not join
// registry's tables in its own SQL (README, "Layout of the code"). None of
// them checks the actor: callers pass a path or ids they have already
// checked, or check the returned path against the actor's scope.

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"linli"
	"linli/storage"
)

// HouseholdAt is one household with its estate, building and unit names,
// without members; an unknown id is a 404.
func (s *Service) HouseholdAt(ctx context.Context, q storage.Querier, id int64) (Household, error) {
	h, err := scanHousehold(q.QueryRow(ctx, `SELECT `+householdColumns+householdFrom+` WHERE h.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return h, errNotFound("住户", "household")
	}
	return h, err
}

// HouseholdsAt returns the households with the given ids (unknown ids are
// left out), keyed by id.
func (s *Service) HouseholdsAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]Household, error) {
	out := make(map[int64]Household, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(500, len(ids))]
		ids = ids[len(batch):]
		args := storage.Args(batch)
		err := storage.Each(ctx, q, func(r *sql.Rows) error {
			h, err := scanHousehold(r)
			out[h.ID] = h
			return err
		}, `SELECT `+householdColumns+householdFrom+` WHERE h.id IN (`+storage.Placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HouseholdsUnder returns every household under path (a node's path), in
// building order: estate, building, unit, floor, room.
func (s *Service) HouseholdsUnder(ctx context.Context, q storage.Querier, path string) ([]Household, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (Household, error) { return scanHousehold(r) },
		`SELECT `+householdColumns+householdFrom+` WHERE h.path LIKE ? ORDER BY e.sort, e.id, b.sort, b.id, u.sort, u.id, h.floor, h.room`, path+"%")
}

// Owner is an owner of a household as the headcount rules need one: who,
// and an identity key that is the same for the same person across
// households (the ID number when it is known, else the person record).
type Owner struct {
	HouseholdID int64
	PersonID    int64
	Name        string
	Key         string
}

// OwnersUnder returns the owners of every household under path, keyed by
// household, in the register's order.
func (s *Service) OwnersUnder(ctx context.Context, q storage.Querier, path string) (map[int64][]Owner, error) {
	out := map[int64][]Owner{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		var o Owner
		var idNumber string
		if err := r.Scan(&o.HouseholdID, &o.PersonID, &o.Name, &idNumber); err != nil {
			return err
		}
		o.Key = ownerKey(o.PersonID, idNumber)
		out[o.HouseholdID] = append(out[o.HouseholdID], o)
		return nil
	}, `SELECT m.household_id, p.id, p.name, p.id_number FROM household_members m JOIN people p ON p.id = m.person_id
		JOIN households h ON h.id = m.household_id WHERE h.path LIKE ? AND m.is_owner = 1 ORDER BY m.household_id, m.sort, m.id`, path+"%")
	return out, err
}

// ownerKey is one person's identity across households: the ID number
// (upper case, so a lower-case check letter x is the same person), or the
// person record when no ID number is on file.
func ownerKey(personID int64, idNumber string) string {
	if n := strings.ToUpper(strings.TrimSpace(idNumber)); n != "" {
		return "id:" + n
	}
	return "person:" + strconv.FormatInt(personID, 10)
}

// PersonAt is one person of the register with the households they belong
// to. Phone and ID number are plain: callers mask them for display.
type PersonAt struct {
	ID         int64
	Name       string
	Phone      string
	IDNumber   string
	Households []int64
}

// Person returns one person and their households; an unknown id is a 404.
func (s *Service) Person(ctx context.Context, q storage.Querier, id int64) (PersonAt, error) {
	p := PersonAt{ID: id}
	err := q.QueryRow(ctx, `SELECT name, phone, id_number FROM people WHERE id = ?`, id).Scan(&p.Name, &p.Phone, &p.IDNumber)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNotFound("人员", "person")
	}
	if err != nil {
		return p, err
	}
	p.Households, err = storage.Scalars[int64](ctx, q, `SELECT household_id FROM household_members WHERE person_id = ? ORDER BY household_id`, id)
	return p, err
}

// NodesUnder returns the nodes of the given kinds under path (all kinds when
// none is given), in tree order.
func (s *Service) NodesUnder(ctx context.Context, q storage.Querier, path string, kinds ...Kind) ([]Node, error) {
	query := `SELECT ` + nodeColumns + ` FROM nodes n WHERE n.path LIKE ?`
	args := []any{path + "%"}
	if len(kinds) > 0 {
		query += ` AND n.kind IN (` + storage.Placeholders(len(kinds)) + `)`
		for _, k := range kinds {
			args = append(args, string(k))
		}
	}
	return storage.Select(ctx, q, func(r *sql.Rows) (Node, error) { return scanNode(r) }, query+` ORDER BY n.path`, args...)
}

// CountUnder counts the nodes of each kind under path.
func (s *Service) CountUnder(ctx context.Context, q storage.Querier, path string, kinds ...Kind) (map[Kind]int, error) {
	query := `SELECT kind, COUNT(*) FROM nodes WHERE path LIKE ?`
	args := []any{path + "%"}
	if len(kinds) > 0 {
		query += ` AND kind IN (` + storage.Placeholders(len(kinds)) + `)`
		for _, k := range kinds {
			args = append(args, string(k))
		}
	}
	out := map[Kind]int{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		var k Kind
		var n int
		if err := r.Scan(&k, &n); err != nil {
			return err
		}
		out[k] = n
		return nil
	}, query+` GROUP BY kind`, args...)
	return out, err
}

// NodesAt returns the nodes with the given ids, keyed by id (unknown ids
// are left out).
func (s *Service) NodesAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]Node, error) {
	out := make(map[int64]Node, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(500, len(ids))]
		ids = ids[len(batch):]
		args := storage.Args(batch)
		err := storage.Each(ctx, q, func(r *sql.Rows) error {
			n, err := scanNode(r)
			out[n.ID] = n
			return err
		}, `SELECT `+nodeColumns+` FROM nodes n WHERE n.id IN (`+storage.Placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Within reports whether the node or household path p lies under one of
// scopes; it is linli.Within over several scopes, for callers holding a
// list of grant paths.
func Within(p string, scopes []string) bool {
	for _, sc := range scopes {
		if linli.Within(p, sc) {
			return true
		}
	}
	return false
}
