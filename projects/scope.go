package projects

import (
	"context"

	"linli"
	"linli/registry"
	"linli/votes"
)

// VoteScope describes a project to the votes capability (its Projects
// hook): the community, the scope nodes (units, buildings, estates) and
// whether the actor may manage the project. A project the actor may not
// read is a 404, as everywhere else.
//
// projects imports votes for the type; votes does not import projects (it
// reaches the projects through this hook), so there is no cycle.
func (s *Service) VoteScope(ctx context.Context, a *linli.Actor, projectID int64) (votes.ProjectScope, error) {
	p, err := s.view(ctx, a, projectID)
	if err != nil {
		return votes.ProjectScope{}, err
	}
	out := votes.ProjectScope{CommunityID: p.CommunityID, Manage: canManage(a, p), Scope: make([]registry.Node, 0, len(p.Scope))}
	for _, sn := range p.Scope {
		n, err := s.reg.NodeByID(ctx, sn.ID)
		if err != nil {
			return votes.ProjectScope{}, err
		}
		out.Scope = append(out.Scope, n)
	}
	return out, nil
}
