package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"linli"
	"linli/calendar"
	"linli/cases"
	"linli/registry"
	"linli/stats"
	"linli/storage"
)

// runStatsGenerate fills a FRESH database with a city of many grids and
// millions of cases, with their statistics, to measure the dashboards at
// scale: `linli-bench stats-generate --data /tmp/big --grids 5000 --cases 10000000`.
// Cases are written straight into the tables in large transactions (the
// case service would take hours for ten million); their statistics rows
// are summed in memory the way the service maintains them.
func runStatsGenerate(ctx context.Context, cfg config, grids, total, days int, stdout io.Writer) error {
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n > 0 {
		if err == nil {
			err = errors.New("the database already has cases: generate into a fresh --data directory or database")
		}
		return err
	}
	zone, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return err
	}
	reg := registry.New(db, cfg.Clock)
	sys := linli.System()
	start := time.Now()
	mk := func(parent int64, kind registry.Kind, name, code string) (registry.Node, error) {
		return reg.CreateNode(ctx, sys, registry.NodeInput{ParentID: parent, Kind: kind, Name: name, Code: code})
	}
	city, err := mk(0, registry.KindCity, "测试市", "149900000000")
	if err != nil {
		return err
	}
	district, err := mk(city.ID, registry.KindDistrict, "测试区", "149901000000")
	if err != nil {
		return err
	}
	type gridRef struct{ community, grid int64 }
	var refs []gridRef
	perCommunity := 10
	communities := (grids + perCommunity - 1) / perCommunity
	streets := (communities + 9) / 10
	for s := 0; s < streets && len(refs) < grids; s++ {
		st, err := mk(district.ID, registry.KindStreet, fmt.Sprintf("第%d街道", s+1), fmt.Sprintf("149901%03d000", s+1))
		if err != nil {
			return err
		}
		for c := 0; c < 10 && len(refs) < grids; c++ {
			cm, err := mk(st.ID, registry.KindCommunity, fmt.Sprintf("第%d街道第%d社区", s+1, c+1), fmt.Sprintf("149901%03d%03d", s+1, c+1))
			if err != nil {
				return err
			}
			for g := 0; g < perCommunity && len(refs) < grids; g++ {
				gr, err := mk(cm.ID, registry.KindGrid, fmt.Sprintf("第%d网格", g+1), "")
				if err != nil {
					return err
				}
				refs = append(refs, gridRef{cm.ID, gr.ID})
			}
		}
	}
	fmt.Fprintf(stdout, "places: %d grids in %d communities, %d streets (%s)\n", len(refs), communities, streets, time.Since(start).Round(time.Millisecond))
	cs := cases.New(db, cfg.Clock, nil, reg, zone)
	if err := cs.Seed(ctx); err != nil {
		return err
	}
	cats, err := cs.Categories(ctx)
	if err != nil {
		return err
	}
	var leaf []int64
	for _, c := range cats {
		if c.Route != "" {
			leaf = append(leaf, c.ID)
		}
	}
	type key struct {
		day                  int
		community, grid, cat int64
	}
	counts := map[key]*stats.Counters{}
	bump := func(k key, f func(c *stats.Counters)) {
		c := counts[k]
		if c == nil {
			c = &stats.Counters{}
			counts[k] = c
		}
		f(c)
	}
	dayOf := func(t time.Time) int { t = t.In(zone); return t.Year()*10000 + int(t.Month())*100 + t.Day() }
	rng := rand.New(rand.NewPCG(10, 5000))
	now := cfg.Clock.Now()
	first := now.Add(-time.Duration(days) * 24 * time.Hour)
	const chunk = 20000
	// Fresh tables: ids are assigned here, so cases and their first events
	// go in as multi-row INSERTs.
	const rowsPerInsert = 200
	var caseRows, eventRows []any
	flush := func(tx *storage.Tx) error {
		if len(eventRows) == 0 {
			return nil
		}
		n := len(eventRows) / 2
		q := `INSERT INTO cases (id, number, community_id, grid_id, location_id, path, category_id, title, source, state, response_due, resolve_due, dispatched_at, closed_at, rating, created_at, updated_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, '', ?, '生成的案件', 'resident', ?, ?, ?, ?, ?, ?, ?, ?),`, n), ",")
		if _, err := tx.Exec(ctx, q, caseRows...); err != nil {
			return err
		}
		q = `INSERT INTO case_events (case_id, at, actor_name, action, to_state) VALUES ` + strings.TrimSuffix(strings.Repeat(`(?, ?, '生成', 'report', 'reported'),`, n), ",")
		if _, err := tx.Exec(ctx, q, eventRows...); err != nil {
			return err
		}
		caseRows, eventRows = caseRows[:0], eventRows[:0]
		return nil
	}
	for done := 0; done < total; {
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i := 0; i < chunk && done < total; i, done = i+1, done+1 {
				r := refs[rng.IntN(len(refs))]
				cat := leaf[rng.IntN(len(leaf))]
				created := first.Add(time.Duration(rng.Int64N(int64(now.Sub(first)))))
				due := created.Add(time.Duration(24+rng.IntN(24*10)) * time.Hour)
				state, closedAt, rating := cases.Closed, created.Add(time.Duration(rng.IntN(24*12))*time.Hour), cases.Rating("")
				switch x := rng.IntN(100); {
				case x < 8:
					state, closedAt = cases.InProgress, time.Time{}
				case x < 80:
					rating = []cases.Rating{cases.Satisfied, cases.Satisfied, cases.Satisfied, cases.Basic, cases.Unsatisfied}[rng.IntN(5)]
				}
				if !closedAt.IsZero() && closedAt.After(now) {
					state, closedAt, rating = cases.InProgress, time.Time{}, ""
				}
				ms := storage.Millis(created)
				id := int64(done + 1)
				caseRows = append(caseRows, id, fmt.Sprintf("G-%09d", id), r.community, r.grid, r.grid, cat, state, ms+4*3600000, storage.Millis(due), ms, storage.Millis(closedAt), rating, ms, ms)
				eventRows = append(eventRows, id, ms)
				if len(eventRows) >= 2*rowsPerInsert {
					if err := flush(tx); err != nil {
						return err
					}
				}
				d := dayOf(created)
				k := key{d, r.community, r.grid, cat}
				bump(k, func(c *stats.Counters) {
					c.Reported++
					c.Dispatched++
					c.Responded++
					c.ResponseDue++ // the response deadline falls on the day (cohort, see package stats)
					if rng.IntN(10) > 0 {
						c.RespondedOnTime++
					}
				})
				// The due cohort is dated by the deadline (package stats).
				bump(key{dayOf(due), r.community, r.grid, cat}, func(c *stats.Counters) {
					c.Due++
					if !closedAt.IsZero() {
						c.DueClosed++
						if !closedAt.After(due) {
							c.ClosedOnTime++
						}
					}
				})
				if !closedAt.IsZero() {
					bump(key{dayOf(closedAt), r.community, r.grid, cat}, func(c *stats.Counters) {
						c.Closed++
						switch rating {
						case cases.Satisfied:
							c.Satisfied++
							c.Resolved++
						case cases.Basic:
							c.Basic++
							c.Resolved++
						case cases.Unsatisfied:
							c.Unsatisfied++
						}
					})
				}
			}
			return flush(tx)
		})
		if err != nil {
			return err
		}
		if done%1000000 == 0 || done == total {
			fmt.Fprintf(stdout, "cases: %d (%s)\n", done, time.Since(start).Round(time.Second))
		}
	}
	if db.Dialect == storage.Postgres {
		if _, err := db.Query(ctx, `SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))`); err != nil {
			return err
		}
	}
	// Roll the cells up the way cases.bump does, then write each rollup.
	type cell struct {
		period         int
		community, ref int64
	}
	rollups := make([]map[cell]*stats.Counters, len(cases.StatTables))
	for i := range rollups {
		rollups[i] = map[cell]*stats.Counters{}
	}
	for k, c := range counts {
		for i, t := range cases.StatTables {
			period := k.day
			if t.Monthly {
				period /= 100
			}
			var ref int64
			switch t.Ref {
			case "grid":
				ref = k.grid
			case "category":
				ref = k.cat
			}
			ce := cell{period, k.community, ref}
			sum := rollups[i][ce]
			if sum == nil {
				sum = &stats.Counters{}
				rollups[i][ce] = sum
			}
			addCounters(sum, c)
		}
	}
	rowsWritten := 0
	for i, t := range cases.StatTables {
		cells := make([]cell, 0, len(rollups[i]))
		for ce := range rollups[i] {
			cells = append(cells, ce)
		}
		sort.Slice(cells, func(a, b int) bool { return cells[a].period < cells[b].period })
		for j := 0; j < len(cells); j += chunk {
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				for _, ce := range cells[j:min(j+chunk, len(cells))] {
					c := rollups[i][ce]
					if _, err := tx.Exec(ctx, `INSERT INTO `+t.Name+` (period, community_id, ref_id, reported, dispatched, responded, responded_on_time, due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, response_due, due_closed)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ce.period, ce.community, ce.ref, c.Reported, c.Dispatched, c.Responded, c.RespondedOnTime,
						c.Due, c.Closed, c.ClosedOnTime, c.Resolved, c.Satisfied, c.Basic, c.Unsatisfied, c.ResponseDue, c.DueClosed); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		rowsWritten += len(cells)
		fmt.Fprintf(stdout, "%s: %d rows\n", t.Name, len(cells))
	}
	keys := counts
	fmt.Fprintf(stdout, "statistics cells: %d, rollup rows: %d; total %s\n", len(keys), rowsWritten, time.Since(start).Round(time.Second))
	return nil
}

func addCounters(dst, c *stats.Counters) {
	dst.Reported += c.Reported
	dst.Dispatched += c.Dispatched
	dst.Responded += c.Responded
	dst.RespondedOnTime += c.RespondedOnTime
	dst.Due += c.Due
	dst.Closed += c.Closed
	dst.ClosedOnTime += c.ClosedOnTime
	dst.Resolved += c.Resolved
	dst.Satisfied += c.Satisfied
	dst.Basic += c.Basic
	dst.Unsatisfied += c.Unsatisfied
	dst.ResponseDue += c.ResponseDue
	dst.DueClosed += c.DueClosed
}

// runStatsBench times statistics queries on a generated database: the
// report for the whole city and for one community, by each grouping,
// over this month and the last 30 days (p50/p95 of n runs each).
func runStatsBench(ctx context.Context, cfg config, n int, stdout io.Writer) error {
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	zone, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return err
	}
	cal, err := calendar.Default()
	if err != nil {
		return err
	}
	// The statistics service as the server wires it (cmd/linli/app.go):
	// the rollups are folded before each read.
	reg := registry.New(db, cfg.Clock)
	cs := cases.New(db, cfg.Clock, cal, reg, zone)
	st := &stats.Service{DB: db, Registry: reg, Weights: stats.DefaultWeights(), Zone: zone, Clock: cfg.Clock, Fresh: cs.Fold}
	var cityID, communityID int64
	if err := db.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'city' ORDER BY id LIMIT 1`).Scan(&cityID); err != nil {
		return err
	}
	if err := db.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'community' ORDER BY id LIMIT 1`).Scan(&communityID); err != nil {
		return err
	}
	sys := linli.System()
	fmt.Fprintf(stdout, "%-40s %10s %10s %8s\n", "query", "p50", "p95", "rows")
	for _, scope := range []struct {
		name string
		id   int64
	}{{"city", cityID}, {"community", communityID}} {
		for _, period := range []string{"month", "30d"} {
			from, to, err := st.Period(period, "", "")
			if err != nil {
				return err
			}
			for _, by := range []stats.Group{"", stats.ByGrid, stats.ByCategory} {
				var times []time.Duration
				rows := 0
				for i := 0; i < n; i++ {
					start := time.Now()
					r, err := st.Report(ctx, sys, stats.Query{NodeID: scope.id, From: from, To: to, By: by})
					if err != nil {
						return err
					}
					times = append(times, time.Since(start))
					rows = len(r.Rows)
				}
				sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
				label := fmt.Sprintf("%s %s by %s", scope.name, period, by)
				fmt.Fprintf(stdout, "%-40s %10s %10s %8d\n", label, times[len(times)/2].Round(10*time.Microsecond), times[len(times)*95/100].Round(10*time.Microsecond), rows)
			}
		}
	}
	return nil
}
