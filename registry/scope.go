package registry

import (
	"context"
	"database/sql"
	"errors"
	"linli/storage"

	"linli"
)

// The checks below answer "may this id given in an input be used here?"
// for ids of people and accounts that other capabilities copy into their
// records (a dispute's party, a meeting's invitee, an action's owner, a
// project's people, a visit's visitors). The rule is the one the read
// routes follow: an id is accepted only when its record lies inside the
// scope of the record it is copied into and the actor may see it. A
// caller answers "no" with the same 422 as for an id that does not exist,
// so a refused id does not tell whether the record exists.

// PersonIn reports whether the person is a member of a household inside
// scope (a node path) that the actor may read, and returns that
// household's path (where a reveal of the person is audited). An unknown
// person is simply not in.
func (s *Service) PersonIn(ctx context.Context, q storage.Querier, a *linli.Actor, personID int64, scope string) (string, bool, error) {
	rows, err := q.Query(ctx, `SELECT h.id, h.path FROM household_members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ? ORDER BY h.path`, personID)
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return "", false, err
		}
		if linli.Within(path, scope) && a.CanHousehold(linli.PermRegistryRead, path, id) {
			return path, true, nil
		}
	}
	return "", false, rows.Err()
}

// WorkerIn returns the display name of an active account that holds a
// role, other than the roles in skip, on a node inside scope or on a node
// above it (street staff and departments work in every community of
// their street): the people who may be invited, given a task or named on
// a record of that scope. ok is false for an unknown or disabled account
// and for one that works elsewhere — an account of another community is
// not to be copied into this one's records, nor its name shown there.
func (s *Service) WorkerIn(ctx context.Context, q storage.Querier, accountID int64, scope string, skip ...linli.Role) (name string, ok bool, err error) {
	if accountID <= 0 || scope == "" {
		return "", false, nil
	}
	rows, err := q.Query(ctx, `SELECT a.display_name, a.disabled, g.role, n.path FROM accounts a
		JOIN grants g ON g.account_id = a.id JOIN nodes n ON n.id = g.node_id WHERE a.id = ?`, accountID)
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	for rows.Next() {
		var disabled int64
		var role linli.Role
		var path string
		if err := rows.Scan(&name, &disabled, &role, &path); err != nil {
			return "", false, err
		}
		if disabled != 0 {
			continue
		}
		skipped := false
		for _, r := range skip {
			skipped = skipped || r == role
		}
		if !skipped && (linli.Within(path, scope) || linli.Within(scope, path)) {
			ok = true
		}
	}
	if err := rows.Err(); err != nil {
		return "", false, err
	}
	if !ok {
		return "", false, nil
	}
	return name, true, nil
}

// HouseholdPath returns the path of a household, or ok false when there
// is none with that id.
func (s *Service) HouseholdPath(ctx context.Context, q storage.Querier, id int64) (string, bool, error) {
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM households WHERE id = ?`, id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return path, err == nil, err
}

// Sees reports whether the actor holds any role on the line of the node at
// path: on it, above it or inside it. A node id of a place the actor does
// not see is answered like an unknown one (422), so that refusing it does
// not tell that it exists; one the actor sees but may not act on is a 403.
func Sees(a *linli.Actor, path string) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if linli.Within(path, g.NodePath) || linli.Within(g.NodePath, path) {
			return true
		}
	}
	return false
}
