package cases

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"linli"
	"linli/registry"
	"linli/storage"
)

// statColumns are the counters of the statistics rollups.
var statColumns = map[string]bool{"reported": true, "dispatched": true, "responded": true, "responded_on_time": true, "due": true,
	"closed": true, "closed_on_time": true, "resolved": true, "satisfied": true, "basic": true, "unsatisfied": true, "rework": true,
	"extended": true, "escalated": true, "response_due": true, "due_closed": true, "due_extended": true}

// StatTables are the rollups (see migrations 0008, 0066 and 0067): the table,
// whether it is by month (else by day), what community_id holds and what
// ref_id holds.
var StatTables = []StatTable{
	{"stats_community_day", false, "community", ""},
	{"stats_grid_day", false, "community", "grid"},
	{"stats_grid_month", true, "community", "grid"},
	{"stats_category_day", false, "community", "category"},
	{"stats_category_month", true, "community", "category"},
	{"stats_street_day", false, "street", ""},
	{"stats_district_day", false, "district", ""},
	{"stats_district_category_month", true, "district", "category"},
	{"stats_district_grid_month", true, "district", "grid"},
}

// StatTable is one rollup.
type StatTable struct {
	Name    string
	Monthly bool
	Area    string // what community_id holds: "community", "street" or "district"
	Ref     string // what ref_id holds: "", "grid" or "category"
}

// StatCell is where one counter change is counted: its day (YYYYMMDD)
// and the places and category of its case.
type StatCell struct {
	Day                         int
	Community, Street, District int64
	Grid, Category              int64
}

// Key is the row of rollup t the cell is counted in (period, community_id,
// ref_id); ok is false when the cell has no such row (a community that
// lies under no street, say).
func (t StatTable) Key(c StatCell) (period int, area, ref int64, ok bool) {
	period = c.Day
	if t.Monthly {
		period /= 100
	}
	switch t.Area {
	case "community":
		area = c.Community
	case "street":
		area = c.Street
	case "district":
		area = c.District
	}
	switch t.Ref {
	case "grid":
		ref = c.Grid
	case "category":
		ref = c.Category
	}
	return period, area, ref, area != 0 || t.Area == "community"
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

// change is one counter change of one cell.
type change struct {
	day                       int
	community, grid, category int64
	col                       string
}

// rollupRow is one counter of one row of one rollup.
type rollupRow struct {
	table, period int
	area, ref     int64
	col           string
}

// applyChanges adds the summed changes to every rollup: each row's counter
// once, the rows in one fixed order (rollup, period, place, ref, counter)
// whatever order the changes came in, so two folds never take the
// rollups' rows crosswise. The street and district of each community
// come from the tree as it is now.
func (s *Service) applyChanges(ctx context.Context, tx *storage.Tx, sums map[change]int) error {
	areas := map[int64][2]int64{} // community → street, district
	rows := map[rollupRow]int{}
	for c, d := range sums {
		if d == 0 {
			continue
		}
		a, ok := areas[c.community]
		if !ok {
			var err error
			if a, err = s.areasOf(ctx, tx, c.community); err != nil {
				return err
			}
			areas[c.community] = a
		}
		cell := StatCell{Day: c.day, Community: c.community, Street: a[0], District: a[1], Grid: c.grid, Category: c.category}
		for i, t := range StatTables {
			if period, area, ref, ok := t.Key(cell); ok {
				rows[rollupRow{i, period, area, ref, c.col}] += d
			}
		}
	}
	order := make([]rollupRow, 0, len(rows))
	for r, d := range rows {
		if d != 0 {
			order = append(order, r)
		}
	}
	slices.SortFunc(order, func(a, b rollupRow) int {
		return cmp.Or(cmp.Compare(a.table, b.table), cmp.Compare(a.period, b.period), cmp.Compare(a.area, b.area),
			cmp.Compare(a.ref, b.ref), cmp.Compare(a.col, b.col))
	})
	for _, r := range order {
		t := StatTables[r.table]
		if _, err := tx.Exec(ctx, `INSERT INTO `+t.Name+` (period, community_id, ref_id, `+r.col+`) VALUES (?, ?, ?, ?)
			ON CONFLICT (`+conflictKey(t.Monthly)+`) DO UPDATE SET `+r.col+` = `+t.Name+`.`+r.col+` + excluded.`+r.col,
			r.period, r.area, r.ref, rows[r]); err != nil {
			return err
		}
	}
	return nil
}

// areasOf returns the street and district a community lies in (0 where
// it lies in none, or is no longer a place).
func (s *Service) areasOf(ctx context.Context, tx *storage.Tx, community int64) ([2]int64, error) {
	var a [2]int64
	if community == 0 {
		return a, nil
	}
	line, err := s.Registry.Lineage(ctx, tx, community)
	if linli.ErrorCode(err) == linli.ENotFound {
		return a, nil
	}
	if err != nil {
		return a, err
	}
	for _, n := range line {
		switch n.Kind {
		case registry.KindStreet:
			a[0] = n.ID
		case registry.KindDistrict:
			a[1] = n.ID
		}
	}
	return a, nil
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
			n = 0 // a batch that is retried runs this again
			sums := map[change]int{}
			err := storage.Each(ctx, tx, func(rows *sql.Rows) error {
				var id int64
				var c change
				var d int
				if err := rows.Scan(&id, &c.day, &c.community, &c.grid, &c.category, &c.col, &d); err != nil {
					return err
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
			if err != nil || n == 0 {
				return err
			}
			return s.applyChanges(ctx, tx, sums)
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
