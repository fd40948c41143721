package registry

import (
	"context"
	"database/sql"
	"time"

	"linli/storage"
)

// The reads of the statistics (package stats).

// IDsUnder returns the ids of the nodes of the given kinds under path
// (the node at path included), by kind, in id order — without the counts
// NodesUnder adds, which at a city's 500 communities cost more than the
// statistics they pick. Read through the service's database (not a
// transaction) the answer comes from a cache of a few seconds that every
// change to the tree clears on every replica (ChannelTree); callers must
// not change the slices.
func (s *Service) IDsUnder(ctx context.Context, q storage.Querier, path string, kinds ...Kind) (map[Kind][]int64, error) {
	cached := q == storage.Querier(s.DB) && s.DB != nil
	key := path
	for _, k := range kinds {
		key += "|" + string(k)
	}
	now := time.Now()
	if cached {
		if ids, ok := s.under.get(key, now); ok {
			return ids, nil
		}
	}
	args := []any{path + "%"}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	out := map[Kind][]int64{}
	err := storage.Each(ctx, q, func(rows *sql.Rows) error {
		var id int64
		var k Kind
		if err := rows.Scan(&id, &k); err != nil {
			return err
		}
		out[k] = append(out[k], id)
		return nil
	}, `SELECT id, kind FROM nodes WHERE path LIKE ? AND kind IN (`+storage.Placeholders(len(kinds))+`) ORDER BY id`, args...)
	if err == nil && cached {
		s.under.put(key, out, now)
	}
	return out, err
}
