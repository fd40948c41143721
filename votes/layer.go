package votes

import (
	"context"
	"fmt"
	"linli/storage"

	"linli"
	"linli/consent"
	"linli/links"
	"linli/registry"
)

// layer colours the building view by the ballots of a vote
// (registry.LayerSource for kind "vote").
type layer struct{ s *Service }

// LayerOptions lists the votes the actor may see whose scope is the
// building, a unit in it, or a place above it.
func (l layer) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	vs, err := l.s.ListVotes(ctx, a, VoteFilter{NodeID: b.ID})
	if err != nil {
		return nil, err
	}
	out := []registry.LayerOption{}
	for _, v := range vs {
		out = append(out, registry.LayerOption{Key: fmt.Sprintf("vote:%d", v.ID), Title: "表决：" + v.Title + "（" + v.Scope + "）"})
	}
	return out, nil
}

// Layer marks each household of the vote in the building by its current
// ballot, an open objection drawing attention first. Only those who may
// record ballots see the marks; other readers get the legend's counts.
// It reads what the marks need — the vote once, its electorate, each
// household's latest ballot and the households with an open objection —
// not the vote page's Detail (histories, objection notes, owners, cost
// plans, links).
func (l layer) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	v, err := l.s.Vote(ctx, a, id)
	if err != nil {
		return registry.Layer{}, err
	}
	if !linli.Within(v.Path, b.Path) && !linli.Within(b.Path, v.Path) {
		return registry.Layer{}, errNotFound()
	}
	hs, err := l.s.voters(ctx, l.s.db, v)
	if err != nil {
		return registry.Layer{}, err
	}
	choices, err := currentChoices(ctx, l.s.db, v.ID)
	if err != nil {
		return registry.Layer{}, err
	}
	t := evaluate(v, hs, choices).forReader(canFollow(a, v.Path))
	out := registry.Layer{Key: fmt.Sprintf("vote:%d", v.ID), Title: "表决：" + v.Title, URL: fmt.Sprintf("/votes/%d", v.ID),
		Marks: map[int64]registry.HouseholdMark{}}
	out.Summary = append(append([]string{}, t.Summary...), t.Missing...)
	if t.Valid {
		out.Summary = append(out.Summary, "表决有效通过 / the decision is valid")
	}
	if !canFollow(a, v.Path) {
		agree := t.Agree // households, as the legend counts them (AgreeOwners counts people)
		for _, li := range []struct {
			class, label string
			n            int
		}{
			{registry.MarkAgree, "同意", agree}, {registry.MarkDisagree, "反对", t.Disagree}, {registry.MarkAbstain, "弃权", t.Abstain},
			{registry.MarkNone, "未投票", t.Households - agree - t.Disagree - t.Abstain},
		} {
			out.Legend = append(out.Legend, registry.LegendItem{Class: li.class, Label: li.label, Count: li.n})
		}
		return out, nil
	}
	open, err := openObjections(ctx, l.s.db, v.ID)
	if err != nil {
		return registry.Layer{}, err
	}
	counts := map[string]int{}
	for _, h := range hs {
		class, title := markOf(VoteHousehold{Choice: choices[h.ID], OpenObjection: open[h.ID]})
		out.Marks[h.ID] = registry.HouseholdMark{Class: class, Title: h.label() + "：" + title}
		counts[class]++
	}
	for _, li := range []struct{ class, label string }{
		{registry.MarkAgree, "同意"}, {registry.MarkDisagree, "反对"}, {registry.MarkAbstain, "弃权"},
		{registry.MarkAttention, "有未解决的异议"}, {registry.MarkNone, "未投票"},
	} {
		out.Legend = append(out.Legend, registry.LegendItem{Class: li.class, Label: li.label, Count: counts[li.class]})
	}
	return out, nil
}

// openObjections is the set of households of the vote with an objection
// still open.
func openObjections(ctx context.Context, q storage.Querier, voteID int64) (map[int64]bool, error) {
	ids, err := storage.Scalars[int64](ctx, q, `SELECT household_id FROM vote_objections WHERE vote_id = ? AND resolved_at = 0`, voteID)
	out := make(map[int64]bool, len(ids))
	for _, h := range ids {
		out[h] = true
	}
	return out, err
}

func markOf(h VoteHousehold) (class, title string) {
	if h.OpenObjection {
		return registry.MarkAttention, "反对，异议待解决"
	}
	switch h.Choice {
	case consent.Agree:
		return registry.MarkAgree, "同意"
	case consent.Disagree:
		return registry.MarkDisagree, "反对"
	case consent.Abstain:
		return registry.MarkAbstain, "弃权"
	}
	return registry.MarkNone, "未投票"
}

// resolveVotes describes votes for links (only those the actor may see).
func (s *Service) resolveVotes(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		v, err := s.vote(ctx, s.db, id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !s.canRead(ctx, a, v.Path) {
			continue
		}
		t, err := s.tally(ctx, s.db, v)
		if err != nil {
			return nil, err
		}
		state := stateLabel(v.State)
		if t.Valid {
			state += " · 有效通过"
		}
		out[id] = links.Item{Title: v.Title + "（" + v.Scope + "）", URL: fmt.Sprintf("/votes/%d", id), State: state, At: v.CreatedAt}
	}
	return out, nil
}

// resolvePlans describes cost plans for links.
func (s *Service) resolvePlans(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		p, _, err := s.plan(ctx, s.db, id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !s.canRead(ctx, a, p.Path) {
			continue
		}
		out[id] = links.Item{Title: "费用分摊：" + p.Title, URL: fmt.Sprintf("/cost-plans/%d", id), State: "¥" + FormatYuan(p.PayableFen), At: p.CreatedAt}
	}
	return out, nil
}

func stateLabel(st string) string {
	switch st {
	case StatePending:
		return "未开始"
	case StateOpen:
		return "投票中"
	case StateClosed:
		return "已结束"
	}
	return st
}
