package projects

import (
	"context"

	"linli"
	"linli/votes"
)

// Later answers votes' questions about projects for a projects service
// built after the votes: projects reads the votes' consent gate, and votes
// read a project's scope, so one of the two is built first and reaches the
// other through Later, which Set completes once, during wiring.
type Later struct{ s *Service }

// Set names the projects service; call it once, before serving.
func (l *Later) Set(s *Service) { l.s = s }

// VoteScope is Service.VoteScope of the service Set named.
func (l *Later) VoteScope(ctx context.Context, a *linli.Actor, projectID int64) (votes.ProjectScope, error) {
	return l.s.VoteScope(ctx, a, projectID)
}
