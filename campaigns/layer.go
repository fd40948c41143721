package campaigns

import (
	"context"
	"database/sql"
	"fmt"

	"linli"
	"linli/registry"
	"linli/storage"
)

// LayerKind is the building-view layer of a campaign: ?layer=campaign:<id>.
const LayerKind = "campaign"

// houseMarks is each household state's mark and short label (catalogue
// keys, catalog.go): not inspected …, fine ✓, hazard ✗, fixed ●,
// self-reported and waiting for staff ?.
var houseMarks = map[string]registry.HouseholdMark{
	HouseTodo:   {Class: registry.MarkNone, Label: "未排查"},
	HouseFine:   {Class: registry.MarkAgree, Label: "正常"},
	HouseHazard: {Class: registry.MarkDisagree, Label: "有隐患"},
	HouseFixed:  {Class: registry.MarkVisited, Label: "已整改"},
	HouseSelf:   {Class: registry.MarkUndecided, Label: "待确认"},
}

// layerSource colours a building by a campaign's findings.
type layerSource struct{ s *Service }

// LayerOptions lists the campaigns (not drafts) whose scope holds the
// building and that the actor may read.
func (l layerSource) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	var out []registry.LayerOption
	ids, err := storage.Scalars[int64](ctx, l.s.db, `SELECT DISTINCT c.id FROM campaigns c JOIN campaign_scope sc ON sc.campaign_id = c.id
		WHERE c.state <> 'draft' AND (? LIKE sc.path || '%') ORDER BY c.id DESC LIMIT 20`, b.Path)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		c, _, err := l.s.campaignFor(ctx, l.s.db, a, id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, registry.LayerOption{Key: fmt.Sprintf("%s:%d", LayerKind, id), Title: "排查：" + c.Title})
	}
	return out, nil
}

// Layer marks the building's households in the campaign's scope as not
// inspected, fine, hazard, fixed (plan done) or self-reported; the
// building view marks the rest outside.
func (l layerSource) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	s := l.s
	c, _, err := s.campaignFor(ctx, s.db, a, id)
	if err != nil {
		return registry.Layer{}, err
	}
	inScope := false
	for _, p := range c.Scope {
		if linli.Within(b.Path, p.Path) {
			inScope = true
		}
	}
	if !inScope {
		return registry.Layer{}, errNotFound()
	}
	hs, err := s.reg.HouseholdsUnder(ctx, s.db, b.Path)
	if err != nil {
		return registry.Layer{}, err
	}
	status, err := s.houseStatuses(ctx, c.ID, b.Path)
	if err != nil {
		return registry.Layer{}, err
	}
	layer := registry.Layer{Key: fmt.Sprintf("%s:%d", LayerKind, c.ID), Title: "排查：" + c.Title, URL: fmt.Sprintf("/campaigns/%d", c.ID),
		Marks: map[int64]registry.HouseholdMark{}, Outside: "不在排查范围"}
	counts := map[string]int{}
	for _, h := range hs {
		st, ok := status[h.ID]
		if !ok {
			st = HouseTodo
		}
		mk := houseMarks[st]
		mk.Title = h.Building + h.Unit + h.Room + " " + mk.Label
		layer.Marks[h.ID] = mk
		counts[st]++
	}
	total := len(hs)
	done := total - counts[HouseTodo]
	layer.Summary = []string{fmt.Sprintf("已排查 %d/%d 户，有隐患 %d 户，已整改 %d 户 / %d of %d households inspected, %d with a hazard, %d fixed",
		done, total, counts[HouseHazard]+counts[HouseFixed], counts[HouseFixed], done, total, counts[HouseHazard]+counts[HouseFixed], counts[HouseFixed])}
	for _, st := range []string{HouseFine, HouseHazard, HouseFixed, HouseSelf, HouseTodo} {
		layer.Legend = append(layer.Legend, registry.LegendItem{Class: houseMarks[st].Class, Label: houseMarks[st].Label, Count: counts[st]})
	}
	return layer, nil
}

// houseStatuses gives each household under path with a finding in force
// in the campaign its state (households without one are not inspected).
func (s *Service) houseStatuses(ctx context.Context, campaignID int64, path string) (map[int64]string, error) {
	out := map[int64]string{}
	err := storage.Each(ctx, s.db, func(r *sql.Rows) error {
		var hid, hazard, self, confirmed int64
		var plan string
		if err := r.Scan(&hid, &hazard, &self, &confirmed, &plan); err != nil {
			return err
		}
		f := Finding{Hazard: hazard != 0, SelfReported: self != 0, ConfirmedAt: storage.FromMillis(confirmed)}
		out[hid] = houseStatus(f, plan == PlanDone)
		return nil
	}, `SELECT f.household_id, f.hazard, f.self_reported, f.confirmed_at, COALESCE(p.state, '') FROM campaign_findings f
		LEFT JOIN campaign_plans p ON p.finding_id = f.id
		WHERE f.campaign_id = ? AND f.status = 'current' AND f.target = 'household' AND f.path LIKE ?`, campaignID, path+"%")
	return out, err
}
