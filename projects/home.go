package projects

import (
	"context"
	"fmt"

	"linli"
	"linli/storage"
	"linli/web"
)

// HomePanels gives the home page's 我关注的项目: the projects the actor
// follows and may still read (Get's check), with their phase and progress.
// A resident sees the panel when following none too (the projects page is
// where to follow one).
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	ids, err := storage.Scalars[int64](ctx, s.db, `SELECT project_id FROM project_followers WHERE account_id = ? ORDER BY project_id DESC LIMIT 50`, a.AccountID)
	if err != nil {
		return nil, err
	}
	p := web.Panel{Key: "projects", Title: "我关注的项目", Order: web.OrderProjects, Empty: "还没有关注项目"}
	l := web.PanelList{Key: "followed", Title: "我关注的项目"}
	en := catalog()
	for _, id := range ids {
		pr, err := s.Get(ctx, a, id)
		if linli.ErrorCode(err) == linli.ENotFound || linli.ErrorCode(err) == linli.EForbidden {
			continue // no longer visible to them
		}
		if err != nil {
			return nil, err
		}
		// The phase and progress, a pair the page shows in its language.
		zh := pr.Phase.Label()
		l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/projects/%d", pr.ID), Text: pr.Title,
			Note: fmt.Sprintf("%s · %d%% / %s · %d%%", zh, pr.Progress, en[zh], pr.Progress)})
	}
	p.Counts = []web.Count{{Key: "followed", Label: "我关注的项目", N: len(l.Items), Href: "/projects"}}
	p.Lists = []web.PanelList{l}
	if len(l.Items) == 0 && !a.HasRole(linli.RoleResident) {
		return nil, nil
	}
	return []web.Panel{p}, nil
}
