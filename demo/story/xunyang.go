package story

// The third story: before a windy season 郇阳社区 (临猗县) sweeps the rooftop
// solar water heaters of its 26 estates without property management
// (issue 11, the seed's "A safety sweep"). In three days the grid workers
// and a volunteer walk every estate and record the devices on the top
// floors, the roofs' shared ones and the abandoned ones nobody claims,
// and mark each estate walked (the lower floors have no heater);
// staff set one plan per hazard (一户一策): owners fix theirs after a
// demonstration, the contractor reinforces, abandoned devices are removed
// after a notice and a seven-day wait, some need nothing. Owners are told
// by notice and by phone, a wind warning goes out, three owners check
// their own, two hazards go to a case, re-inspections close most plans,
// and the closed campaign joins the happiness list.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"linli"
	"linli/attach"
	"linli/campaigns"
	"linli/cases"
	"linli/demo"
	"linli/notices"
	"linli/registry"
	"linli/storage"
)

// Xunyang is what the solar-heater story made.
type Xunyang struct {
	CampaignID int64
	NoticeIDs  []int64 // the sweep's notice, the deadline notice
	WarningID  int64   // 大风蓝色预警
	CaseIDs    []int64 // the two hazards escalated
}

// xunyangStory is one playing of the sweep: the services on its clock,
// the cast and what the steps hand on.
type xunyangStory struct {
	*storyServices
	ctx       context.Context
	reg       *registry.Service
	staff     *linli.Actor
	grids     []*linli.Actor // one per grid, 第一网格 first
	volunteer *linli.Actor
	builder   *linli.Actor // the contractor
	residents []*linli.Actor
	day       func(n, hh, mm int) time.Time // day n of the story (0: the day before the sweep)
	out       *Xunyang

	community registry.Node
	c         campaigns.Campaign
	gridOf    map[int64]*linli.Actor // household → its grid's worker
	selfDone  map[int64]bool         // households that checked their own
	plans     []campaigns.Plan
	photo     []attach.Checked
	events    []event
}

// event is one step of the sweep at its time; the three grids work at
// once, so the steps are gathered and played in time order.
type event struct {
	at time.Time
	do func() error
}

func (x *xunyangStory) at(t time.Time, do func() error) { x.events = append(x.events, event{t, do}) }

// play runs the gathered events in time order (stable: same time, order
// added) and empties the list.
func (x *xunyangStory) play() error {
	es := x.events
	x.events = nil
	sort.SliceStable(es, func(i, j int) bool { return es[i].at.Before(es[j].at) })
	for _, e := range es {
		x.set(e.at)
		if err := e.do(); err != nil {
			return err
		}
	}
	return nil
}

// xunyang plays the sweep; it starts 26 days before now and the campaign
// closes twelve days before now.
func (s *storyServices) xunyang(ctx context.Context, reg *registry.Service, cast storyCast, zone *time.Location, now time.Time, out *Xunyang) error {
	y, m, d := now.In(zone).AddDate(0, 0, -26).Date()
	x := &xunyangStory{storyServices: s, ctx: ctx, reg: reg, staff: cast["xunyang"], volunteer: cast["xyvolunteer"], builder: cast["xycontractor"],
		grids: []*linli.Actor{cast["xygrid1"], cast["xygrid2"], cast["xygrid3"]}, out: out,
		day:    func(n, hh, mm int) time.Time { return time.Date(y, m, d+n, hh, mm, 0, 0, zone) },
		gridOf: map[int64]*linli.Actor{}, selfDone: map[int64]bool{}}
	for _, u := range demo.XunyangResidents() {
		x.residents = append(x.residents, cast[u])
	}
	var err error
	if x.photo, err = checkedPicture("现场照片.png", BuildingPicture(false)); err != nil {
		return err
	}
	for _, phase := range []func() error{x.prepare, x.selfChecks, x.inspect, x.escalate, x.warn, x.followUp, x.close} {
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// prepare: the day before, staff make the checklist and the campaign over
// the community's 26 estates, split it per estate to each grid's worker
// and the volunteer, and publish the notice owners must acknowledge.
func (x *xunyangStory) prepare() error {
	ctx := x.ctx
	var err error
	if x.community, err = x.reg.FindNode(ctx, demo.PathXunyang()); err != nil {
		return err
	}
	x.set(x.day(0, 9, 0))
	items := campaigns.SolarHeaterChecklist()
	for i := range items {
		if items[i].Kind == campaigns.KindPhoto {
			items[i].Required = false // photos of hazards only: the sweep had 300 devices to get through
		}
	}
	t, err := x.campaigns.CreateTemplate(ctx, x.staff, campaigns.TemplateInput{NodeID: x.community.ID, Title: "太阳能热水器安全隐患排查表",
		HazardType: "太阳能热水器", Items: items})
	if err != nil {
		return why("template", err)
	}
	members := []campaigns.MemberInput{{AccountID: x.staff.AccountID, Role: campaigns.MemberStaff},
		{AccountID: x.volunteer.AccountID, Role: campaigns.MemberVolunteer}, {AccountID: x.builder.AccountID, Role: campaigns.MemberContractor}}
	for _, g := range x.grids {
		members = append(members, campaigns.MemberInput{AccountID: g.AccountID, Role: campaigns.MemberGrid})
	}
	x.clock.Advance(20 * time.Minute)
	c, err := x.campaigns.Create(ctx, x.staff, campaigns.CampaignInput{Title: "太阳能热水器安全隐患排查", HazardType: "太阳能热水器", TemplateID: t.ID,
		ScopeIDs: []int64{x.community.ID}, StartsOn: x.day(1, 0, 0).Format(time.DateOnly), Deadline: x.day(3, 0, 0).Format(time.DateOnly),
		Note: "大风季节来临前，对辖区26个无物业小区楼顶太阳能热水器逐栋逐层排查，一户一策整改。", Members: members})
	if err != nil {
		return why("campaign", err)
	}
	x.out.CampaignID = c.ID
	x.clock.Advance(10 * time.Minute)
	if _, err := x.campaigns.Activate(ctx, x.staff, c.ID); err != nil {
		return why("activate", err)
	}
	tasks, err := x.campaigns.Split(ctx, x.staff, c.ID, campaigns.SplitInput{By: campaigns.ByEstate})
	if err != nil {
		return why("split", err)
	}
	for _, t := range tasks {
		g, err := x.gridAt(t.NodeID)
		if err != nil {
			return err
		}
		if _, err := x.campaigns.Assign(ctx, x.staff, t.ID, campaigns.AssignInput{AccountIDs: []int64{g.AccountID, x.volunteer.AccountID}}); err != nil {
			return why("assign "+t.Title, err)
		}
	}
	if x.c, err = x.campaigns.Get(ctx, x.staff, c.ID); err != nil {
		return err
	}
	x.set(x.day(0, 10, 30))
	n, err := x.notices.Create(ctx, x.staff, notices.Input{Title: "关于开展太阳能热水器安全隐患排查的通知", Urgency: notices.Important,
		Body: "各位居民：\n大风季节将至，楼顶太阳能热水器支架锈蚀、固定不牢的，遇大风可能坠落伤人。社区将于明日起三天内，由网格员和志愿者逐栋逐层上楼顶排查，请予配合。\n" +
			"家中有太阳能热水器的，也可在平台“自查”中自行填报。排查后社区将一户一策告知整改办法。\n郇阳社区居民委员会",
		AckRequired: true, Public: true, NodeIDs: []int64{x.community.ID}, Kinds: []string{notices.KindHouseholds}}, nil)
	if err != nil {
		return why("notice", err)
	}
	x.out.NoticeIDs = append(x.out.NoticeIDs, n.ID)
	for i, r := range x.residents {
		x.set(x.day(0, 19, 10*i+5))
		if _, err := x.notices.Acknowledge(ctx, r, n.ID); err != nil {
			return why("acknowledge "+r.Username, err)
		}
	}
	return nil
}

// gridAt is the grid worker of the grid a node lies in.
func (x *xunyangStory) gridAt(nodeID int64) (*linli.Actor, error) {
	line, err := x.reg.Lineage(x.ctx, x.reg.DB, nodeID)
	if err != nil {
		return nil, err
	}
	for _, n := range line {
		for i, name := range []string{"第一网格", "第二网格", "第三网格"} {
			if n.Kind == registry.KindGrid && n.Name == name {
				return x.grids[i], nil
			}
		}
	}
	return nil, fmt.Errorf("node %d is in no grid of 郇阳社区", nodeID)
}

// selfChecks: that evening, three owners answer the self-check about
// their own device; the next morning staff confirm the reports.
func (x *xunyangStory) selfChecks() error {
	answers := []map[string]any{
		{"present": "yes", "bracket": "完好", "anchored": "yes", "leak": "no", "tilt": 3, "age": 6},
		{"present": "yes", "bracket": "轻微锈蚀", "anchored": "yes", "leak": "no", "tilt": 5, "age": 11},
		{"present": "yes", "bracket": "严重锈蚀或松动", "anchored": "no", "leak": "no", "tilt": 8, "age": 17, "note": "支架底座锈得厉害，自己不敢上去弄"},
	}
	var ids []int64
	for i, r := range x.residents {
		x.set(x.day(0, 20, 15*i+10))
		in := campaigns.FindingInput{Answers: answers[i], IdempotencyKey: fmt.Sprintf("xunyang-self-%d", i)}
		if n, ok := answers[i]["note"].(string); ok {
			in.Note = n
		}
		rec, err := x.campaigns.SubmitSelfCheck(x.ctx, r, x.c.ID, in, nil)
		if err != nil {
			return why("self-check "+r.Username, err)
		}
		x.selfDone[rec.Finding.HouseholdID] = true
		ids = append(ids, rec.Finding.ID)
	}
	for i, id := range ids {
		x.set(x.day(1, 8, i))
		if _, err := x.campaigns.Confirm(x.ctx, x.staff, id); err != nil {
			return why("confirm a self-check", err)
		}
	}
	return nil
}

// inspect: three days on the roofs. Each grid's worker walks a third of
// its estates a day, recording every device on the two top floors (where
// the heaters are), the roof's shared device of some buildings and an
// abandoned device nobody claims here and there. Each evening staff set
// the day's plans.
func (x *xunyangStory) inspect() error {
	ctx := x.ctx
	rng := rand.New(rand.NewPCG(2026, 11))
	tasks, err := x.campaigns.Tasks(ctx, x.staff, x.c.ID)
	if err != nil {
		return err
	}
	perGrid := map[*linli.Actor][]campaigns.Task{}
	var order []*linli.Actor
	for _, t := range tasks {
		g, err := x.gridAt(t.NodeID)
		if err != nil {
			return err
		}
		if perGrid[g] == nil {
			order = append(order, g)
		}
		perGrid[g] = append(perGrid[g], t)
	}
	var hazards [3][]int64 // per day: findings with a hazard
	for _, g := range order {
		ts := perGrid[g]
		for j, t := range ts {
			d := j * 3 / len(ts)
			first := j
			for first > 0 && (first-1)*3/len(ts) == d {
				first--
			}
			start := x.day(d+1, 8, 30).Add(time.Duration(j-first) * 150 * time.Minute)
			if err := x.walkEstate(rng, g, t, start, func(d int) func(int64) {
				return func(id int64) { hazards[d] = append(hazards[d], id) }
			}(d)); err != nil {
				return err
			}
		}
	}
	// Plans are set each evening, in the order the day's hazards were found.
	kinds := 0
	for d := range 3 {
		x.at(x.day(d+1, 18, 0), func() error {
			for i, fid := range hazards[d] {
				x.set(x.day(d+1, 18, 0).Add(time.Duration(i) * time.Minute))
				p, err := x.planFor(fid, kinds)
				if err != nil {
					return err
				}
				kinds++
				x.plans = append(x.plans, p)
			}
			return nil
		})
	}
	return x.play()
}

// walkEstate adds the events of one estate's walk from start: found is
// told the id of each finding with a hazard.
func (x *xunyangStory) walkEstate(rng *rand.Rand, g *linli.Actor, t campaigns.Task, start time.Time, found func(int64)) error {
	ctx := x.ctx
	buildings, err := x.reg.NodesUnder(ctx, x.reg.DB, t.Path, registry.KindBuilding)
	if err != nil {
		return err
	}
	at := start
	for bi, b := range buildings {
		units, err := x.reg.NodesUnder(ctx, x.reg.DB, b.Path, registry.KindUnit)
		if err != nil {
			return err
		}
		for _, u := range units {
			_, hs, err := unitHouseholds(ctx, x.reg, u)
			if err != nil {
				return err
			}
			top := 0
			for _, h := range hs {
				top = max(top, h.Floor)
			}
			for _, h := range hs {
				x.gridOf[h.ID] = g
				if h.Floor < top-1 || x.selfDone[h.ID] {
					continue
				}
				at = at.Add(4 * time.Minute)
				x.record(g, campaigns.FindingInput{TaskID: t.ID, Target: campaigns.TargetHousehold, HouseholdID: h.ID}, rng, at, found)
			}
		}
		if bi%2 == 0 { // the roof's shared device (a former unit's, now everybody's)
			at = at.Add(5 * time.Minute)
			x.record(g, campaigns.FindingInput{TaskID: t.ID, Target: campaigns.TargetRoof, BuildingID: b.ID}, rng, at, found)
		}
		if rng.IntN(3) == 0 { // abandoned: the owners moved away long ago
			at = at.Add(5 * time.Minute)
			in := campaigns.FindingInput{TaskID: t.ID, Target: campaigns.TargetUnclaimed, BuildingID: b.ID, Note: "无人认领，疑似原住户搬离后废弃"}
			x.recordAnswers(g, in, map[string]any{"present": "yes", "bracket": "断裂", "anchored": "no", "leak": "yes", "tilt": 20 + rng.IntN(15), "age": 20 + rng.IntN(10)}, at, found)
		}
	}
	// Done with the estate: the lower floors have no heater (the roof holds
	// two floors' worth), a household or two was not met.
	absent := rng.IntN(3)
	x.at(at.Add(10*time.Minute), func() error {
		w, err := x.campaigns.Walk(ctx, g, t.ID)
		if err != nil {
			return err
		}
		rest := max(w.Task.Households-w.Task.Inspected, 0)
		a := min(absent, rest)
		_, err = x.campaigns.CompleteTask(ctx, g, t.ID, campaigns.CompleteInput{Absent: a, NoDevice: rest - a})
		return why("complete "+t.Title, err)
	})
	return nil
}

// record adds one device's finding: most are sound; about one in six has
// a hazard of one kind or another.
func (x *xunyangStory) record(g *linli.Actor, in campaigns.FindingInput, rng *rand.Rand, at time.Time, found func(int64)) {
	a := map[string]any{"present": "yes", "bracket": []string{"完好", "完好", "轻微锈蚀"}[rng.IntN(3)], "anchored": "yes", "leak": "no",
		"tilt": rng.IntN(8), "age": 3 + rng.IntN(15)}
	switch rng.IntN(20) {
	case 0:
		a["bracket"], a["age"] = "严重锈蚀或松动", 15+rng.IntN(10)
	case 1:
		a["anchored"] = "no"
	case 2:
		a["leak"] = "yes"
	case 3:
		if rng.IntN(2) == 0 {
			a["tilt"] = 16 + rng.IntN(10)
		}
	}
	x.recordAnswers(g, in, a, at, found)
}

func (x *xunyangStory) recordAnswers(g *linli.Actor, in campaigns.FindingInput, answers map[string]any, at time.Time, found func(int64)) {
	in.Answers = answers
	in.IdempotencyKey = fmt.Sprintf("xunyang-%s-%d-%d", in.Target, in.HouseholdID, in.BuildingID)
	x.at(at, func() error {
		var photos map[string][]attach.Checked
		if hazard, _, _ := campaigns.Evaluate(x.c.Checklist, stringAnswers(answers)); hazard {
			photos = map[string][]attach.Checked{"photo": x.photo}
		}
		rec, err := x.campaigns.Record(x.ctx, g, in, photos)
		if err != nil {
			return why("finding", err)
		}
		if rec.Finding.Hazard {
			found(rec.Finding.ID)
		}
		return nil
	})
}

// stringAnswers writes answers as the checklist rules read them.
func stringAnswers(a map[string]any) map[string]string {
	out := make(map[string]string, len(a))
	for k, v := range a {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// planFor sets a hazard's plan (一户一策): an abandoned device is removed
// after notice; a leaning one reinforced by the contractor; rust and loose
// fixings the owner fixes after the demonstration, some reinforced; every
// ninth is no action (the owner had drained and stopped using it).
func (x *xunyangStory) planFor(findingID int64, n int) (campaigns.Plan, error) {
	f, err := x.campaigns.Finding(x.ctx, x.staff, findingID)
	if err != nil {
		return campaigns.Plan{}, err
	}
	today := DayString(x.clock.Now())
	in := campaigns.PlanInput{AssigneeID: x.builder.AccountID}
	switch {
	case f.Target == campaigns.TargetUnclaimed:
		in.Kind, in.NoticeOn, in.WaitDays = campaigns.PlanRemove, today, 7
		in.DueOn = DayString(x.day(14, 0, 0))
	case n%9 == 4 && f.Target == campaigns.TargetHousehold:
		in.Kind, in.AssigneeID = campaigns.PlanNone, 0
	case f.Severity == campaigns.Major || n%3 == 0:
		in.Kind, in.DueOn = campaigns.PlanReinforce, DayString(x.day(9, 0, 0))
	default:
		in.Kind, in.DueOn, in.DemoOn = campaigns.PlanSelfFix, DayString(x.day(8, 0, 0)), DayString(x.day(4, 0, 0))
		in.Guidance = "1. 关闭进水阀，排空水箱；2. 用膨胀螺栓将支架固定在楼顶承重墙或圈梁上，四角加拉绳；3. 锈蚀部位除锈刷防锈漆；4. 漏水接口更换密封圈。社区将在楼下现场示范，也可请工作组上门指导。"
		if f.HouseholdID != 0 {
			in.AssigneeID = x.gridOf[f.HouseholdID].AccountID
		} else {
			in.AssigneeID = x.volunteer.AccountID
		}
	}
	p, err := x.campaigns.SetPlan(x.ctx, x.staff, findingID, in)
	return p, why("plan for "+f.Label, err)
}

// DayString is t's date as "2006-01-02".
func DayString(t time.Time) string { return t.Format(time.DateOnly) }

// escalate: the morning after the sweep, staff take two leaning devices
// on roofs whose parapets have cracked to the county's housing bureau as
// cases (source inspection); the grid worker follows each to its close.
func (x *xunyangStory) escalate() error {
	var picked []campaigns.Plan
	for _, major := range []bool{true, false} { // major hazards first, should the world change
		for _, p := range x.plans {
			if p.Kind == campaigns.PlanReinforce && (p.Severity == campaigns.Major) == major && len(picked) < 2 {
				picked = append(picked, p)
			}
		}
	}
	if len(picked) < 2 {
		return fmt.Errorf("only %d hazards to reinforce, none to escalate", len(picked))
	}
	for i, p := range picked {
		x.set(x.day(4, 9, 0).Add(time.Duration(i) * 11 * time.Hour))
		p, err := x.campaigns.Escalate(x.ctx, x.staff, p.ID, campaigns.EscalateInput{
			Description: "排查发现" + p.Label + "太阳能热水器倾斜严重，楼顶女儿墙有裂缝，需专业部门鉴定并协调加固。"})
		if err != nil {
			return why("escalate "+p.Label, err)
		}
		x.out.CaseIDs = append(x.out.CaseIDs, p.CaseID)
		c, err := x.cases.Get(x.ctx, x.staff, p.CaseID)
		if err != nil {
			return err
		}
		handlers := map[string]*linli.Actor{cases.AssignGrid: x.grids[0]}
		if f, err := x.campaigns.Finding(x.ctx, x.staff, p.FindingID); err == nil {
			if gw, err := x.gridAt(f.BuildingID); err == nil {
				handlers[cases.AssignGrid] = gw
			}
		}
		if err := x.playCase(x.ctx, c, x.staff, handlers, nil, "已协调施工队对支架整体加固并修补女儿墙裂缝"); err != nil {
			return err
		}
	}
	return nil
}

// warn: on day 5 the county's weather office issues a blue gale warning;
// staff pass it to every household and the volunteers, valid a day and a
// half.
func (x *xunyangStory) warn() error {
	x.set(x.day(5, 16, 20))
	from := x.day(5, 20, 0)
	n, err := x.notices.Create(x.ctx, x.staff, notices.Input{Title: "大风蓝色预警：请加固或清空楼顶太阳能热水器", Urgency: notices.Warning,
		Body:      "临猗县气象台发布大风蓝色预警：今晚20时至后天8时，阵风可达7至8级。\n请检查楼顶太阳能热水器固定情况，尚未整改的请关闭进水阀、排空水箱；\n大风期间请勿上楼顶，远离楼下太阳能热水器下方区域。\n如发现设备松动，请立即联系网格员。",
		ValidFrom: from, ValidUntil: from.Add(36 * time.Hour), ExpiresAt: from.Add(36 * time.Hour), Public: true,
		NodeIDs: []int64{x.community.ID}, Kinds: []string{notices.KindHouseholds, string(linli.RoleVolunteer)}}, nil)
	if err != nil {
		return why("warning", err)
	}
	x.out.WarningID = n.ID
	return nil
}

// followUp: the removal notice to households with an open plan, the grid
// workers' calls to those it did not reach, the demonstration day, the
// re-inspections that close plans, the removals after the wait.
func (x *xunyangStory) followUp() error {
	ctx := x.ctx
	x.set(x.day(6, 9, 0))
	n, err := x.notices.Create(ctx, x.staff, notices.Input{Title: "关于限期整改太阳能热水器安全隐患的告知", Urgency: notices.Important,
		Body:        "经排查，您家楼顶太阳能热水器存在安全隐患，社区已为您制定整改方案（一户一策）。\n请在方案所列期限内整改；需要加固的由社区联系的施工队上门，无人认领的废弃设备告知期满后统一拆除。\n如有疑问请联系本网格网格员。",
		AckRequired: true, NodeIDs: []int64{x.community.ID}, Kinds: []string{"campaign_hazard_open"}}, nil)
	if err != nil {
		return why("removal notice", err)
	}
	x.out.NoticeIDs = append(x.out.NoticeIDs, n.ID)
	rows, _, err := x.notices.Recipients(ctx, x.staff, n.ID)
	if err != nil {
		return err
	}
	outcomes := []notices.Outcome{notices.Reached, notices.WillFix, notices.NoAnswer, notices.Reached, notices.WrongNumber, notices.Reached}
	calls := 0
	for _, r := range rows {
		g := x.gridOf[r.HouseholdID]
		if g == nil || r.AccountID != 0 || calls == 40 {
			continue
		}
		o := outcomes[calls%len(outcomes)]
		x.set(x.day(6, 14, 0).Add(time.Duration(calls) * 3 * time.Minute))
		in := notices.CallInput{Outcome: o}
		if o == notices.NoAnswer {
			in.Note = "下午无人接听，晚上再打"
		}
		if _, err := x.notices.LogCall(ctx, g, n.ID, r.ID, in); err != nil {
			return why("call", err)
		}
		calls++
		if o == notices.NoAnswer && calls%2 == 1 {
			x.at(x.day(6, 19, 30).Add(time.Duration(calls)*time.Minute), func() error {
				_, err := x.notices.LogCall(ctx, g, n.ID, r.ID, notices.CallInput{Outcome: notices.Reached, Note: "晚上接通，已告知"})
				return why("call back", err)
			})
		}
	}
	if err := x.play(); err != nil {
		return err
	}
	// Re-inspections: most self-fixes by day 8, every reinforcement by
	// day 9, removals once the week's wait is over (day 11).
	for i, p := range x.plans {
		var when time.Time
		note := ""
		switch p.Kind {
		case campaigns.PlanSelfFix:
			if i%5 == 0 {
				continue // still open: the owner is away
			}
			when, note = x.day(7, 9, 0).Add(time.Duration(i)*7*time.Minute), "已按指导加固支架，复查合格"
		case campaigns.PlanReinforce: // the two cases' too: their work is done by then
			when, note = x.day(8, 9, 0).Add(time.Duration(i)*6*time.Minute), "施工队已加固，复查合格"
		case campaigns.PlanRemove:
			if i%4 == 0 {
				continue // the owner turned up: waiting for their decision
			}
			when, note = x.day(11, 9, 0).Add(time.Duration(i)*6*time.Minute), "告知期满无人认领，已由施工队拆除"
		default:
			continue
		}
		who := x.gridOf[p.HouseholdID]
		if p.Kind != campaigns.PlanSelfFix || who == nil {
			who = x.builder
		}
		x.at(when, func() error {
			_, err := x.campaigns.ClosePlan(ctx, who, p.ID, campaigns.CloseInput{Note: note}, x.photo)
			return why("re-inspect "+p.Label, err)
		})
	}
	return x.play()
}

// close: on day 14 staff close the campaign; open plans stay open.
func (x *xunyangStory) close() error {
	x.set(x.day(14, 17, 0))
	_, err := x.campaigns.Close(x.ctx, x.staff, x.c.ID)
	return why("close the campaign", err)
}

// hazardAudience resolves notices' "campaign_hazard_open" audience on the
// story's services, as the server wires it.
func hazardAudience(cs *campaigns.Service) notices.Audience {
	return notices.Audience{LabelZH: "有未完成隐患整改的住户", LabelEN: "Households with an open hazard plan",
		Resolve: func(ctx context.Context, q storage.Querier, nodeIDs []int64) ([]notices.Recipient, error) {
			ids, err := cs.OpenHazardHouseholds(ctx, q, nodeIDs)
			out := make([]notices.Recipient, len(ids))
			for i, id := range ids {
				out[i] = notices.Recipient{HouseholdID: id}
			}
			return out, err
		}}
}
