package happiness

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
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
	// Disputes lists a community's mediations whose agreement was
	// performed; wired to mediation.Service.HappinessEntries.
	Disputes func(ctx context.Context, communityID int64) ([]Entry, error)
	// ProjectCounts and DisputeCounts, when set, count what Projects and
	// Disputes would list, for every community at once: the public index
	// (/happiness) asks on every visit, and asking each community in a
	// city is thousands of queries. Wired to
	// projects.Service.HappinessCounts and
	// mediation.Service.HappinessCounts. Without them the index still
	// calls Projects and Disputes, but only for the communities that have
	// any project or dispute at all (one query each to find them).
	ProjectCounts func(ctx context.Context) (map[int64]int, error)
	DisputeCounts func(ctx context.Context) (map[int64]int, error)
}

// Register adds the capability's link resolvers and building-view layers.
// The happiness list has neither: it only reads what others record.
func (s *Service) Register() {}

// JobHandlers are the capability's timers, by kind. None.
func (s *Service) JobHandlers() map[string]jobs.Handler { return nil }

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "happiness", Catalog: catalog(), Funcs: template.FuncMap{
		"percentOf":   Percent,
		"thanksLabel": func(k string) string { return thanksLabels[k] },
	}}
}

// Percent writes satisfied/rated as a percentage with one decimal
// ("96.0%"), rounded half up in integers so 2/3 is 66.7%.
func Percent(satisfied, rated int) string {
	if rated <= 0 {
		return "—"
	}
	pm := (int64(satisfied)*2000 + int64(rated)) / (2 * int64(rated))
	return fmt.Sprintf("%d.%d%%", pm/10, pm%10)
}

// Satisfaction is the Chinese line for an entry or a list:
// "满意率 96.0%（25人评价）", or "暂无评价".
func Satisfaction(satisfied, rated int) string {
	if rated <= 0 {
		return "暂无评价"
	}
	return fmt.Sprintf("满意率 %s（%d人评价）", Percent(satisfied, rated), rated)
}

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
