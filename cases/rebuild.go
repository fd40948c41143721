package cases

import (
	"context"
	"database/sql"
	"encoding/json"

	"linli/storage"
)

// RebuildStats recomputes the statistics rollups from the timelines, replaying each
// case's events with the same rules Act and the timers apply as they go
// (the cohorts of cohort.go: a deadline that has passed by now counts as
// its timer would). The maintained
// counters and the rebuilt ones must agree (a test checks it); run it with
// `linli stats rebuild` after a restore or a change of rules. It returns
// the number of rows written.
func (s *Service) RebuildStats(ctx context.Context) (int, error) {
	type caseInfo struct{ community, grid, category int64 }
	infos := map[int64]caseInfo{}
	err := storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		var id int64
		var ci caseInfo
		if err := rows.Scan(&id, &ci.community, &ci.grid, &ci.category); err != nil {
			return err
		}
		infos[id] = ci
		return nil
	}, `SELECT id, community_id, grid_id, category_id FROM cases`)
	if err != nil {
		return 0, err
	}
	counts := map[change]int{}
	add := func(caseID int64, day int, col string, d int) {
		ci := infos[caseID]
		counts[change{day, ci.community, ci.grid, ci.category, col}] += d
	}
	// One case's replay: the deadlines of its current round and whether
	// the case is already in its response and due cohorts (cohort.go).
	type replay struct {
		respDue, resDue, lastClose     int64
		respDay, dueDay, extensions    int
		responded, respStopped, closed bool
		ended                          bool
	}
	cs := map[int64]*replay{}
	// lapse counts what the timers count once a deadline passes (at t).
	lapse := func(caseID int64, r *replay, t int64) {
		if r.ended {
			return
		}
		if r.respDue != 0 && r.respDay == 0 && !r.responded && !r.respStopped && r.respDue <= t {
			r.respDay = s.day(storage.FromMillis(r.respDue))
			add(caseID, r.respDay, "response_due", 1)
		}
		if r.resDue != 0 && r.dueDay == 0 && !r.closed && r.resDue <= t {
			r.dueDay = s.day(storage.FromMillis(r.resDue))
			add(caseID, r.dueDay, "due", 1)
			if r.extensions > 0 {
				add(caseID, r.dueDay, "due_extended", 1)
			}
		}
	}
	err = storage.Each(ctx, s.DB, func(ev *sql.Rows) error {
		var caseID, at int64
		var action, data string
		if err := ev.Scan(&caseID, &at, &action, &data); err != nil {
			return err
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
		r := cs[caseID]
		if r == nil {
			r = &replay{}
			cs[caseID] = r
		}
		lapse(caseID, r, at)
		switch Action(action) {
		case "report":
			add(caseID, day, "reported", 1)
		case ActDispatch, ActReopen:
			if Action(action) == ActDispatch {
				add(caseID, day, "dispatched", 1)
			} else {
				closedDay := day
				if r.lastClose != 0 {
					closedDay = s.day(storage.FromMillis(r.lastClose))
				}
				add(caseID, closedDay, "rework", 1)
			}
			r.respDue, r.resDue = d.ResponseDue, d.ResolveDue
			r.dueDay, r.closed, r.respStopped = 0, false, false
		case ActAcknowledge:
			if !r.responded { // counted once per case, as Act does
				r.responded = true
				add(caseID, day, "responded", 1)
				if r.respDue != 0 {
					if r.respDay == 0 {
						r.respDay = s.day(storage.FromMillis(r.respDue))
						add(caseID, r.respDay, "response_due", 1)
					}
					if at <= r.respDue {
						add(caseID, r.respDay, "responded_on_time", 1)
					}
				}
			}
		case ActClose:
			add(caseID, day, "closed", 1)
			if r.resDue != 0 {
				if r.dueDay == 0 {
					r.dueDay = s.day(storage.FromMillis(r.resDue))
					add(caseID, r.dueDay, "due", 1)
					if r.extensions > 0 {
						add(caseID, r.dueDay, "due_extended", 1)
					}
				}
				add(caseID, r.dueDay, "due_closed", 1)
				if at <= r.resDue {
					add(caseID, r.dueDay, "closed_on_time", 1)
				}
			}
			r.closed, r.respStopped, r.lastClose = true, true, at
		case ActMerge, ActReject:
			r.ended = true
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
				if r.dueDay != 0 {
					add(caseID, r.dueDay, "due", -1)
					if r.extensions > 0 {
						add(caseID, r.dueDay, "due_extended", -1)
					}
					r.dueDay = 0
				}
				r.extensions++
				r.resDue = d.NewDue
			}
		case ActWhistle:
			if d.Automatic {
				add(caseID, day, "escalated", 1)
			}
		}
		return nil
	}, `SELECT case_id, at, action, data FROM case_events ORDER BY case_id, id`)
	if err != nil {
		return 0, err
	}
	// The deadlines that have passed by now: their timers have counted
	// them (or will in a moment).
	now := storage.Millis(s.now())
	for id, r := range cs {
		lapse(id, r, now)
	}
	n := 0
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		for _, t := range append(StatTables[:len(StatTables):len(StatTables)], StatTable{Name: "stats_deltas"}) {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t.Name); err != nil {
				return err
			}
		}
		cells := map[change]bool{}
		for c, d := range counts {
			if d != 0 {
				c.col = ""
				cells[c] = true
			}
		}
		n = len(cells)
		if err := s.applyChanges(ctx, tx, counts); err != nil {
			return err
		}
		// The markers that keep the maintained counting from counting a
		// case twice (cohort.go) follow the replay.
		if _, err := tx.Exec(ctx, `UPDATE cases SET stat_response_day = 0, stat_due_day = 0`); err != nil {
			return err
		}
		for id, r := range cs {
			if r.respDay == 0 && r.dueDay == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE cases SET stat_response_day = ?, stat_due_day = ? WHERE id = ?`, r.respDay, r.dueDay, id); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
