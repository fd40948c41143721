package stats

import (
	"context"
	"strings"
	"sync"
	"time"
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
	var missing []any
	for _, id := range ids {
		if v, ok := s.names.byKey[kind+itoa(id)]; ok {
			out[id] = v
		} else {
			missing = append(missing, id)
		}
	}
	s.names.mu.Unlock()
	for len(missing) > 0 {
		batch := missing[:min(500, len(missing))]
		missing = missing[len(batch):]
		marks := strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")
		q := `SELECT n.id, COALESCE(c.name, '') || n.name, COALESCE(n.parent_id, 0) FROM nodes n LEFT JOIN nodes c ON c.id = n.parent_id AND n.kind = 'grid' WHERE n.id IN (` + marks + `)`
		if kind == "category" {
			q = `SELECT id, name, 0 FROM categories WHERE id IN (` + marks + `)`
		}
		rows, err := s.DB.Query(ctx, q, batch...)
		if err != nil {
			return nil, err
		}
		s.names.mu.Lock()
		for rows.Next() {
			var id, parent int64
			var name string
			if err := rows.Scan(&id, &name, &parent); err != nil {
				s.names.mu.Unlock()
				rows.Close()
				return nil, err
			}
			s.names.byKey[kind+itoa(id)] = name
			if kind == "node" {
				s.names.parent[id] = parent
			}
			out[id] = name
		}
		s.names.mu.Unlock()
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
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
