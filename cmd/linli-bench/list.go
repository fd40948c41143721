package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"linli"
	"linli/cases"
	"linli/registry"
	"linli/storage"
)

// runList parses the flags of list-generate and list-bench.
func runList(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	cfg := config{Clock: linli.SystemClock{}}
	f := flag.NewFlagSet("linli-bench "+cmd, flag.ContinueOnError)
	f.SetOutput(stderr)
	envString(f, &cfg.Data, "data", "./linli-data", "data directory")
	envString(f, &cfg.DB, "db", "", "PostgreSQL URL (postgres://…); empty uses SQLite in the data directory")
	envString(f, &cfg.Zone, "zone", "Asia/Shanghai", "time zone of the case numbers' days")
	var total, communities, runs int
	search := true
	if cmd == "list-generate" {
		f.IntVar(&total, "cases", 1000000, "number of cases")
		f.IntVar(&communities, "communities", 20, "communities in the street (10 grids each, an estate and a building in each grid)")
	} else {
		f.IntVar(&runs, "n", 50, "runs per query")
		f.BoolVar(&search, "search", true, "index the cases waiting for the search index, and time the searches")
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", cmd, f.Arg(0))
	}
	if cmd == "list-bench" {
		return runListBench(ctx, cfg, runs, search, stdout)
	}
	return runListGenerate(ctx, cfg, total, communities, stdout)
}

// Words the generated cases are made of: what residents report, and the
// people who report it.
var (
	genTitles = []string{"楼道漏水", "路灯不亮", "垃圾清运不及时", "楼上噪音扰民", "电梯停运", "下水道堵塞", "小区门禁损坏", "违章停车堵住消防通道",
		"外墙瓷砖脱落", "绿化带杂草丛生", "楼道堆放杂物", "自来水水压低", "暖气不热", "井盖缺失", "流浪犬伤人", "屋顶渗水"}
	genDetails = []string{"已经持续三天了", "老人出行不便", "晚上看不清路", "请尽快处理", "多次反映未解决", "影响全楼住户"}
	genSurname = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林"}
	genGiven   = []string{"芳", "伟", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平"}
)

// genStates is the mix of states of the open cases (the rest are closed).
var genStates = []cases.State{cases.Reported, cases.Accepted, cases.Dispatched, cases.Acknowledged, cases.InProgress, cases.InProgress,
	cases.Handled, cases.Verified, cases.Shelved}

// runListGenerate fills a FRESH database with one street of cases to
// measure the lists at scale: `linli-bench list-generate --data /tmp/list
// --cases 1000000`. Like stats-generate it writes straight into the
// tables in large transactions: one street, its communities with ten
// grids and an estate with a building in each grid, and cases over the last year, 8 % of
// them open (their deadlines around now, so some are overdue), with
// reporters, phones, rooms and numbers a caller would quote.
func runListGenerate(ctx context.Context, cfg config, total, communities int, stdout io.Writer) error {
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
	mk := func(parent int64, kind registry.Kind, name, code, abbr string) (registry.Node, error) {
		in := registry.NodeInput{ParentID: parent, Kind: kind, Name: name, Code: code, Abbr: abbr}
		if kind == registry.KindBuilding {
			in.Floors = 6
		}
		n, err := reg.CreateNode(ctx, sys, in)
		if err != nil {
			return n, fmt.Errorf("%s %s: %w (%v)", kind, name, err, linli.ErrorFields(err))
		}
		return n, nil
	}
	city, err := mk(0, registry.KindCity, "测试市", "149900000000", "")
	if err != nil {
		return err
	}
	district, err := mk(city.ID, registry.KindDistrict, "测试区", "149901000000", "")
	if err != nil {
		return err
	}
	street, err := mk(district.ID, registry.KindStreet, "测试街道", "149901001000", "")
	if err != nil {
		return err
	}
	type place struct {
		community, grid, building registry.Node
		abbr                      string
	}
	var places []place
	for c := 0; c < communities; c++ {
		abbr := fmt.Sprintf("C%02d", c+1)
		cm, err := mk(street.ID, registry.KindCommunity, fmt.Sprintf("第%d社区", c+1), fmt.Sprintf("149901001%03d", c+1), abbr)
		if err != nil {
			return err
		}
		for g := 0; g < 10; g++ {
			gr, err := mk(cm.ID, registry.KindGrid, fmt.Sprintf("第%d社区第%d网格", c+1, g+1), "", "")
			if err != nil {
				return err
			}
			estate, err := mk(gr.ID, registry.KindEstate, fmt.Sprintf("第%d社区第%d小区", c+1, g+1), "", "")
			if err != nil {
				return err
			}
			bd, err := mk(estate.ID, registry.KindBuilding, fmt.Sprintf("%d号楼", g+1), "", "")
			if err != nil {
				return err
			}
			places = append(places, place{cm, gr, bd, abbr})
		}
	}
	fmt.Fprintf(stdout, "places: one street, %d communities, %d grids (%s)\n", communities, len(places), time.Since(start).Round(time.Millisecond))
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
	rng := rand.New(rand.NewPCG(10, 1000000))
	now := cfg.Clock.Now()
	first := now.Add(-365 * 24 * time.Hour)
	// Cases are spread evenly over the year in id order, as they arrive,
	// so the numbers' days and sequences are those a real street gets.
	step := now.Sub(first) / time.Duration(total+1)
	seq := map[string]int{}
	const chunk, rowsPerInsert = 20000, 100
	const cols = 24
	var rows []any
	flush := func(tx *storage.Tx) error {
		if len(rows) == 0 {
			return nil
		}
		q := `INSERT INTO cases (id, number, community_id, grid_id, location_id, address, path, category_id, title, description, source,
			reporter_name, reporter_phone, state, assignee_kind, assignee_id, assignee_name, response_due, resolve_due, dispatched_at, closed_at,
			escalation_level, created_at, updated_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?),`, len(rows)/cols), ",")
		if _, err := tx.Exec(ctx, q, rows...); err != nil {
			return err
		}
		rows = rows[:0]
		return nil
	}
	for done := 0; done < total; {
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i := 0; i < chunk && done < total; i, done = i+1, done+1 {
				id := int64(done + 1)
				p := places[rng.IntN(len(places))]
				created := first.Add(step * time.Duration(id))
				day := created.In(zone).Format("20060102")
				seq[p.abbr+day]++
				number := fmt.Sprintf("%s-%s-%04d", p.abbr, day, seq[p.abbr+day])
				room := fmt.Sprintf("%d单元%d%02d", 1+rng.IntN(3), 1+rng.IntN(6), 1+rng.IntN(2))
				title := genTitles[rng.IntN(len(genTitles))]
				desc := p.building.Name + room + title + "，" + genDetails[rng.IntN(len(genDetails))]
				name := genSurname[rng.IntN(len(genSurname))] + genGiven[rng.IntN(len(genGiven))]
				phone := fmt.Sprintf("1%d%09d", 3+rng.IntN(6), rng.IntN(1000000000))
				state, closed := cases.Closed, created.Add(time.Duration(1+rng.IntN(24*10))*time.Hour)
				var respDue, due, dispatched time.Time
				kind, assignee, assigneeName := cases.AssignGrid, p.grid.ID, p.grid.Name
				escalation := 0
				if rng.IntN(100) < 8 || closed.After(now) {
					state, closed = genStates[rng.IntN(len(genStates))], time.Time{}
				}
				if state == cases.Reported || state == cases.Accepted {
					kind, assignee, assigneeName = "", 0, ""
				} else {
					dispatched = created.Add(time.Hour)
					respDue = dispatched.Add(4 * time.Hour)
					due = dispatched.Add(time.Duration(24+rng.IntN(24*14)) * time.Hour)
					if closed.IsZero() {
						// Open cases fall due around now: some overdue, some in
						// their warning window, most still in time.
						due = now.Add(time.Duration(rng.IntN(24*20)-24*5) * time.Hour)
						if due.Before(now) && rng.IntN(4) == 0 {
							escalation = 1
						}
					}
				}
				rows = append(rows, id, number, p.community.ID, p.grid.ID, p.building.ID, room, p.building.Path, leaf[rng.IntN(len(leaf))], title, desc, genSource(id),
					name, phone, state, kind, assignee, assigneeName, storage.Millis(respDue), storage.Millis(due), storage.Millis(dispatched),
					storage.Millis(closed), escalation, storage.Millis(created), storage.Millis(created))
				if len(rows) >= cols*rowsPerInsert {
					if err := flush(tx); err != nil {
						return err
					}
				}
			}
			return flush(tx)
		})
		if err != nil {
			return err
		}
		if done%100000 == 0 || done == total {
			fmt.Fprintf(stdout, "cases: %d (%s)\n", done, time.Since(start).Round(time.Second))
		}
	}
	if db.Dialect == storage.Postgres {
		var last int64
		if err := db.QueryRow(ctx, `SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))`).Scan(&last); err != nil {
			return err
		}
	}
	// The cases went in behind the service's back: list them for the
	// search index, which list-bench (or the server at start) builds.
	var queued int64
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO case_search_todo (case_id) SELECT id FROM cases`)
		if err == nil {
			queued, err = res.RowsAffected()
		}
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d cases in one street in %s (%d waiting for the search index)\n", total, time.Since(start).Round(time.Second), queued)
	return nil
}

// benchQuery is one timed call of list-bench.
type benchQuery struct {
	name string
	run  func() (int, error) // rows returned
}

// timeQueries runs each query n times (after one warm-up) and prints
// p50/p95 and the rows of the last run.
func timeQueries(stdout io.Writer, n int, qs []benchQuery) error {
	fmt.Fprintf(stdout, "%-48s %10s %10s %8s\n", "query", "p50", "p95", "rows")
	for _, q := range qs {
		if _, err := q.run(); err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		var times []time.Duration
		rows := 0
		for i := 0; i < n; i++ {
			start := time.Now()
			r, err := q.run()
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			times = append(times, time.Since(start))
			rows = r
		}
		slices.Sort(times)
		fmt.Fprintf(stdout, "%-48s %10s %10s %8d\n", q.name, times[len(times)/2].Round(10*time.Microsecond), times[len(times)*95/100].Round(10*time.Microsecond), rows)
	}
	return nil
}

// benchActors are the people whose lists list-bench times: the street's
// staff, the first community's staff and the first grid's worker.
func benchActors(ctx context.Context, db *storage.DB) (street, community, grid *linli.Actor, err error) {
	node := func(kind string, role linli.Role) (*linli.Actor, error) {
		var g linli.Grant
		err := db.QueryRow(ctx, `SELECT id, path, name FROM nodes WHERE kind = ? ORDER BY id LIMIT 1`, kind).Scan(&g.NodeID, &g.NodePath, &g.NodeName)
		g.Role = role
		return &linli.Actor{AccountID: 1 << 40, Username: "bench-" + kind, DisplayName: "测试", Grants: []linli.Grant{g}}, err
	}
	if street, err = node("street", linli.RoleStreetStaff); err != nil {
		return
	}
	if community, err = node("community", linli.RoleCommunityStaff); err != nil {
		return
	}
	grid, err = node("grid", linli.RoleGridWorker)
	return
}

// runListBench times the case lists on a list-generate database, as the
// pages and the API call them, beside a same-run baseline: a lookup of one
// case by its primary key.
func runListBench(ctx context.Context, cfg config, n int, search bool, stdout io.Writer) error {
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	zone, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return err
	}
	reg := registry.New(db, cfg.Clock)
	cs := cases.New(db, cfg.Clock, nil, reg, zone)
	street, community, grid, err := benchActors(ctx, db)
	if err != nil {
		return err
	}
	var total, mid int64
	if err := db.QueryRow(ctx, `SELECT COUNT(*), MAX(id) / 2 FROM cases`).Scan(&total, &mid); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d cases, %s\n", total, db.Label)
	// A database generated before migration 0037 is indexed for search
	// here first (the server does it at start).
	start := time.Now()
	indexed := 0
	if search {
		if indexed, err = cs.IndexPending(ctx); err != nil {
			return err
		}
	}
	if indexed > 0 {
		fmt.Fprintf(stdout, "indexed %d cases for search in %s\n", indexed, time.Since(start).Round(time.Second))
	}
	list := func(a *linli.Actor, f cases.Filter) func() (int, error) {
		return func() (int, error) {
			p, err := cs.ListPage(ctx, a, f)
			return len(p.Cases), err
		}
	}
	// The cursor of page 21, to time a deep page on its own.
	deep := cases.Filter{Open: true}
	for i := 0; i < 20; i++ {
		p, err := cs.ListPage(ctx, street, deep)
		if err != nil {
			return err
		}
		deep.After = p.Next
	}
	var phone string
	if err := db.QueryRow(ctx, `SELECT reporter_phone FROM cases WHERE id = ?`, mid).Scan(&phone); err != nil {
		return err
	}
	qs := []benchQuery{
		{"baseline: one case by primary key", func() (int, error) {
			var number string
			err := db.QueryRow(ctx, `SELECT number FROM cases WHERE id = ?`, mid).Scan(&number)
			return 1, err
		}},
		{"board: 4 queues with counts (street staff)", func() (int, error) {
			b, err := cs.DispatchBoard(ctx, street, 0)
			return len(b.New) + len(b.Overdue) + len(b.Escalated) + len(b.Verify), err
		}},
		{"list, open by time left (street)", list(street, cases.Filter{Open: true})},
		{"list, open by time left, page 21 (street)", list(street, deep)},
		{"list, open by time left (community)", list(community, cases.Filter{Open: true})},
		{"list, all, newest first (street)", list(street, cases.Filter{})},
		{"list, all, newest first (community)", list(community, cases.Filter{})},
		{"list, overdue (street)", list(street, cases.Filter{Overdue: true})},
		{"list, closed, one category, 30 days (street)", list(street, cases.Filter{States: []cases.State{cases.Closed}, Category: 2, From: time.Now().AddDate(0, 0, -30)})},
		{"list, closed, one category, all time (street)", list(street, cases.Filter{States: []cases.State{cases.Closed}, Category: 2})},
		{"list, a category group (street)", list(street, cases.Filter{Category: 1})},
		{"list, one source: volunteers (street)", list(street, cases.Filter{Source: cases.SourceVolunteer})},
		{"list, a month eleven months ago (street)", list(street, cases.Filter{From: time.Now().AddDate(0, -11, 0), To: time.Now().AddDate(0, -10, 0)})},
		{"list, one category, a month eleven months ago (street)", list(street, cases.Filter{Category: 2, From: time.Now().AddDate(0, -11, 0), To: time.Now().AddDate(0, -10, 0)})},
		{"task list (grid worker)", func() (int, error) {
			p, err := cs.TasksPage(ctx, grid, cases.Filter{})
			return len(p.Cases), err
		}},
	}
	for _, q := range []string{"C01-2026", "c01-2026", "王芳", "602", "垃圾清运", "漏水", phone[3:9]} {
		if !search {
			break
		}
		qs = append(qs, benchQuery{"search " + q + " (street)", list(street, cases.Filter{Query: q})})
	}
	return timeQueries(stdout, n, qs)
}

// genSource mixes the ways cases arrive, by id so it draws nothing from
// the random stream: 55 % residents, 25 % hotline, 15 % patrols and 5 %
// volunteers, so a filter on a rare source is measured too.
func genSource(id int64) cases.Source {
	switch m := id % 20; {
	case m == 0:
		return cases.SourceVolunteer
	case m <= 3:
		return cases.SourcePatrol
	case m <= 8:
		return cases.SourceHotline
	}
	return cases.SourceResident
}
