package cases

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"linli"
	"linli/registry"
	"linli/storage"
)

// countCap bounds how far a list's total is counted.
const countCap = 10000

// Filter narrows a case list.
type Filter struct {
	NodeID    int64   // a place whose subtree to list (0: all the actor may read)
	States    []State // any of these
	Overdue   bool
	Escalated bool
	Category  int64
	Query     string // number or words in the title
	Limit     int
	Offset    int
	Order     string // "due" (deadline first) or "new" (newest first, default)

	// ExtensionPending: an extension request waits for a decision (延期待批).
	ExtensionPending bool
	// Unrated: closed and not rated yet (请评价).
	Unrated bool
	// upcoming keeps the cases whose resolution deadline is still ahead
	// (the home page's next deadlines).
	upcoming bool
}

// List returns the cases the actor may read as staff or worker (cases.read
// scopes), newest first, and the total.
func (s *Service) List(ctx context.Context, a *linli.Actor, f Filter) ([]Case, int, error) {
	scopes := a.Scopes(linli.PermCasesRead)
	if f.NodeID != 0 {
		n, err := s.Registry.NodeByID(ctx, f.NodeID)
		if err != nil {
			return nil, 0, err
		}
		if !a.Can(linli.PermCasesRead, n.Path) {
			return nil, 0, errForbidden()
		}
		scopes = []string{n.Path}
	}
	if len(scopes) == 0 {
		return nil, 0, errForbidden()
	}
	cond, args := storage.ScopeFilter("c.path", scopes)
	return s.query(ctx, []string{cond}, args, f)
}

func (s *Service) query(ctx context.Context, where []string, args []any, f Filter) ([]Case, int, error) {
	if len(f.States) > 0 {
		marks := make([]string, len(f.States))
		for i, st := range f.States {
			marks[i] = "?"
			args = append(args, st)
		}
		where = append(where, "c.state IN ("+strings.Join(marks, ",")+")")
	}
	if f.Overdue {
		// The one definition of 超期 (Case.OverdueAt), in SQL.
		where = append(where, "c.resolve_due > 0 AND c.resolve_due < ? AND c.state NOT IN ('closed','rejected','merged','shelved')")
		args = append(args, storage.Millis(s.now()))
	}
	if f.Escalated {
		where = append(where, "c.escalation_level > 0 AND c.state NOT IN ('closed','rejected','merged')")
	}
	if f.ExtensionPending {
		where = append(where, "c.id IN (SELECT case_id FROM case_extensions WHERE decided_at = 0)")
	}
	if f.Unrated {
		where = append(where, "c.state = 'closed' AND c.rating = ''")
	}
	if f.upcoming {
		where = append(where, "c.resolve_due >= ?")
		args = append(args, storage.Millis(s.now()))
	}
	if f.Category != 0 {
		where = append(where, "(c.category_id = ? OR k.parent_id = ?)")
		args = append(args, f.Category, f.Category)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(c.number = ? OR c.title LIKE ?)")
		args = append(args, q, "%"+q+"%")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	// The total is counted up to countCap: beyond that a list says
	// "10,000+" rather than scan every case of a busy scope on each call.
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+caseFrom+cond+` LIMIT `+strconv.Itoa(countCap)+`) x`, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := " ORDER BY c.id DESC"
	if f.Order == "due" {
		order = " ORDER BY CASE WHEN c.resolve_due = 0 THEN 1 ELSE 0 END, c.resolve_due, c.id"
	}
	now := s.now()
	out, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Case, error) {
		c, err := scanCase(rows)
		c.Overdue = c.OverdueAt(now)
		return c, err
	}, `SELECT `+caseColumns+caseFrom+cond+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// MyReports lists the cases the actor reported.
func (s *Service) MyReports(ctx context.Context, a *linli.Actor, f Filter) ([]Case, int, error) {
	return s.query(ctx, []string{"c.reporter_id = ?"}, []any{a.AccountID}, f)
}

// MyTasks lists the open cases assigned to the actor (its grids, its
// estates' property company, its departments, co-handled ones), deadline
// first. The assignee ids are resolved first so each branch of the query
// is an index lookup on (assignee_kind, assignee_id, state).
func (s *Service) MyTasks(ctx context.Context, a *linli.Actor, f Filter) ([]Case, int, error) {
	var or []string
	var args []any
	in := func(kind string, ids []int64) {
		if len(ids) == 0 {
			return
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
		or = append(or, "(c.assignee_kind = ? AND c.assignee_id IN ("+marks+"))")
		args = append(args, kind)
		for _, id := range ids {
			args = append(args, id)
		}
	}
	nodesOf := func(kind registry.Kind, role linli.Role) ([]int64, error) {
		var ids []int64
		for _, g := range a.Grants {
			if g.Role != role {
				continue
			}
			nodes, err := s.Registry.NodesUnder(ctx, s.DB, g.NodePath, kind)
			if err != nil {
				return nil, err
			}
			for _, n := range nodes {
				ids = append(ids, n.ID)
			}
		}
		return ids, nil
	}
	grids, err := nodesOf(registry.KindGrid, linli.RoleGridWorker)
	if err != nil {
		return nil, 0, err
	}
	in(AssignGrid, grids)
	estates, err := nodesOf(registry.KindEstate, linli.RoleProperty)
	if err != nil {
		return nil, 0, err
	}
	in(AssignProperty, estates)
	var communities []int64
	for _, g := range a.Grants {
		if g.Role == linli.RoleCommunityStaff {
			communities = append(communities, g.NodeID)
		}
	}
	in(AssignCommunity, communities)
	depts, err := storage.Scalars[int64](ctx, s.DB, `SELECT department_id FROM department_members WHERE account_id = ?`, a.AccountID)
	if err != nil {
		return nil, 0, err
	}
	in(AssignDepartment, depts)
	if len(depts) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(depts)), ",")
		or = append(or, "c.id IN (SELECT case_id FROM case_cohandlers WHERE kind = 'department' AND ref_id IN ("+marks+"))")
		for _, id := range depts {
			args = append(args, id)
		}
	}
	if len(or) == 0 {
		return nil, 0, nil
	}
	if len(f.States) == 0 {
		f.States = []State{Dispatched, Acknowledged, InProgress, Handled, Shelved}
	}
	if f.Order == "" {
		f.Order = "due"
	}
	return s.query(ctx, []string{"(" + strings.Join(or, " OR ") + ")"}, args, f)
}

// Calls lists the open whistles waiting for the actor to report in.
func (s *Service) Calls(ctx context.Context, a *linli.Actor) ([]Whistle, error) {
	all, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Whistle, error) {
		var w Whistle
		var auto, called, due, acked, lapsed int64
		err := rows.Scan(&w.ID, &w.CaseID, &w.TargetKind, &w.TargetID, &w.TargetName, &w.Level, &auto, &w.Reason, &called, &due, &acked, &w.AckedBy, &lapsed)
		w.Automatic = auto != 0
		w.CalledAt, w.AckDue, w.LapsedAt = fromMs(called), fromMs(due), fromMs(lapsed)
		return w, err
	}, `SELECT id, case_id, target_kind, target_id, target_name, level, automatic, reason, called_at, ack_due, acked_at, acked_by, lapsed_at
		FROM case_whistles WHERE acked_at = 0 ORDER BY ack_due LIMIT 500`)
	if err != nil {
		return nil, err
	}
	var out []Whistle
	for _, w := range all {
		if ok, _ := s.holds(ctx, s.DB, a, w.TargetKind, w.TargetID); ok {
			out = append(out, w)
		}
	}
	return out, nil
}

// Board is the community staff's dispatch board.
type Board struct {
	New, Overdue, Escalated, Verify []Case
	Counts                          map[string]int
}

// DispatchBoard returns the board for the actor's scope (or a node).
func (s *Service) DispatchBoard(ctx context.Context, a *linli.Actor, nodeID int64) (Board, error) {
	b := Board{Counts: map[string]int{}}
	var err error
	lists := []struct {
		name string
		dst  *[]Case
		f    Filter
	}{
		{"new", &b.New, Filter{States: []State{Reported, Accepted}}},
		{"overdue", &b.Overdue, Filter{Overdue: true, Order: "due"}},
		{"escalated", &b.Escalated, Filter{Escalated: true, Order: "due"}},
		{"verify", &b.Verify, Filter{States: []State{Handled, Verified}}},
	}
	for _, l := range lists {
		l.f.NodeID, l.f.Limit = nodeID, 20
		var n int
		if *l.dst, n, err = s.List(ctx, a, l.f); err != nil {
			return b, err
		}
		b.Counts[l.name] = n
	}
	return b, nil
}
