package votes

import (
	"context"
	"time"

	"linli"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the votes capability. cmd/linli fills the fields and calls
// Register before serving.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Zone     *time.Location
	Registry *registry.Service
	Cases    *cases.Service
	Links    *links.Registry
	// Visits lists a household's visits about a matter (shown beside its
	// objection). Wired to visits.Service.ForHousehold.
	Visits func(ctx context.Context, a *linli.Actor, subject links.Ref, householdID int64) ([]links.Item, error)
	// Projects describes a project to the votes: its scope and whether
	// the actor may manage it; a 404 error when the actor may not see it.
	// CreateVote and CreateCostPlan check a project id through it, and
	// ProjectGate reads the scope every vote must cover (as
	// linli.System()). Wired to projects.Service.VoteScope.
	Projects func(ctx context.Context, a *linli.Actor, projectID int64) (ProjectScope, error)

	render *web.Renderer // error pages for the spreadsheet downloads
}

// ProjectScope is what the votes need to know of a project.
type ProjectScope struct {
	CommunityID int64
	Scope       []registry.Node // the units, buildings and estates the project covers
	Manage      bool            // the actor may manage the project
}

// Register adds the capability's link resolvers and building-view layers.
func (s *Service) Register() {
	if s.Links != nil {
		s.Links.Register(links.KindVote, s.resolveVotes)
		s.Links.Register(links.KindCostPlan, s.resolvePlans)
	}
	if s.Registry != nil {
		s.Registry.RegisterLayer(links.KindVote, layer{s})
	}
}

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	s.render = render
	s.apiRoutes(rt)
	(&pages{s: s, r: render}).routes(rt)
}

// JobHandlers are the capability's timers, by kind: "votes.close" freezes
// a vote's electorate at its closing time (a vote itself closes by its
// closes_at, read at every ballot; a read after closes_at freezes it too,
// should the timer not have run yet).
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{CloseJob: s.closeJob}
}
