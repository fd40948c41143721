package meetings

import (
	"time"

	"linli"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the meetings capability. cmd/linli fills the fields and calls
// Register before serving.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Zone     *time.Location
	Registry *registry.Service
	Cases    *cases.Service
	Links    *links.Registry
}

// Register adds the capability's link resolvers and building-view layers.
func (s *Service) Register() {}

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {}

// JobHandlers are the capability's timers, by kind.
func (s *Service) JobHandlers() map[string]jobs.Handler { return nil }

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages { return web.Pages{} }
