package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"syscall"
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
// Cases are written straight into the tables in bulk (COPY on PostgreSQL,
// multi-row INSERTs on SQLite: the case service would take hours for ten
// million); their statistics rows are summed in memory into every rollup
// of cases.StatTables, keyed as the fold keys them, and written in bulk too.
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
	type gridRef struct {
		cases.StatCell // the places; Day and Category set per case
		path           string
	}
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
				refs = append(refs, gridRef{cases.StatCell{Community: cm.ID, Street: st.ID, District: district.ID, Grid: gr.ID}, gr.Path})
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
	// Every rollup's rows, summed as the fold sums them.
	type row struct {
		period    int
		area, ref int64
	}
	rollups := make([]map[row]*stats.Counters, len(cases.StatTables))
	for i := range rollups {
		rollups[i] = map[row]*stats.Counters{}
	}
	bump := func(c cases.StatCell, f func(c *stats.Counters)) {
		for i, t := range cases.StatTables {
			period, area, ref, ok := t.Key(c)
			if !ok {
				continue
			}
			k := row{period, area, ref}
			sum := rollups[i][k]
			if sum == nil {
				sum = &stats.Counters{}
				rollups[i][k] = sum
			}
			f(sum)
		}
	}
	dayOf := func(t time.Time) int { t = t.In(zone); return t.Year()*10000 + int(t.Month())*100 + t.Day() }
	rng := rand.New(rand.NewPCG(10, 5000))
	now := cfg.Clock.Now()
	first := now.Add(-time.Duration(days) * 24 * time.Hour)
	const chunk = 20000
	// Fresh tables: ids are assigned here, so cases and their first events
	// go in as bulk rows.
	caseColumns := []string{"id", "number", "community_id", "grid_id", "location_id", "path", "category_id", "title", "source", "state",
		"response_due", "resolve_due", "dispatched_at", "closed_at", "rating", "created_at", "updated_at"}
	eventColumns := []string{"case_id", "at", "actor_name", "action", "to_state"}
	caseRows, eventRows := make([][]any, 0, chunk), make([][]any, 0, chunk)
	// Filling the tables and then building their indexes once is many
	// times faster than keeping a dozen indexes up to date row by row.
	indexes, err := dropIndexes(ctx, db, "cases", "case_events")
	if err != nil {
		return err
	}
	for done := 0; done < total; {
		caseRows, eventRows = caseRows[:0], eventRows[:0]
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
			caseRows = append(caseRows, []any{id, fmt.Sprintf("G-%09d", id), r.Community, r.Grid, r.Grid, r.path, cat, "生成的案件", "resident", string(state),
				ms + 4*3600000, storage.Millis(due), ms, storage.Millis(closedAt), string(rating), ms, ms})
			eventRows = append(eventRows, []any{id, ms, "生成", "report", "reported"})
			cell := r.StatCell
			cell.Category = cat
			cell.Day = dayOf(created)
			onTime := rng.IntN(10) > 0 // drawn once: bump runs f for every rollup
			bump(cell, func(c *stats.Counters) {
				c.Reported++
				c.Dispatched++
				c.Responded++
				c.ResponseDue++ // the response deadline falls on the day (cohort, see package stats)
				if onTime {
					c.RespondedOnTime++
				}
			})
			// The due cohort is dated by the deadline (package stats).
			cell.Day = dayOf(due)
			bump(cell, func(c *stats.Counters) {
				c.Due++
				if !closedAt.IsZero() {
					c.DueClosed++
					if !closedAt.After(due) {
						c.ClosedOnTime++
					}
				}
			})
			if !closedAt.IsZero() {
				cell.Day = dayOf(closedAt)
				bump(cell, func(c *stats.Counters) {
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
		if err := db.CopyRows(ctx, "cases", caseColumns, caseRows); err != nil {
			return err
		}
		if err := db.CopyRows(ctx, "case_events", eventColumns, eventRows); err != nil {
			return err
		}
		if done%1000000 == 0 || done == total {
			fmt.Fprintf(stdout, "cases: %d (%s)\n", done, time.Since(start).Round(time.Second))
		}
	}
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		for _, ddl := range indexes {
			if _, err := tx.Exec(ctx, ddl); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexes: %d rebuilt (%s)\n", len(indexes), time.Since(start).Round(time.Second))
	if db.Dialect == storage.Postgres {
		var last int64
		if err := db.QueryRow(ctx, `SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))`).Scan(&last); err != nil {
			return err
		}
	}
	rollupColumns := []string{"period", "community_id", "ref_id", "reported", "dispatched", "responded", "responded_on_time", "due", "closed",
		"closed_on_time", "resolved", "satisfied", "basic", "unsatisfied", "response_due", "due_closed"}
	rowsWritten := 0
	for i, t := range cases.StatTables {
		keys := make([]row, 0, len(rollups[i]))
		for k := range rollups[i] {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool { return keys[a].period < keys[b].period })
		const bulk = 100000
		for j := 0; j < len(keys); j += bulk {
			var out [][]any
			for _, k := range keys[j:min(j+bulk, len(keys))] {
				c := rollups[i][k]
				out = append(out, []any{k.period, k.area, k.ref, c.Reported, c.Dispatched, c.Responded, c.RespondedOnTime,
					c.Due, c.Closed, c.ClosedOnTime, c.Resolved, c.Satisfied, c.Basic, c.Unsatisfied, c.ResponseDue, c.DueClosed})
			}
			if err := db.CopyRows(ctx, t.Name, rollupColumns, out); err != nil {
				return err
			}
		}
		rowsWritten += len(keys)
		rollups[i] = nil
		fmt.Fprintf(stdout, "%s: %d rows (%s)\n", t.Name, len(keys), time.Since(start).Round(time.Second))
	}
	if db.Dialect == storage.Postgres {
		// Fresh tables have no planner statistics and no visibility map
		// until autovacuum gets round to them: without the map an
		// index-only scan (the monthly report's pass over a month of
		// cases) visits every row's page. VACUUM cannot run in a
		// transaction.
		for _, t := range append([]string{"cases", "case_events"}, tableNames()...) {
			rows, err := db.Query(ctx, `VACUUM ANALYZE `+t)
			if err != nil {
				return err
			}
			rows.Close()
		}
	}
	fmt.Fprintf(stdout, "rollup rows: %d; total %s\n", rowsWritten, time.Since(start).Round(time.Second))
	return nil
}

// dropIndexes drops the secondary indexes of the tables (not those of
// primary keys or constraints) and returns the statements that create
// them again.
func dropIndexes(ctx context.Context, db *storage.DB, tables ...string) ([]string, error) {
	type index struct{ name, ddl string }
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + storage.Placeholders(len(tables)) + `)`
	if db.Dialect == storage.Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename IN (` + storage.Placeholders(len(tables)) + `)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`
	}
	found, err := storage.Select(ctx, db, func(rows *sql.Rows) (index, error) {
		var x index
		err := rows.Scan(&x.name, &x.ddl)
		return x, err
	}, q, storage.Args(tables)...)
	if err != nil {
		return nil, err
	}
	var ddl []string
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for _, x := range found {
			if _, err := tx.Exec(ctx, `DROP INDEX `+x.name); err != nil {
				return err
			}
			ddl = append(ddl, x.ddl)
		}
		return nil
	})
	return ddl, err
}

func tableNames() []string {
	var out []string
	for _, t := range cases.StatTables {
		out = append(out, t.Name)
	}
	return out
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
	// cpu/op is the process's CPU time (user + system) per run: on a
	// machine shared with other work it moves far less than the wall times.
	fmt.Fprintf(stdout, "%-40s %10s %10s %10s %8s\n", "query", "p50", "p95", "cpu/op", "rows")
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
				cpu0 := cpuTime()
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
				cpu := (cpuTime() - cpu0) / time.Duration(n)
				fmt.Fprintf(stdout, "%-40s %10s %10s %10s %8d\n", label, times[len(times)/2].Round(10*time.Microsecond), times[len(times)*95/100].Round(10*time.Microsecond),
					cpu.Round(10*time.Microsecond), rows)
			}
		}
	}
	return nil
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
