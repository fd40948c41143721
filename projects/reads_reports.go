package projects

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"time"

	"linli/storage"
)

// PeriodProject is a project as the monthly report (package reports)
// shows it: where it stands and the phases it entered in the period.
type PeriodProject struct {
	ID          int64   `json:"id"`
	Title       string  `json:"title"`
	Kind        string  `json:"kind"`
	CommunityID int64   `json:"community_id"`
	Phase       Phase   `json:"phase"`
	Entered     []Phase `json:"entered"` // in the period, in order
}

// InPeriod lists the projects under path that were under way in the
// period from (inclusive) to to (exclusive) — created before it ends and
// not completed before it starts — most advanced first, at most limit.
// The caller checks the reader's scope.
func (s *Service) InPeriod(ctx context.Context, path string, from, to time.Time, limit int) ([]PeriodProject, error) {
	f, t := storage.Millis(from), storage.Millis(to)
	ps, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (PeriodProject, error) {
		var p PeriodProject
		err := rows.Scan(&p.ID, &p.Title, &p.Kind, &p.CommunityID, &p.Phase)
		return p, err
	}, `SELECT id, title, kind, community_id, phase FROM projects
		WHERE path LIKE ? AND created_at < ? AND (completed_at = 0 OR completed_at >= ?) ORDER BY id LIMIT `+strconv.Itoa(limit), path+"%", t, f)
	if err != nil || len(ps) == 0 {
		return ps, err
	}
	at := map[int64]int{}
	args := []any{f, t}
	for i, p := range ps {
		at[p.ID] = i
		args = append(args, p.ID)
	}
	type entered struct {
		project int64
		phase   Phase
	}
	es, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (entered, error) {
		var e entered
		err := rows.Scan(&e.project, &e.phase)
		return e, err
	}, `SELECT project_id, phase FROM project_phases WHERE entered_at >= ? AND entered_at < ? AND project_id IN (`+storage.Placeholders(len(ps))+`) ORDER BY id`, args...)
	for _, e := range es {
		p := &ps[at[e.project]]
		p.Entered = append(p.Entered, e.phase)
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Phase.Index() > ps[j].Phase.Index() })
	return ps, err
}
