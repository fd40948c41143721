package votes

import (
	"context"
	"time"

	"linli"
	"linli/auth"
	"linli/capability"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the votes capability, built by New; nothing changes it
// afterwards but Routes, which keeps the renderer for error pages.
type Service struct {
	db       *storage.DB
	clock    linli.Clock
	loc      *time.Location
	registry *registry.Service
	auth     *auth.Service
	links    *links.Registry
	visits   VisitLookup
	projects ProjectLookup
	cases    *cases.Service // the bell, for the notices of an overridden ballot

	render *web.Renderer // error pages for the spreadsheet downloads
}

// VisitLookup lists a household's visits about a matter (shown beside its
// objection); *visits.Service is one.
type VisitLookup interface {
	ForHousehold(ctx context.Context, a *linli.Actor, subject links.Ref, householdID int64) ([]links.Item, error)
}

// ProjectLookup describes a project to the votes: its scope and whether
// the actor may manage it; a 404 error when the actor may not see it.
// CreateVote and CreateCostPlan check a project id through it, and
// ProjectGate reads the scope every vote must cover (as linli.System()).
// *projects.Service is one.
type ProjectLookup interface {
	VoteScope(ctx context.Context, a *linli.Actor, projectID int64) (ProjectScope, error)
}

// New builds the votes capability from d and the peers it reads (either
// may be nil: no visits shown, no project ids accepted), and registers its
// link resolvers and its building-view layer.
func New(d capability.Deps, visits VisitLookup, projects ProjectLookup) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, registry: d.Registry, auth: d.Auth, links: d.Links, visits: visits, projects: projects, cases: d.Cases}
	if s.links != nil {
		s.links.Register(links.KindVote, s.resolveVotes)
		s.links.Register(links.KindCostPlan, s.resolvePlans)
	}
	if s.registry != nil {
		s.registry.RegisterLayer(links.KindVote, layer{s})
		s.registry.RegisterLayer(UnitVotesKind, unitVotes{s})
	}
	return s
}

// ProjectScope is what the votes need to know of a project.
type ProjectScope struct {
	CommunityID int64
	Scope       []registry.Node // the units, buildings and estates the project covers
	Manage      bool            // the actor may manage the project
}

// Parts are the votes' templates, routes and timer: "votes.close" freezes
// a vote's electorate at its closing time (a vote itself closes by its
// closes_at, read at every ballot; a read after closes_at freezes it too,
// should the timer not have run yet).
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "votes", Pages: Pages(), Routes: s.Routes, Jobs: map[string]jobs.Handler{CloseJob: s.closeJob}, Home: s.HomePanels}
}

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	s.render = render
	s.apiRoutes(rt)
	(&pages{s: s, r: render}).routes(rt)
}
