package cases

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/registry"
	"linli/storage"
)

// countCap bounds how far a list's total is counted: beyond it a list
// says "1,000+" (Page.Capped) rather than count every case of a busy
// street on each call. Counting the first 1,001 matches through the index
// costs about as much as reading a page.
const countCap = 1000

// openStatesSQL is State.Open as a literal list. The partial index
// cases_open_due (migration 0038) serves only queries that repeat its
// condition, so every query on open cases says it in these words
// (TestOpenStatesSQL keeps the list equal to State.Open).
const openStatesSQL = `c.state IN ('reported','accepted','dispatched','acknowledged','in_progress','handled','verified','shelved')`

// overdueSQL is Case.OverdueAt in SQL — the one definition of 超期 — with
// one argument, now in Unix milliseconds (overdueArg).
const overdueSQL = openStatesSQL + ` AND c.state <> 'shelved' AND c.resolve_due > 0 AND c.resolve_due < ?`

func overdueArg(now time.Time) int64 { return storage.Millis(now) }

// Filter narrows a case list. The page and the API read the same GET
// parameters into it (filterOf): state, category_id, grid_id, assignee,
// source, from, to (or period), overdue, escalated, q, node_id, order,
// limit and after.
type Filter struct {
	NodeID       int64   // a place whose subtree to list (0: all the actor may read)
	States       []State // any of these
	Open         bool    // only open cases (state=open)
	Overdue      bool
	Escalated    bool
	Category     int64 // the category or a group of categories
	Grid         int64
	AssigneeKind string // with AssigneeID: the case's current assignee
	AssigneeID   int64
	Source       Source
	From, To     time.Time // reported in [From, To)
	Query        string    // search (see search.go)
	Limit        int
	After        string // cursor: Page.Next of the previous page
	Order        string // "due" (least time left first) or "new" (newest first); default: due for open cases

	// ExtensionPending: an extension request waits for a decision (延期待批).
	ExtensionPending bool
	// Unrated: closed and not rated yet (请评价).
	Unrated bool
	// upcoming keeps the cases whose resolution deadline is still ahead
	// (the home page's next deadlines).
	upcoming bool
}

// Page is one page of a list: keyset paging, so a page costs the same
// however deep it is, and cases added meanwhile cause neither duplicates
// nor gaps.
type Page struct {
	Cases  []Case `json:"cases"`
	Total  int    `json:"total"`  // counted up to countCap
	Capped bool   `json:"capped"` // there are more than Total
	Next   string `json:"next,omitempty"`
}

// openOnly says the filter lists open cases only.
func (f Filter) openOnly() bool {
	if f.Open || f.Overdue || f.Escalated {
		return true
	}
	for _, st := range f.States {
		if !st.Open() {
			return false
		}
	}
	return len(f.States) > 0
}

// undispatched says the filter lists only cases not dispatched yet.
func (f Filter) undispatched() bool {
	for _, st := range f.States {
		if st != Reported && st != Accepted {
			return false
		}
	}
	return len(f.States) > 0
}

// order is the filter's sort: newest first for a search and for lists
// that include finished cases, deadline first for open cases, unless
// asked.
func (f Filter) order() string {
	if f.Order == "due" || f.Order == "new" {
		return f.Order
	}
	if f.openOnly() && strings.TrimSpace(f.Query) == "" {
		return "due"
	}
	return "new"
}

// List returns the cases the actor may read as staff or worker (cases.read
// scopes) and the total (up to countCap).
func (s *Service) List(ctx context.Context, a *linli.Actor, f Filter) ([]Case, int, error) {
	p, err := s.ListPage(ctx, a, f)
	return p.Cases, p.Total, err
}

// ListPage returns one page of the cases the actor may read as staff or
// worker (cases.read scopes).
func (s *Service) ListPage(ctx context.Context, a *linli.Actor, f Filter) (Page, error) {
	scopes := a.Scopes(linli.PermCasesRead)
	var scope registry.Node // the one node listed, when there is one
	if f.NodeID != 0 {
		n, err := s.Registry.NodeByID(ctx, f.NodeID)
		if err != nil {
			return Page{}, err
		}
		if !a.Can(linli.PermCasesRead, n.Path) {
			return Page{}, errForbidden()
		}
		scopes, scope = []string{n.Path}, n
	}
	if len(scopes) == 0 {
		return Page{}, errForbidden()
	}
	if len(scopes) == 1 && scope.ID == 0 {
		for _, g := range a.Grants {
			if g.NodePath == scopes[0] && g.NodeID != 0 && g.Role.Has(linli.PermCasesRead) {
				n, err := s.Registry.NodeByID(ctx, g.NodeID)
				if err != nil {
					return Page{}, err
				}
				scope = n
				break
			}
		}
	}
	// On SQLite the scope is a filter, not an index range ("+" keeps
	// the planner off cases_path): a street's scope holds all its cases,
	// and reading them all to sort them is what made the lists slow.
	// Each list instead walks an index in its own order (the primary key
	// newest first, cases_open_due by deadline, the search index) and
	// stops after a page.
	col := "c.path"
	if s.DB.Dialect == storage.SQLite {
		col = "+c.path"
	}
	cond, args := storage.ScopeFilter(col, scopes)
	where := []string{cond}
	// A community's or a grid's cases newest first: the same scope said
	// on the denormalised column, which cases_community_new and
	// cases_grid_new (migration 0038) serve in id order.
	//
	// On PostgreSQL the column replaces the path: the planner takes the
	// path and the community as independent and, expecting few cases to
	// match both, collects all of a community's cases to sort them (0.6 s
	// at a million cases). A case's community and grid are those of its
	// path, so the two say the same.
	if f.order() == "new" && len(scopes) == 1 {
		eq := ""
		switch scope.Kind {
		case registry.KindCommunity:
			eq = "c.community_id = ?"
		case registry.KindGrid:
			eq = "c.grid_id = ?"
		}
		if eq != "" && s.DB.Dialect == storage.Postgres {
			where, args = []string{eq}, []any{scope.ID}
		} else if eq != "" {
			where, args = append(where, eq), append(args, scope.ID)
		}
	}
	return s.query(ctx, a, where, args, f)
}

func (s *Service) query(ctx context.Context, a *linli.Actor, where []string, args []any, f Filter) (Page, error) {
	now := s.now()
	// The open states are repeated for SQLite, which uses the partial
	// index cases_open_due only when a query names its states literally.
	// PostgreSQL proves that from the states listed below, and would
	// count the two lists as independent filters on one column, expecting
	// a fiftieth of the cases it will find.
	if f.openOnly() && (len(f.States) == 0 || s.DB.Dialect != storage.Postgres) {
		where = append(where, openStatesSQL)
	}
	if len(f.States) > 0 {
		// The states are written as literals, not parameters, so that
		// PostgreSQL plans with the states' own statistics even when it
		// reuses a prepared statement's generic plan. Only known states
		// are written; the API refuses others before this.
		lits := make([]string, 0, len(f.States))
		for _, st := range f.States {
			if st.Label() == "" {
				return Page{}, linli.Invalid("未知状态 / unknown state", linli.FieldError{Field: "state", Reason: "未知状态 / unknown state"})
			}
			lits = append(lits, "'"+string(st)+"'")
		}
		where = append(where, "c.state IN ("+strings.Join(lits, ",")+")")
	}
	if f.Overdue {
		where = append(where, overdueSQL)
		args = append(args, overdueArg(now))
	}
	if f.Escalated {
		where = append(where, "c.escalation_level > 0")
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
	oneCategory := false
	if f.Category != 0 {
		cond, cargs, one, err := s.categoryCond(ctx, f.Category)
		if err != nil {
			return Page{}, err
		}
		where, args, oneCategory = append(where, cond), append(args, cargs...), one
	}
	if f.Grid != 0 {
		where = append(where, "c.grid_id = ?")
		args = append(args, f.Grid)
	}
	if f.AssigneeKind != "" {
		where = append(where, "c.assignee_kind = ? AND c.assignee_id = ?")
		args = append(args, f.AssigneeKind, f.AssigneeID)
	}
	if f.Source != "" {
		where = append(where, "c.source = ?")
		args = append(args, f.Source)
	}
	if !f.From.IsZero() {
		where = append(where, "c.created_at >= ?")
		args = append(args, storage.Millis(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "c.created_at < ?")
		args = append(args, storage.Millis(f.To))
	}
	// The count reads cases alone (no join to categories), so a queue
	// whose filters are all in cases_open_due is counted from the index.
	from, countFrom, idCol := caseFrom, " FROM cases c", "c.id"
	if q := strings.TrimSpace(f.Query); q != "" {
		terms, err := parseSearch(q)
		if err != nil {
			return Page{}, err
		}
		if match, ok := s.searchMatch(a, terms); ok && f.order() == "new" {
			// Newest first straight from the full-text index: FTS5 hands
			// its matches out by rowid, so a page stops after its rows
			// instead of collecting every match of a common word first.
			from, idCol = ` FROM case_search s JOIN cases c ON c.id = s.rowid JOIN categories k ON k.id = c.category_id`+deptJoin, "s.rowid"
			countFrom = ` FROM case_search s JOIN cases c ON c.id = s.rowid`
			where = append(where, "case_search MATCH ?")
			args = append(args, match)
		} else {
			cond, sargs := s.searchCond(terms, a.Scopes(linli.PermPeopleReveal))
			where = append(where, cond)
			args = append(args, sargs...)
		}
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	p := Page{}
	cond := " WHERE " + strings.Join(where, " AND ")
	// A reporting period, one category or one source, newest first, walk
	// an index by the time of reporting (migration 0048: cases_created,
	// and cases_category_new, cases_source_new, which hold the time after
	// the category or source) backwards from the period's end: a month
	// last year then reads that month, a rare category its own cases, not
	// every newer case first. The order is the time of reporting, then id
	// — the same as id order except for cases written in the same
	// millisecond — and the cursor carries both.
	byTime := f.order() == "new" && idCol == "c.id" && (!f.From.IsZero() || !f.To.IsZero() || oneCategory || f.Source != "")
	// On SQLite the count walks in the page's order, so it stops where the
	// page's matches are rather than scanning from the oldest case. On
	// PostgreSQL it has no order: any 1,001 matches will do, and an order
	// made it walk the search table by id, filtering every row (2 s for
	// a name at a million cases), instead of asking the trigram index.
	countOrder := ""
	switch {
	case s.DB.Dialect == storage.Postgres:
	case byTime:
		countOrder = " ORDER BY c.created_at DESC, c.id DESC"
	case f.order() == "new":
		countOrder = " ORDER BY " + idCol + " DESC"
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+countFrom+cond+countOrder+` LIMIT `+strconv.Itoa(countCap+1)+`) x`, args...).Scan(&p.Total); err != nil {
		return p, err
	}
	if p.Total > countCap {
		p.Total, p.Capped = countCap, true
	}
	cur, err := parseCursor(f.After)
	if err != nil {
		return p, err
	}
	read := func(extra, order string, xargs []any, n int) ([]Case, error) {
		w := cond + extra
		return storage.Select(ctx, s.DB, func(rows *sql.Rows) (Case, error) {
			c, err := scanCase(rows)
			c.Overdue, c.Warning = c.OverdueAt(now), c.WarningAt(now)
			return c, err
		}, `SELECT `+caseColumns+from+w+order+` LIMIT ?`, append(append(append([]any{}, args...), xargs...), n)...)
	}
	want := f.Limit + 1 // one more than a page says whether there is a next
	var out []Case
	if byTime {
		extra, xargs := "", []any(nil)
		if cur.set {
			extra = " AND (c.created_at < ? OR (c.created_at = ? AND c.id < ?))"
			xargs = []any{cur.due, cur.due, cur.id}
		}
		if out, err = read(extra, " ORDER BY c.created_at DESC, c.id DESC", xargs, want); err != nil {
			return p, err
		}
	} else if f.order() == "new" {
		extra, xargs := "", []any(nil)
		if cur.set {
			extra, xargs = " AND "+idCol+" < ?", []any{cur.id}
		}
		if out, err = read(extra, " ORDER BY "+idCol+" DESC", xargs, want); err != nil {
			return p, err
		}
	} else {
		// Least time left first: cases with a deadline by (deadline, id),
		// then those without one yet (not dispatched) oldest first. The
		// cursor names the phase it stopped in.
		// Cases not dispatched yet (reported, accepted) never have a
		// deadline, and overdue ones always do: a phase that cannot
		// match is skipped rather than walked through.
		if (!cur.set || cur.due > 0) && !f.undispatched() {
			extra, xargs := " AND c.resolve_due > 0", []any(nil)
			if cur.set {
				extra += " AND (c.resolve_due > ? OR (c.resolve_due = ? AND c.id > ?))"
				xargs = []any{cur.due, cur.due, cur.id}
			}
			if out, err = read(extra, " ORDER BY c.resolve_due, c.id", xargs, want); err != nil {
				return p, err
			}
		}
		if len(out) < want && !f.Overdue {
			extra, xargs := " AND c.resolve_due = 0", []any(nil)
			if cur.set && cur.due == 0 {
				extra, xargs = extra+" AND c.id > ?", []any{cur.id}
			}
			more, err := read(extra, " ORDER BY c.id", xargs, want-len(out))
			if err != nil {
				return p, err
			}
			out = append(out, more...)
		}
	}
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		switch {
		case byTime:
			p.Next = cursor{set: true, due: storage.Millis(last.CreatedAt), id: last.ID}.String()
		case f.order() == "new":
			p.Next = cursor{set: true, id: last.ID}.String()
		default:
			p.Next = cursor{set: true, due: storage.Millis(last.ResolveDue), id: last.ID}.String()
		}
	}
	p.Cases = out
	return p, nil
}

// cursor is where a page stopped: the last case's deadline (0 for none)
// and id. Written "deadline.id" (Unix ms), or "id" for newest-first lists;
// a reporting period's list, walked by time, writes "reported.id".
type cursor struct {
	set bool
	due int64
	id  int64
}

func (c cursor) String() string {
	if c.due == 0 {
		return "0." + strconv.FormatInt(c.id, 10)
	}
	return strconv.FormatInt(c.due, 10) + "." + strconv.FormatInt(c.id, 10)
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	bad := linli.Invalid("翻页位置无效 / bad page cursor", linli.FieldError{Field: "after", Reason: "应为上一页给出的 next / use the next value of the previous page"})
	due, id, ok := strings.Cut(s, ".")
	if !ok {
		due, id = "0", s
	}
	c := cursor{set: true}
	var err1, err2 error
	c.due, err1 = strconv.ParseInt(due, 10, 64)
	c.id, err2 = strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || c.due < 0 || c.id <= 0 {
		return cursor{}, bad
	}
	return c, nil
}

// MyReports lists the cases the actor reported.
func (s *Service) MyReports(ctx context.Context, a *linli.Actor, f Filter) ([]Case, int, error) {
	p, err := s.ReportsPage(ctx, a, f)
	return p.Cases, p.Total, err
}

// ReportsPage is one page of MyReports.
func (s *Service) ReportsPage(ctx context.Context, a *linli.Actor, f Filter) (Page, error) {
	return s.query(ctx, a, []string{"c.reporter_id = ?"}, []any{a.AccountID}, f)
}

// MyTasks lists the open cases assigned to the actor (its grids, its
// estates' property company, its departments, co-handled ones), deadline
// first. The assignee ids are resolved first so each branch of the query
// is an index lookup on (assignee_kind, assignee_id, state).
func (s *Service) MyTasks(ctx context.Context, a *linli.Actor, f Filter) ([]Case, int, error) {
	p, err := s.TasksPage(ctx, a, f)
	return p.Cases, p.Total, err
}

// TasksPage is one page of MyTasks.
func (s *Service) TasksPage(ctx context.Context, a *linli.Actor, f Filter) (Page, error) {
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
		return Page{}, err
	}
	in(AssignGrid, grids)
	estates, err := nodesOf(registry.KindEstate, linli.RoleProperty)
	if err != nil {
		return Page{}, err
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
		return Page{}, err
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
		return Page{}, nil
	}
	if len(f.States) == 0 {
		f.States = []State{Dispatched, Acknowledged, InProgress, Handled, Shelved}
	}
	if f.Order == "" {
		f.Order = "due"
	}
	return s.query(ctx, a, []string{"(" + strings.Join(or, " OR ") + ")"}, args, f)
}

// Calls lists the open whistles waiting for the actor to report in, each
// with its case's number and title.
func (s *Service) Calls(ctx context.Context, a *linli.Actor) ([]Whistle, error) {
	all, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Whistle, error) {
		var w Whistle
		var auto, called, due, acked, lapsed int64
		err := rows.Scan(&w.ID, &w.CaseID, &w.TargetKind, &w.TargetID, &w.TargetName, &w.Level, &auto, &w.Reason, &called, &due, &acked, &w.AckedBy, &lapsed,
			&w.CaseNumber, &w.CaseTitle)
		w.Automatic = auto != 0
		w.CalledAt, w.AckDue, w.LapsedAt = fromMs(called), fromMs(due), fromMs(lapsed)
		return w, err
	}, `SELECT w.id, w.case_id, w.target_kind, w.target_id, w.target_name, w.level, w.automatic, w.reason, w.called_at, w.ack_due, w.acked_at, w.acked_by, w.lapsed_at,
		c.number, c.title
		FROM case_whistles w JOIN cases c ON c.id = w.case_id WHERE w.acked_at = 0 ORDER BY w.ack_due LIMIT 500`)
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

// Board is the community staff's dispatch board: four queues, each with
// its first cases and its size (counted up to countCap; Capped says a
// queue has more).
type Board struct {
	New       []Case          `json:"new"`
	Overdue   []Case          `json:"overdue"`
	Escalated []Case          `json:"escalated"`
	Verify    []Case          `json:"verify"`
	Counts    map[string]int  `json:"counts"`
	Capped    map[string]bool `json:"capped"`
}

// BoardQueues are the board's queues as list filters: the numbers on the
// board and the lists they link to are the same query.
var BoardQueues = []struct {
	Name   string
	Filter Filter
}{
	{"new", Filter{States: []State{Reported, Accepted}}},
	{"overdue", Filter{Overdue: true}},
	{"escalated", Filter{Escalated: true}},
	{"verify", Filter{States: []State{Handled, Verified}}},
}

// DispatchBoard returns the board for the actor's scope (or a node).
func (s *Service) DispatchBoard(ctx context.Context, a *linli.Actor, nodeID int64) (Board, error) {
	b := Board{Counts: map[string]int{}, Capped: map[string]bool{}}
	dst := map[string]*[]Case{"new": &b.New, "overdue": &b.Overdue, "escalated": &b.Escalated, "verify": &b.Verify}
	for _, q := range BoardQueues {
		f := q.Filter
		f.NodeID, f.Limit = nodeID, 20
		p, err := s.ListPage(ctx, a, f)
		if err != nil {
			return b, err
		}
		*dst[q.Name], b.Counts[q.Name], b.Capped[q.Name] = p.Cases, p.Total, p.Capped
	}
	return b, nil
}

// categoryCond is the filter on one category, or on a group and the
// categories under it. A single category (one) is an equality the index
// cases_category_new (migration 0048) walks newest first, so a rare
// category over a month reads about a page of rows, not the street's
// month. A group is written as a list with "+" on SQLite, keeping the
// planner on the primary key: a group holds a large share of all cases,
// so walking newest first finds a page at once, where the index would
// collect the group's every case to sort them.
func (s *Service) categoryCond(ctx context.Context, id int64) (cond string, args []any, one bool, err error) {
	kids, err := storage.Scalars[int64](ctx, s.DB, `SELECT id FROM categories WHERE parent_id = ? ORDER BY id`, id)
	if err != nil {
		return "", nil, false, err
	}
	if len(kids) == 0 {
		return "c.category_id = ?", []any{id}, true, nil
	}
	col := "c.category_id"
	if s.DB.Dialect == storage.SQLite {
		col = "+c.category_id"
	}
	marks := make([]string, 0, len(kids)+1)
	for _, k := range append([]int64{id}, kids...) {
		marks, args = append(marks, "?"), append(args, k)
	}
	return col + " IN (" + strings.Join(marks, ",") + ")", args, false, nil
}
