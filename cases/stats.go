package cases

import (
	"context"
	"fmt"

	"linli/storage"
)

// statColumns are the counters of the statistics rollups.
var statColumns = map[string]bool{"reported": true, "dispatched": true, "responded": true, "responded_on_time": true, "due": true,
	"closed": true, "closed_on_time": true, "resolved": true, "satisfied": true, "basic": true, "unsatisfied": true, "rework": true,
	"extended": true, "escalated": true}

// StatTables are the rollups (see migration 0008): the table, whether it
// is by month (else by day), and what ref_id holds.
var StatTables = []struct {
	Name    string
	Monthly bool
	Ref     string // "", "grid" or "category"
}{
	{"stats_community_day", false, ""},
	{"stats_grid_day", false, "grid"},
	{"stats_grid_month", true, "grid"},
	{"stats_category_day", false, "category"},
	{"stats_category_month", true, "category"},
}

// bump adds d to one counter in every rollup, in the caller's transaction,
// so the dashboards read maintained aggregates instead of scanning cases.
// day is YYYYMMDD; the monthly rollups use YYYYMM.
func (s *Service) bump(ctx context.Context, tx *storage.Tx, day int, community, grid, category int64, col string, d int) error {
	if !statColumns[col] {
		return fmt.Errorf("unknown statistics column %q", col)
	}
	for _, t := range StatTables {
		period := day
		if t.Monthly {
			period = day / 100
		}
		var ref int64
		switch t.Ref {
		case "grid":
			ref = grid
		case "category":
			ref = category
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+t.Name+` (period, community_id, ref_id, `+col+`) VALUES (?, ?, ?, ?)
			ON CONFLICT (`+conflictKey(t.Monthly)+`) DO UPDATE SET `+col+` = `+t.Name+`.`+col+` + excluded.`+col,
			period, community, ref, d); err != nil {
			return err
		}
	}
	return nil
}

// conflictKey is the primary key of a rollup, in its declared order.
func conflictKey(monthly bool) string {
	if monthly {
		return "period, community_id, ref_id"
	}
	return "community_id, period, ref_id"
}
