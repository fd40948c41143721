package reports

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/happiness"
	"linli/mediation"
	"linli/projects"
	"linli/registry"
	"linli/stats"
	"linli/storage"
)

// Stats is what the report reads of package stats: the rates from the
// rollups, with stats' own permission check.
type Stats interface {
	Report(ctx context.Context, a *linli.Actor, q stats.Query) (stats.Report, error)
}

// Projects reads the projects under way in a period.
type Projects interface {
	InPeriod(ctx context.Context, path string, from, to time.Time, limit int) ([]projects.PeriodProject, error)
}

// Mediation reads the disputes of a period.
type Mediation interface {
	InPeriod(ctx context.Context, path string, from, to time.Time, limit int) ([]mediation.PeriodDispute, error)
}

// Happiness reads a community's happiness list.
type Happiness interface {
	List(ctx context.Context, communityID int64) (happiness.List, error)
}

// Service builds the monthly report.
type Service struct {
	db        *storage.DB
	reg       *registry.Service
	cases     *cases.Service
	stats     Stats
	projects  Projects
	mediation Mediation
	happiness Happiness
	zone      *time.Location
	clock     linli.Clock
}

// New builds the service on the data owners and the capabilities it reads.
func New(d capability.Deps, st Stats, p Projects, m Mediation, h Happiness) *Service {
	return &Service{db: d.DB, reg: d.Registry, cases: d.Cases, stats: st, projects: p, mediation: m, happiness: h, zone: d.Zone, clock: d.Clock}
}

// Zone is the deployment's zone, whose calendar months the report takes.
func (s *Service) Zone() *time.Location { return s.zone }

// Limits of the report's lists (the totals are always whole).
const (
	maxRecurring   = 10
	maxEscalations = 30
	maxProjects    = 40
	maxDisputes    = 40
	maxHappiness   = 30
	// maxHappinessCommunities bounds the happiness lists read: one list
	// costs about 10 ms at a million cases, a district's 500 took 5 s.
	maxHappinessCommunities = 20
)

// Report is the monthly (or quarterly) work report of a place.
type Report struct {
	Scope    registry.Node `json:"scope"`
	Area     string        `json:"area"` // the places above: 运城市 盐湖区 东城街道
	Period   Period        `json:"period"`
	Previous Period        `json:"previous"`
	// Rates and Counts set this period beside the previous one.
	Rates  []RateLine  `json:"rates"`
	Counts []CountLine `json:"counts"`
	Total  stats.Row   `json:"total"`
	// Units are the places one level down (streets of a district,
	// communities of a street, grids of a community) with their rates.
	Units      []stats.Row   `json:"units"`
	UnitsBy    stats.Group   `json:"units_by"`
	Trend      []stats.Point `json:"trend"`
	Categories []Share       `json:"categories"` // reported cases by category
	Sources    []Share       `json:"sources"`    // reported cases by source
	Ranking    []stats.Row   `json:"ranking"`    // grids by on-time closure, best first
	Recurring  []Recurring   `json:"recurring"`  // the same problem at the same place, most first
	// Escalations of the period, newest first (at most maxEscalations).
	Escalations      []Escalation     `json:"escalations"`
	EscalationsTotal int              `json:"escalations_total"`
	Projects         []Project        `json:"projects"`
	Disputes         []Dispute        `json:"disputes"`
	DisputeStates    []Share          `json:"dispute_states"`
	Happiness        []HappinessEntry `json:"happiness"`
	// HappinessSkipped: the scope holds more than maxHappinessCommunities
	// communities, whose lists are not read (each street's report has them).
	HappinessSkipped bool `json:"happiness_skipped"`
	Monthly          bool `json:"monthly"` // stats read whole months (large scope)
}

// RateLine is one rate this period and the one before.
type RateLine struct {
	Name   string     `json:"name"` // 响应率…
	Key    string     `json:"key"`  // response…
	Now    stats.Rate `json:"now"`
	Before stats.Rate `json:"before"`
}

// Change is the difference in percentage points ("+2.5", "−1.0", "—").
func (l RateLine) Change() string {
	if !l.Now.Valid || !l.Before.Valid {
		return "—"
	}
	return points(l.Now.Value - l.Before.Value)
}

// CountLine is one count this period and the one before.
type CountLine struct {
	Name   string `json:"name"`
	Key    string `json:"key"`
	Now    int    `json:"now"`
	Before int    `json:"before"`
}

// Share is a count out of a whole.
type Share struct {
	Key    string  `json:"key"` // a category's id, a source's code, a state
	Name   string  `json:"name"`
	NameEN string  `json:"name_en,omitempty"`
	N      int     `json:"n"`
	Share  float64 `json:"share"` // of the whole, 0–1
}

// Recurring is one problem reported more than once at one place.
type Recurring struct {
	Category   string `json:"category"`
	CategoryEN string `json:"category_en"`
	Place      string `json:"place"`
	N          int    `json:"n"`
}

// Escalation is a call upward and what it was about.
type Escalation struct {
	cases.Escalation
	Category   string `json:"category"`
	CategoryEN string `json:"category_en"`
}

// Project is a project under way with its community named.
type Project struct {
	projects.PeriodProject
	Community string `json:"community"`
}

// Dispute is a dispute of the period with its community named.
type Dispute struct {
	mediation.PeriodDispute
	Community string `json:"community"`
}

// HappinessEntry is an entry of a happiness list done in the period.
type HappinessEntry struct {
	Community string    `json:"community"`
	Kind      string    `json:"kind"` // project, dispute, case
	Title     string    `json:"title"`
	TitleEN   string    `json:"-"`
	Place     string    `json:"place"`
	DoneAt    time.Time `json:"done_at"`
}

// Query asks for a report.
type Query struct {
	NodeID int64
	Period Period
}

// Build reads the report for the actor, who must read cases in the
// scope (stats checks it, first, before anything else is read).
func (s *Service) Build(ctx context.Context, a *linli.Actor, q Query) (Report, error) {
	cur, err := s.stats.Report(ctx, a, stats.Query{NodeID: q.NodeID, From: q.Period.From, To: q.Period.To, By: stats.ByCategory})
	if err != nil {
		return Report{}, err
	}
	n := cur.Scope
	switch n.Kind {
	case registry.KindCity, registry.KindDistrict, registry.KindStreet, registry.KindCommunity:
	default:
		return Report{}, linli.Invalid("月度报告按社区、街道或区县出 / the report is for a community, street or district",
			linli.FieldError{Field: "node_id", Reason: "应为社区、街道或区县 / must be a community, street or district"})
	}
	r := Report{Scope: n, Period: q.Period, Previous: q.Period.Previous(s.zone), Total: cur.Total, Trend: cur.Trend, Ranking: cur.Ranking, Monthly: cur.Monthly}
	var prev stats.Report
	var units stats.Report
	var bySource map[cases.Source]int
	var recurring []cases.PlaceCount
	var line []registry.Node
	var wg sync.WaitGroup
	errs := make([]error, 8)
	run := func(i int, f func() error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	end := q.Period.End()
	run(0, func() (err error) {
		prev, err = s.stats.Report(ctx, a, stats.Query{NodeID: n.ID, From: r.Previous.From, To: r.Previous.To, By: stats.ByCategory, NoRanking: true})
		return err
	})
	run(1, func() (err error) {
		units, err = s.stats.Report(ctx, a, stats.Query{NodeID: n.ID, From: q.Period.From, To: q.Period.To, NoRanking: true})
		return err
	})
	run(2, func() (err error) {
		bySource, err = s.cases.ReportedBySource(ctx, n.Path, q.Period.From, end)
		return err
	})
	run(7, func() (err error) {
		recurring, err = s.cases.Recurring(ctx, n.Path, q.Period.From, end, maxRecurring)
		return err
	})
	run(3, func() (err error) {
		es, total, err := s.cases.EscalationsIn(ctx, n.Path, q.Period.From, end, maxEscalations)
		r.EscalationsTotal = total
		for _, e := range es {
			r.Escalations = append(r.Escalations, Escalation{Escalation: e})
		}
		return err
	})
	run(4, func() error {
		ps, err := s.projects.InPeriod(ctx, n.Path, q.Period.From, end, maxProjects)
		for _, p := range ps {
			r.Projects = append(r.Projects, Project{PeriodProject: p})
		}
		return err
	})
	run(5, func() error {
		ds, err := s.mediation.InPeriod(ctx, n.Path, q.Period.From, end, maxDisputes)
		for _, d := range ds {
			r.Disputes = append(r.Disputes, Dispute{PeriodDispute: d})
		}
		return err
	})
	run(6, func() (err error) {
		r.Happiness, r.HappinessSkipped, err = s.happinessOf(ctx, n, q.Period)
		if err == nil {
			line, err = s.reg.Lineage(ctx, s.db, n.ID)
		}
		return err
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Report{}, err
		}
	}
	var area []string
	for _, x := range line[:max(len(line)-1, 0)] {
		area = append(area, x.Name)
	}
	r.Area = strings.Join(area, " ")
	r.Rates, r.Counts = compare(cur.Total, prev.Total)
	r.Units, r.UnitsBy = units.Rows, units.By
	cats, err := s.categoryNames(ctx)
	if err != nil {
		return Report{}, err
	}
	r.Categories = categories(cur.Rows, cur.Total.Reported, cats)
	if err := s.fromCounts(ctx, &r, bySource, recurring, cats); err != nil {
		return Report{}, err
	}
	if err := s.nameAll(ctx, &r, cats); err != nil {
		return Report{}, err
	}
	// Empty lists are [] in the JSON, never null.
	r.Categories, r.Sources, r.DisputeStates = orEmpty(r.Categories), orEmpty(r.Sources), orEmpty(r.DisputeStates)
	r.Recurring, r.Escalations, r.Projects = orEmpty(r.Recurring), orEmpty(r.Escalations), orEmpty(r.Projects)
	r.Disputes, r.Happiness = orEmpty(r.Disputes), orEmpty(r.Happiness)
	return r, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// compare sets this period's rates and counts beside the previous ones.
func compare(now, before stats.Row) ([]RateLine, []CountLine) {
	rate := func(name, key string, f func(stats.Rates) stats.Rate) RateLine {
		return RateLine{Name: name, Key: key, Now: f(now.Rates), Before: f(before.Rates)}
	}
	rates := []RateLine{
		rate("响应率", "response", func(r stats.Rates) stats.Rate { return r.Response }),
		rate("解决率", "resolution", func(r stats.Rates) stats.Rate { return r.Resolution }),
		rate("满意率", "satisfaction", func(r stats.Rates) stats.Rate { return r.Satisfaction }),
		rate("结案率", "closure", func(r stats.Rates) stats.Rate { return r.Closure }),
		rate("按期结案率", "on_time", func(r stats.Rates) stats.Rate { return r.OnTime }),
		rate("返工率", "rework", func(r stats.Rates) stats.Rate { return r.Rework }),
		rate("延期率", "extension", func(r stats.Rates) stats.Rate { return r.Extension }),
		rate("综合得分", "composite", func(r stats.Rates) stats.Rate { return r.Composite }),
	}
	count := func(name, key string, f func(stats.Counters) int) CountLine {
		return CountLine{Name: name, Key: key, Now: f(now.Counters), Before: f(before.Counters)}
	}
	counts := []CountLine{
		count("上报", "reported", func(c stats.Counters) int { return c.Reported }),
		count("派遣", "dispatched", func(c stats.Counters) int { return c.Dispatched }),
		count("结案", "closed", func(c stats.Counters) int { return c.Closed }),
		count("应结", "due", func(c stats.Counters) int { return c.Due }),
		count("已评价", "rated", func(c stats.Counters) int { return c.Rated() }),
		count("升级", "escalated", func(c stats.Counters) int { return c.Escalated }),
	}
	return rates, counts
}

// categories are the categories' reported counts, most first.
func categories(rows []stats.Row, total int, cats map[int64]cases.Category) []Share {
	var out []Share
	for _, r := range rows {
		if r.Reported > 0 {
			out = append(out, Share{Key: itoa(r.ID), Name: r.Name, NameEN: cats[r.ID].NameEN, N: r.Reported, Share: share(r.Reported, total)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].N > out[j].N })
	return out
}

func share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}
