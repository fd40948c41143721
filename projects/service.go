package projects

import (
	"context"
	"time"

	"linli"
	"linli/cases"
	"linli/happiness"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the projects capability. cmd/linli fills the fields and calls
// Register before serving.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Zone     *time.Location
	Registry *registry.Service
	Cases    *cases.Service
	Links    *links.Registry
	// VoteGate says what is missing before a project may leave its
	// consent-vote phase (nothing: the project's votes are valid). Wired
	// to votes.Service.ProjectGate.
	VoteGate func(ctx context.Context, projectID int64) (missing []string, err error)
}

// Register adds the capability's link resolvers and building-view layers.
func (s *Service) Register() {}

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {}

// JobHandlers are the capability's timers, by kind.
func (s *Service) JobHandlers() map[string]jobs.Handler { return nil }

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages { return web.Pages{} }

// HappinessEntries lists the community's completed projects for the public
// happiness list. Wired into happiness.Service.Projects.
func (s *Service) HappinessEntries(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
	return nil, nil
}
