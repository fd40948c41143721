// Package capability is the one shape every part of Linli has for the
// wiring. A capability is built by its package's New from one Deps value
// (and, where it reads another capability, that capability's service,
// typed by an interface of its own) and offers its Parts: templates,
// routes and timers. cmd/linli keeps the list of capabilities and
// registers the parts of each in one loop, so adding a capability is one
// line there (README, "How to add a capability").
//
// Deps holds the infrastructure — database, clock, zone, the current
// working calendar, the links registry — and the owners of the data every
// capability reads: registry (places, households, people), auth (accounts
// and roles), audit and cases. Those are built first, by Build, because
// everything else is built from them; Core gives their parts, so they are
// registered by the same loop as the rest.
//
// Link resolvers and building-view layers are registered by a capability's
// New on d.Links and d.Registry, which exist to be registered with; a
// service itself is never changed after New returns.
package capability

import (
	"context"
	"errors"
	"time"

	"linli"
	"linli/audit"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/geomap"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Capability is what the wiring needs of a package.
type Capability interface {
	Parts() Parts
}

// Parts are what a capability adds to the running server. Zero fields are
// fine: not every capability has timers.
type Parts struct {
	Name   string                           // the package: "votes"
	Pages  web.Pages                        // its templates and their English
	Routes func(*web.Router, *web.Renderer) // its API and page routes
	Jobs   map[string]jobs.Handler          // its durable timers, by kind
	// Home gives the capability's panels on the home page's 待办, from its
	// own reads with its own permission checks (home imports no
	// capability; HomeOf collects these).
	Home web.PanelSource
}

// Deps is the one value the capabilities are built from.
type Deps struct {
	DB    *storage.DB
	Clock linli.Clock
	Zone  *time.Location
	// Calendar is the working calendar in force now: an administrator may
	// load a new year while Linli runs, so read it at each use.
	Calendar func() *calendar.Calendar
	Links    *links.Registry

	Registry *registry.Service
	Auth     *auth.Service
	Audit    *audit.Log
	Cases    *cases.Service
	// CalendarAdmin stores the years administrators enter and swaps them
	// into Calendar.
	CalendarAdmin *calendar.Admin
	// MapTiles is the intranet tile server under the maps, if any.
	MapTiles geomap.Tiles
}

// Config is what Build needs besides the database.
type Config struct {
	Clock       linli.Clock
	Zone        *time.Location
	Calendar    *calendar.Calendar // embedded years plus --calendar-dir
	Hash        auth.HashParams
	Policy      auth.Policy
	BasicWeight float64      // weight of "basically satisfied" in the satisfaction rate
	MapTiles    geomap.Tiles // the intranet tile server under the maps, if any
}

// Build builds the data owners — registry, auth, audit, links and cases,
// with the years administrators stored — and returns the Deps the other
// capabilities are built from.
func Build(ctx context.Context, db *storage.DB, cfg Config) (Deps, error) {
	if cfg.Clock == nil || cfg.Zone == nil || cfg.Calendar == nil {
		return Deps{}, errors.New("capability: clock, zone and calendar are required")
	}
	d := Deps{DB: db, Clock: cfg.Clock, Zone: cfg.Zone, MapTiles: cfg.MapTiles}
	d.Registry = registry.New(db, cfg.Clock)
	d.Auth = auth.New(db, cfg.Clock, d.Registry, cfg.Hash, cfg.Policy)
	d.Audit = &audit.Log{DB: db}
	d.Links = &links.Registry{DB: db}
	d.Cases = cases.New(db, cfg.Clock, cfg.Calendar, d.Registry, cfg.Zone)
	d.Cases.BasicWeight = cfg.BasicWeight
	d.Cases.MapTiles = cfg.MapTiles
	d.Cases.Links = d.Links
	d.Links.Register(links.KindCase, d.Cases.ResolveLinks)
	d.Calendar = d.Cases.WorkingCalendar
	d.CalendarAdmin = &calendar.Admin{DB: db, Clock: cfg.Clock, Base: cfg.Calendar, Use: d.Cases.UseCalendar}
	if _, err := d.CalendarAdmin.Load(ctx); err != nil {
		return Deps{}, err
	}
	if err := d.Cases.Seed(ctx); err != nil {
		return Deps{}, err
	}
	return d, nil
}

// Register adds the parts of caps to the router and returns every timer
// handler by kind, refusing a kind two capabilities claim.
func Register(caps []Capability, rt *web.Router, render *web.Renderer) (map[string]jobs.Handler, error) {
	handlers := map[string]jobs.Handler{}
	for _, c := range caps {
		p := c.Parts()
		for kind, h := range p.Jobs {
			if _, dup := handlers[kind]; dup {
				return nil, errors.New("capability: timer kind " + kind + " is handled twice (" + p.Name + ")")
			}
			handlers[kind] = h
		}
		if p.Routes != nil {
			p.Routes(rt, render)
		}
	}
	return handlers, nil
}

// AllPages lists the templates of caps, for the renderer.
func AllPages(caps []Capability) []web.Pages {
	out := make([]web.Pages, 0, len(caps))
	for _, c := range caps {
		if p := c.Parts(); p.Pages.FS != nil {
			out = append(out, p.Pages)
		}
	}
	return out
}
