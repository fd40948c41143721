package notices

import (
	"context"
	"fmt"

	"linli"
	"linli/web"
)

// HomePanels gives the home page's 通知公告 (web.OrderNotices): for a
// recipient, the notices not yet read or acknowledged (warnings first, a
// warning past its validity or a notice past its expiry left out); for
// those who follow up, the published notices in their scope that have not
// reached everyone, each with its share reached.
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	ls, err := s.List(ctx, a, ListFilter{})
	if err != nil {
		return nil, err
	}
	now := s.now()
	mine, follows := 0, 0
	p := web.Panel{Key: "notices", Title: "通知公告", Order: web.OrderNotices, Empty: "暂无新通知"}
	unread := web.PanelList{Key: "unread", Title: "未读通知"}
	follow := web.PanelList{Key: "follow", Title: "待跟进通知"}
	var warnings []web.PanelItem
	for _, l := range ls {
		if !current(l.Notice, now) {
			continue
		}
		href := fmt.Sprintf("/notices/%d", l.ID)
		if l.awaitsMe() {
			mine++
			it := web.PanelItem{Href: href, Text: l.Title, Meta: l.PublishedAt.In(s.zone()).Format("01-02 15:04"), Tag: l.Urgency.Label(),
				Alert: l.Urgency == Warning}
			if !l.Unread {
				it.Note = "请确认知晓 / please acknowledge"
			}
			if l.Urgency == Warning {
				warnings = append(warnings, it)
			} else {
				unread.Items = append(unread.Items, it)
			}
		}
		if l.toFollow() {
			follows++
			follow.Items = append(follow.Items, web.PanelItem{Href: href + "/recipients", Text: l.Title,
				Meta: fmt.Sprintf("%d%%", l.Reach.Percent()), Tag: "未触达", Note: fmt.Sprintf("还有%d人未触达 / %d not yet reached",
					l.Reach.Total-l.Reach.Reached, l.Reach.Total-l.Reach.Reached)})
		}
	}
	unread.Items = append(warnings, unread.Items...)
	if len(unread.Items) > 0 {
		p.Counts = append(p.Counts, web.Count{Key: "unread", Label: "未读通知", N: mine, Href: "/notices?unread=1", Alert: len(warnings) > 0})
		p.Lists = append(p.Lists, unread)
	}
	if len(follow.Items) > 0 {
		p.Counts = append(p.Counts, web.Count{Key: "follow", Label: "待跟进通知", N: follows, Href: "/notices?follow=1"})
		p.Lists = append(p.Lists, follow)
	}
	if len(p.Lists) == 0 && !MayPublish(a) {
		return nil, nil
	}
	return []web.Panel{p}, nil
}
