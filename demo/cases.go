package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/registry"
)

// demoDepartments are the functional departments of 盐湖区 the demo's
// categories route and escalate to; the "dept" account works for the first.
var demoDepartments = []struct{ Code, Name, NameEN string }{
	{"housing", "盐湖区住房和城乡建设局", "Yanhu District Housing and Urban-Rural Development Bureau"},
	{"urban", "盐湖区城市管理局", "Yanhu District Urban Management Bureau"},
	{"emergency", "盐湖区应急管理局", "Yanhu District Emergency Management Bureau"},
	{"market", "盐湖区市场监督管理局", "Yanhu District Market Regulation Bureau"},
}

// LoadCases adds the departments and a realistic few weeks of cases in
// 学苑社区 and 吉祥社区, played through the real case service on a clock
// that walks from four weeks ago to now, so timelines, deadlines,
// escalations and statistics look lived-in on first start.
func LoadCases(ctx context.Context, reg *registry.Service, au *auth.Service, cal *calendar.Calendar, zone *time.Location, now time.Time) (int, error) {
	sys := linli.System()
	yanhu, err := reg.FindNode(ctx, []string{"运城市", "盐湖区"})
	if err != nil {
		return 0, err
	}
	clock := linli.NewFakeClock(now.Add(-28 * 24 * time.Hour))
	cs := cases.New(reg.DB, clock, cal, reg, zone)
	deptAcc, err := au.FindAccount(ctx, "dept")
	if err != nil {
		return 0, err
	}
	for i, d := range demoDepartments {
		var members []int64
		if i == 0 {
			members = []int64{deptAcc}
		}
		dep, err := cs.CreateDepartment(ctx, sys, d.Code, d.Name, yanhu.ID, members)
		if err != nil {
			return 0, fmt.Errorf("department %s: %w", d.Code, err)
		}
		if _, err := cs.UpdateDepartment(ctx, sys, dep.ID, cases.DepartmentInput{Name: d.Name, NameEN: d.NameEN}); err != nil {
			return 0, fmt.Errorf("department %s: %w", d.Code, err)
		}
	}
	actor := func(u string) (*linli.Actor, error) { return au.ActorByUsername(ctx, u) }
	type community struct {
		staff, grid, resident string
		estate                []string
		area                  [4]float64 // the estate's outline: the cases' map points fall in it
	}
	places := []community{
		{"xueyuan", "grid1", "resident", []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"}, huicuiBox},
		{"jixiang", "jxgrid", "jxresident", []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼"}, jixiangBox},
	}
	stories := []struct{ cat, title string }{
		{"noise", "夜间广场舞音响声音太大"}, {"public_facility", "单元门禁损坏无法关闭"}, {"sanitation", "楼道堆放杂物影响通行"},
		{"parking", "消防通道被私家车占用"}, {"water_leak", "楼顶水箱渗水到楼道"}, {"safety_hazard", "楼道电动车充电飞线"},
		{"public_facility", "楼道声控灯不亮"}, {"sanitation", "垃圾桶满溢无人清运"}, {"other", "希望增设休息座椅"},
		{"ue_road_cleaning", "小区门口路面有油污"}, {"elevator", "电梯按钮失灵"}, {"neighbour_dispute", "楼上装修时间过长"},
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	made := 0
	for day := 0; day < 28; day++ {
		for _, pl := range places {
			if rng.IntN(3) == 0 {
				continue
			}
			// Reports come in during the day, Beijing time.
			local := now.In(zone).AddDate(0, 0, -28+day)
			at := time.Date(local.Year(), local.Month(), local.Day(), 8+rng.IntN(10), rng.IntN(60), 0, 0, zone)
			if at.After(now) {
				continue
			}
			clock.Set(at)
			b, err := reg.FindNode(ctx, pl.estate)
			if err != nil {
				return made, err
			}
			st := stories[rng.IntN(len(stories))]
			staff, err := actor(pl.staff)
			if err != nil {
				return made, err
			}
			grid, err := actor(pl.grid)
			if err != nil {
				return made, err
			}
			reporter := staff
			src := cases.SourceHotline
			switch rng.IntN(3) {
			case 0:
				if reporter, err = actor(pl.resident); err != nil {
					return made, err
				}
				src = cases.SourceResident
			case 1:
				reporter, src = grid, cases.SourcePatrol
			}
			lon, lat := pointIn(pl.area, made)
			c, err := cs.Open(ctx, reporter, cases.NewCase{Category: st.cat, Title: st.title, Source: src, LocationID: b.ID, Public: rng.IntN(2) == 0,
				ReporterName: "热线来电居民", ReporterPhone: fmt.Sprintf("1390000%04d", rng.IntN(10000)), Lon: lon, Lat: lat})
			if err != nil {
				return made, fmt.Errorf("demo case: %w %v", err, linli.ErrorFields(err))
			}
			made++
			// How far the case got: older cases are mostly finished.
			age := 28 - day
			steps := 9
			if age < 4 {
				steps = rng.IntN(7)
			} else if rng.IntN(8) == 0 {
				steps = 3 + rng.IntN(3) // some stay stuck and go overdue
			}
			act := func(a *linli.Actor, in cases.ActionInput, after time.Duration) error {
				clock.Advance(after)
				var err error
				c, err = cs.Act(ctx, a, c.ID, in)
				return err
			}
			plan := []struct {
				who   *linli.Actor
				in    cases.ActionInput
				after time.Duration
			}{
				{staff, cases.ActionInput{Action: cases.ActAccept}, 20 * time.Minute},
				{staff, cases.ActionInput{Action: cases.ActDispatch}, 10 * time.Minute},
				{grid, cases.ActionInput{Action: cases.ActAcknowledge}, time.Duration(20+rng.IntN(200)) * time.Minute},
				{grid, cases.ActionInput{Action: cases.ActStart, Note: "已到现场查看"}, time.Hour},
				{grid, cases.ActionInput{Action: cases.ActHandle, Note: "已协调物业处理完毕"}, time.Duration(2+rng.IntN(60)) * time.Hour},
				{staff, cases.ActionInput{Action: cases.ActVerify, Note: "现场核实已解决"}, 3 * time.Hour},
				{staff, cases.ActionInput{Action: cases.ActClose}, 10 * time.Minute},
			}
			for i, p := range plan {
				if i >= steps || clock.Now().Add(p.after).After(now) {
					break // nothing happens in the future
				}
				if c.State != cases.Reported && p.in.Action == cases.ActAccept || c.State != cases.Accepted && p.in.Action == cases.ActDispatch {
					continue // patrol finds are registered and dispatched at once
				}
				who := p.who
				if c.AssigneeKind == cases.AssignProperty && (p.in.Action == cases.ActAcknowledge || p.in.Action == cases.ActStart || p.in.Action == cases.ActHandle) {
					if who, err = actor("property"); err != nil {
						return made, err
					}
					if pl.staff == "jixiang" {
						break // no property account in 吉祥花园: left waiting
					}
				}
				if err := act(who, p.in, p.after); err != nil {
					if code := linli.ErrorCode(err); code == linli.EForbidden || code == linli.ENotFound {
						break // not this actor's case to act on
					}
					return made, fmt.Errorf("demo case %s %s: %w", c.Number, p.in.Action, err)
				}
			}
			if c.State == cases.Closed && c.ReporterID == reporter.AccountID && reporter.HasRole(linli.RoleResident) && steps >= 8 {
				r := []cases.Rating{cases.Satisfied, cases.Satisfied, cases.Satisfied, cases.Basic, cases.Unsatisfied}[rng.IntN(5)]
				if clock.Now().Add(5 * time.Hour).After(now) {
					continue
				}
				if err := act(reporter, cases.ActionInput{Action: cases.ActRate, Rating: r}, 5*time.Hour); err != nil {
					return made, err
				}
			}
		}
	}
	return made, nil
}

// pointIn is the i-th map point spread over an area (lon, lat, width,
// height), away from its edges. It draws nothing from the demo's random
// source, so the cases' stories stay what they were.
func pointIn(area [4]float64, i int) (lon, lat float64) {
	frac := func(v float64) float64 { return v - math.Floor(v) }
	fx, fy := frac(float64(i)*0.6180339887), frac(float64(i)*0.7548776662)
	return area[0] + area[2]*(0.12+0.76*fx), area[1] + area[3]*(0.12+0.76*fy)
}
