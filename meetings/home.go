package meetings

import (
	"context"
	"fmt"
	"slices"

	"linli"
	"linli/web"
)

// HomePanels gives the home page's 今日会议: the meetings of today the
// actor may see (List's reads and checks: their scopes and the meetings
// they or their household are invited to). Those who run meetings see the
// panel on a day without any too.
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	now := s.now().In(s.zone())
	start, _ := ParseDay("today", now, s.zone())
	// The same filter as the list the count links to (/meetings?day=today).
	ls, err := s.List(ctx, a, ListFilter{Day: start})
	if err != nil {
		return nil, err
	}
	p := web.Panel{Key: "meetings", Title: "今日会议", Order: web.OrderMeetings, Empty: "今天没有会议"}
	l := web.PanelList{Key: "today", Title: "今日会议"}
	var today []Meeting
	today = append(append(today, ls.Upcoming...), ls.Past...)
	slices.SortStableFunc(today, func(x, y Meeting) int { return x.StartsAt.Compare(y.StartsAt) })
	for _, m := range today {
		item := web.PanelItem{Href: fmt.Sprintf("/meetings/%d", m.ID), Text: m.Title, Meta: m.StartsAt.In(s.zone()).Format("15:04") + " " + m.Place}
		if now.Before(m.StartsAt) {
			item.Note = web.Remaining(m.StartsAt, now)
		}
		l.Items = append(l.Items, item)
	}
	p.Counts = []web.Count{{Key: "today", Label: "今日会议", N: len(l.Items), Href: "/meetings?day=today"}}
	p.Lists = []web.PanelList{l}
	if len(l.Items) == 0 && !a.CanAny(linli.PermProjectsManage) {
		return nil, nil
	}
	return []web.Panel{p}, nil
}
