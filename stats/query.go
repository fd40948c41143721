package stats

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"linli"
	"linli/registry"
)

// Group says what a report's rows are.
type Group string

// Groupings.
const (
	ByGrid      Group = "grid"
	ByCommunity Group = "community"
	ByStreet    Group = "street"
	ByCategory  Group = "category"
)

// Query asks for a report.
type Query struct {
	NodeID int64     // scope: a city, district, street, community or grid (0: the actor's first scope)
	From   time.Time // first day (inclusive), in the deployment's zone
	To     time.Time // last day (inclusive)
	By     Group
}

// Row is one line of a report.
type Row struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Counters
	Rates Rates `json:"rates"`
}

// Point is one day of the trend.
type Point struct {
	Day      time.Time `json:"day"`
	Reported int       `json:"reported"`
	Closed   int       `json:"closed"`
}

// Report is the answer: totals, rows, the daily trend and the on-time
// ranking of grids.
type Report struct {
	Scope   registry.Node `json:"scope"`
	From    time.Time     `json:"from"`
	To      time.Time     `json:"to"`
	By      Group         `json:"by"`
	Weights Weights       `json:"weights"`
	Total   Row           `json:"total"`
	Rows    []Row         `json:"rows"`
	Trend   []Point       `json:"trend"`
	Ranking []Row         `json:"ranking"` // grids by on-time closure, best first
}

const sums = `COALESCE(SUM(st.reported),0), COALESCE(SUM(st.dispatched),0), COALESCE(SUM(st.responded),0), COALESCE(SUM(st.responded_on_time),0),
	COALESCE(SUM(st.due),0), COALESCE(SUM(st.closed),0), COALESCE(SUM(st.closed_on_time),0), COALESCE(SUM(st.resolved),0), COALESCE(SUM(st.satisfied),0),
	COALESCE(SUM(st.basic),0), COALESCE(SUM(st.unsatisfied),0), COALESCE(SUM(st.rework),0), COALESCE(SUM(st.extended),0), COALESCE(SUM(st.escalated),0)`

func counterPtrs(c *Counters) []any {
	return []any{&c.Reported, &c.Dispatched, &c.Responded, &c.RespondedOnTime, &c.Due, &c.Closed, &c.ClosedOnTime, &c.Resolved,
		&c.Satisfied, &c.Basic, &c.Unsatisfied, &c.Rework, &c.Extended, &c.Escalated}
}

func (s *Service) day(t time.Time) int {
	t = t.In(s.Zone)
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}

// scope resolves the query's node and checks the actor may read cases there.
func (s *Service) scope(ctx context.Context, a *linli.Actor, id int64) (registry.Node, error) {
	if id == 0 {
		for _, g := range a.Grants {
			if g.Role.Has(linli.PermCasesRead) {
				id = g.NodeID
				break
			}
		}
	}
	if id == 0 {
		return registry.Node{}, linli.Errorf(linli.EForbidden, "无权查看统计 / not allowed to see statistics")
	}
	n, err := s.Registry.NodeByID(ctx, id)
	if err != nil {
		return n, err
	}
	if !a.Can(linli.PermCasesRead, n.Path) {
		return n, linli.Errorf(linli.EForbidden, "无权查看该范围的统计 / not allowed for this scope")
	}
	return n, nil
}

// where limits case_stats rows to the scope: by community for places at
// community level or above, by grid below.
func where(n registry.Node) (string, []any) {
	switch n.Kind {
	case registry.KindGrid, registry.KindEstate, registry.KindBuilding, registry.KindUnit:
		return `st.grid_id IN (SELECT id FROM nodes WHERE kind = 'grid' AND (path LIKE ? OR ? LIKE path || '%'))`, []any{n.Path + "%", n.Path}
	}
	return `st.community_id IN (SELECT id FROM nodes WHERE kind = 'community' AND path LIKE ?)`, []any{n.Path + "%"}
}

// Report answers a query for the actor.
func (s *Service) Report(ctx context.Context, a *linli.Actor, q Query) (Report, error) {
	n, err := s.scope(ctx, a, q.NodeID)
	if err != nil {
		return Report{}, err
	}
	if q.To.Before(q.From) {
		return Report{}, linli.Invalid("结束日期早于开始日期 / the period ends before it starts", linli.FieldError{Field: "to", Reason: "早于开始日期 / before from"})
	}
	if q.To.Sub(q.From) > 3*366*24*time.Hour {
		return Report{}, linli.Invalid("时段不超过三年 / at most three years", linli.FieldError{Field: "from", Reason: "时段过长 / period too long"})
	}
	if q.By == "" {
		q.By = defaultGroup(n.Kind)
	}
	r := Report{Scope: n, From: q.From, To: q.To, By: q.By, Weights: s.Weights}
	cond, args := where(n)
	cond = ` WHERE ` + cond + ` AND st.day BETWEEN ? AND ?`
	args = append(args, s.day(q.From), s.day(q.To))

	if err := s.DB.QueryRow(ctx, `SELECT `+sums+` FROM case_stats st`+cond, args...).Scan(counterPtrs(&r.Total.Counters)...); err != nil {
		return r, err
	}
	r.Total.Name, r.Total.Rates = "合计", s.Weights.RatesOf(r.Total.Counters)
	if r.Rows, err = s.rows(ctx, q.By, cond, args); err != nil {
		return r, err
	}
	if r.Trend, err = s.trend(ctx, cond, args, q.From, q.To); err != nil {
		return r, err
	}
	grids, err := s.rows(ctx, ByGrid, cond, args)
	if err != nil {
		return r, err
	}
	for _, g := range grids {
		if g.Rates.OnTime.Valid {
			r.Ranking = append(r.Ranking, g)
		}
	}
	sort.SliceStable(r.Ranking, func(i, j int) bool { return r.Ranking[i].Rates.OnTime.Value > r.Ranking[j].Rates.OnTime.Value })
	if len(r.Ranking) > 20 {
		r.Ranking = r.Ranking[:20]
	}
	return r, nil
}

func defaultGroup(k registry.Kind) Group {
	switch k {
	case registry.KindCity, registry.KindDistrict:
		return ByStreet
	case registry.KindStreet:
		return ByCommunity
	}
	return ByGrid
}

func (s *Service) rows(ctx context.Context, by Group, cond string, args []any) ([]Row, error) {
	var q string
	switch by {
	case ByGrid:
		q = `SELECT st.grid_id, COALESCE(c.name || g.name, '（未分网格）'), ` + sums + ` FROM case_stats st LEFT JOIN nodes g ON g.id = st.grid_id LEFT JOIN nodes c ON c.id = st.community_id` + cond + ` GROUP BY st.grid_id, c.name, g.name`
	case ByCommunity:
		q = `SELECT st.community_id, c.name, ` + sums + ` FROM case_stats st JOIN nodes c ON c.id = st.community_id` + cond + ` GROUP BY st.community_id, c.name`
	case ByStreet:
		q = `SELECT p.id, p.name, ` + sums + ` FROM case_stats st JOIN nodes c ON c.id = st.community_id JOIN nodes p ON p.id = c.parent_id` + cond + ` GROUP BY p.id, p.name`
	case ByCategory:
		q = `SELECT st.category_id, k.name, ` + sums + ` FROM case_stats st JOIN categories k ON k.id = st.category_id` + cond + ` GROUP BY st.category_id, k.name`
	default:
		return nil, linli.Invalid("分组应为 grid、community、street 或 category / by must be grid, community, street or category", linli.FieldError{Field: "by", Reason: "未知分组 / unknown grouping"})
	}
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(append([]any{&r.ID, &r.Name}, counterPtrs(&r.Counters)...)...); err != nil {
			return nil, err
		}
		r.Rates = s.Weights.RatesOf(r.Counters)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, rows.Err()
}

func (s *Service) trend(ctx context.Context, cond string, args []any, from, to time.Time) ([]Point, error) {
	rows, err := s.DB.Query(ctx, `SELECT st.day, COALESCE(SUM(st.reported),0), COALESCE(SUM(st.closed),0) FROM case_stats st`+cond+` GROUP BY st.day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byDay := map[int]Point{}
	for rows.Next() {
		var d int
		var p Point
		if err := rows.Scan(&d, &p.Reported, &p.Closed); err != nil {
			return nil, err
		}
		byDay[d] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Point
	for t := from.In(s.Zone); !t.After(to.In(s.Zone)); t = t.AddDate(0, 0, 1) {
		p := byDay[s.day(t)]
		p.Day = t
		out = append(out, p)
	}
	return out, nil
}

// Period parses the page's period choice into days in the zone: "month"
// (this month), "30d", "year", or from/to dates (2006-01-02).
func (s *Service) Period(period, from, to string) (time.Time, time.Time, error) {
	now := s.Clock.Now().In(s.Zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.Zone)
	switch {
	case from != "" || to != "":
		f, err1 := time.ParseInLocation("2006-01-02", from, s.Zone)
		t, err2 := time.ParseInLocation("2006-01-02", to, s.Zone)
		if err1 != nil || err2 != nil {
			return f, t, linli.Invalid("日期格式应为 2026-11-01 / dates look like 2026-11-01", linli.FieldError{Field: "from", Reason: fmt.Sprintf("from=%q to=%q", from, to)})
		}
		return f, t, nil
	case period == "30d":
		return today.AddDate(0, 0, -29), today, nil
	case period == "year":
		return time.Date(now.Year(), 1, 1, 0, 0, 0, 0, s.Zone), today, nil
	case period == "" || period == "month":
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.Zone), today, nil
	}
	return today, today, linli.Invalid("时段应为 month、30d 或 year / period must be month, 30d or year", linli.FieldError{Field: "period", Reason: strings.TrimSpace(period)})
}
