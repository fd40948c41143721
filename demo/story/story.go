// Package story plays the demo's four stories, those of the article the
// project started from, on top of the demo world (package demo: places,
// accounts, cases). Kept apart from the world so that a capability's tests,
// which load the world through demo/demotest, do not compile every other
// capability. The stories are played through the real services on a clock
// that walks through them, so every record carries its own date, audit
// row and timeline:
//
//   - 荟萃花园南区 1号楼: eight elevators, from the building head's proposal
//     in March 2025 through door-to-door visits, three coordination
//     meetings, a consent vote in each unit (with the household worried
//     about its wall, who agreed after seeing the drawings), cost sharing,
//     approval, construction with its complaints, acceptance and service,
//     to the residents' silk banner in May 2026;
//   - 吉祥花园 1号楼 2单元: the leak from 502 into 402's bathroom ceiling,
//     reported by 402, taken to people's mediation, settled by a written
//     agreement and checked by a follow-up visit, in the six weeks before
//     now;
//   - 郇阳社区 (临猗县): the rooftop solar-heater sweep of its 26 estates,
//     from the campaign's notice 26 days before now to its close on the
//     happiness list (xunyang.go);
//   - 麟岛社区 (河津市): the two gate cameras of 颐源居, from the residents'
//     meeting 40 days before now through their privacy records and rules
//     to the two nights before now, whose Frigate events go through the
//     cameras service: the guard acknowledges the loitering alerts,
//     closes one as a false alarm and escalates one to a case (lindao.go).
//
// The people are the demo's fictional accounts and households; five owners
// of 1号楼 get accounts of their own (huicui-<unit>-<room>, with the demo
// password), follow the elevator project and rate it.
package story

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"linli"
	"linli/attach"
	"linli/auth"
	"linli/calendar"
	"linli/cameras"
	"linli/campaigns"
	"linli/capability"
	"linli/cases"
	"linli/consent"
	"linli/demo"
	"linli/happiness"
	"linli/links"
	"linli/mediation"
	"linli/meetings"
	"linli/notices"
	"linli/projects"
	"linli/registry"
	"linli/visits"
	"linli/votes"
)

// The places of the stories, from the demo world.
var (
	pathXueyuan = demo.PathXueyuan()
	pathHuicui  = demo.PathHuicui()
	pathJixiang = demo.PathJixiang()
)

// join returns a new slice: base followed by more (base is never aliased).
func join(base []string, more ...string) []string {
	out := make([]string, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

// Story is what Load made.
type Story struct {
	ProjectID  int64
	VoteIDs    []int64 // one per unit, 1单元 first
	MeetingIDs []int64
	DisputeID  int64
	LeakCaseID int64
	Residents  []string // usernames of the residents' accounts the story adds
	Xunyang    Xunyang  // the solar-heater sweep
	Lindao     Lindao   // the gate cameras of 颐源居
}

// storyServices are the capabilities on the story's walking clock. They are
// not registered (no layers, no link resolvers): they only write.
type storyServices struct {
	clock     *linli.FakeClock
	cases     *cases.Service
	projects  *projects.Service
	votes     *votes.Service
	visits    *visits.Service
	meetings  *meetings.Service
	mediation *mediation.Service
	happiness *happiness.Service
	campaigns *campaigns.Service
	notices   *notices.Service
	cameras   *cameras.Service

	// neighbours are residents of 1号楼 with accounts of their own, who
	// follow the elevator project and rate it.
	neighbours []neighbour
	// back is the first step that would have moved the clock back.
	back error
}

// set moves the story's clock to t. A story only walks forward, so that
// feeds, timelines and the audit trail read in the order things happened;
// a step dated before the one it follows is a mistake in the story, which
// Load reports.
func (s *storyServices) set(t time.Time) {
	if now := s.clock.Now(); t.Before(now) && s.back == nil {
		s.back = fmt.Errorf("the story's clock would go back from %s to %s", now.In(t.Location()).Format(time.DateTime), t.Format(time.DateTime))
	}
	s.clock.Set(t)
}

// neighbour is a resident with an account, and the verdict they give on
// the project in service.
type neighbour struct {
	actor           *linli.Actor
	rating, comment string
}

// neighbourAccounts are owners of 1号楼 who use the platform themselves
// (besides the demo's resident of 3单元602), with what they say of the
// elevators; they log in with the demo password.
var neighbourAccounts = []struct {
	unit            int
	room            string
	rating, comment string
}{
	{1, "601", "satisfied", "住六楼，以前一个星期才下一次楼，现在每天都能下楼遛弯了"},
	{2, "502", "satisfied", "施工期间有问题在平台上一说，社区当天就来人处理"},
	{4, "402", "satisfied", "费用怎么分、每户多少钱都公示了，大家心里有数"},
	{6, "602", "satisfied", "老伴腿脚不好，有了电梯去医院方便多了"},
	{8, "201", "basic", "二楼用得少；电梯运行声音不大，就是卧室采光比以前差了一点"},
}

// addNeighbours gives the owners of neighbourAccounts an account bound to
// their household (as a resident registering on the platform would get).
func neighbourUsername(unit int, room string) string { return fmt.Sprintf("huicui-%d-%s", unit, room) }

// Residents lists the owners' accounts the elevator story adds (they
// rate and follow the project), for `linli demo` to print.
func Residents() []string {
	out := make([]string, 0, len(neighbourAccounts))
	for _, n := range neighbourAccounts {
		out = append(out, neighbourUsername(n.unit, n.room))
	}
	return out
}

func addNeighbours(ctx context.Context, reg *registry.Service, au *auth.Service) ([]neighbour, error) {
	var out []neighbour
	sys := linli.System()
	for _, n := range neighbourAccounts {
		unit, err := reg.FindNode(ctx, join(pathHuicui, "1号楼", fmt.Sprintf("%d单元", n.unit)))
		if err != nil {
			return nil, err
		}
		byRoom, _, err := unitHouseholds(ctx, reg, unit)
		if err != nil {
			return nil, err
		}
		h := byRoom[n.room]
		var owner *registry.Member
		for i, m := range h.Members {
			if m.IsOwner {
				owner = &h.Members[i]
				break
			}
		}
		if owner == nil {
			continue // no registered owner: nobody to give an account to
		}
		username := neighbourUsername(n.unit, n.room)
		acc, err := au.CreateAccount(ctx, sys, auth.AccountInput{Username: username, Password: demo.Password, PersonID: owner.PersonID,
			DisplayName: fmt.Sprintf("%s（1号楼%d单元%s业主）", owner.Name, n.unit, n.room)})
		if err != nil {
			return nil, why("account "+username, err)
		}
		if _, err := au.Grant(ctx, sys, acc.ID, auth.GrantInput{Role: linli.RoleResident, NodeID: unit.ID, HouseholdID: h.ID}); err != nil {
			return nil, why("grant "+username, err)
		}
		a, err := au.ActorByUsername(ctx, username)
		if err != nil {
			return nil, err
		}
		out = append(out, neighbour{actor: a, rating: n.rating, comment: n.comment})
	}
	return out, nil
}

func newStoryServices(reg *registry.Service, cal *calendar.Calendar, zone *time.Location, start time.Time) *storyServices {
	clock := linli.NewFakeClock(start)
	cs := cases.New(reg.DB, clock, cal, reg, zone)
	lk := &links.Registry{DB: reg.DB}
	cs.Links = lk
	// The story's capabilities are built on a registry of their own (same
	// database): votes and visits register building-view layers on the
	// registry they are given, and the shared one keeps the server's. Auth
	// is only read (who holds which role; who owns a household online).
	d := capability.Deps{DB: reg.DB, Clock: clock, Zone: zone, Calendar: cs.WorkingCalendar, Links: lk,
		Registry: registry.New(reg.DB, clock), Auth: &auth.Service{DB: reg.DB, Clock: clock, Registry: reg}, Cases: cs}
	s := &storyServices{clock: clock, cases: cs}
	s.visits = visits.New(d)
	later := &projects.Later{} // votes and projects read each other
	s.votes = votes.New(d, s.visits, later)
	s.projects = projects.New(d, s.votes)
	later.Set(s.projects)
	s.meetings = meetings.New(d)
	s.mediation = mediation.New(d)
	s.campaigns = campaigns.New(d)
	s.notices = notices.New(d)
	s.notices.RegisterAudience("campaign_hazard_open", hazardAudience(s.campaigns))
	s.happiness = happiness.New(d, s.campaigns)
	s.cameras = cameras.New(d, nil)
	lk.Register(links.KindCase, cs.ResolveLinks)
	return s
}

// storyCast are the demo accounts the stories need.
type storyCast map[string]*linli.Actor

func loadCast(ctx context.Context, au *auth.Service, names ...string) (storyCast, error) {
	c := storyCast{}
	for _, n := range names {
		a, err := au.ActorByUsername(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("account %s: %w", n, err)
		}
		c[n] = a
	}
	return c, nil
}

// Load plays the stories on a database holding the demo world. now is the present: the elevator story is
// dated (March 2025 – May 2026) and the leak happens in the six weeks
// before now.
func Load(ctx context.Context, reg *registry.Service, au *auth.Service, cal *calendar.Calendar, zone *time.Location, now time.Time) (Story, error) {
	var st Story
	cast, err := loadCast(ctx, au, "xueyuan", "grid1", "building", "unit", "rep", "resident", "property", "contractor", "dept",
		"jixiang", "jxgrid", "jxresident", "xunyang", "xygrid1", "xygrid2", "xygrid3", "xyvolunteer", "xycontractor",
		"lindao", "ydguard")
	if err != nil {
		return st, err
	}
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, zone) }
	if start := at(2025, 3, 10, 9, 0); now.After(at(2026, 5, 9, 0, 0)) {
		s := newStoryServices(reg, cal, zone, start)
		if s.neighbours, err = addNeighbours(ctx, reg, au); err != nil {
			return st, fmt.Errorf("elevator story: %w", err)
		}
		for _, n := range s.neighbours {
			st.Residents = append(st.Residents, n.actor.Username)
		}
		if err := s.elevators(ctx, reg, cast, at, &st); err != nil {
			return st, fmt.Errorf("elevator story: %w", err)
		}
		if s.back != nil {
			return st, fmt.Errorf("elevator story: %w", s.back)
		}
	}
	s := newStoryServices(reg, cal, zone, now.Add(-46*24*time.Hour)) // the leak is reported on day -45
	if err := s.leak(ctx, reg, cast, now, &st); err != nil {
		return st, fmt.Errorf("leak story: %w", err)
	}
	if s.back != nil {
		return st, fmt.Errorf("leak story: %w", s.back)
	}
	for _, u := range demo.XunyangResidents() {
		if cast[u], err = au.ActorByUsername(ctx, u); err != nil {
			return st, fmt.Errorf("account %s: %w", u, err)
		}
	}
	s = newStoryServices(reg, cal, zone, now.AddDate(0, 0, -27)) // the sweep is prepared on day -26
	if err := s.xunyang(ctx, reg, cast, zone, now, &st.Xunyang); err != nil {
		return st, fmt.Errorf("solar-heater story: %w", err)
	}
	if s.back != nil {
		return st, fmt.Errorf("solar-heater story: %w", s.back)
	}
	s = newStoryServices(reg, cal, zone, now.AddDate(0, 0, -41)) // the consultation is called on day -40
	err = s.lindao(ctx, reg, cast, zone, now, &st.Lindao)
	s.cameras.Stop()
	if err != nil {
		return st, fmt.Errorf("gate-camera story: %w", err)
	}
	if s.back != nil {
		return st, fmt.Errorf("gate-camera story: %w", s.back)
	}
	if err := approvePublicCases(ctx, reg, cast, cal, zone, now); err != nil {
		return st, fmt.Errorf("happiness list: %w", err)
	}
	return st, nil
}

// why wraps err with the step and the fields a refusal named.
func why(step string, err error) error {
	if err == nil {
		return nil
	}
	if fs := linli.ErrorFields(err); len(fs) > 0 {
		return fmt.Errorf("%s: %w %v", step, err, fs)
	}
	return fmt.Errorf("%s: %w", step, err)
}

// playCase takes a case from wherever it stands to closed: registered and
// dispatched by staff, taken and handled by whoever it went to, verified
// and closed by staff, and rated by its reporter when a resident reported
// it. Each step moves the clock on a little.
func (s *storyServices) playCase(ctx context.Context, c cases.Case, staff *linli.Actor, handlers map[string]*linli.Actor, reporter *linli.Actor, result string) error {
	step := func(a *linli.Actor, in cases.ActionInput, after time.Duration) error {
		s.clock.Advance(after)
		var err error
		c, err = s.cases.Act(ctx, a, c.ID, in)
		return why(fmt.Sprintf("case %s %s", c.Number, in.Action), err)
	}
	if c.State == cases.Reported {
		if err := step(staff, cases.ActionInput{Action: cases.ActAccept}, 20*time.Minute); err != nil {
			return err
		}
	}
	if c.State == cases.Accepted {
		if err := step(staff, cases.ActionInput{Action: cases.ActDispatch}, 10*time.Minute); err != nil {
			return err
		}
	}
	h := handlers[c.AssigneeKind]
	if h == nil {
		h = staff
	}
	for _, p := range []struct {
		in    cases.ActionInput
		after time.Duration
	}{
		{cases.ActionInput{Action: cases.ActAcknowledge}, 25 * time.Minute},
		{cases.ActionInput{Action: cases.ActStart, Note: "已到现场查看"}, time.Hour},
		{cases.ActionInput{Action: cases.ActHandle, Note: result}, 5 * time.Hour},
	} {
		if err := step(h, p.in, p.after); err != nil {
			return err
		}
	}
	if err := step(staff, cases.ActionInput{Action: cases.ActVerify, Note: "现场核实已解决"}, 2*time.Hour); err != nil {
		return err
	}
	if err := step(staff, cases.ActionInput{Action: cases.ActClose}, 10*time.Minute); err != nil {
		return err
	}
	if reporter != nil && reporter.HasRole(linli.RoleResident) {
		return step(reporter, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied, Comment: "处理及时，谢谢"}, 6*time.Hour)
	}
	return nil
}

// unitHouseholds lists the households of a unit by room.
func unitHouseholds(ctx context.Context, reg *registry.Service, unit registry.Node) (map[string]registry.Household, []registry.Household, error) {
	hs, _, err := reg.ListHouseholds(ctx, linli.System(), registry.HouseholdFilter{NodeID: unit.ID, Limit: 500})
	if err != nil {
		return nil, nil, err
	}
	byRoom := map[string]registry.Household{}
	for _, h := range hs {
		byRoom[h.Room] = h
	}
	return byRoom, hs, nil
}

func checkedPicture(name string, data []byte) ([]attach.Checked, error) {
	return attach.Check(attach.Limits{}, []attach.Upload{{Name: name, Data: data}})
}

// elevatorStory is one playing of the elevator story: the services on its
// clock, the cast, and what the phases hand on to each other (the project,
// its milestones, the household worried about its wall).
type elevatorStory struct {
	*storyServices
	ctx         context.Context
	reg         *registry.Service
	cast        storyCast
	at          func(int, time.Month, int, int, int) time.Time
	st          *Story
	staff, grid *linli.Actor // the community's staff and the grid worker

	community, building registry.Node
	units               []registry.Node
	households          [][]registry.Household  // per unit
	handlers            map[string]*linli.Actor // who handles the cases the story opens

	p            projects.Project
	prep         map[string]int64 // the preparatory milestones by title
	leaves       [][]int64        // each unit's construction steps
	acceptanceID int64
	wallRoom     registry.Household // 3单元201: worried about the wall
	wallVisit    visits.Visit
}

// elevators plays the elevator story, phase by phase, from March 2025 to
// May 2026.
func (s *storyServices) elevators(ctx context.Context, reg *registry.Service, cast storyCast, at func(int, time.Month, int, int, int) time.Time, st *Story) error {
	e := &elevatorStory{storyServices: s, ctx: ctx, reg: reg, cast: cast, at: at, st: st, staff: cast["xueyuan"], grid: cast["grid1"]}
	e.handlers = map[string]*linli.Actor{cases.AssignGrid: e.grid, cases.AssignProperty: cast["property"], cases.AssignDepartment: cast["dept"]}
	for _, phase := range []func() error{e.places, e.open, e.doorToDoor, e.coordination, e.consultation, e.approval, e.construction, e.service} {
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// places finds 荟萃花园南区 1号楼, its eight units and their households.
func (s *elevatorStory) places() error {
	ctx, reg := s.ctx, s.reg
	var err error
	if s.community, err = reg.FindNode(ctx, pathXueyuan); err != nil {
		return err
	}
	if s.building, err = reg.FindNode(ctx, join(pathHuicui, "1号楼")); err != nil {
		return err
	}
	for u := 1; u <= 8; u++ {
		n, err := reg.FindNode(ctx, join(pathHuicui, "1号楼", fmt.Sprintf("%d单元", u)))
		if err != nil {
			return err
		}
		s.units = append(s.units, n)
	}
	s.households = make([][]registry.Household, len(s.units))
	for ui, u := range s.units {
		if _, s.households[ui], err = unitHouseholds(ctx, reg, u); err != nil {
			return err
		}
	}
	return nil
}

// open: March 2025, the building head brings the residents' wish to the
// community, which opens the project with its people, photos and milestones.
func (s *elevatorStory) open() error {
	ctx, cast, at, st, staff := s.ctx, s.cast, s.at, s.st, s.staff
	p, err := s.projects.Create(ctx, staff, projects.ProjectInput{CommunityID: s.community.ID, Scope: nodeIDs(s.units),
		Title: "荟萃花园南区1号楼加装电梯（8部）", Kind: "elevator", BudgetFen: 8 * 46_000_000, Public: true,
		Description: "荟萃花园南区建于2005年，1号楼8个单元均为六层步梯。居民上下楼不便，楼栋长收集诉求后向社区反映，社区受理并协调住建部门、电梯公司和物业，为8个单元各加装1部钢结构内嵌式电梯。"})
	if err != nil {
		return why("create project", err)
	}
	s.p = p
	st.ProjectID = p.ID
	for _, pp := range []struct {
		role projects.Role
		who  string
	}{
		{projects.RoleCommunityLead, "xueyuan"}, {projects.RoleGridWorker, "grid1"}, {projects.RoleBuildingHead, "building"},
		{projects.RoleUnitHead, "unit"}, {projects.RoleResidentRep, "rep"}, {projects.RoleProperty, "property"},
		{projects.RoleContractor, "contractor"}, {projects.RoleDepartment, "dept"},
	} {
		if _, err := s.projects.AddPerson(ctx, staff, p.ID, projects.PersonInput{Role: pp.role, AccountID: cast[pp.who].AccountID}); err != nil {
			return why("add person "+pp.who, err)
		}
	}
	if err := s.projects.Follow(ctx, cast["resident"], p.ID); err != nil {
		return why("follow", err)
	}
	before, err := checkedPicture("加装前.jpg", BuildingPicture(false))
	if err != nil {
		return err
	}
	if _, err := s.projects.AddPhotos(ctx, staff, p.ID, "before", "加装电梯前的1号楼（2025年3月）", before); err != nil {
		return why("photos before", err)
	}
	// Milestones: the preparatory work, then one per unit, each of four
	// steps named with the unit (so the update feed says which), then the
	// acceptance.
	milestone := func(parent int64, title string, weight, sort int) (int64, error) {
		m, err := s.projects.AddMilestone(ctx, staff, p.ID, projects.MilestoneInput{ParentID: parent, Title: title, Weight: &weight, Sort: sort})
		return m.ID, why("milestone "+title, err)
	}
	prepID, err := milestone(0, "前期工作", 2, 0)
	if err != nil {
		return err
	}
	s.prep = map[string]int64{}
	for i, t := range []string{"入户走访", "协调会与方案公示", "意见征询", "审批手续"} {
		if s.prep[t], err = milestone(prepID, t, 1, i+1); err != nil {
			return err
		}
	}
	steps := []struct {
		title  string
		weight int
	}{{"井道基础施工", 3}, {"钢结构井道安装", 3}, {"电梯设备安装调试", 3}, {"特种设备检验", 1}}
	for i := range s.units {
		m, err := milestone(0, fmt.Sprintf("%d单元电梯", i+1), 1, i+1)
		if err != nil {
			return err
		}
		var ls []int64
		for j, stp := range steps {
			leaf, err := milestone(m, fmt.Sprintf("%d单元%s", i+1, stp.title), stp.weight, j+1)
			if err != nil {
				return err
			}
			ls = append(ls, leaf)
		}
		s.leaves = append(s.leaves, ls)
	}
	if s.acceptanceID, err = milestone(0, "竣工验收", 1, 9); err != nil {
		return err
	}
	s.set(at(2025, 3, 12, 10, 0))
	if _, err := s.projects.Advance(ctx, staff, p.ID, projects.AdvanceInput{Proposer: "1号楼楼栋长及8个单元的居民代表",
		Outcome: "楼栋长收集了各单元加装电梯的诉求并报社区；社区受理，向区住建局咨询了既有住宅加装电梯政策。"}); err != nil {
		return why("advance to consultation", err)
	}
	return nil
}

// nodeIDs lists the nodes' ids.
func nodeIDs(ns []registry.Node) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// note posts an update to the project's feed at when, as the community.
func (s *elevatorStory) note(when time.Time, text string) error {
	s.set(when)
	_, err := s.projects.PostUpdate(s.ctx, s.staff, s.p.ID, text)
	return why("update", err)
}

// done marks milestone id complete at when.
func (s *elevatorStory) done(when time.Time, id int64) error {
	s.set(when)
	_, err := s.projects.SetProgress(s.ctx, s.staff, s.p.ID, id, 100)
	return why("progress", err)
}

// doorToDoor: March 2025, the grid worker and the building head visit
// every household and the feed reports the stances.
func (s *elevatorStory) doorToDoor() error {
	ctx, cast, at, grid, p := s.ctx, s.cast, s.at, s.grid, s.p
	// March 2025: the grid worker and the building head visit every
	// household. High floors want the elevator; low floors worry about
	// light, noise and their walls; the third floor about the cost.
	rng := rand.New(rand.NewPCG(2025, 3))
	day := at(2025, 3, 15, 9, 30)
	stances := map[visits.Stance]int{}
	for ui, hs := range s.households {
		for hi, h := range hs {
			s.set(day.Add(time.Duration(ui*2+hi/6)*24*time.Hour + time.Duration(hi%6)*40*time.Minute))
			in := visits.VisitInput{HouseholdID: h.ID, Subject: links.Ref{Kind: links.KindProject, ID: p.ID}.String(), MatterTitle: "1号楼加装电梯",
				VisitorIDs: []int64{grid.AccountID, cast["building"].AccountID}, Stance: visits.Support}
			switch {
			case ui == 2 && h.Room == "201":
				s.wallRoom = h
				in.Stance, in.Concerns = visits.Oppose, []visits.Concern{visits.Structural}
				in.Notes = "担心井道贴近卧室外墙，施工会损坏墙体、影响房屋安全。"
				in.FollowUps = []visits.FollowUpInput{{Text: "请施工方准备井道位置图和结构说明，送达住户", Due: "2025-04-30"}}
			case h.Floor <= 2:
				in.Stance = []visits.Stance{visits.Undecided, visits.Support, visits.Undecided}[rng.IntN(3)]
				in.Concerns = []visits.Concern{visits.Light, visits.Noise}
				in.Notes = "低层住户，担心采光和运行噪音；表示愿意先看方案再决定。"
			case h.Floor == 3:
				in.Concerns = []visits.Concern{visits.Cost}
				in.Notes = "支持加装，关心费用怎么分摊。"
			default:
				in.Notes = "家中有老人，上下楼困难，盼望早日加装。"
			}
			v, err := s.visits.Record(ctx, grid, in)
			if err != nil {
				return why("visit "+h.Room, err)
			}
			if h.ID == s.wallRoom.ID {
				s.wallVisit = v
			}
			stances[in.Stance]++
		}
	}
	if err := s.done(at(2025, 3, 31, 10, 0), s.prep["入户走访"]); err != nil {
		return err
	}
	if err := s.note(at(2025, 3, 31, 10, 5), fmt.Sprintf("入户走访完成：1号楼%d户全部走访，支持%d户、未决定%d户、反对%d户。低层住户主要担心采光、噪音和墙体安全，三层住户关心费用分摊，下一步召开协调会逐一答疑。",
		stances[visits.Support]+stances[visits.Undecided]+stances[visits.Oppose], stances[visits.Support], stances[visits.Undecided], stances[visits.Oppose])); err != nil {
		return err
	}
	return nil
}

// action is a meeting's follow-up action as the story plays it.
type action struct {
	title, owner string
	by           string // the owner's demo account, "" for an owner without one
	due          string
	at           time.Time // when it was done, or turned into a case
	done         string
	toCase       *meetings.CaseInput
}

// meeting holds a coordination meeting on the building: invitations a week
// before, sign-in, minutes, decisions, then each action done (or turned into
// a case and played) on its day.
func (s *elevatorStory) meeting(title string, start time.Time, agenda []string, minutes string, decisions []meetings.DecisionInput, actions []action) error {
	ctx, cast, st, staff, grid := s.ctx, s.cast, s.st, s.staff, s.grid
	s.set(start.Add(-7 * 24 * time.Hour))
	d, err := s.meetings.Create(ctx, staff, meetings.MeetingInput{Title: title, Kind: meetings.KindCoordination, ScopeID: s.building.ID,
		Subject: &links.Ref{Kind: links.KindProject, ID: s.p.ID}, StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Place: "学苑社区党群服务中心二楼会议室", Host: "学苑社区党支部", Agenda: agenda,
		Invite: &meetings.InviteInput{AccountIDs: []int64{grid.AccountID, cast["building"].AccountID, cast["unit"].AccountID, cast["rep"].AccountID,
			cast["property"].AccountID, cast["contractor"].AccountID}, NodeIDs: []int64{s.building.ID}}})
	if err != nil {
		return why("meeting "+title, err)
	}
	id := d.Meeting.ID
	st.MeetingIDs = append(st.MeetingIDs, id)
	s.set(start)
	if _, err := s.meetings.Hold(ctx, staff, id); err != nil {
		return why("hold", err)
	}
	for _, who := range []string{"grid1", "building", "unit", "rep", "property", "contractor"} {
		if _, err := s.meetings.SignIn(ctx, staff, id, meetings.SignInInput{AccountID: cast[who].AccountID}); err != nil {
			return why("sign in "+who, err)
		}
	}
	for ui, hs := range s.households {
		for hi, h := range hs {
			if (hi+ui)%3 == 0 {
				if _, err := s.meetings.SignIn(ctx, staff, id, meetings.SignInInput{HouseholdID: h.ID}); err != nil {
					return why("sign in household", err)
				}
			}
		}
	}
	s.clock.Advance(2 * time.Hour)
	if _, err := s.meetings.RecordMinutes(ctx, staff, id, meetings.MinutesInput{Minutes: minutes, Recorder: "学苑社区 柴晓燕"}); err != nil {
		return why("minutes", err)
	}
	for _, dec := range decisions {
		if _, err := s.meetings.AddDecision(ctx, staff, id, dec); err != nil {
			return why("decision", err)
		}
	}
	acts := make([]meetings.Action, len(actions))
	for i, a := range actions {
		in := meetings.ActionInput{Title: a.title, OwnerName: a.owner, Due: a.due}
		if a.by != "" {
			in.OwnerAccountID = cast[a.by].AccountID
		}
		if acts[i], err = s.meetings.AddAction(ctx, staff, id, in); err != nil {
			return why("action "+a.title, err)
		}
	}
	if _, err := s.meetings.PublishMinutes(ctx, staff, id); err != nil {
		return why("publish", err)
	}
	order := make([]int, len(actions))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return actions[order[i]].at.Before(actions[order[j]].at) })
	for _, i := range order {
		a := actions[i]
		s.set(a.at)
		if a.toCase != nil {
			act, err := s.meetings.ToCase(ctx, staff, id, acts[i].ID, *a.toCase)
			if err != nil {
				return why("action to case", err)
			}
			c, err := s.cases.Get(ctx, staff, act.CaseID)
			if err != nil {
				return err
			}
			if err := s.playCase(ctx, c, staff, s.handlers, nil, a.done); err != nil {
				return err
			}
			continue
		}
		who := staff
		if a.by != "" {
			who = cast[a.by]
		}
		if _, err := s.meetings.CompleteAction(ctx, who, id, acts[i].ID, meetings.DoneInput{Note: a.done}); err != nil {
			return why("action done", err)
		}
	}
	return nil
}

// coordination: April–May 2025, the first two coordination meetings (the
// drawings, then the cost sharing), and the project moves to the vote.
func (s *elevatorStory) coordination() error {
	ctx, at, staff, grid, p := s.ctx, s.at, s.staff, s.grid, s.p
	if err := s.meeting("1号楼加装电梯第一次协调会", at(2025, 4, 12, 14, 30),
		[]string{"通报入户走访情况", "电梯公司介绍加装方案", "低层住户提出顾虑，逐一答疑"},
		"社区通报：走访96户，高层住户普遍支持，低层住户主要担心采光、噪音和墙体安全，三层住户关心费用。\n电梯公司介绍：采用钢结构内嵌式井道，独立桩基，不与住户墙体相连。\n低层住户代表希望看到每个单元的井道位置图后再表态。",
		[]meetings.DecisionInput{{Text: "由电梯公司提供8个单元的井道位置图和结构说明，在各单元张贴公示"}, {Text: "下次会议讨论费用分摊方案"}},
		[]action{
			{title: "提供8个单元井道位置图和结构说明并张贴公示", by: "contractor", due: "2025-04-26", at: at(2025, 4, 24, 16, 0), done: "图纸已在各单元门厅张贴，并送达低层住户"},
			{title: "测算加装后对一、二层采光的影响并书面答复", by: "grid1", due: "2025-04-30", at: at(2025, 4, 28, 10, 0), done: "电梯公司出具日照测算，冬至日有效日照减少不超过20分钟，已逐户答复"},
		}); err != nil {
		return err
	}
	// The drawings reached the household worried about its wall.
	if s.wallVisit.ID != 0 && len(s.wallVisit.FollowUps) > 0 {
		s.set(at(2025, 4, 28, 11, 0))
		if _, err := s.visits.SetFollowUp(ctx, grid, s.wallVisit.ID, s.wallVisit.FollowUps[0].ID, true); err != nil {
			return why("visit follow-up", err)
		}
	}
	if err := s.meeting("1号楼加装电梯费用分摊协调会", at(2025, 5, 10, 14, 30),
		[]string{"介绍补贴政策", "讨论按楼层分摊的系数方案", "确定意见征询安排"},
		"社区介绍区住建局既有住宅加装电梯补贴政策，每部补贴16万元。\n经讨论，参照已公布的分摊方案：一、二层不出资，三层系数0.7，每升一层加0.1，按系数乘面积分摊。\n各单元以纸质意见征询表逐户征求意见，由网格员和单元长收集。",
		[]meetings.DecisionInput{{Text: "采用按楼层系数分摊方案：1–2层0，3层0.7，4层0.8，5层0.9，6层1.0（到会住户代表举手表决）", For: ptr(27), Against: ptr(1), Abstain: ptr(4)},
			{Text: "5月20日起以单元为单位征询意见，6月20日截止"}},
		[]action{
			{title: "向区住建局申报加装电梯补贴", owner: "学苑社区居委会", due: "2025-05-31", at: at(2025, 5, 13, 16, 0), done: "已提交8部电梯的补贴申报材料"},
		}); err != nil {
		return err
	}
	if err := s.done(at(2025, 5, 14, 10, 0), s.prep["协调会与方案公示"]); err != nil {
		return err
	}
	s.set(at(2025, 5, 15, 10, 0))
	if _, err := s.projects.Advance(ctx, staff, p.ID, projects.AdvanceInput{Outcome: "入户走访96户，召开协调会两次，形成按楼层系数分摊的费用方案，各单元张贴了井道图纸。"}); err != nil {
		return why("advance to vote", err)
	}
	return nil
}

// consultation: May–June 2025, one consent vote per unit with paper
// ballots; 3单元201 changes its ballot after a second visit; cost plans.
func (s *elevatorStory) consultation() error {
	ctx, cast, at, st, staff, grid, p := s.ctx, s.cast, s.at, s.st, s.staff, s.grid, s.p
	// May–June 2025: one vote per unit, paper ballots collected door to
	// door; 3单元201 first disagrees over its wall, sees the drawings on a
	// second visit and changes its ballot. Neighbours who heard of the
	// platform at the door follow the project from then on.
	opens, closes := at(2025, 5, 20, 8, 0), at(2025, 6, 20, 18, 0)
	s.set(opens.Add(-24 * time.Hour))
	for ui, u := range s.units {
		v, err := s.votes.CreateVote(ctx, staff, votes.VoteInput{ScopeID: u.ID, ProjectID: p.ID, Title: fmt.Sprintf("1号楼%d单元加装电梯意见征询", ui+1),
			Matter: consent.Renovation, RequiredRooms: []string{"102"}, OpensAt: opens, ClosesAt: closes})
		if err != nil {
			return why("vote", err)
		}
		st.VoteIDs = append(st.VoteIDs, v.ID)
	}
	if err := s.note(opens.Add(-23*time.Hour), "各单元意见征询表今日发放，5月20日起由网格员和单元长逐户收集，6月20日截止；井道位置图和费用分摊方案已在各单元门厅公示。业主也可在邻里平台上自行表决。"); err != nil {
		return err
	}
	for _, n := range s.neighbours {
		s.clock.Advance(17 * time.Minute)
		if err := s.projects.Follow(ctx, n.actor, p.ID); err != nil {
			return why("follow "+n.actor.Username, err)
		}
	}
	for ui, hs := range s.households {
		for hi, h := range hs {
			s.set(opens.Add(time.Duration(2+ui)*24*time.Hour + time.Duration(hi)*30*time.Minute))
			in := votes.BallotInput{HouseholdID: h.ID, Choice: consent.Agree, Method: votes.MethodPaper, Collector: "柴晓燕（网格员）"}
			who := grid
			switch {
			case ui == 2 && h.Room == "602":
				in.Method, in.Collector, who = votes.MethodOnline, "", cast["resident"]
			case ui == 2 && h.Room == "201":
				in.Choice, in.Reason = consent.Disagree, "担心加装电梯影响墙体安全"
			case h.Room == "101" && ui%3 == 0:
				in.Choice, in.Reason = consent.Abstain, "对采光仍有顾虑，不反对"
			case h.Owners() == "":
				continue // no registered owner to ask
			}
			if _, err := s.votes.CastBallot(ctx, who, st.VoteIDs[ui], in); err != nil {
				return why(fmt.Sprintf("ballot %d单元%s", ui+1, h.Room), err)
			}
		}
	}
	if s.wallRoom.ID != 0 {
		v3 := st.VoteIDs[2]
		d, err := s.votes.Detail(ctx, staff, v3)
		if err != nil {
			return err
		}
		s.set(at(2025, 5, 30, 16, 0))
		for _, o := range d.Objections {
			if _, err := s.votes.AddObjectionNote(ctx, staff, v3, o.ID, "已联系电梯公司准备详细施工图纸，约定6月3日上门解释。"); err != nil {
				return why("objection note", err)
			}
		}
		s.set(at(2025, 6, 3, 19, 0))
		if _, err := s.visits.Record(ctx, grid, visits.VisitInput{HouseholdID: s.wallRoom.ID, Subject: links.Ref{Kind: links.KindProject, ID: p.ID}.String(),
			VisitorIDs: []int64{grid.AccountID, cast["building"].AccountID}, VisitorNames: []string{"晋安电梯技术员"},
			Stance: visits.Support, Concerns: []visits.Concern{visits.Structural},
			Notes: "带施工图纸上门：电梯为钢架桩基独立井道，不破坏墙体，桩基与住户墙体保持安全距离。住户看过图纸后表示理解，同意加装。"}); err != nil {
			return why("second visit", err)
		}
		s.set(at(2025, 6, 5, 10, 0))
		if _, err := s.votes.CastBallot(ctx, grid, v3, votes.BallotInput{HouseholdID: s.wallRoom.ID, Choice: consent.Agree, Method: votes.MethodPaper,
			Collector: "柴晓燕（网格员）", Reason: "看了图纸，放心了"}); err != nil {
			return why("changed ballot", err)
		}
		// A paper ballot a grid worker records does not close the owner's
		// objection by itself; the community checks and closes it.
		s.set(at(2025, 6, 5, 15, 0))
		for _, o := range d.Objections {
			if _, err := s.votes.ResolveObjection(ctx, staff, v3, o.ID, "已电话联系业主核实：看过施工图纸后同意加装，纸质票为本人签字。"); err != nil {
				return why("objection resolved", err)
			}
		}
	}
	s.set(closes.Add(time.Hour))
	for _, id := range st.VoteIDs { // the votes closed by their closing time
		if _, err := s.votes.CreateCostPlan(ctx, staff, votes.CostPlanInput{VoteID: id, ProjectID: p.ID, Title: "加装电梯费用分摊",
			Total: registry.Decimal("460000.00"), Subsidy: registry.Decimal("160000.00")}); err != nil {
			return why("cost plan", err)
		}
	}
	if err := s.done(at(2025, 6, 21, 9, 0), s.prep["意见征询"]); err != nil {
		return err
	}
	if err := s.note(at(2025, 6, 21, 9, 5), "8个单元意见征询全部有效通过。每部电梯总价46万元，区住建局补贴16万元，其余30万元由三层及以上住户按楼层系数和面积分摊，各户金额已在单元门厅公示。"); err != nil {
		return err
	}
	s.set(at(2025, 6, 23, 9, 30))
	if _, err := s.projects.Advance(ctx, staff, p.ID, projects.AdvanceInput{Outcome: "8个单元意见征询均有效通过，3单元201户的墙体顾虑经图纸说明后改投同意。"}); err != nil {
		return why("advance to approval", err)
	}
	return nil
}

// approval: summer 2025, the permits, the construction settings and the
// construction coordination meeting.
func (s *elevatorStory) approval() error {
	ctx, at, staff, p := s.ctx, s.at, s.staff, s.p
	if err := s.done(at(2025, 8, 18, 9, 0), s.prep["审批手续"]); err != nil {
		return err
	}
	if _, err := s.projects.Advance(ctx, staff, p.ID, projects.AdvanceInput{ApprovalNumber: "盐住建审〔2025〕86号",
		ApprovalDepartment: "盐湖区住房和城乡建设局", ApprovalDate: "2025-08-15", Outcome: "规划、消防和特种设备手续齐备，准予施工。"}); err != nil {
		return why("advance to construction", err)
	}
	if _, err := s.projects.SetConstruction(ctx, staff, p.ID, projects.ConstructionInput{Contractor: "晋安电梯安装有限公司",
		StartDate: "2025-09-01", EndDate: "2026-03-31", WorkHours: []string{"07:30-12:00", "13:00-19:00"}, QuietHours: []string{"12:00-13:00", "22:00-24:00", "00:00-06:00"}}); err != nil {
		return why("construction", err)
	}
	if err := s.meeting("1号楼加装电梯施工协调会", at(2025, 8, 28, 15, 0),
		[]string{"施工方介绍进度计划和作业时间", "材料堆放与通行安全", "居民监督与投诉渠道"},
		"施工方介绍：9月1日进场，1至4单元先做井道基础，5至8单元随后开工，预计2026年3月底完工。\n物业说明小区内道路窄，材料不得占用消防通道。\n居民可通过邻里平台随时反映施工问题，社区当日响应。",
		[]meetings.DecisionInput{{Text: "施工期间每日作业结束后清扫楼道"}, {Text: "材料统一堆放在物业划定的区域"}},
		[]action{
			{title: "在小区东侧空地划定临时材料堆放区", by: "property", due: "2025-08-31", at: at(2025, 8, 30, 10, 0), done: "已划定并设置围挡和标识"},
			{title: "修复施工车辆进出口处破损路面", owner: "荟安物业", due: "2025-09-10", at: at(2025, 8, 29, 9, 0), done: "已修补路面并恢复通行",
				toCase: &meetings.CaseInput{Category: "public_facility", Title: "施工车辆进出口路面破损", Description: "施工协调会提出：小区北门内路面破损，施工车辆进出前需修复。"}},
		}); err != nil {
		return err
	}
	return nil
}

// construction: September 2025 – March 2026, the building site in the
// order things happened, with the three complaints and what was done.
func (s *elevatorStory) construction() error {
	ctx, cast, at, staff, p := s.ctx, s.cast, s.at, s.staff, s.p
	// September 2025 – March 2026: the building site, in the order things
	// happened. Units 1–4 start on 1 September, units 5–8 some weeks
	// later; the three complaints of the article come in between, each with
	// what was done about it; work stops for the Spring Festival.
	type event struct {
		at time.Time
		do func() error
	}
	events := []event{
		{at(2025, 9, 1, 7, 30), func() error {
			return s.note(at(2025, 9, 1, 7, 30), "施工方今日进场，先进行1至4单元井道基础施工，5至8单元随后开工。")
		}},
		{at(2026, 2, 9, 17, 0), func() error {
			return s.note(at(2026, 2, 9, 17, 0), "2月10日至24日春节停工，施工现场已封闭并安排人员值守；2月25日复工，进行5至8单元电梯调试和特种设备检验。")
		}},
	}
	// When each unit's steps were done: units 1–4 and 5–8 three days
	// apart within their batch.
	stepDone := [2][4]time.Time{
		{at(2025, 9, 26, 17, 0), at(2025, 10, 28, 17, 0), at(2025, 12, 1, 17, 0), at(2025, 12, 22, 11, 0)},
		{at(2025, 10, 24, 17, 0), at(2025, 11, 28, 17, 0), at(2026, 1, 20, 17, 0), at(2026, 3, 6, 11, 0)},
	}
	for ui := range s.units {
		for si, leaf := range s.leaves[ui] {
			when := stepDone[ui/4][si].Add(time.Duration(ui%4) * 3 * 24 * time.Hour)
			events = append(events, event{when, func() error { return s.done(when, leaf) }})
		}
	}
	complaints := []struct {
		when     time.Time
		by       string
		in       projects.ComplaintInput
		result   string
		measure  string
		newHours *projects.ConstructionInput
	}{
		{at(2025, 9, 16, 12, 20), "resident", projects.ComplaintInput{Category: "noise", Title: "中午还在切割钢材，噪音很大", Description: "3单元门口中午12点多仍在切割钢材，家里老人无法午休。"},
			"已要求施工方调整作业时段，午间只安排低噪音作业。", "施工时段调整为8:00–12:00、14:30–18:30，午间只安排低噪音作业。",
			&projects.ConstructionInput{Contractor: "晋安电梯安装有限公司", StartDate: "2025-09-01", EndDate: "2026-03-31",
				WorkHours: []string{"08:00-12:00", "14:30-18:30"}, QuietHours: []string{"12:00-14:30", "22:00-24:00", "00:00-06:00"}, Reason: "居民反映午间切割噪音影响休息"}},
		{at(2025, 10, 9, 8, 40), "grid1", projects.ComplaintInput{Category: "parking", Title: "钢材堆放占用消防通道", Description: "巡查发现5单元北侧消防通道堆放钢材，车辆无法通行。"},
			"网格员当场督促施工方清理，材料移至临时堆放区。", "当场督促清理，物业在小区东侧规划临时材料堆放区，通道恢复畅通。", nil},
		{at(2025, 11, 5, 15, 10), "rep", projects.ComplaintInput{Category: "safety_hazard", Title: "焊接火花落到楼下车棚", Description: "7单元井道焊接时火花落到楼下电动车棚，存在火灾隐患。"},
			"已协调施工方加装防护挡板，焊接时安排专人看护。", "焊接作业面加装防护挡板，并安排专人值守、配备灭火器。", nil},
	}
	for _, cp := range complaints {
		events = append(events, event{cp.when, func() error {
			s.set(cp.when)
			c, err := s.projects.Complain(ctx, cast[cp.by], p.ID, cp.in)
			if err != nil {
				return why("complaint "+cp.in.Title, err)
			}
			if cp.newHours != nil {
				s.clock.Advance(2 * time.Hour)
				if _, err := s.projects.SetConstruction(ctx, staff, p.ID, *cp.newHours); err != nil {
					return why("changed hours", err)
				}
			}
			if err := s.playCase(ctx, c, staff, s.handlers, cast[cp.by], cp.result); err != nil {
				return err
			}
			_, err = s.projects.RecordMeasure(ctx, staff, p.ID, c.ID, cp.measure)
			return why("measure", err)
		}})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].at.Before(events[j].at) })
	for _, e := range events {
		if err := e.do(); err != nil {
			return err
		}
	}
	return nil
}

// service: April–May 2026, acceptance, the elevators in service, the
// residents' ratings and their banner.
func (s *elevatorStory) service() error {
	ctx, cast, at, staff, p := s.ctx, s.cast, s.at, s.staff, s.p
	s.set(at(2026, 3, 31, 17, 0))
	if _, err := s.projects.Advance(ctx, staff, p.ID, projects.AdvanceInput{Outcome: "8部电梯全部安装完成并通过特种设备检验，施工期间3起投诉均已办结。"}); err != nil {
		return why("advance to acceptance", err)
	}
	if err := s.done(at(2026, 4, 16, 17, 0), s.acceptanceID); err != nil {
		return err
	}
	s.set(at(2026, 4, 20, 10, 0))
	if _, err := s.projects.Advance(ctx, staff, p.ID, projects.AdvanceInput{AcceptanceDate: "2026-04-16", AcceptancePassed: true,
		AcceptanceParticipants: "盐湖区住建局、特种设备检验机构、晋安电梯安装有限公司、荟安物业、学苑社区、居民代表",
		Outcome:                "竣工验收合格，取得特种设备使用登记，8部电梯投入使用。"}); err != nil {
		return why("advance to service", err)
	}
	after, err := checkedPicture("加装后.jpg", BuildingPicture(true))
	if err != nil {
		return err
	}
	if _, err := s.projects.AddPhotos(ctx, staff, p.ID, "after", "8部电梯投入使用（2026年4月）", after); err != nil {
		return why("photos after", err)
	}
	if err := s.note(at(2026, 4, 20, 10, 30), "8部电梯今日起正式投入使用。荟安物业负责日常维保，电梯有故障可拨打轿厢内的应急电话，或在邻里平台报修。欢迎居民对项目进行评价。"); err != nil {
		return err
	}
	// The residents' verdicts, once the elevators run.
	raters := append([]neighbour{{actor: cast["resident"], rating: "satisfied", comment: "上下楼方便多了，施工期间反映的噪音问题也很快解决了"}}, s.neighbours...)
	for _, n := range raters {
		s.clock.Advance(26 * time.Hour)
		if err := s.projects.Rate(ctx, n.actor, p.ID, projects.RatingInput{Rating: n.rating, Comment: n.comment}); err != nil {
			return why("rate "+n.actor.Username, err)
		}
	}
	s.set(at(2026, 5, 8, 10, 0))
	if _, err := s.projects.AddThanks(ctx, staff, p.ID, projects.ThanksInput{Kind: "banner", From: "荟萃花园南区1号楼全体居民",
		Text: "为民办实事 电梯暖人心", Date: "2026-05-08"}); err != nil {
		return why("banner", err)
	}
	return nil
}

// leakStory is one playing of the leak story: the services on its clock,
// the cast, and what its phases hand on (the households, the case, the
// dispute).
type leakStory struct {
	*storyServices
	ctx                   context.Context
	reg                   *registry.Service
	st                    *Story
	staff, grid, resident *linli.Actor
	day                   func(d int, hh, mm int) time.Time // d days from now, at hh:mm local time
	date                  func(d int) string                // d days from now, as a date
	h402, h502            registry.Household
	c                     cases.Case
	dispute               int64
}

// leak plays the leak story in the six weeks before now.
func (s *storyServices) leak(ctx context.Context, reg *registry.Service, cast storyCast, now time.Time, st *Story) error {
	l := &leakStory{storyServices: s, ctx: ctx, reg: reg, st: st, staff: cast["jixiang"], grid: cast["jxgrid"], resident: cast["jxresident"]}
	l.day = func(d int, hh, mm int) time.Time {
		t := now.AddDate(0, 0, d).In(s.cases.Zone)
		return time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, s.cases.Zone)
	}
	l.date = func(d int) string { return l.day(d, 12, 0).Format("2006-01-02") }
	for _, phase := range []func() error{l.report, l.mediate, l.agree, l.closeCase, l.followUp} {
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// step moves the leak case on by one action at at.
func (s *leakStory) step(a *linli.Actor, in cases.ActionInput, at time.Time) error {
	s.set(at)
	var err error
	s.c, err = s.cases.Act(s.ctx, a, s.c.ID, in)
	return why("leak "+string(in.Action), err)
}

// report: day -45, 402 reports the leak; the community accepts and
// dispatches it, and the grid worker finds the cause on the spot.
func (s *leakStory) report() error {
	ctx, reg, st, staff, grid, resident, day := s.ctx, s.reg, s.st, s.staff, s.grid, s.resident, s.day
	unit, err := reg.FindNode(ctx, join(pathJixiang, "第一网格", "吉祥花园", "1号楼", "2单元"))
	if err != nil {
		return err
	}
	byRoom, _, err := unitHouseholds(ctx, reg, unit)
	if err != nil {
		return err
	}
	s.h402, s.h502 = byRoom["402"], byRoom["502"]
	if s.h402.ID == 0 || s.h502.ID == 0 {
		return fmt.Errorf("no 402/502 in 吉祥花园 1号楼 2单元")
	}
	s.set(day(-45, 8, 10))
	if s.c, err = s.cases.Open(ctx, resident, cases.NewCase{Category: "water_leak", Title: "卫生间顶部漏水", HouseholdID: s.h402.ID,
		Description: "卫生间吊顶持续滴水，墙面起皮，怀疑楼上502下水管道渗漏，与楼上沟通未果。"}); err != nil {
		return why("leak case", err)
	}
	st.LeakCaseID = s.c.ID
	for _, p := range []struct {
		a  *linli.Actor
		in cases.ActionInput
		at time.Time
	}{
		{staff, cases.ActionInput{Action: cases.ActAccept}, day(-45, 8, 40)},
		{staff, cases.ActionInput{Action: cases.ActDispatch}, day(-45, 8, 50)},
		{grid, cases.ActionInput{Action: cases.ActAcknowledge}, day(-45, 9, 20)},
		{grid, cases.ActionInput{Action: cases.ActStart, Note: "上门查看：502卫生间下水管接口老化渗漏，402吊顶和墙面受损。双方对赔偿有分歧，建议人民调解。"}, day(-45, 10, 30)},
	} {
		if err := s.step(p.a, p.in, p.at); err != nil {
			return err
		}
	}
	return nil
}

// mediate: days -44 to -41, the case goes to people's mediation, with a
// session at the two flats and one in the mediation room.
func (s *leakStory) mediate() error {
	ctx, st, staff, grid, day := s.ctx, s.st, s.staff, s.grid, s.day
	s.set(day(-44, 9, 0))
	d, err := s.mediation.OpenFromCase(ctx, staff, s.c.ID, mediation.DisputeInput{Type: mediation.TypeLeak, Title: "吉祥花园1号楼2单元402、502漏水纠纷",
		Facts:     "502卫生间下水管接口老化渗漏，导致402卫生间吊顶和墙面受损。402要求502维修并赔偿，502认为损失不大，双方协商未果。",
		Parties:   []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: s.h402.ID, Claims: "502立即维修下水管，赔偿吊顶和墙面修复费用2,500元"}, {Role: mediation.RoleRespondent, HouseholdID: s.h502.ID, Claims: "愿意维修管道，认为修复费用过高"}},
		Mediators: []int64{staff.AccountID, grid.AccountID}})
	if err != nil {
		return why("open mediation", err)
	}
	s.dispute = d.Dispute.ID
	st.DisputeID = d.Dispute.ID
	s.set(day(-43, 19, 30))
	if _, err := s.mediation.AddSession(ctx, staff, s.dispute, mediation.SessionInput{HeldAt: day(-43, 19, 0).Format("2006-01-02T15:04"),
		Place: "吉祥花园1号楼2单元402、502现场", Participants: "双方住户、网格员、社区调解员",
		Record: "到两户现场查看：502下水管接口渗漏属实，402吊顶石膏板受潮变形约2平方米。双方同意先维修管道，赔偿金额待物业和装修师傅估价后再谈。"}); err != nil {
		return why("session 1", err)
	}
	s.set(day(-41, 20, 30))
	if _, err := s.mediation.AddSession(ctx, staff, s.dispute, mediation.SessionInput{HeldAt: day(-41, 19, 30).Format("2006-01-02T15:04"),
		Place: "吉祥社区人民调解室", Participants: "双方住户、网格员、社区调解员",
		Record: "装修师傅估价吊顶和墙面修复1,800元。经调解，502同意7日内更换下水管并承担1,800元修复费用，402同意不再主张其他损失。"}); err != nil {
		return why("session 2", err)
	}
	return nil
}

// agree: day -41 to -40, the written agreement, signed and sealed, and the
// parties' choice not to ask a court to confirm it.
func (s *leakStory) agree() error {
	ctx, staff, day, date := s.ctx, s.staff, s.day, s.date
	det, err := s.mediation.Get(ctx, staff, s.dispute)
	if err != nil {
		return err
	}
	var sigs []mediation.SignatureInput
	var info []mediation.PartyInfoInput
	for i, p := range det.Dispute.Parties {
		sigs = append(sigs, mediation.SignatureInput{PartyID: p.ID, Signed: true, On: date(-41)})
		// The basic situation the agreement template asks for (fictional).
		pi := mediation.PartyInfoInput{PartyID: p.ID, Sex: mediation.SexFemale, Ethnicity: "汉族", Age: 63, Occupation: "退休教师"}
		if i == 1 {
			pi = mediation.PartyInfoInput{PartyID: p.ID, Sex: mediation.SexMale, Ethnicity: "汉族", Age: 41, Occupation: "公司职员"}
		}
		info = append(info, pi)
	}
	if _, err := s.mediation.SaveAgreement(ctx, staff, s.dispute, mediation.AgreementInput{
		Facts:            "502卫生间下水管接口老化渗漏，致使402卫生间吊顶和墙面受损。",
		Matters:          "管道维修责任和402修复费用的承担。",
		Responsibilities: "502作为管道所有人，对渗漏造成的损失承担责任。",
		Terms: []mediation.TermInput{
			{What: "502更换卫生间下水管并做闭水试验", How: "由502自行联系维修，网格员到场见证", Deadline: date(-34)},
			{What: "502向402支付吊顶和墙面修复费用", How: "一次性转账支付", Deadline: date(-26), AmountFen: 180000},
		},
		Performance: "双方自觉履行；网格员跟进履行情况。",
		Copies:      3, CopiesHeldBy: "双方当事人各执一份，吉祥社区人民调解委员会留存一份",
		Parties: info, PartySignatures: sigs, MediatorSigned: true, MediatorSignedOn: date(-41), Sealed: true, SealedOn: date(-41)}); err != nil {
		return why("agreement", err)
	}
	if _, err := s.mediation.MarkSigned(ctx, staff, s.dispute); err != nil {
		return why("sign", err)
	}
	s.set(day(-40, 10, 0))
	if _, err := s.mediation.RecordCourtChoice(ctx, staff, s.dispute, mediation.CourtInput{Choice: mediation.CourtNotApplying}); err != nil {
		return why("court choice", err)
	}
	return nil
}

// closeCase: days -36 and -35, the repair done, the case verified, closed
// and rated.
func (s *leakStory) closeCase() error {
	staff, grid, resident, day := s.staff, s.grid, s.resident, s.day
	if err := s.step(grid, cases.ActionInput{Action: cases.ActHandle, Note: "双方达成调解协议；502已更换下水管，闭水试验无渗漏。"}, day(-36, 16, 0)); err != nil {
		return err
	}
	if err := s.step(staff, cases.ActionInput{Action: cases.ActVerify, Note: "回访402，卫生间不再滴水"}, day(-36, 18, 0)); err != nil {
		return err
	}
	if err := s.step(staff, cases.ActionInput{Action: cases.ActClose}, day(-36, 18, 10)); err != nil {
		return err
	}
	if err := s.step(resident, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied, Comment: "网格员和社区调解很耐心"}, day(-35, 9, 0)); err != nil {
		return err
	}
	return nil
}

// followUp: days -20 to -15, the follow-up visit, the settlement on the
// happiness list with both households' consent, and their banner.
func (s *leakStory) followUp() error {
	ctx, reg, staff, day, date := s.ctx, s.reg, s.staff, s.day, s.date
	s.set(day(-20, 15, 0))
	if _, err := s.mediation.AddFollowUp(ctx, staff, s.dispute, mediation.FollowUpInput{VisitedOn: date(-20), Performance: mediation.PerfFull,
		Satisfaction: mediation.Satisfied, Risk: mediation.RiskNone, Notes: "管道已更换，修复费用已于约定期限内付清，402吊顶已修好，两户关系恢复。"}); err != nil {
		return why("follow-up", err)
	}
	// Mediation is private: it goes on the happiness list only because
	// both households agreed at the follow-up visit.
	if _, err := s.mediation.Publish(ctx, staff, s.dispute, mediation.PublishInput{
		Consent: "双方当事人于回访时口头同意公开，由网格员段海鹏记录"}); err != nil {
		return why("publish mediation", err)
	}
	community, err := reg.FindNode(ctx, pathJixiang)
	if err != nil {
		return err
	}
	s.set(day(-15, 10, 0))
	if _, err := s.happiness.AddThanks(ctx, staff, community.ID, links.Ref{Kind: links.KindDispute, ID: s.dispute},
		happiness.ThanksInput{Kind: happiness.ThanksBanner, From: "吉祥花园1号楼2单元居民", Text: "邻里守望 排忧解难"}); err != nil {
		return why("banner", err)
	}
	return nil
}

func ptr(n int) *int { return &n }

// storySummary is a line for the log.
func (st Story) String() string {
	return strings.TrimSpace(fmt.Sprintf("project %d, %d votes, %d meetings, mediation %d, campaign %d (cases %v), cameras %v (%d alerts, case %d), resident accounts %s",
		st.ProjectID, len(st.VoteIDs), len(st.MeetingIDs), st.DisputeID, st.Xunyang.CampaignID, st.Xunyang.CaseIDs, st.Lindao.CameraIDs, len(st.Lindao.AlertIDs),
		st.Lindao.CaseID, strings.Join(st.Residents, " ")))
}
