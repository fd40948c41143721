package visits

import (
	"context"
	"database/sql"
	"fmt"

	"linli"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// latest is a household's most recent visit about a matter.
type latest struct {
	Stance Stance
	At     int64
}

// latestStances returns, per household under path, the stance of its most
// recent visit about the matter.
func (s *Service) latestStances(ctx context.Context, matterID int64, path string) (map[int64]latest, error) {
	out := map[int64]latest{}
	if matterID == 0 {
		return out, nil
	}
	err := storage.Each(ctx, s.db, func(r *sql.Rows) error {
		var id int64
		var l latest
		if err := r.Scan(&id, &l.Stance, &l.At); err != nil {
			return err
		}
		out[id] = l // later rows win
		return nil
	}, `SELECT household_id, stance, visited_at FROM visits WHERE matter_id = ? AND path LIKE ? ORDER BY visited_at, id`, matterID, path+"%")
	return out, err
}

// householdsUnder lists the households under a node path (and, when
// within is set, also under that path), in building, unit, floor, room
// order (registry.HouseholdsUnder).
func (s *Service) householdsUnder(ctx context.Context, path, within string) ([]CoverageHousehold, error) {
	hs, err := s.registry.HouseholdsUnder(ctx, s.db, path)
	if err != nil {
		return nil, err
	}
	var out []CoverageHousehold
	for _, h := range hs {
		if within == "" || linli.Within(h.Path, within) {
			out = append(out, CoverageHousehold{ID: h.ID, Label: h.Estate + h.Building + h.Unit + h.Room})
		}
	}
	return out, nil
}

// Coverage says which households under a place have been visited about a
// subject, and lists those not visited yet. nodeID 0 means the scope of
// the subject's visit matter. Needs PermVisitsWrite on the place (canRead);
// another place answers 404.
func (s *Service) Coverage(ctx context.Context, a *linli.Actor, subject links.Ref, nodeID int64) (Coverage, error) {
	if subject.IsZero() || !validSubjectKind(subject.Kind) {
		return Coverage{}, linli.Invalid("走访事项无效 / invalid subject", linli.FieldError{Field: "subject",
			Reason: "应为 project:ID、vote:ID、dispute:ID 或 matter:ID / must be project:ID, vote:ID, dispute:ID or matter:ID"})
	}
	m, ok, err := s.matterBySubject(ctx, s.db, subject)
	if err != nil {
		return Coverage{}, err
	}
	if !ok && subject.Kind == KindMatter {
		return Coverage{}, errNoMatter()
	}
	// The matter's title and the subject are told only to those who may
	// see them: a matter whose scope is not the actor's, or a project,
	// vote or dispute they cannot see, answers as an unknown one (the
	// place checked below is the actor's own, so it says nothing).
	if ok && !overlaps(a, m.Path) {
		return Coverage{}, errNoMatter()
	}
	if err := s.checkSubject(ctx, a, subject); err != nil {
		if linli.ErrorCode(err) == linli.EInvalid {
			return Coverage{}, errNoMatter()
		}
		return Coverage{}, err
	}
	c := Coverage{Subject: subject.String(), Title: subjectLabel(subject), Pending: []CoverageHousehold{}}
	if ok {
		c.MatterID, c.Title = m.ID, m.Title
		if nodeID == 0 {
			nodeID = m.ScopeID
		}
	}
	if nodeID == 0 {
		return c, linli.Invalid("请选择范围 / choose a place", linli.FieldError{Field: "node_id", Reason: "必填：尚无走访记录 / required: nothing visited yet"})
	}
	n, err := s.registry.NodeByID(ctx, nodeID)
	if err != nil {
		return c, err
	}
	if !canRead(a, n.Path) {
		return Coverage{}, linli.Errorf(linli.ENotFound, "地点不存在 / place not found")
	}
	c.NodeID, c.Node = n.ID, n.Name
	hs, err := s.householdsUnder(ctx, n.Path, "")
	if err != nil {
		return c, err
	}
	seen, err := s.latestStances(ctx, c.MatterID, n.Path)
	if err != nil {
		return c, err
	}
	c.Total = len(hs)
	for _, h := range hs {
		l, ok := seen[h.ID]
		if !ok {
			c.Pending = append(c.Pending, h)
			continue
		}
		c.Visited++
		switch l.Stance {
		case Support:
			c.Support++
		case Oppose:
			c.Oppose++
		default:
			c.Undecided++
		}
	}
	c.NotVisited = c.Total - c.Visited
	return c, nil
}

// MatterCoverage is Coverage for a visit matter by its id.
func (s *Service) MatterCoverage(ctx context.Context, a *linli.Actor, matterID, nodeID int64) (Matter, Coverage, error) {
	m, err := s.Matter(ctx, a, matterID)
	if err != nil {
		return m, Coverage{}, err
	}
	if nodeID == 0 && !canRead(a, m.Path) {
		// A unit head sees a building's matter: its coverage is that of
		// the unit (the part of the scope the actor reads), not a 404.
		for _, g := range a.Grants {
			if g.Role.Has(linli.PermVisitsWrite) && linli.Within(g.NodePath, m.Path) {
				nodeID = g.NodeID
				break
			}
		}
	}
	c, err := s.Coverage(ctx, a, m.SubjectRef(), nodeID)
	return m, c, err
}

// LayerKind is the building-view layer kind of visit coverage:
// ?layer=visits:<matter id>.
const LayerKind = "visits"

// layerSource colours a building by who has been visited about a matter.
type layerSource struct{ s *Service }

// LayerOptions lists the visit matters whose scope overlaps the building.
func (l layerSource) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	if !canRead(a, b.Path) {
		return nil, nil
	}
	var out []registry.LayerOption
	err := storage.Each(ctx, l.s.db, func(r *sql.Rows) error {
		m, err := scanMatter(r)
		out = append(out, registry.LayerOption{Key: fmt.Sprintf("%s:%d", LayerKind, m.ID), Title: "走访：" + m.Title})
		return err
	}, `SELECT `+matterColumns+` FROM visit_matters m WHERE ? LIKE m.scope_path || '%' OR m.scope_path LIKE ? ORDER BY m.id DESC LIMIT 50`,
		b.Path, b.Path+"%")
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Layer marks the building's households in the matter's scope by their
// stance at the latest visit — support (MarkAgree), oppose
// (MarkDisagree), undecided (MarkUndecided) — or as not visited yet
// (MarkNone); the building's households outside the matter's scope are
// marked outside by the building view.
func (l layerSource) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	s := l.s
	m, err := s.matter(ctx, s.db, id)
	if err != nil {
		return registry.Layer{}, err
	}
	if !linli.Within(b.Path, m.Path) && !linli.Within(m.Path, b.Path) {
		return registry.Layer{}, errNoMatter()
	}
	if !canRead(a, b.Path) {
		return registry.Layer{}, errNoMatter()
	}
	hs, err := s.householdsUnder(ctx, b.Path, m.Path)
	if err != nil {
		return registry.Layer{}, err
	}
	seen, err := s.latestStances(ctx, m.ID, b.Path)
	if err != nil {
		return registry.Layer{}, err
	}
	layer := registry.Layer{Key: fmt.Sprintf("%s:%d", LayerKind, m.ID), Title: "走访：" + m.Title,
		URL: fmt.Sprintf("/visits/matters/%d?node_id=%d", m.ID, b.ID), Marks: map[int64]registry.HouseholdMark{}, Outside: "不在走访范围"}
	counts := map[string]int{}
	for _, h := range hs {
		st, ok := seen[h.ID]
		mk := registry.HouseholdMark{Class: registry.MarkNone, Title: "未走访", Label: "未走访"}
		if ok {
			mk = registry.HouseholdMark{Class: stanceMark[st.Stance], Label: st.Stance.Label(),
				Title: s.date(storage.FromMillis(st.At)) + " 走访：" + st.Stance.Label()}
		}
		layer.Marks[h.ID] = mk
		counts[mk.Class]++
	}
	total, none := len(hs), counts[registry.MarkNone]
	// "中文 / English": the building page shows the half for its language.
	layer.Summary = []string{fmt.Sprintf("已走访 %d/%d 户，未走访 %d 户 / %d of %d households visited, %d not yet",
		total-none, total, none, total-none, total, none)}
	if n := counts[registry.MarkDisagree]; n > 0 {
		layer.Summary = append(layer.Summary, fmt.Sprintf("其中 %d 户反对，需重点做工作 / %d of them oppose: they need the most work", n, n))
	}
	if n := counts[registry.MarkUndecided]; n > 0 {
		layer.Summary = append(layer.Summary, fmt.Sprintf("%d 户未决定，可再次走访 / %d have not decided: worth another visit", n, n))
	}
	// Legend labels are catalogue keys (visits/catalog.go): the page
	// translates them.
	layer.Legend = []registry.LegendItem{
		{Class: registry.MarkAgree, Label: Support.Label(), Count: counts[registry.MarkAgree]},
		{Class: registry.MarkDisagree, Label: Oppose.Label(), Count: counts[registry.MarkDisagree]},
		{Class: registry.MarkUndecided, Label: Undecided.Label(), Count: counts[registry.MarkUndecided]},
		{Class: registry.MarkNone, Label: "未走访", Count: none},
	}
	return layer, nil
}

// stanceMark is the building-view mark of each stance.
var stanceMark = map[Stance]string{Support: registry.MarkAgree, Oppose: registry.MarkDisagree, Undecided: registry.MarkUndecided}
