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
}

// Register adds the capability's link resolvers and building-view layers.
func (s *Service) Register() {}

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {}

// JobHandlers are the capability's timers, by kind.
func (s *Service) JobHandlers() map[string]jobs.Handler { return nil }

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages { return web.Pages{} }

// ProjectGate says what is missing before the project may leave its
// consent-vote phase; nothing when its votes are valid.
func (s *Service) ProjectGate(ctx context.Context, projectID int64) ([]string, error) {
	return []string{"尚未发起表决 / no vote yet"}, nil
}
