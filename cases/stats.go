package cases

import (
	"context"
	"fmt"

	"linli/storage"
)

// statColumns are the counters of case_stats.
var statColumns = map[string]bool{"reported": true, "dispatched": true, "responded": true, "responded_on_time": true, "due": true,
	"closed": true, "closed_on_time": true, "resolved": true, "satisfied": true, "basic": true, "unsatisfied": true, "rework": true,
	"extended": true, "escalated": true}

// bump adds d to one counter of the day's row, in the caller's transaction,
// so the dashboards read maintained aggregates instead of scanning cases.
func (s *Service) bump(ctx context.Context, tx *storage.Tx, day int, community, grid, category int64, col string, d int) error {
	if !statColumns[col] {
		return fmt.Errorf("unknown statistics column %q", col)
	}
	res, err := tx.Exec(ctx, `UPDATE case_stats SET `+col+` = `+col+` + ? WHERE day = ? AND community_id = ? AND grid_id = ? AND category_id = ?`,
		d, day, community, grid, category)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO case_stats (day, community_id, grid_id, category_id, `+col+`) VALUES (?, ?, ?, ?, ?)`, day, community, grid, category, d)
	return err
}
