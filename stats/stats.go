// Package stats reports the 三率 and the other rates of the case loop by
// grid, community, street, category and period, from the counters the
// cases package maintains as cases change (the rollup tables of migration
// 0008: by community and day, by grid and day or month, by category and
// day or month). Dashboards read those aggregates, never the cases
// themselves, so they stay fast however many cases there are. Large
// scopes (more than 20 communities) break grids and categories down by
// whole calendar months; totals and the trend are always exact to the day.
//
// Every rate is taken over one cohort of cases: the numerator counts
// cases of the denominator, so no rate can pass 100 % and none is
// clamped. A case whose outcome is not known yet (still inside its limit)
// is in no cohort. Definitions (every weight is configuration):
//
//	响应率 response    cohort: dispatched cases whose response deadline falls in the period and
//	                   that were acknowledged or whose deadline has passed (ResponseDue);
//	                   rate = acknowledged by the deadline / cohort
//	结案率 closure     cohort "due": handling rounds (a dispatch, or a reopening) whose resolution
//	                   deadline falls in the period and that were closed or whose deadline has
//	                   passed (Due); rate = closed so far, at any time / due
//	按期结案率 on time  rate = closed by the deadline / due
//	延期率 extension   rate = rounds of cases with an approved extension / due
//	返工率 rework      cohort: closures in the period; rate = those reopened since / closures
//	解决率 resolution  cohort: ratings given in the period; rate = satisfied or basically satisfied / rated
//	满意率 satisfaction = (satisfied + BasicWeight × basically satisfied) / rated
//	综合得分 composite = Wresponse × response + Wresolution × resolution + Wsatisfaction × satisfaction
//
// A worked example: 学苑社区, November. Eight cases fall due in November
// (deadline passed, or closed earlier); six closed by their deadlines, one
// closed late in December, one is still open: 结案率 7/8 = 87.5 % (it
// rises as late cases close), 按期结案率 6/8 = 75 %. Eleven cases closed
// in November, three of them due in October: they count in October's
// cohort, not November's. A case acknowledged on 3 December whose
// response deadline is 4 December counts on the 4th; a case dispatched on
// 6 December still inside its limit counts nowhere yet.
//
// The counters are dated by the deadline that defines the cohort and are
// added when the outcome becomes known (the acknowledgement or closure,
// or the timer at the deadline): package cases, cohort.go. Reported,
// dispatched, closed (the trend) and escalated are plain counts of what
// happened on each day.
package stats

import (
	"context"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/cases"
	"linli/registry"
	"linli/storage"
)

// Weights configures the satisfaction rate and the composite score. Cities
// differ (e.g. 0.1/0.5/0.4 or 0.3/0.35/0.35).
type Weights struct {
	Basic        float64 `json:"basic"`
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// DefaultWeights: basic satisfaction counts 0.9; composite 0.3/0.35/0.35.
func DefaultWeights() Weights {
	return Weights{Basic: 0.9, Response: 0.3, Resolution: 0.35, Satisfaction: 0.35}
}

// Service answers statistics queries.
type Service struct {
	DB       *storage.DB
	Registry *registry.Service
	Cases    *cases.Service // category names
	Weights  Weights
	Zone     *time.Location
	Clock    linli.Clock
	// Fresh brings the rollups up to date before a read (the wiring sets
	// it to cases.Service.Fold); nil reads them as they are.
	Fresh func(ctx context.Context) (int, error)

	names names
}

// Counters are the summed counters of the statistics rollups.
type Counters struct {
	Reported        int `json:"reported"`
	Dispatched      int `json:"dispatched"`
	Responded       int `json:"responded"`
	RespondedOnTime int `json:"responded_on_time"`
	Due             int `json:"due"`
	Closed          int `json:"closed"`
	ClosedOnTime    int `json:"closed_on_time"`
	Resolved        int `json:"resolved"`
	Satisfied       int `json:"satisfied"`
	Basic           int `json:"basic"`
	Unsatisfied     int `json:"unsatisfied"`
	Rework          int `json:"rework"`
	Extended        int `json:"extended"`
	Escalated       int `json:"escalated"`
	ResponseDue     int `json:"response_due"`
	DueClosed       int `json:"due_closed"`
	DueExtended     int `json:"due_extended"`
}

// Rated is how many cases were rated.
func (c Counters) Rated() int { return c.Satisfied + c.Basic + c.Unsatisfied }

// Rate is a ratio; Valid is false when its denominator is zero (shown "—").
type Rate struct {
	Value float64 `json:"value"`
	Valid bool    `json:"valid"`
}

// ratio is n/d, never clamped: every rate is taken over one cohort, so n
// counts part of what d counts and cannot exceed it. A value over 1
// would be a bug in the counting, and shows as such.
func ratio(n, d int) Rate {
	if d <= 0 {
		return Rate{}
	}
	return Rate{Value: float64(n) / float64(d), Valid: true}
}

// Percent formats a rate for people: "96.5%" or "—".
func (r Rate) Percent() string {
	if !r.Valid {
		return "—"
	}
	return strings.TrimSuffix(strconv.FormatFloat(r.Value*100, 'f', 1, 64), ".0") + "%"
}

// Rates are the derived rates of a set of counters.
type Rates struct {
	Response     Rate `json:"response"`
	Resolution   Rate `json:"resolution"`
	Satisfaction Rate `json:"satisfaction"`
	Closure      Rate `json:"closure"`
	OnTime       Rate `json:"on_time"`
	Rework       Rate `json:"rework"`
	Extension    Rate `json:"extension"`
	Composite    Rate `json:"composite"`
}

// RatesOf computes the rates with the weights.
func (w Weights) RatesOf(c Counters) Rates {
	r := Rates{
		Response:   ratio(c.RespondedOnTime, c.ResponseDue),
		Resolution: ratio(c.Resolved, c.Rated()),
		Closure:    ratio(c.DueClosed, c.Due),
		OnTime:     ratio(c.ClosedOnTime, c.Due),
		Rework:     ratio(c.Rework, c.Closed),
		Extension:  ratio(c.DueExtended, c.Due),
	}
	if c.Rated() > 0 {
		r.Satisfaction = Rate{Value: (float64(c.Satisfied) + w.Basic*float64(c.Basic)) / float64(c.Rated()), Valid: true}
	}
	// The composite uses what is known; missing parts do not count as zero.
	var sum, weight float64
	for _, p := range []struct {
		r Rate
		w float64
	}{{r.Response, w.Response}, {r.Resolution, w.Resolution}, {r.Satisfaction, w.Satisfaction}} {
		if p.r.Valid {
			sum += p.r.Value * p.w
			weight += p.w
		}
	}
	if weight > 0 {
		r.Composite = Rate{Value: sum / weight, Valid: true}
	}
	return r
}
