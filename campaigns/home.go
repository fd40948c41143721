package campaigns

import (
	"context"
	"database/sql"
	"fmt"

	"linli"
	"linli/storage"
	"linli/web"
)

// orderCampaigns places the panel after the meetings.
const orderCampaigns = web.OrderMeetings + 5

// MyTasks lists the tasks of active campaigns the actor walks.
func (s *Service) MyTasks(ctx context.Context, a *linli.Actor) ([]Task, error) {
	out := []Task{}
	if a == nil || a.AccountID == 0 {
		return out, nil
	}
	ids, err := storage.Scalars[int64](ctx, s.db, `SELECT t.id FROM campaign_task_people p JOIN campaign_tasks t ON t.id = p.task_id
		JOIN campaigns c ON c.id = t.campaign_id WHERE p.account_id = ? AND c.state = 'active' ORDER BY c.deadline_day, t.path LIMIT 100`, a.AccountID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, err := s.task(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// OpenPlans lists the open plans the actor acts on: every open plan of the
// campaigns it runs, and those assigned to it elsewhere; soonest due first.
func (s *Service) OpenPlans(ctx context.Context, a *linli.Actor) ([]Plan, error) {
	out := []Plan{}
	if a == nil {
		return out, nil
	}
	cond, args := storage.ScopeFilter("c.path", a.Scopes(linli.PermProjectsManage))
	args = append(args, a.AccountID)
	ps, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Plan, error) { return scanPlan(r) },
		`SELECT `+planColumns+planFrom+` JOIN campaigns c ON c.id = p.campaign_id
		WHERE p.state = 'open' AND (`+cond+` OR p.assignee_id = ?) ORDER BY CASE WHEN p.due_day = 0 THEN 1 ELSE 0 END, p.due_day, p.id LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	return append(out, ps...), nil
}

// SelfChecks lists the active campaigns inviting the actor's household to
// check itself (a resident whose household has no finding yet).
func (s *Service) SelfChecks(ctx context.Context, a *linli.Actor) ([]Campaign, error) {
	out := []Campaign{}
	if a == nil {
		return out, nil
	}
	var hids []int64
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			hids = append(hids, g.HouseholdID)
		}
	}
	if len(hids) == 0 {
		return out, nil
	}
	hs, err := s.reg.HouseholdsAt(ctx, s.db, hids)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, h := range hs {
		ids, err := storage.Scalars[int64](ctx, s.db, `SELECT DISTINCT c.id FROM campaigns c JOIN campaign_scope sc ON sc.campaign_id = c.id
			WHERE c.state = 'active' AND ? LIKE sc.path || '%'
			AND NOT EXISTS (SELECT 1 FROM campaign_findings f WHERE f.campaign_id = c.id AND f.household_id = ? AND f.status = 'current')`, h.Path, h.ID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			c, err := s.get(ctx, s.db, id, false)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// HomePanels gives the home page's 专项排查 panel: the tasks the actor
// walks, the open plans it acts on (overdue in red) and, for a resident,
// the self-checks it is invited to. Nothing to show: no panel.
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	ts, err := s.MyTasks(ctx, a)
	if err != nil {
		return nil, err
	}
	ps, err := s.OpenPlans(ctx, a)
	if err != nil {
		return nil, err
	}
	invites, err := s.SelfChecks(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 && len(ps) == 0 && len(invites) == 0 {
		return nil, nil
	}
	p := web.Panel{Key: "campaigns", Title: "专项排查", Order: orderCampaigns, Empty: "暂无排查任务"}
	if len(ts) > 0 {
		l := web.PanelList{Key: "tasks", Title: "我的排查任务"}
		for _, t := range ts {
			l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/campaign-tasks/%d", t.ID), Text: t.Title,
				Note: fmt.Sprintf("已查 %d/%d 户 / %d of %d households", t.Inspected, t.Households, t.Inspected, t.Households)})
		}
		p.Counts = append(p.Counts, web.Count{Key: "tasks", Label: "排查任务", N: len(ts), Href: "/campaigns/mine"})
		p.Lists = append(p.Lists, l)
	}
	if len(ps) > 0 {
		today := s.today()
		l := web.PanelList{Key: "plans", Title: "待整改", More: "/campaigns/plans"}
		overdue := 0
		for i, pl := range ps {
			late := pl.DueOn != 0 && pl.DueOn < today
			if late {
				overdue++
			}
			if i < 8 {
				l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/campaign-plans/%d", pl.ID), Text: pl.Label, Meta: pl.DueOn.String(),
					Tag: pl.Kind.Label(), Alert: late})
			}
		}
		p.Counts = append(p.Counts, web.Count{Key: "plans", Label: "待整改", N: len(ps), Href: "/campaigns/plans"},
			web.Count{Key: "plans_overdue", Label: "整改超期", N: overdue, Href: "/campaigns/plans?overdue=1", Alert: true})
		p.Lists = append(p.Lists, l)
	}
	if len(invites) > 0 {
		l := web.PanelList{Key: "selfcheck", Title: "请自查"}
		for _, c := range invites {
			l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/campaigns/%d/self-check", c.ID), Text: c.Title, Tag: "请自查",
				Meta: c.Deadline.String()})
		}
		p.Lists = append(p.Lists, l)
	}
	return []web.Panel{p}, nil
}
