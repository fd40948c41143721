package happiness

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/geomap"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the happiness capability, built by New.
type Service struct {
	db       *storage.DB
	clock    linli.Clock
	loc      *time.Location
	registry *registry.Service
	cases    *cases.Service
	links    *links.Registry
	// sources publish entries on the list besides the cases (projects,
	// mediation), in the order the list shows them.
	sources []Source
	tiles   geomap.Tiles // under the map of resolved cases
}

// Source is a capability that publishes entries on the happiness list:
// projects (completed projects) and mediation (mediations whose agreement
// was performed).
type Source interface {
	// HappinessEntries lists a community's entries, each with its Kind.
	HappinessEntries(ctx context.Context, communityID int64) ([]Entry, error)
	// HappinessCounts counts what HappinessEntries would list, for every
	// community at once: the public index (/happiness) asks on every
	// visit, and asking each community in a city is thousands of queries.
	HappinessCounts(ctx context.Context) (map[int64]int, error)
}

// New builds the capability from its dependencies and the capabilities
// that publish entries on the list.
func New(d capability.Deps, sources ...Source) *Service {
	return &Service{db: d.DB, clock: d.Clock, loc: d.Zone, registry: d.Registry, cases: d.Cases, links: d.Links, sources: sources, tiles: d.MapTiles}
}

// Parts are the capability's templates and routes; it has no timers,
// link resolvers or building-view layers: it only reads what others
// record.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "happiness", Pages: Pages(), Routes: s.Routes}
}

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
	// Where is a resolved case's map point, rounded to about 10 m so the
	// public map does not point at a door; not in the JSON.
	Where *geomap.Point `json:"-"`
	// TitleEN and SummaryEN are the English where the publisher words
	// the entry itself (a settled mediation); empty keeps the Chinese,
	// which for projects and cases is what staff typed.
	TitleEN   string `json:"-"`
	SummaryEN string `json:"-"`
}

// TitleIn is the entry's title in the language.
func (e Entry) TitleIn(lang string) string {
	if lang == "en" && e.TitleEN != "" {
		return e.TitleEN
	}
	return e.Title
}

// SummaryIn is what was done, in the language.
func (e Entry) SummaryIn(lang string) string {
	if lang == "en" && e.SummaryEN != "" {
		return e.SummaryEN
	}
	return e.Summary
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
