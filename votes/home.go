package votes

import (
	"context"
	"fmt"

	"linli"
	"linli/web"
)

// HomePanels gives the home page's open votes: those the actor may see
// (ListVotes' reads and checks: votes in their project scopes, and those
// over their own household for a resident), with the time left. A
// resident sees the votes of their building and unit here; those who run
// votes see the panel when none is open too.
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	vs, err := s.ListVotes(ctx, a, VoteFilter{State: StateOpen})
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := web.Panel{Key: "votes", Title: "进行中的表决", Order: web.OrderVotes, Empty: "没有进行中的表决"}
	l := web.PanelList{Key: "open", Title: "进行中的表决"}
	n := 0
	for _, v := range vs {
		n++
		if len(l.Items) < 5 {
			l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/votes/%d", v.ID), Text: v.Title, Meta: v.Scope, Note: web.Remaining(v.ClosesAt, now)})
		}
	}
	if n > len(l.Items) {
		l.More = "/votes?state=open"
	}
	p.Counts = []web.Count{{Key: "open", Label: "进行中", N: n, Href: "/votes?state=open"}}
	p.Lists = []web.PanelList{l}
	if n == 0 && !a.CanAny(linli.PermProjectsManage) {
		return nil, nil
	}
	return []web.Panel{p}, nil
}
