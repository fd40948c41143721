package cases

import (
	"context"
	"encoding/json"

	"linli/storage"
)

// statKey is one counter cell: day, community, grid, category.
type statKey struct {
	day                       int
	community, grid, category int64
}

// RebuildStats recomputes the statistics rollups from the timelines, replaying each
// case's events with the same rules Act applies as it goes. The maintained
// counters and the rebuilt ones must agree (a test checks it); run it with
// `linli stats rebuild` after a restore or a change of rules. It returns
// the number of rows written.
func (s *Service) RebuildStats(ctx context.Context) (int, error) {
	type caseInfo struct{ community, grid, category int64 }
	infos := map[int64]caseInfo{}
	rows, err := s.DB.Query(ctx, `SELECT id, community_id, grid_id, category_id FROM cases`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id int64
		var ci caseInfo
		if err := rows.Scan(&id, &ci.community, &ci.grid, &ci.category); err != nil {
			rows.Close()
			return 0, err
		}
		infos[id] = ci
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	counts := map[statKey]map[string]int{}
	add := func(caseID int64, day int, col string, d int) {
		ci := infos[caseID]
		k := statKey{day, ci.community, ci.grid, ci.category}
		if counts[k] == nil {
			counts[k] = map[string]int{}
		}
		counts[k][col] += d
	}
	type clock struct{ response, resolve int64 }
	clocks := map[int64]clock{}
	responded := map[int64]bool{}
	ev, err := s.DB.Query(ctx, `SELECT case_id, at, action, data FROM case_events ORDER BY case_id, id`)
	if err != nil {
		return 0, err
	}
	for ev.Next() {
		var caseID, at int64
		var action, data string
		if err := ev.Scan(&caseID, &at, &action, &data); err != nil {
			ev.Close()
			return 0, err
		}
		var d struct {
			ResponseDue int64  `json:"response_due"`
			ResolveDue  int64  `json:"resolve_due"`
			NewDue      int64  `json:"new_due"`
			Approved    bool   `json:"approved"`
			Automatic   bool   `json:"automatic"`
			Rating      Rating `json:"rating"`
		}
		if data != "" {
			_ = json.Unmarshal([]byte(data), &d)
		}
		day := s.day(storage.FromMillis(at))
		c := clocks[caseID]
		switch Action(action) {
		case "report":
			add(caseID, day, "reported", 1)
		case ActDispatch, ActReopen:
			if Action(action) == ActDispatch {
				add(caseID, day, "dispatched", 1)
			} else {
				add(caseID, day, "rework", 1)
			}
			clocks[caseID] = clock{d.ResponseDue, d.ResolveDue}
			add(caseID, s.day(storage.FromMillis(d.ResolveDue)), "due", 1)
		case ActAcknowledge:
			if !responded[caseID] { // counted once per case, as Act does
				responded[caseID] = true
				add(caseID, day, "responded", 1)
				if c.response != 0 && at <= c.response {
					add(caseID, day, "responded_on_time", 1)
				}
			}
		case ActClose:
			add(caseID, day, "closed", 1)
			if c.resolve != 0 && at <= c.resolve {
				add(caseID, day, "closed_on_time", 1)
			}
		case ActRate:
			switch d.Rating {
			case Satisfied:
				add(caseID, day, "satisfied", 1)
				add(caseID, day, "resolved", 1)
			case Basic:
				add(caseID, day, "basic", 1)
				add(caseID, day, "resolved", 1)
			case Unsatisfied:
				add(caseID, day, "unsatisfied", 1)
			}
		case ActDecideExtension:
			if d.Approved && d.NewDue != 0 {
				add(caseID, day, "extended", 1)
				add(caseID, s.day(storage.FromMillis(c.resolve)), "due", -1)
				add(caseID, s.day(storage.FromMillis(d.NewDue)), "due", 1)
				c.resolve = d.NewDue
				clocks[caseID] = c
			}
		case ActWhistle:
			if d.Automatic {
				add(caseID, day, "escalated", 1)
			}
		}
	}
	if err := ev.Close(); err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		for _, t := range append(StatTables[:len(StatTables):len(StatTables)], struct {
			Name    string
			Monthly bool
			Ref     string
		}{Name: "stats_deltas"}) {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t.Name); err != nil {
				return err
			}
		}
		for k, cols := range counts {
			for col, v := range cols {
				if v == 0 {
					continue
				}
				if err := apply(ctx, tx, k.day, k.community, k.grid, k.category, col, v); err != nil {
					return err
				}
			}
			n++
		}
		return nil
	})
	return n, err
}
