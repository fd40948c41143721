package auth

// The reads other capabilities may run on auth's tables (accounts, grants):
// who holds which role where. What a role means (which permission it
// carries) is decided once, in linli.Role.Has; callers ask for a permission
// or name roles, and never write role names into SQL of their own.

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"linli"
	"linli/storage"
)

// Holder is an account as other capabilities show it: its name, whether
// it is disabled, and its grants with the node paths.
type Holder struct {
	ID       int64
	Name     string
	Disabled bool
	PersonID int64
	Phone    string // the account's login phone, plain: for matching, never for display
	Grants   []linli.Grant
}

// Holds reports whether one of h's grants carries p on the node at path.
func (h Holder) Holds(p linli.Permission, path string) bool {
	a := linli.Actor{AccountID: h.ID, Grants: h.Grants}
	return a.Can(p, path)
}

// Works reports whether one of h's grants lies on the node at path, under
// it, or above it (street staff for a community): the account works there.
// Residents' grants do not count.
func (h Holder) Works(path string) bool {
	for _, g := range h.Grants {
		if g.Role == linli.RoleResident {
			continue
		}
		if linli.Within(g.NodePath, path) || linli.Within(path, g.NodePath) {
			return true
		}
	}
	return false
}

// HolderQuery selects accounts by their grants. Zero fields do not filter;
// disabled accounts are left out unless IncludeDisabled.
type HolderQuery struct {
	Permission      linli.Permission // roles that carry it (linli.Role.Has)
	Roles           []linli.Role     // or exactly these roles
	Under           string           // grants on this node path or below it
	OrAbove         bool             // with Under: also grants on its ancestors
	Node            int64            // grants on exactly this node
	Households      []int64          // resident grants bound to these households
	IncludeDisabled bool
	Limit           int // at most this many accounts (0: no limit)
}

// roles returns the roles the query asks for (nil: any).
func (hq HolderQuery) roles() []linli.Role {
	if len(hq.Roles) > 0 {
		return hq.Roles
	}
	if hq.Permission == "" {
		return nil
	}
	var out []linli.Role
	for _, r := range linli.Roles() {
		if r.Has(hq.Permission) {
			out = append(out, r)
		}
	}
	return out
}

// Holders returns the accounts whose grants match hq, by account id, each
// with all of its grants.
func (s *Service) Holders(ctx context.Context, q storage.Querier, hq HolderQuery) ([]Holder, error) {
	where := []string{"1 = 1"}
	var args []any
	if roles := hq.roles(); roles != nil {
		where = append(where, "g.role IN ("+storage.Placeholders(len(roles))+")")
		for _, r := range roles {
			args = append(args, string(r))
		}
	}
	if hq.Node != 0 {
		where = append(where, "g.node_id = ?")
		args = append(args, hq.Node)
	}
	if len(hq.Households) > 0 {
		where = append(where, "g.role = ? AND g.household_id IN ("+storage.Placeholders(len(hq.Households))+")")
		args = append(args, string(linli.RoleResident))
		for _, h := range hq.Households {
			args = append(args, h)
		}
	}
	if hq.Under != "" {
		nodes, err := s.nodesFor(ctx, q, hq.Under, hq.OrAbove)
		if err != nil {
			return nil, err
		}
		if len(nodes) == 0 {
			return nil, nil
		}
		where = append(where, "g.node_id IN ("+storage.Placeholders(len(nodes))+")")
		for _, id := range nodes {
			args = append(args, id)
		}
	}
	if !hq.IncludeDisabled {
		where = append(where, "a.disabled = 0")
	}
	query := `SELECT DISTINCT a.id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE ` + strings.Join(where, " AND ") + ` ORDER BY a.id`
	if hq.Limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(hq.Limit)
	}
	ids, err := storage.Scalars[int64](ctx, q, query, args...)
	if err != nil {
		return nil, err
	}
	byID, err := s.HoldersAt(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Holder, 0, len(ids))
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// nodesFor lists the ids of the nodes at or under path, and with orAbove
// its ancestors too.
func (s *Service) nodesFor(ctx context.Context, q storage.Querier, path string, orAbove bool) ([]int64, error) {
	under, err := s.Registry.NodesUnder(ctx, q, path)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, n := range under {
		ids = append(ids, n.ID)
	}
	if orAbove && len(under) > 0 {
		line, err := s.Registry.Lineage(ctx, q, under[0].ID)
		if err != nil {
			return nil, err
		}
		for _, n := range line {
			if n.Path != path && !slices.Contains(ids, n.ID) {
				ids = append(ids, n.ID)
			}
		}
	}
	return ids, nil
}

// HolderAt returns one account; an unknown id is a 404.
func (s *Service) HolderAt(ctx context.Context, q storage.Querier, id int64) (Holder, error) {
	m, err := s.HoldersAt(ctx, q, []int64{id})
	if err != nil {
		return Holder{}, err
	}
	h, ok := m[id]
	if !ok {
		return Holder{}, linli.Wrap(sql.ErrNoRows, linli.ENotFound, "账号不存在 / no such account")
	}
	return h, nil
}

// HoldersAt returns the accounts with the given ids (unknown ids are left
// out), keyed by id, each with its grants and their node paths.
func (s *Service) HoldersAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]Holder, error) {
	out := make(map[int64]Holder, len(ids))
	var nodeIDs []int64
	for len(ids) > 0 {
		batch := ids[:min(500, len(ids))]
		ids = ids[len(batch):]
		args := storage.Args(batch)
		err := storage.Each(ctx, q, func(r *sql.Rows) error {
			var h Holder
			var person sql.NullInt64
			var phone sql.NullString
			var disabled int64
			if err := r.Scan(&h.ID, &h.Name, &disabled, &person, &phone); err != nil {
				return err
			}
			h.Disabled, h.PersonID, h.Phone = disabled != 0, person.Int64, phone.String
			out[h.ID] = h
			return nil
		}, `SELECT id, display_name, disabled, person_id, phone FROM accounts WHERE id IN (`+storage.Placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
		err = storage.Each(ctx, q, func(r *sql.Rows) error {
			var accountID int64
			var g linli.Grant
			if err := r.Scan(&accountID, &g.ID, &g.Role, &g.NodeID, &g.HouseholdID); err != nil {
				return err
			}
			h := out[accountID]
			h.Grants = append(h.Grants, g)
			out[accountID] = h
			nodeIDs = append(nodeIDs, g.NodeID)
			return nil
		}, `SELECT account_id, id, role, node_id, household_id FROM grants WHERE account_id IN (`+storage.Placeholders(len(batch))+`) ORDER BY account_id, id`, args...)
		if err != nil {
			return nil, err
		}
	}
	if err := s.placeGrants(ctx, q, out, nodeIDs); err != nil {
		return nil, err
	}
	return out, nil
}

// placeGrants fills the node path and name of every grant from registry.
func (s *Service) placeGrants(ctx context.Context, q storage.Querier, hs map[int64]Holder, nodeIDs []int64) error {
	if len(nodeIDs) == 0 {
		return nil
	}
	slices.Sort(nodeIDs)
	nodes, err := s.Registry.NodesAt(ctx, q, slices.Compact(nodeIDs))
	if err != nil {
		return err
	}
	for id, h := range hs {
		for i := range h.Grants {
			n, ok := nodes[h.Grants[i].NodeID]
			if !ok {
				return errors.New("auth: grant on a missing node")
			}
			h.Grants[i].NodePath, h.Grants[i].NodeName = n.Path, n.Name
		}
		hs[id] = h
	}
	return nil
}
