package cases

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"linli/storage"
)

// statColumns are the counters of the statistics rollups.
var statColumns = map[string]bool{"reported": true, "dispatched": true, "responded": true, "responded_on_time": true, "due": true,
	"closed": true, "closed_on_time": true, "resolved": true, "satisfied": true, "basic": true, "unsatisfied": true, "rework": true,
	"extended": true, "escalated": true, "response_due": true, "due_closed": true, "due_extended": true}

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

// bump records that one counter changed by d, in the caller's
// transaction: a row in stats_deltas, folded into every rollup by Fold.
// day is YYYYMMDD; the monthly rollups use YYYYMM.
func (s *Service) bump(ctx context.Context, tx *storage.Tx, day int, community, grid, category int64, col string, d int) error {
	if !statColumns[col] {
		return fmt.Errorf("unknown statistics column %q", col)
	}
	return tx.Queue(ctx, `INSERT INTO stats_deltas (day, community_id, grid_id, category_id, col, d) VALUES (?, ?, ?, ?, ?, ?)`,
		day, community, grid, category, col, d)
}

// apply adds d to one counter in every rollup.
func apply(ctx context.Context, tx *storage.Tx, day int, community, grid, category int64, col string, d int) error {
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

// foldBatch bounds one folding transaction.
const foldBatch = 5000

// Fold moves queued counter changes into the rollups: it sums them per
// cell in memory and applies each sum once, so a thousand reports of one
// grid today cost a handful of upserts. It returns how many changes it
// folded. Statistics reads call it first, so they see every committed
// change; a timer calls it too, so the queue stays short.
func (s *Service) Fold(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.DB.Batch(ctx, func(tx *storage.Tx) error {
			type cell struct {
				day                  int
				community, grid, cat int64
				col                  string
			}
			sums := map[cell]int{}
			var order []cell
			var last int64
			err := storage.Each(ctx, tx, func(rows *sql.Rows) error {
				var c cell
				var d int
				if err := rows.Scan(&last, &c.day, &c.community, &c.grid, &c.cat, &c.col, &d); err != nil {
					return err
				}
				if _, ok := sums[c]; !ok {
					order = append(order, c)
				}
				sums[c] += d
				n++
				return nil
			}, // Take exactly the rows read: on PostgreSQL a delta whose
				// id is below the last one read may commit after the read
				// (ids are handed out before commit), and a separate
				// "DELETE … WHERE id <= last" would drop it uncounted.
				`DELETE FROM stats_deltas WHERE id IN (SELECT id FROM stats_deltas ORDER BY id LIMIT `+fmt.Sprint(foldBatch)+`)
				RETURNING id, day, community_id, grid_id, category_id, col, d`)
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			// The same order in every fold, whatever order the rows came
			// back in: two folds never take the rollups' rows crosswise.
			slices.SortFunc(order, func(a, b cell) int {
				return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.community, b.community), cmp.Compare(a.grid, b.grid),
					cmp.Compare(a.cat, b.cat), cmp.Compare(a.col, b.col))
			})
			for _, c := range order {
				if sums[c] == 0 {
					continue
				}
				if err := apply(ctx, tx, c.day, c.community, c.grid, c.cat, c.col, sums[c]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < foldBatch {
			return total, nil
		}
	}
}

// conflictKey is the primary key of a rollup, in its declared order.
func conflictKey(monthly bool) string {
	if monthly {
		return "period, community_id, ref_id"
	}
	return "community_id, period, ref_id"
}
