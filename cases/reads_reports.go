package cases

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"linli/storage"
)

// The reads of the monthly report (package reports): what was reported in
// a period by source, category and place, and what was escalated. The
// caller checks the reader's scope; path is that scope's node path.

// scopeCond is the condition on c.path for a node's path; SQLite keeps to
// the time index ("+"), which narrows a month far more than a street's
// prefix does.
func (s *Service) scopeCond(path string) (string, []any) {
	col := "c.path"
	if s.DB.Dialect == storage.SQLite {
		col = "+c.path"
	}
	return storage.ScopeFilter(col, []string{path})
}

// ReportedBySource counts the cases reported under path from from
// (inclusive) to to (exclusive) by source (merged duplicates not counted).
func (s *Service) ReportedBySource(ctx context.Context, path string, from, to time.Time) (map[Source]int, error) {
	cond, args := s.scopeCond(path)
	args = append([]any{storage.Millis(from), storage.Millis(to)}, args...)
	out := map[Source]int{}
	err := storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		var src Source
		var n int
		err := rows.Scan(&src, &n)
		out[src] = n
		return err
	}, `SELECT c.source, COUNT(*) FROM cases c
		WHERE c.created_at >= ? AND c.created_at < ? AND `+cond+` AND c.merged_into = 0 GROUP BY c.source`, args...)
	return out, err
}

// PlaceCount is how many cases of one category were reported at one
// place in a period.
type PlaceCount struct {
	CategoryID int64
	LocationID int64
	N          int
}

// Recurring returns the problems reported more than once at the same
// place (category and place) under path from from (inclusive) to to
// (exclusive), most reported first, then by category and place, at most
// limit (merged duplicates not counted). Counted and cut in SQL: a
// district's month of 82,000 cases has some 58,000 such pairs, and
// handing each to Go cost most of the monthly report.
func (s *Service) Recurring(ctx context.Context, path string, from, to time.Time, limit int) ([]PlaceCount, error) {
	cond, args := s.scopeCond(path)
	args = append([]any{storage.Millis(from), storage.Millis(to)}, args...)
	return storage.Select(ctx, s.DB, func(rows *sql.Rows) (PlaceCount, error) {
		var p PlaceCount
		err := rows.Scan(&p.CategoryID, &p.LocationID, &p.N)
		return p, err
	}, `SELECT c.category_id, c.location_id, COUNT(*) FROM cases c
		WHERE c.created_at >= ? AND c.created_at < ? AND `+cond+` AND c.merged_into = 0
		GROUP BY c.category_id, c.location_id HAVING COUNT(*) > 1
		ORDER BY COUNT(*) DESC, c.category_id, c.location_id LIMIT `+strconv.Itoa(limit), args...)
}

// Escalation is one call upward in a period: an automatic escalation of
// an overdue case, or a whistle (吹哨) calling a level or a department in.
type Escalation struct {
	CaseID     int64     `json:"case_id"`
	Number     string    `json:"number"`
	Title      string    `json:"title"`
	CategoryID int64     `json:"category_id"`
	State      State     `json:"state"`
	Automatic  bool      `json:"automatic"`
	Target     string    `json:"target"` // who was called in
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
	Acked      bool      `json:"acked"` // the level reported in
}

// EscalationsIn lists the escalations and whistles of the cases under
// path called from from (inclusive) to to (exclusive), newest first, at
// most limit, and how many there were in all.
func (s *Service) EscalationsIn(ctx context.Context, path string, from, to time.Time, limit int) ([]Escalation, int, error) {
	cond, args := s.scopeCond(path)
	args = append([]any{storage.Millis(from), storage.Millis(to)}, args...)
	where := ` FROM case_whistles w JOIN cases c ON c.id = w.case_id WHERE w.called_at >= ? AND w.called_at < ? AND ` + cond
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Escalation, error) {
		var e Escalation
		var auto int
		var at, acked int64
		err := rows.Scan(&e.CaseID, &e.Number, &e.Title, &e.CategoryID, &e.State, &auto, &e.Target, &e.Reason, &at, &acked)
		e.Automatic, e.At, e.Acked = auto != 0, storage.FromMillis(at), acked != 0
		return e, err
	}, `SELECT c.id, c.number, c.title, c.category_id, c.state, w.automatic, w.target_name, w.reason, w.called_at, w.acked_at`+where+
		` ORDER BY w.called_at DESC, w.id DESC LIMIT `+strconv.Itoa(limit), args...)
	return out, total, err
}
