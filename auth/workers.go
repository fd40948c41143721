package auth

import (
	"context"
	"slices"

	"linli"
	"linli/registry"
	"linli/storage"
)

// WorkerIn returns the display name of an active account that holds a
// role, other than the roles in skip, on a node inside scope or on a node
// above it (street staff and departments work in every community of
// their street): the people who may be invited, given a task or named on
// a record of that scope. ok is false for an unknown or disabled account
// and for one that works elsewhere — an account of another community is
// not to be copied into this one's records, nor its name shown there.
//
// It is a function of registry (for the grants' places) rather than a
// method, so capabilities that hold only a *registry.Service can call it.
func WorkerIn(ctx context.Context, reg *registry.Service, q storage.Querier, accountID int64, scope string, skip ...linli.Role) (name string, ok bool, err error) {
	if accountID <= 0 || scope == "" {
		return "", false, nil
	}
	hs, err := (&Service{Registry: reg}).HoldersAt(ctx, q, []int64{accountID})
	if err != nil {
		return "", false, err
	}
	h, found := hs[accountID]
	if !found || h.Disabled {
		return "", false, nil
	}
	for _, g := range h.Grants {
		if slices.Contains(skip, g.Role) {
			continue
		}
		if linli.Within(g.NodePath, scope) || linli.Within(scope, g.NodePath) {
			return h.Name, true, nil
		}
	}
	return "", false, nil
}

// WorkerIn is WorkerIn with the service's registry.
func (s *Service) WorkerIn(ctx context.Context, q storage.Querier, accountID int64, scope string, skip ...linli.Role) (string, bool, error) {
	return WorkerIn(ctx, s.Registry, q, accountID, scope, skip...)
}
