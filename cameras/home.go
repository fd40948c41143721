package cameras

import (
	"context"
	"fmt"

	"linli"
	"linli/web"
)

// homeLimit caps the open alerts counted for the home page: the count then
// reads "500+" rather than scanning a flood.
const homeLimit = 500

// HomePanels puts the alerts still waiting for a guard on the home page of
// those who watch cameras: how many, linked to the alert list filtered the
// same way, and the newest few. A guard sees the panel even when nothing is
// waiting; others who watch cameras (staff, administrators) see it only
// when something is, so that an empty card does not head their page.
func (s *Service) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || len(watchScopes(a)) == 0 {
		return nil, nil
	}
	// The same filter as /cameras/alerts?state=open, which the count links to.
	as, err := s.Alerts(ctx, a, AlertFilter{States: []AlertState{Open}, Limit: homeLimit})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 && !a.HasRole(linli.RoleGuard) {
		return nil, nil
	}
	p := web.Panel{Key: "cameras", Title: "门岗告警", Order: web.OrderCameras, Empty: "没有待处理的告警"}
	p.Counts = []web.Count{{Key: "open", Label: "待处理告警", N: len(as), Href: "/cameras/alerts?state=open",
		Alert: true, Capped: len(as) == homeLimit}}
	l := web.PanelList{Key: "open", Title: "最新告警", More: "/cameras/board"}
	for i, al := range as {
		if i == 5 {
			break
		}
		l.Items = append(l.Items, web.PanelItem{Href: fmt.Sprintf("/cameras/alerts/%d", al.ID), Text: al.Camera,
			Meta: al.At.In(s.zone()).Format("01-02 15:04"), Tag: ruleLabel(al.RuleKind)})
	}
	p.Lists = []web.PanelList{l}
	return []web.Panel{p}, nil
}
