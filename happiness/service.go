package happiness

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

// Service is the happiness capability. cmd/linli fills the fields and calls
// Register before serving.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Zone     *time.Location
	Registry *registry.Service
	Cases    *cases.Service
	Links    *links.Registry
	// Projects lists a community's completed projects; wired to
	// projects.Service.HappinessEntries.
	Projects func(ctx context.Context, communityID int64) ([]Entry, error)
}

// Register adds the capability's link resolvers and building-view layers.
func (s *Service) Register() {}

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {}

// JobHandlers are the capability's timers, by kind.
func (s *Service) JobHandlers() map[string]jobs.Handler { return nil }

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages { return web.Pages{} }

// Entry is one line of the happiness list: a completed project or a
// resolved case marked public. Only what may be shown to anyone is here —
// no names of residents, no phone numbers, no household numbers beyond the
// building.
type Entry struct {
	Kind    string    `json:"kind"` // "project" or "case"
	ID      int64     `json:"id"`
	Title   string    `json:"title"`
	Summary string    `json:"summary"` // what was done
	Place   string    `json:"place"`   // e.g. "荟萃花园南区 1号楼"
	DoneAt  time.Time `json:"done_at"`
	// Photos are attachments (package attach) the page may show publicly:
	// before and after.
	Photos []Photo `json:"photos"`
	// Satisfaction of the residents who rated it.
	Rated     int `json:"rated"`
	Satisfied int `json:"satisfied"` // satisfied or basically satisfied
	// Thanks received: silk banners (锦旗), letters.
	Thanks []Thanks `json:"thanks"`
}

// Photo is a public before/after photo.
type Photo struct {
	AttachmentID int64  `json:"attachment_id"`
	Stage        string `json:"stage"` // "before" or "after"
	Caption      string `json:"caption"`
}

// Thanks is a banner or letter of thanks.
type Thanks struct {
	Kind string    `json:"kind"` // "banner" (锦旗) or "letter"
	From string    `json:"from"` // e.g. "3单元全体居民"
	Text string    `json:"text"` // e.g. "为民办实事 电梯暖人心"
	At   time.Time `json:"at"`
}
