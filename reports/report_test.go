package reports_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/happiness"
	"linli/mediation"
	"linli/projects"
	"linli/registry"
	"linli/reports"
	"linli/stats"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/workbook/workbooktest"
)

type fixture struct {
	ctx    context.Context
	w      *demotest.World
	stats  *stats.Service
	svc    *reports.Service
	med    *mediation.Service
	proj   *projects.Service
	actors map[string]*linli.Actor
	zone   *time.Location
}

// newFixture: the demo world, whose 28 days of cases end on 29 November
// 2026, with the report built on the real services.
func newFixture(t *testing.T, db *storage.DB) *fixture {
	w := demotest.New(t, db, time.Date(2026, 11, 29, 10, 0, 0, 0, demotest.Beijing))
	d := capability.Deps{DB: db, Clock: w.Clock, Zone: w.Zone, Calendar: w.Cases.WorkingCalendar, Links: w.Links, Registry: w.Registry, Auth: w.Auth, Cases: w.Cases}
	f := &fixture{ctx: context.Background(), w: w, zone: w.Zone, actors: map[string]*linli.Actor{}}
	f.stats = &stats.Service{DB: db, Registry: w.Registry, Cases: w.Cases, Weights: stats.DefaultWeights(), Zone: w.Zone, Clock: w.Clock, Fresh: w.Cases.Fold}
	f.med = mediation.New(d)
	f.proj = projects.New(d, nil)
	f.svc = reports.New(d, f.stats, f.proj, f.med, happiness.New(d, f.proj, f.med))
	w.AddActors(t, f.actors, "xueyuan", "jixiang", "grid1", "resident", "street")
	return f
}

func (f *fixture) node(t *testing.T, names ...string) registry.Node {
	t.Helper()
	n, err := f.w.Registry.FindNode(f.ctx, names)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var xueyuan = []string{"运城市", "盐湖区", "东城街道", "学苑社区"}

// TestMonthlyReport: the report of 学苑社区 for November 2026 sets the
// rates beside October's — the same numbers package stats gives for each
// month — counts the cases by source and category, finds the problem
// reported three times at one building, lists the whistle of the month,
// the project under way and the dispute accepted; only readers of cases
// in the scope may have it; the .xlsx export holds every table with its
// values typed.
func TestMonthlyReport(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		bldg := f.node(t, append(xueyuan, "第一网格", "荟萃花园南区", "1号楼")...)
		// October: two hotline cases. November: three patrol findings of
		// one problem at one building, and a resident's report.
		f.w.Clock.Set(time.Date(2026, 10, 20, 9, 0, 0, 0, f.zone))
		for _, title := range []string{"路灯不亮", "井盖松动"} {
			if _, err := f.w.Cases.Open(ctx, f.actors["xueyuan"], cases.NewCase{Category: "public_facility", Title: title, Source: cases.SourceHotline, LocationID: bldg.ID,
				ReporterName: "赵某", ReporterPhone: "13912345678"}); err != nil {
				t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
			}
		}
		f.w.Clock.Set(time.Date(2026, 11, 29, 11, 0, 0, 0, f.zone))
		if _, err := f.w.Cases.Open(ctx, f.actors["resident"], cases.NewCase{Category: "noise", Title: "夜间噪音", Source: cases.SourceResident, LocationID: bldg.ID}); err != nil {
			t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
		}
		var last cases.Case
		for range 3 {
			c, err := f.w.Cases.Open(ctx, f.actors["grid1"], cases.NewCase{Category: "parking", Title: "=消防通道被占用", Source: cases.SourcePatrol, LocationID: bldg.ID})
			if err != nil {
				t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
			}
			last = c
		}
		if _, err := f.w.Cases.Act(ctx, f.actors["grid1"], last.ID, cases.ActionInput{Action: cases.ActWhistle, Targets: []string{"street"}, Reason: "需街道协调占道问题"}); err != nil {
			t.Fatalf("whistle: %v %v", err, linli.ErrorFields(err))
		}
		if _, err := f.proj.Create(ctx, f.actors["xueyuan"], projects.ProjectInput{CommunityID: f.node(t, xueyuan...).ID, Title: "荟萃花园南区2号楼加装电梯", Kind: "elevator",
			Scope: []int64{bldg.ID}}); err != nil {
			t.Fatalf("project: %v %v", err, linli.ErrorFields(err))
		}
		resident := f.node(t, append(xueyuan, "第一网格", "荟萃花园南区", "1号楼", "3单元")...)
		if _, err := f.med.Open(ctx, f.actors["xueyuan"], mediation.DisputeInput{Type: mediation.TypeNeighbour, Title: "楼道堆物", LocationID: resident.ID,
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, Name: "甲某", Phone: "13812345678"}, {Role: mediation.RoleRespondent, Name: "乙某", Phone: "13912345678"}}}); err != nil {
			t.Fatalf("dispute: %v %v", err, linli.ErrorFields(err))
		}

		community := f.node(t, xueyuan...)
		nov, err := reports.ParsePeriod("2026-11", "", f.w.Clock.Now(), f.zone)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Build(ctx, f.actors["xueyuan"], reports.Query{NodeID: community.ID, Period: nov})
		if err != nil {
			t.Fatal(err)
		}
		// The rates and counts are stats' own, for November and October.
		for i, p := range []reports.Period{r.Period, r.Previous} {
			s, err := f.stats.Report(ctx, f.actors["xueyuan"], stats.Query{NodeID: community.ID, From: p.From, To: p.To})
			if err != nil {
				t.Fatal(err)
			}
			want := []stats.Rate{s.Total.Rates.Response, s.Total.Rates.Resolution, s.Total.Rates.Satisfaction, s.Total.Rates.Closure,
				s.Total.Rates.OnTime, s.Total.Rates.Rework, s.Total.Rates.Extension, s.Total.Rates.Composite}
			for j, l := range r.Rates {
				got := l.Now
				if i == 1 {
					got = l.Before
				}
				if got != want[j] {
					t.Errorf("%s %s: %+v, stats says %+v", p.Key(), l.Name, got, want[j])
				}
			}
			gotReported := r.Counts[0].Now
			if i == 1 {
				gotReported = r.Counts[0].Before
			}
			if gotReported != s.Total.Reported {
				t.Errorf("%s reported %d, stats says %d", p.Key(), gotReported, s.Total.Reported)
			}
		}
		if r.Previous.Key() != "2026-10" || r.Counts[0].Now != 4 || r.Counts[0].Before != 2 {
			t.Fatalf("previous %s, reported %+v", r.Previous.Key(), r.Counts[0])
		}
		// Sources and categories add up to the cases reported.
		sum := func(ss []reports.Share) (n int) {
			for _, s := range ss {
				n += s.N
			}
			return n
		}
		if sum(r.Sources) != 4 || sum(r.Categories) != 4 || len(r.Sources) != 2 || r.Sources[0].Key != "patrol" || r.Sources[0].N != 3 || r.Sources[0].Share != 0.75 {
			t.Errorf("sources %+v, categories %+v", r.Sources, r.Categories)
		}
		found := false
		for i, x := range r.Recurring {
			found = found || x.Place == "荟萃花园南区 1号楼" && x.Category == last.Category && x.N >= 3
			if x.N < 2 || i > 0 && x.N > r.Recurring[i-1].N {
				t.Errorf("recurring %d: %+v, want twice or more, most first", i, x)
			}
		}
		if !found {
			t.Errorf("recurring %+v: no %s at 1号楼 ×3", r.Recurring, last.Category)
		}
		if len(r.Escalations) == 0 || r.Escalations[0].Number != last.Number || r.Escalations[0].Reason != "需街道协调占道问题" || r.EscalationsTotal < 1 {
			t.Errorf("escalations %+v (%d)", r.Escalations, r.EscalationsTotal)
		}
		if len(r.Projects) != 1 || r.Projects[0].Title != "荟萃花园南区2号楼加装电梯" || r.Projects[0].Community != "学苑社区" || len(r.Projects[0].Entered) != 1 {
			t.Errorf("projects %+v", r.Projects)
		}
		if len(r.Disputes) != 1 || r.Disputes[0].Type != mediation.TypeNeighbour || len(r.DisputeStates) != 1 {
			t.Errorf("disputes %+v %+v", r.Disputes, r.DisputeStates)
		}
		// A quarter: October to December, compared with the third.
		q4, _ := reports.ParsePeriod("", "2026-Q4", f.w.Clock.Now(), f.zone)
		rq, err := f.svc.Build(ctx, f.actors["street"], reports.Query{NodeID: community.ID, Period: q4})
		if err != nil || rq.Previous.Key() != "2026-Q3" || rq.Counts[0].Now != r.Counts[0].Now+r.Counts[0].Before {
			t.Errorf("quarter: %v, previous %s, reported %d", err, rq.Previous.Key(), rq.Counts[0].Now)
		}

		// The reader's scope only: 吉祥's staff and a resident may not; the
		// answer is the unknown place's, as the statistics give it.
		for _, who := range []string{"jixiang", "resident"} {
			if _, err := f.svc.Build(ctx, f.actors[who], reports.Query{NodeID: community.ID, Period: nov}); linli.ErrorCode(err) != linli.ENotFound {
				t.Errorf("%s reads 学苑's report: %v", who, err)
			}
		}
		// A grid is not a report's scope.
		grid := f.node(t, append(xueyuan, "第一网格")...)
		if _, err := f.svc.Build(ctx, f.actors["xueyuan"], reports.Query{NodeID: grid.ID, Period: nov}); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("a grid's report: %v", err)
		}

		// The export: one sheet per table, values typed.
		var buf bytes.Buffer
		if err := f.svc.Export(&buf, r, "zh", func(s string) string { return s }); err != nil {
			t.Fatal(err)
		}
		x := workbooktest.Open(t, buf.Bytes())
		want := []string{"主要指标", "案件数量", "各网格情况", "案件分类", "案件来源", "网格按期结案排名", "高频问题", "升级与吹哨", "民生项目", "人民调解", "幸福清单"}
		if got := x.GetSheetList(); len(got) != len(want) {
			t.Fatalf("sheets %q, want %q", got, want)
		}
		for i, name := range x.GetSheetList() {
			if name != want[i] {
				t.Errorf("sheet %d: %q, want %q", i, name, want[i])
			}
		}
		workbooktest.Header(t, x, "主要指标", "指标", "本期", "上期", "变化（百分点）")
		workbooktest.Text(t, x, "主要指标", "A2", "响应率")
		for i, l := range r.Rates {
			row := i + 2
			for col, rate := range map[string]stats.Rate{"B": l.Now, "C": l.Before} {
				cell := col + strconv.Itoa(row)
				if rate.Valid {
					workbooktest.Percent(t, x, "主要指标", cell, rate.Value)
				} else {
					workbooktest.Empty(t, x, "主要指标", cell)
				}
			}
		}
		workbooktest.Header(t, x, "案件数量", "指标", "本期", "上期")
		workbooktest.Number(t, x, "案件数量", "B2", float64(r.Counts[0].Now))
		workbooktest.Number(t, x, "案件数量", "C2", float64(r.Counts[0].Before))
		workbooktest.Text(t, x, "升级与吹哨", "B2", last.Number)
		workbooktest.Text(t, x, "升级与吹哨", "C2", "=消防通道被占用") // text, never a formula
		workbooktest.DateTime(t, x, "升级与吹哨", "A2", r.Escalations[0].At.In(f.zone).Format("2006-01-02 15:04"))
		workbooktest.Date(t, x, "人民调解", "E2", "2026-11-29")
		workbooktest.Empty(t, x, "人民调解", "F2")
		workbooktest.Text(t, x, "民生项目", "A2", "荟萃花园南区2号楼加装电梯")
	})
}
