package votes

import (
	"cmp"
	"context"
	"fmt"
	"slices"

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
// ballot, an open objection drawing attention first; the building's other
// households are outside the vote (registry marks them). Only those who
// may record ballots see the marks; other readers get the legend's
// counts. It reads what the marks need — the vote once, its electorate,
// each household's latest ballot and the households with an open
// objection — not the vote page's Detail (histories, objection notes,
// owners, cost plans, links).
func (l layer) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	v, err := l.s.Vote(ctx, a, id)
	if err != nil {
		return registry.Layer{}, err
	}
	if !linli.Within(v.Path, b.Path) && !linli.Within(b.Path, v.Path) {
		return registry.Layer{}, errNotFound()
	}
	out := registry.Layer{Key: fmt.Sprintf("vote:%d", v.ID), Title: "表决：" + v.Title, URL: fmt.Sprintf("/votes/%d", v.ID),
		Marks: map[int64]registry.HouseholdMark{}, Outside: "不在本次表决范围"}
	m, err := l.s.voteMarks(ctx, a, v, out.Marks)
	if err != nil {
		return registry.Layer{}, err
	}
	out.Summary = append(append([]string{}, m.tally.Summary...), m.tally.Missing...)
	if m.tally.Valid {
		out.Summary = append(out.Summary, "表决有效通过 / the decision is valid")
	}
	out.Legend = m.legend()
	return out, nil
}

// voteCounts is what marking one vote found: the tally as the reader may
// read it, and the households per mark class.
type voteCounts struct {
	tally  Tally
	counts map[string]int
}

// voteMarks adds the marks of v's households to marks (none when the
// actor may not follow the vote's households: counts only).
func (s *Service) voteMarks(ctx context.Context, a *linli.Actor, v Vote, marks map[int64]registry.HouseholdMark) (voteCounts, error) {
	hs, err := s.voters(ctx, s.db, v)
	if err != nil {
		return voteCounts{}, err
	}
	choices, err := currentChoices(ctx, s.db, v.ID)
	if err != nil {
		return voteCounts{}, err
	}
	follow := canFollow(a, v.Path)
	out := voteCounts{tally: evaluate(v, hs, choices).forReader(follow), counts: map[string]int{}}
	if !follow {
		t := out.tally // households, as the legend counts them (AgreeOwners counts people)
		out.counts[registry.MarkAgree], out.counts[registry.MarkDisagree], out.counts[registry.MarkAbstain] = t.Agree, t.Disagree, t.Abstain
		out.counts[registry.MarkNone] = t.Households - t.Agree - t.Disagree - t.Abstain
		return out, nil
	}
	open, err := openObjections(ctx, s.db, v.ID)
	if err != nil {
		return voteCounts{}, err
	}
	for _, h := range hs {
		class, title := markOf(VoteHousehold{Choice: choices[h.ID], OpenObjection: open[h.ID]})
		mk := registry.HouseholdMark{Class: class, Title: h.label() + "：" + title}
		if class == registry.MarkAttention {
			mk.Label = "异议"
		}
		marks[h.ID] = mk
		out.counts[class]++
	}
	return out, nil
}

// voteLegend is the legend of vote marks, in reading order.
var voteLegend = []struct{ class, label string }{
	{registry.MarkAgree, "同意"}, {registry.MarkDisagree, "反对"}, {registry.MarkAbstain, "弃权"},
	{registry.MarkAttention, "有未解决的异议"}, {registry.MarkNone, "未投票"},
}

// legend lists every class with its count (an open objection only where
// there is one, or where the reader sees the marks).
func (c voteCounts) legend() []registry.LegendItem {
	out := []registry.LegendItem{}
	for _, li := range voteLegend {
		if li.class == registry.MarkAttention && c.counts[li.class] == 0 {
			continue
		}
		out = append(out, registry.LegendItem{Class: li.class, Label: li.label, Count: c.counts[li.class]})
	}
	return out
}

// UnitVotesKind is the layer over all unit votes of a building:
// ?layer=unitvotes:<building id>.
const UnitVotesKind = "unitvotes"

// unitVotes colours a building whose units vote one by one with every
// unit's latest vote at once (registry.LayerSource for UnitVotesKind).
type unitVotes struct{ s *Service }

// latestByUnit is, for each unit of the building with a vote the actor
// may see, the newest such vote, in unit order.
func (l unitVotes) latestByUnit(ctx context.Context, a *linli.Actor, b registry.Node) ([]Vote, error) {
	vs, err := l.s.ListVotes(ctx, a, VoteFilter{NodeID: b.ID})
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []Vote
	for _, v := range vs { // newest first
		if v.ScopeKind != registry.KindUnit || !linli.Within(v.Path, b.Path) || seen[v.ScopeID] {
			continue
		}
		seen[v.ScopeID] = true
		out = append(out, v)
	}
	slices.SortFunc(out, func(x, y Vote) int { return cmp.Compare(x.ScopeID, y.ScopeID) }) // units are made in order
	return out, nil
}

// LayerOptions offers the layer where at least two units have a vote.
func (l unitVotes) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	vs, err := l.latestByUnit(ctx, a, b)
	if err != nil || len(vs) < 2 {
		return nil, err
	}
	return []registry.LayerOption{{Key: fmt.Sprintf("%s:%d", UnitVotesKind, b.ID), Title: fmt.Sprintf("全部单元表决（%d个单元，各单元最近一次）", len(vs))}}, nil
}

// Layer marks the households of every unit by that unit's latest vote and
// sums the legend; each unit's result is a line of the summary.
func (l unitVotes) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	if id != b.ID {
		return registry.Layer{}, errNotFound()
	}
	vs, err := l.latestByUnit(ctx, a, b)
	if err != nil {
		return registry.Layer{}, err
	}
	out := registry.Layer{Key: fmt.Sprintf("%s:%d", UnitVotesKind, b.ID), Title: "全部单元表决", Marks: map[int64]registry.HouseholdMark{},
		Outside: "该单元没有表决", Summary: []string{}}
	all := voteCounts{counts: map[string]int{}}
	for _, v := range vs {
		c, err := l.s.voteMarks(ctx, a, v, out.Marks)
		if err != nil {
			return registry.Layer{}, err
		}
		for k, n := range c.counts {
			all.counts[k] += n
		}
		result, en := "未通过", "not passed"
		if c.tally.Valid {
			result, en = "有效通过", "valid"
		}
		t := c.tally
		out.Summary = append(out.Summary, fmt.Sprintf("%s：%s，同意 %d/%d 户（%s） / %s: %s, %d of %d households agree (%s)",
			v.Scope, result, t.Agree, t.Households, stateLabel(v.State), v.Scope, en, t.Agree, t.Households, stateEN(v.State)))
	}
	out.Legend = all.legend()
	return out, nil
}

func stateEN(st string) string {
	switch st {
	case StatePending:
		return "not open yet"
	case StateOpen:
		return "open"
	}
	return "closed"
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
		out[id] = links.Item{Title: v.Title + "（" + v.Scope + "）", URL: fmt.Sprintf("/votes/%d", id), State: state, At: v.CreatedAt, Path: v.Path}
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
