package projects

import (
	"math/big"
	"sort"
)

// Progress of milestones. A leaf carries its own progress (0–100); a
// parent's progress is the weighted mean of its children's, weights being
// non-negative integers. The mean is computed exactly (rationals through
// the whole tree, so rounding at one level never leaks into the next) and
// rounded only for display, downwards: a parent shows 100% only when every
// weighted child is done, never because 99.6 rounded up.
//
// Zero weights: a child of weight 0 does not count. When every child of a
// parent weighs 0 the children count equally (a plan with no weights
// entered yet still shows movement).

// exactProgress returns the exact progress of each milestone, by id, and of
// the whole project (the roots, parent_id 0, combined the same way; no
// milestones: 0).
func exactProgress(ms []Milestone) (map[int64]*big.Rat, *big.Rat) {
	children := map[int64][]Milestone{}
	for _, m := range ms {
		children[m.ParentID] = append(children[m.ParentID], m)
	}
	out := map[int64]*big.Rat{}
	var visit func(m Milestone, depth int) *big.Rat
	mean := func(kids []Milestone, depth int) *big.Rat {
		var sumW int64
		for _, k := range kids {
			if k.Weight > 0 {
				sumW += int64(k.Weight)
			}
		}
		total := new(big.Rat)
		for _, k := range kids {
			v := visit(k, depth+1)
			w := int64(k.Weight)
			if sumW == 0 {
				w = 1
			} else if w < 0 {
				w = 0
			}
			total.Add(total, new(big.Rat).Mul(v, big.NewRat(w, 1)))
		}
		if len(kids) == 0 {
			return total
		}
		if sumW == 0 {
			sumW = int64(len(kids))
		}
		return total.Quo(total, big.NewRat(sumW, 1))
	}
	visit = func(m Milestone, depth int) *big.Rat {
		if v, ok := out[m.ID]; ok {
			return v
		}
		kids := children[m.ID]
		var v *big.Rat
		if len(kids) == 0 || depth > 64 { // depth guard: a cycle in bad data
			p := m.Progress
			if p < 0 {
				p = 0
			}
			if p > 100 {
				p = 100
			}
			v = big.NewRat(int64(p), 1)
		} else {
			v = mean(kids, depth)
		}
		out[m.ID] = v
		return v
	}
	root := mean(children[0], 0)
	// Milestones whose parent is missing are still computed.
	for _, m := range ms {
		visit(m, 0)
	}
	return out, root
}

// floorPercent rounds a progress value down to a whole percent.
func floorPercent(r *big.Rat) int {
	q := new(big.Int).Quo(r.Num(), r.Denom()) // Num ≥ 0, so truncation is floor
	return int(q.Int64())
}

// ComputeProgress fills Computed on every milestone and returns them as a
// tree (children under their parent, by sort then id) with the project's
// progress.
func ComputeProgress(ms []Milestone) ([]Milestone, int) {
	exact, root := exactProgress(ms)
	byParent := map[int64][]Milestone{}
	for _, m := range ms {
		m.Computed = floorPercent(exact[m.ID])
		byParent[m.ParentID] = append(byParent[m.ParentID], m)
	}
	ids := map[int64]bool{}
	for _, m := range ms {
		ids[m.ID] = true
	}
	var build func(parent int64, depth int) []Milestone
	build = func(parent int64, depth int) []Milestone {
		kids := byParent[parent]
		sort.SliceStable(kids, func(i, j int) bool {
			if kids[i].Sort != kids[j].Sort {
				return kids[i].Sort < kids[j].Sort
			}
			return kids[i].ID < kids[j].ID
		})
		out := make([]Milestone, 0, len(kids))
		for _, k := range kids {
			if depth < 64 {
				k.Children = build(k.ID, depth+1)
			}
			k.Leaf = len(byParent[k.ID]) == 0
			out = append(out, k)
		}
		return out
	}
	tree := build(0, 0)
	return tree, floorPercent(root)
}

// Flatten lists a milestone tree depth first, with Depth set (for pages).
func Flatten(tree []Milestone) []Milestone {
	var out []Milestone
	var walk func(ms []Milestone, depth int)
	walk = func(ms []Milestone, depth int) {
		for _, m := range ms {
			m.Depth = depth
			kids := m.Children
			m.Children = nil
			out = append(out, m)
			walk(kids, depth+1)
		}
	}
	walk(tree, 0)
	return out
}
