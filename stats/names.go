package stats

import (
	"context"
	"sync"
	"time"

	"linli/registry"
)

// names caches the display names of grids, communities, streets and
// categories: a city report names thousands of rows, and places are
// renamed rarely (a rename shows within a minute).
type names struct {
	mu      sync.Mutex
	byKey   map[string]string
	parent  map[int64]int64
	expires time.Time
}

const namesTTL = time.Minute

func (n *names) fresh(now time.Time) {
	if n.byKey == nil || now.After(n.expires) {
		n.byKey, n.parent, n.expires = map[string]string{}, map[int64]int64{}, now.Add(namesTTL)
	}
}

// lookup fills missing names for ids of one kind ("node" or "category").
func (s *Service) lookup(ctx context.Context, kind string, ids []int64) (map[int64]string, error) {
	s.names.mu.Lock()
	s.names.fresh(time.Now())
	out := map[int64]string{}
	var missing []int64
	for _, id := range ids {
		if v, ok := s.names.byKey[kind+itoa(id)]; ok {
			out[id] = v
		} else {
			missing = append(missing, id)
		}
	}
	s.names.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	found, parent, err := s.namesOf(ctx, kind, missing)
	if err != nil {
		return nil, err
	}
	s.names.mu.Lock()
	defer s.names.mu.Unlock()
	for id, name := range found {
		s.names.byKey[kind+itoa(id)] = name
		if kind == "node" {
			s.names.parent[id] = parent[id]
		}
		out[id] = name
	}
	return out, nil
}

// namesOf reads the names of ids from their owners: categories from
// cases, places from registry (a grid is named with its community before
// it, "学苑社区第一网格"), with each place's parent.
func (s *Service) namesOf(ctx context.Context, kind string, ids []int64) (map[int64]string, map[int64]int64, error) {
	names := map[int64]string{}
	if kind == "category" {
		if s.Cases == nil {
			return names, nil, nil
		}
		cats, err := s.Cases.Categories(ctx)
		if err != nil {
			return nil, nil, err
		}
		want := map[int64]bool{}
		for _, id := range ids {
			want[id] = true
		}
		for _, c := range cats {
			if want[c.ID] {
				names[c.ID] = c.Name
			}
		}
		return names, nil, nil
	}
	nodes, err := s.Registry.NodesAt(ctx, s.DB, ids)
	if err != nil {
		return nil, nil, err
	}
	var above []int64
	for _, n := range nodes {
		if n.Kind == registry.KindGrid && n.ParentID != 0 {
			above = append(above, n.ParentID)
		}
	}
	ups, err := s.Registry.NodesAt(ctx, s.DB, above)
	if err != nil {
		return nil, nil, err
	}
	parent := map[int64]int64{}
	for id, n := range nodes {
		names[id], parent[id] = n.Name, n.ParentID
		if n.Kind == registry.KindGrid {
			names[id] = ups[n.ParentID].Name + n.Name
		}
	}
	return names, parent, nil
}

// parents maps community rows to their street ids.
func (s *Service) parents(ctx context.Context, rows []Row) (map[int64]int64, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if _, err := s.lookup(ctx, "node", ids); err != nil {
		return nil, err
	}
	s.names.mu.Lock()
	defer s.names.mu.Unlock()
	out := map[int64]int64{}
	for _, id := range ids {
		out[id] = s.names.parent[id]
	}
	return out, nil
}

// name sets the names of report rows.
func (s *Service) name(ctx context.Context, by Group, rows []Row) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	kind := "node"
	if by == ByCategory {
		kind = "category"
	}
	m, err := s.lookup(ctx, kind, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if rows[i].Name = m[rows[i].ID]; rows[i].Name == "" {
			rows[i].Name = "（未分网格）"
		}
	}
	return nil
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// ForgetNames drops the cached names: places or categories were renamed
// (registry.ChannelTree, cases.ChannelCategories, on any replica).
func (s *Service) ForgetNames() {
	s.names.mu.Lock()
	s.names.byKey = nil
	s.names.mu.Unlock()
}
