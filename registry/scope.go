package registry

import (
	"context"
	"database/sql"
	"errors"

	"linli"
	"linli/storage"
)

// The checks below answer "may this id given in an input be used here?"
// for ids of people and accounts that other capabilities copy into their
// records (a dispute's party, a meeting's invitee, an action's owner, a
// project's people, a visit's visitors). The rule is the one the read
// routes follow: an id is accepted only when its record lies inside the
// scope of the record it is copied into and the actor may see it. A
// caller answers "no" with the same 422 as for an id that does not exist,
// so a refused id does not tell whether the record exists. Accounts are
// checked by auth.WorkerIn: accounts and grants are auth's tables, and
// auth imports registry, not the other way round.

// PersonIn reports whether the person is a member of a household inside
// scope (a node path) that the actor may read, and returns that
// household's path (where a reveal of the person is audited). An unknown
// person is simply not in.
func (s *Service) PersonIn(ctx context.Context, q storage.Querier, a *linli.Actor, personID int64, scope string) (string, bool, error) {
	type held struct {
		id   int64
		path string
	}
	hs, err := storage.Select(ctx, q, func(rows *sql.Rows) (held, error) {
		var h held
		err := rows.Scan(&h.id, &h.path)
		return h, err
	}, `SELECT h.id, h.path FROM household_members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ? ORDER BY h.path`, personID)
	if err != nil {
		return "", false, err
	}
	for _, h := range hs {
		if linli.Within(h.path, scope) && a.CanHousehold(linli.PermRegistryRead, h.path, h.id) {
			return h.path, true, nil
		}
	}
	return "", false, nil
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
