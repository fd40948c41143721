package cases

// The reads the Open311 server (package open311) runs on cases' tables: the
// public cases of a place, as GeoReport v2's GET requests lists them, and
// their public timeline steps, as FixMyStreet's servicerequestupdates
// lists them. Only what the reporter made public (cases.public) is read;
// never the reporter, the phone or free text other than a publication
// staff approved (case_publications): the caller decides what to show of
// the rest.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"linli/storage"
)

// PublicRequest is a public case as an outside reader sees it.
type PublicRequest struct {
	ID           int64
	Number       string
	CommunityID  int64
	GridID       int64
	LocationID   int64
	CategoryCode string
	CategoryName string
	CategoryEN   string
	State        State
	Lat, Lon     float64 // 0 when the case has no map point
	AssigneeKind string
	AssigneeName string // a grid, department, company or community: never a person
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ResolveDue   time.Time
	ClosedAt     time.Time
	// Listed: on the happiness list now (closed, its public text approved
	// since it was closed); PubTitle and PubSummary are that text.
	Listed     bool
	PubTitle   string
	PubSummary string
}

// PublicFilter narrows PublicRequests. Path is required (a node's path:
// the jurisdiction); Numbers, when given, overrides the other conditions
// but Path.
type PublicFilter struct {
	Path string
	// CommunityID is the community whose path Path is, when it is one's:
	// the read then selects by it instead of the path and walks that
	// community's public cases alone (cases_community_public) instead of
	// every public case of the window.
	CommunityID int64
	Numbers     []string
	Category    string    // a category's code
	From, To    time.Time // reported in [From, To]
	Status      string    // "open", "closed" or "" for both (Open311's two states)
	Limit       int
}

// Open311Closed are the states Open311 calls closed: finished for good
// (closed, not registered, merged into another case). Every other state is
// open.
var Open311Closed = []State{Closed, Rejected, Merged}

// PublicRequests returns the public cases under f.Path matching f, newest
// report first, at most f.Limit.
func (s *Service) PublicRequests(ctx context.Context, q storage.Querier, f PublicFilter) ([]PublicRequest, error) {
	query, args := publicRequestsSQL(f)
	return storage.Select(ctx, q, func(r *sql.Rows) (PublicRequest, error) {
		var p PublicRequest
		var lat, lon, created, updated, due, closedAt int64
		var pubAt sql.NullInt64
		var title, summary sql.NullString
		err := r.Scan(&p.ID, &p.Number, &p.CommunityID, &p.GridID, &p.LocationID, &p.CategoryCode, &p.CategoryName, &p.CategoryEN, &p.State,
			&lat, &lon, &p.AssigneeKind, &p.AssigneeName, &created, &updated, &due, &closedAt, &pubAt, &title, &summary)
		p.Lat, p.Lon = float64(lat)/1e6, float64(lon)/1e6
		p.CreatedAt, p.UpdatedAt, p.ResolveDue, p.ClosedAt = fromMs(created), fromMs(updated), fromMs(due), fromMs(closedAt)
		p.Listed = p.State == Closed && pubAt.Valid && pubAt.Int64 >= closedAt
		if p.Listed {
			p.PubTitle, p.PubSummary = title.String, summary.String
		}
		return p, err
	}, query, args...)
}

// publicRequestsSQL is PublicRequests' query for f.
func publicRequestsSQL(f PublicFilter) (string, []any) {
	// A community's cases are named by its id alone: the path's prefix
	// says the same, and beside it PostgreSQL chose to combine both
	// indexes and sort every case of the window (190 ms) rather than walk
	// cases_community_public backwards to the 1,000th (7 ms).
	where := []string{`c.public = 1`, `c.path LIKE ?`}
	args := []any{f.Path + "%"}
	if f.CommunityID != 0 {
		where[1], args[0] = `c.community_id = ?`, f.CommunityID
	}
	if len(f.Numbers) > 0 {
		where = append(where, `c.number IN (`+storage.Placeholders(len(f.Numbers))+`)`)
		for _, n := range f.Numbers {
			args = append(args, n)
		}
	} else {
		if f.Category != "" {
			where = append(where, `g.code = ?`)
			args = append(args, f.Category)
		}
		if !f.From.IsZero() {
			where = append(where, `c.created_at >= ?`)
			args = append(args, storage.Millis(f.From))
		}
		if !f.To.IsZero() {
			where = append(where, `c.created_at <= ?`)
			args = append(args, storage.Millis(f.To))
		}
		closed := `c.state IN ('` + string(Closed) + `','` + string(Rejected) + `','` + string(Merged) + `')`
		switch f.Status {
		case "open":
			where = append(where, `NOT `+closed)
		case "closed":
			where = append(where, closed)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	return `SELECT c.id, c.number, c.community_id, c.grid_id, c.location_id, g.code, g.name, g.name_en, c.state,
		c.lat_e6, c.lon_e6, c.assignee_kind, c.assignee_name, c.created_at, c.updated_at, c.resolve_due, c.closed_at,
		p.approved_at, p.title, p.summary
		FROM cases c JOIN categories g ON g.id = c.category_id
		LEFT JOIN case_publications p ON p.case_id = c.id
		WHERE ` + strings.Join(where, ` AND `) + `
		ORDER BY c.created_at DESC, c.id DESC LIMIT ` + fmt.Sprint(limit), args
}

// PublicStep is one public step on a public case's timeline: what
// happened and the state after it, without its note or who took it.
type PublicStep struct {
	ID     int64
	CaseID int64
	Number string
	At     time.Time
	Action Action
	State  State // the case's state after the step
}

// PublicSteps returns the public timeline steps of the public cases under
// path taken in [from, to], in order, at most limit.
func (s *Service) PublicSteps(ctx context.Context, q storage.Querier, path string, from, to time.Time, limit int) ([]PublicStep, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (PublicStep, error) {
		var st PublicStep
		var at int64
		var state sql.NullString
		err := r.Scan(&st.ID, &st.CaseID, &st.Number, &at, &st.Action, &state)
		st.At, st.State = fromMs(at), State(state.String)
		return st, err
	}, `SELECT e.id, e.case_id, c.number, e.at, e.action,
		(SELECT e2.to_state FROM case_events e2 WHERE e2.case_id = e.case_id AND e2.id <= e.id AND e2.to_state <> '' ORDER BY e2.id DESC LIMIT 1)
		FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE c.public = 1 AND c.path LIKE ? AND e.public = 1 AND e.at >= ? AND e.at <= ?
		ORDER BY e.at, e.id LIMIT `+fmt.Sprint(limit), path+"%", storage.Millis(from), storage.Millis(to))
}

// CaseByNumber returns a case's id, path and state by its number (any
// case: the caller checks its own rules); ok is false for an unknown
// number.
func (s *Service) CaseByNumber(ctx context.Context, q storage.Querier, number string) (id int64, path string, state State, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT id, path, state FROM cases WHERE number = ?`, number).Scan(&id, &path, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", "", false, nil
	}
	return id, path, state, err == nil, err
}

// CaseNumber returns a case's number and state by its id; ok is false
// for an unknown id.
func (s *Service) CaseNumber(ctx context.Context, q storage.Querier, id int64) (number string, state State, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT number, state FROM cases WHERE id = ?`, id).Scan(&number, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return number, state, err == nil, err
}
