package cases

import (
	"context"
	"fmt"
	"strings"

	"linli"
	"linli/web"
)

// The home page's 待办 from the case loop (web.Panel, contributed through
// capability.Parts.Home). Every count is the total of the list it links
// to, counted by the same Filter through List, MyTasks or MyReports, so
// the home page and the lists cannot disagree: 超期 in particular is
// Filter.Overdue, the one definition the board and the lists use.

// queue is one count of a panel: its filter and the list page it links to.
type queue struct {
	key, label string
	f          Filter
	alert      bool
}

// staffQueues are the queues of those who run the loop (cases.manage).
var staffQueues = []queue{
	{"reported", "待受理", Filter{States: []State{Reported}}, false},
	{"accepted", "待派遣", Filter{States: []State{Accepted}}, false},
	{"dispatched", "待报到", Filter{States: []State{Dispatched}}, false},
	{"overdue", "超期", Filter{Overdue: true}, true},
	{"handled", "待核查", Filter{States: []State{Handled}}, false},
	{"extension", "延期待批", Filter{ExtensionPending: true}, false},
}

// workerQueues are the queues of those cases are assigned to (grid
// workers, property companies, departments): their task list.
var workerQueues = []queue{
	{"dispatched", "待报到", Filter{States: []State{Dispatched}}, false},
	{"working", "处置中", Filter{States: []State{Acknowledged, InProgress}}, false},
	{"overdue", "超期", Filter{Overdue: true}, true},
	{"extension", "延期待批", Filter{ExtensionPending: true}, false},
}

// URLQuery is the list page's query string for a filter (filterOf reads it
// back): the link behind a count.
func (f Filter) URLQuery() string {
	var q []string
	if len(f.States) > 0 {
		s := make([]string, len(f.States))
		for i, st := range f.States {
			s[i] = string(st)
		}
		q = append(q, "state="+strings.Join(s, ","))
	}
	if f.Overdue {
		q = append(q, "overdue=1")
	}
	if f.Escalated {
		q = append(q, "escalated=1")
	}
	if f.ExtensionPending {
		q = append(q, "extension=pending")
	}
	if f.Unrated {
		q = append(q, "unrated=1")
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// HomePanels gives the actor's case panels: the queues of community and
// street staff, the task queues of grid workers, property companies and
// departments, and a reporter's own reports with the closed ones waiting
// for a rating on top.
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	var out []web.Panel
	if a.CanAny(linli.PermCasesManage) {
		p, err := s.queuePanel(ctx, a, "cases", "待办案件", "/cases", staffQueues, s.listFor(a))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	worker := a.HasRole(linli.RoleGridWorker) || a.HasRole(linli.RoleProperty) || a.HasRole(linli.RoleDepartment)
	if worker {
		p, err := s.queuePanel(ctx, a, "tasks", "我的任务", "/tasks", workerQueues, func(ctx context.Context, f Filter) ([]Case, int, error) {
			return s.MyTasks(ctx, a, f)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	// A reporter's own reports: residents and others who report as
	// people. Staff and workers are left out: the hotline cases staff
	// enter carry their name as the reporter, yet the caller rates them.
	if !a.HasRole(linli.RoleResident) && (a.CanAny(linli.PermCasesManage) || worker) {
		return out, nil
	}
	p, err := s.reportsPanel(ctx, a)
	if err != nil {
		return nil, err
	}
	if !p.IsEmpty() || a.HasRole(linli.RoleResident) {
		out = append(out, p)
	}
	return out, nil
}

func (s *Service) listFor(a *linli.Actor) func(context.Context, Filter) ([]Case, int, error) {
	return func(ctx context.Context, f Filter) ([]Case, int, error) { return s.List(ctx, a, f) }
}

// queuePanel counts each queue through list (the function behind the page
// at base) and adds the next deadlines and the whistles naming their cases.
func (s *Service) queuePanel(ctx context.Context, a *linli.Actor, key, title, base string, qs []queue,
	list func(context.Context, Filter) ([]Case, int, error)) (web.Panel, error) {
	p := web.Panel{Key: key, Title: title, Order: web.OrderCases, Empty: "暂无待办"}
	for _, q := range qs {
		f := q.f
		f.Limit = 1
		_, n, err := list(ctx, f)
		if err != nil {
			return p, err
		}
		p.Counts = append(p.Counts, web.Count{Key: q.key, Label: q.label, N: n, Href: base + q.f.URLQuery(), Alert: q.alert, Capped: n >= countCap})
	}
	now := s.now()
	next, _, err := list(ctx, Filter{States: []State{Dispatched, Acknowledged, InProgress}, Order: "due", Limit: 5, upcoming: true})
	if err != nil {
		return p, err
	}
	soon := web.PanelList{Key: "deadlines", Title: "即将到期", More: base + "?order=due"}
	for _, c := range next {
		soon.Items = append(soon.Items, web.PanelItem{Href: fmt.Sprintf("/cases/%d", c.ID), Text: c.Title,
			Meta: c.Number + " · " + c.AssigneeName, Note: web.Remaining(c.ResolveDue, now)})
	}
	p.Lists = append(p.Lists, soon)
	calls, err := s.Calls(ctx, a)
	if err != nil {
		return p, err
	}
	whistles := web.PanelList{Key: "whistles", Title: "吹哨待报到"}
	for i, w := range calls {
		if i == 5 {
			whistles.More = "/tasks"
			break
		}
		c, err := s.get(ctx, s.DB, w.CaseID, false)
		if err != nil {
			return p, err
		}
		whistles.Items = append(whistles.Items, web.PanelItem{Href: fmt.Sprintf("/cases/%d", c.ID), Text: c.Title,
			Meta: c.Number + " · " + w.TargetName, Note: web.Remaining(w.AckDue, now), Alert: now.After(w.AckDue)})
	}
	p.Lists = append(p.Lists, whistles)
	if a.CanAny(linli.PermCasesManage) {
		esc, _, err := s.List(ctx, a, Filter{Escalated: true, Order: "due", Limit: 5})
		if err != nil {
			return p, err
		}
		l := web.PanelList{Key: "escalated", Title: "已升级", More: "/cases" + Filter{Escalated: true}.URLQuery()}
		for _, c := range esc {
			l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/cases/%d", c.ID), Text: c.Title,
				Meta: fmt.Sprintf("%s · %s", c.Number, c.AssigneeName), Note: web.Remaining(c.ResolveDue, now), Alert: c.Overdue})
		}
		p.Lists = append(p.Lists, l)
	}
	return p, nil
}

// reportsPanel is what the actor reported: closed cases waiting for a
// rating first, then the latest reports and where they stand.
func (s *Service) reportsPanel(ctx context.Context, a *linli.Actor) (web.Panel, error) {
	p := web.Panel{Key: "reports", Title: "我的上报", Order: web.OrderCases + 1, Empty: "还没有上报过问题"}
	unrated, nUnrated, err := s.MyReports(ctx, a, Filter{Unrated: true, Limit: 5})
	if err != nil {
		return p, err
	}
	latest, n, err := s.MyReports(ctx, a, Filter{Limit: 5})
	if err != nil {
		return p, err
	}
	p.Counts = []web.Count{
		{Key: "rate", Label: "请评价", N: nUnrated, Href: "/cases/mine" + Filter{Unrated: true}.URLQuery(), Alert: true},
		{Key: "mine", Label: "我的上报", N: n, Href: "/cases/mine"},
	}
	rate := web.PanelList{Key: "rate", Title: "请评价"}
	if nUnrated > len(unrated) {
		rate.More = "/cases/mine" + Filter{Unrated: true}.URLQuery()
	}
	for _, c := range unrated {
		rate.Items = append(rate.Items, web.PanelItem{Href: fmt.Sprintf("/cases/%d", c.ID), Text: c.Title, Meta: c.Number, Tag: "请评价"})
	}
	mine := web.PanelList{Key: "mine", Title: "进展"}
	if n > len(latest) {
		mine.More = "/cases/mine"
	}
	for _, c := range latest {
		// Where it stands, as a pair the page shows in its language.
		zh, en := c.State.Label(), c.State.LabelIn("en")
		if c.AssigneeName != "" && c.State.Open() {
			zh, en = zh+" · "+c.AssigneeName, en+" · "+c.AssigneeIn("en")
		}
		mine.Items = append(mine.Items, web.PanelItem{Href: fmt.Sprintf("/cases/%d", c.ID), Text: c.Title, Meta: c.Number, Note: zh + " / " + en})
	}
	p.Lists = []web.PanelList{rate, mine}
	return p, nil
}
