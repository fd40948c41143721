package campaigns

import (
	"context"
	"database/sql"

	"linli"
	"linli/storage"
)

// Board is a campaign's progress as its board shows it (and GET
// /api/campaigns/{id}/board answers it).
//
// An estate (a place of the scope: an estate, or a building picked on its
// own) is done when every household under it has a finding in force, or
// when every task walking it was marked complete by its inspector (who
// says how many households were absent and how many have no device: on a
// sweep of rooftop heaters most lower floors have none). A place without
// households or tasks is done once anything (a roof, an unclaimed device)
// was recorded there.
type Board struct {
	Campaign    Campaign      `json:"campaign"`
	Estates     []EstateBoard `json:"estates"`
	EstatesDone int           `json:"estates_done"`
	EstatesTodo int           `json:"estates_todo"`
	Households  int           `json:"households"` // under the scope
	Inspected   int           `json:"inspected"`  // households with a finding in force
	TasksDone   int           `json:"tasks_done"` // tasks marked complete
	Tasks       int           `json:"tasks"`
	Absent      int           `json:"absent"`    // households not met, as the completed tasks say
	NoDevice    int           `json:"no_device"` // households without a device, as the completed tasks say
	// Devices are the findings in force: households, roofs, unclaimed
	// devices (one device each).
	Devices  int `json:"devices"`
	Hazards  int `json:"hazards"`
	Fine     int `json:"fine"`
	ToReview int `json:"to_review"` // self-reported, to be confirmed
	// BySeverity counts hazards in force, least severe first.
	BySeverity []Count `json:"by_severity"`
	// ByPlanKind counts plans of each kind, open and done.
	ByPlanKind []PlanCount `json:"by_plan_kind"`
	NoPlan     int         `json:"no_plan"` // hazards without a plan yet
	Fixed      int         `json:"fixed"`   // plans done, other than removal
	Removed    int         `json:"removed"` // removals done
	OpenPlans  int         `json:"open_plans"`
	// PerDay is findings recorded each day (in the deployment's zone) from
	// the first to the last, gaps included.
	PerDay []DayCount `json:"per_day"`
}

// EstateBoard is one place of the scope.
type EstateBoard struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Path       string `json:"-"`
	Households int    `json:"households"`
	Inspected  int    `json:"inspected"`
	Devices    int    `json:"devices"`
	Hazards    int    `json:"hazards"`
	Tasks      int    `json:"tasks"`
	TasksDone  int    `json:"tasks_done"`
	Absent     int    `json:"absent"`
	NoDevice   int    `json:"no_device"`
	Done       bool   `json:"done"`
}

// Count is a count under a key.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// PlanCount is the plans of one kind.
type PlanCount struct {
	Kind  PlanKind `json:"kind"`
	Label string   `json:"label"`
	Open  int      `json:"open"`
	Done  int      `json:"done"`
}

// DayCount is what was recorded on one day.
type DayCount struct {
	Day      Day `json:"day"`
	Findings int `json:"findings"`
	Hazards  int `json:"hazards"`
}

// maxBoardDays bounds the per-day series (a campaign is days or weeks).
const maxBoardDays = 92

// Board returns a campaign's progress, for anyone who may read the
// campaign (404 otherwise).
func (s *Service) Board(ctx context.Context, a *linli.Actor, id int64) (Board, error) {
	c, _, err := s.campaignFor(ctx, s.db, a, id)
	if err != nil {
		return Board{}, err
	}
	b, err := s.board(ctx, s.db, c)
	if err != nil {
		return b, err
	}
	// The campaign's counts are the board's (countCampaign would count
	// the findings again).
	b.Campaign.Findings, b.Campaign.Hazards, b.Campaign.OpenPlans, b.Campaign.Tasks = b.Devices, b.Hazards, b.OpenPlans, b.Tasks
	return b, nil
}

func (s *Service) board(ctx context.Context, q storage.Querier, c Campaign) (Board, error) {
	b := Board{Campaign: c, Estates: make([]EstateBoard, 0, len(c.Scope)), BySeverity: []Count{}, ByPlanKind: []PlanCount{}, PerDay: []DayCount{}}
	paths := make([]string, len(c.Scope))
	for i, p := range c.Scope {
		paths[i] = p.Path
	}
	counts, err := s.reg.HouseholdCounts(ctx, q, paths)
	if err != nil {
		return b, err
	}
	for _, p := range c.Scope {
		b.Estates = append(b.Estates, EstateBoard{ID: p.ID, Name: p.Name, Kind: p.Kind, Path: p.Path, Households: counts[p.Path]})
		b.Households += counts[p.Path]
	}
	// place finds the scope place holding a path: the scope is sorted by
	// path and its places do not nest, so the last one not after it.
	place := func(path string) int {
		lo, hi := 0, len(b.Estates)
		for lo < hi {
			m := (lo + hi) / 2
			if b.Estates[m].Path <= path {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo > 0 && linli.Within(path, b.Estates[lo-1].Path) {
			return lo - 1
		}
		return -1
	}
	// The findings in force, counted by the database in one pass: by place
	// (the path of a household's unit, or of a building for roofs and
	// unclaimed devices), kind and day. A household has at most one
	// finding in force (a unique index), so rows of target household count
	// households. Days are in the deployment's zone at its offset on the
	// campaign's first day (the zones Linli runs in keep one all year).
	_, off := c.StartsOn.Time(s.zone()).Zone()
	offMs := int64(off) * 1000
	sev := map[Severity]int{}
	perDay := map[Day]*DayCount{}
	err = storage.Each(ctx, q, func(r *sql.Rows) error {
		var target, path string
		var hazard, toReview bool
		var severity Severity
		var day Day
		var n int
		if err := r.Scan(&path, &target, &hazard, &severity, &toReview, &day, &n); err != nil {
			return err
		}
		i := place(path)
		b.Devices += n
		if i >= 0 {
			b.Estates[i].Devices += n
		}
		if Target(target) == TargetHousehold {
			b.Inspected += n
			if i >= 0 {
				b.Estates[i].Inspected += n
			}
		}
		dc := perDay[day]
		if dc == nil {
			dc = &DayCount{Day: day}
			perDay[day] = dc
		}
		dc.Findings += n
		switch {
		case hazard:
			b.Hazards += n
			dc.Hazards += n
			sev[severity] += n
			if i >= 0 {
				b.Estates[i].Hazards += n
			}
		case toReview:
			b.ToReview += n
		default:
			b.Fine += n
		}
		return nil
	}, `SELECT path, target, hazard <> 0, severity, self_reported <> 0 AND confirmed_at = 0, (recorded_at + ?) / 86400000, COUNT(*)
		FROM campaign_findings WHERE campaign_id = ? AND status = 'current'
		GROUP BY 1, 2, 3, 4, 5, 6`, offMs, c.ID)
	if err != nil {
		return b, err
	}
	// The tasks: each walks a place of the scope or a building in one.
	err = storage.Each(ctx, q, func(r *sql.Rows) error {
		var path string
		var done bool
		var absent, none int
		if err := r.Scan(&path, &done, &absent, &none); err != nil {
			return err
		}
		b.Tasks++
		i := place(path)
		if i >= 0 {
			b.Estates[i].Tasks++
		}
		if !done {
			return nil
		}
		b.TasksDone, b.Absent, b.NoDevice = b.TasksDone+1, b.Absent+absent, b.NoDevice+none
		if i >= 0 {
			e := &b.Estates[i]
			e.TasksDone, e.Absent, e.NoDevice = e.TasksDone+1, e.Absent+absent, e.NoDevice+none
		}
		return nil
	}, `SELECT path, completed_at <> 0, absent, no_device FROM campaign_tasks WHERE campaign_id = ?`, c.ID)
	if err != nil {
		return b, err
	}
	for i := range b.Estates {
		e := &b.Estates[i]
		e.Done = (e.Inspected >= e.Households && (e.Households > 0 || e.Devices > 0)) || (e.Tasks > 0 && e.TasksDone == e.Tasks)
		if e.Done {
			b.EstatesDone++
		} else {
			b.EstatesTodo++
		}
	}
	for _, v := range Severities() {
		b.BySeverity = append(b.BySeverity, Count{Key: string(v), Label: v.Label(), N: sev[v]})
	}
	plans := map[PlanKind]*PlanCount{}
	for _, k := range PlanKinds() {
		b.ByPlanKind = append(b.ByPlanKind, PlanCount{Kind: k, Label: k.Label()})
	}
	for i := range b.ByPlanKind {
		plans[b.ByPlanKind[i].Kind] = &b.ByPlanKind[i]
	}
	// Plans follow the household's finding in force (Resolve moves them),
	// so they are counted as the campaign page counts them.
	planned := 0
	err = storage.Each(ctx, q, func(r *sql.Rows) error {
		var kind PlanKind
		var state string
		var n int
		if err := r.Scan(&kind, &state, &n); err != nil {
			return err
		}
		pc := plans[kind]
		if pc == nil {
			return nil
		}
		planned += n
		if state == PlanDone {
			pc.Done += n
			if kind == PlanRemove {
				b.Removed += n
			} else if kind != PlanNone {
				b.Fixed += n
			}
		} else {
			pc.Open += n
			b.OpenPlans += n
		}
		return nil
	}, `SELECT kind, state, COUNT(*) FROM campaign_plans WHERE campaign_id = ? GROUP BY kind, state`, c.ID)
	if err != nil {
		return b, err
	}
	b.NoPlan = max(0, b.Hazards-planned)
	b.PerDay = daySeries(perDay)
	return b, nil
}

// daySeries lays the days out from the first to the last, gaps as zero,
// at most maxBoardDays (the latest kept).
func daySeries(m map[Day]*DayCount) []DayCount {
	out := []DayCount{}
	if len(m) == 0 {
		return out
	}
	var first, last Day
	for d := range m {
		if first == 0 || d < first {
			first = d
		}
		if d > last {
			last = d
		}
	}
	first = max(first, last-maxBoardDays+1)
	for d := first; d <= last; d++ {
		if dc := m[d]; dc != nil {
			out = append(out, *dc)
		} else {
			out = append(out, DayCount{Day: d})
		}
	}
	return out
}
