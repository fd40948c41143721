package reports

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"linli/cases"
	"linli/mediation"
	"linli/registry"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fromCounts shares the period's reported cases out by source, and names
// the places of the problems reported more than once.
func (s *Service) fromCounts(ctx context.Context, r *Report, bySource map[cases.Source]int, recurring []cases.PlaceCount, cats map[int64]cases.Category) error {
	total := 0
	for _, n := range bySource {
		total += n
	}
	for src, n := range bySource {
		r.Sources = append(r.Sources, Share{Key: string(src), Name: src.Label(), N: n, Share: share(n, total)})
	}
	sort.Slice(r.Sources, func(i, j int) bool {
		if r.Sources[i].N != r.Sources[j].N {
			return r.Sources[i].N > r.Sources[j].N
		}
		return r.Sources[i].Key < r.Sources[j].Key
	})
	for _, k := range recurring {
		place, err := s.place(ctx, k.LocationID, r.Scope)
		if err != nil {
			return err
		}
		c := cats[k.CategoryID]
		r.Recurring = append(r.Recurring, Recurring{Category: c.Name, CategoryEN: c.NameEN, Place: place, N: k.N})
	}
	return nil
}

func (s *Service) categoryNames(ctx context.Context) (map[int64]cases.Category, error) {
	cs, err := s.cases.Categories(ctx)
	out := map[int64]cases.Category{}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, err
}

// place names a place below the report's scope: 学苑社区 荟萃花园南区 1号楼.
func (s *Service) place(ctx context.Context, id int64, scope registry.Node) (string, error) {
	line, err := s.reg.Lineage(ctx, s.db, id)
	if err != nil {
		return "", err
	}
	var names []string
	for _, n := range line {
		if n.Depth > scope.Depth && n.Kind != registry.KindGrid {
			names = append(names, n.Name)
		}
	}
	if len(names) == 0 {
		return scope.Name, nil
	}
	return strings.Join(names, " "), nil
}

// nameAll names the categories of the escalations and the communities of
// the projects and disputes.
func (s *Service) nameAll(ctx context.Context, r *Report, cats map[int64]cases.Category) error {
	for i := range r.Escalations {
		c := cats[r.Escalations[i].CategoryID]
		r.Escalations[i].Category, r.Escalations[i].CategoryEN = c.Name, c.NameEN
	}
	var ids []int64
	for _, p := range r.Projects {
		ids = append(ids, p.CommunityID)
	}
	for _, d := range r.Disputes {
		ids = append(ids, d.CommunityID)
	}
	if len(ids) == 0 {
		return nil
	}
	nodes, err := s.reg.NodesAt(ctx, s.db, ids)
	if err != nil {
		return err
	}
	for i := range r.Projects {
		r.Projects[i].Community = nodes[r.Projects[i].CommunityID].Name
	}
	for i := range r.Disputes {
		r.Disputes[i].Community = nodes[r.Disputes[i].CommunityID].Name
	}
	counts := map[string]int{}
	for _, d := range r.Disputes {
		counts[string(d.State)]++
	}
	for _, st := range []string{"accepted", "mediating", "agreed", "failed", "closed"} {
		if counts[st] > 0 {
			r.DisputeStates = append(r.DisputeStates, Share{Key: st, Name: mediation.State(st).Label(), N: counts[st], Share: share(counts[st], len(r.Disputes))})
		}
	}
	return nil
}

// happinessOf lists the entries of the happiness lists of the scope's
// communities done in the period, newest first. A scope of more than
// maxHappinessCommunities communities is skipped (true): its lists are
// read one community at a time.
func (s *Service) happinessOf(ctx context.Context, n registry.Node, p Period) ([]HappinessEntry, bool, error) {
	communities := []registry.Node{n}
	if n.Kind != registry.KindCommunity {
		var err error
		if communities, err = s.reg.NodesUnder(ctx, s.db, n.Path, registry.KindCommunity); err != nil {
			return nil, false, err
		}
	}
	if len(communities) > maxHappinessCommunities {
		return nil, true, nil
	}
	var out []HappinessEntry
	end := p.End()
	for _, c := range communities {
		l, err := s.happiness.List(ctx, c.ID)
		if err != nil {
			return nil, false, err
		}
		for _, e := range l.Entries {
			if !e.DoneAt.Before(p.From) && e.DoneAt.Before(end) {
				out = append(out, HappinessEntry{Community: c.Name, Kind: e.Kind, Title: e.Title, TitleEN: e.TitleEN, Place: e.Place, DoneAt: e.DoneAt})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DoneAt.After(out[j].DoneAt) })
	return out[:min(len(out), maxHappiness)], false, nil
}

// points is a difference of rates in percentage points: "+2.5", "−1".
func points(d float64) string {
	v := strconv.FormatFloat(d*100, 'f', 1, 64)
	v = strings.TrimSuffix(v, ".0")
	switch {
	case v == "0" || v == "-0":
		return "0"
	case strings.HasPrefix(v, "-"):
		return "−" + v[1:]
	}
	return "+" + v
}
