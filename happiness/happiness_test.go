package happiness_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/attach"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/happiness"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	reg    *registry.Service
	cases  *cases.Service
	deps   capability.Deps
	svc    *happiness.Service
	actors map[string]*linli.Actor
	point  [2]float64 // lon, lat of the cases resolved gets; zero: none
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	w := demotest.New(t, db, time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	zone, clock, reg := w.Zone, w.Clock, w.Registry
	cs := w.Cases
	lr := &links.Registry{DB: db}
	deps := capability.Deps{DB: db, Clock: clock, Zone: zone, Registry: reg, Cases: cs, Links: lr}
	svc := happiness.New(deps)
	// The projects capability's resolver, as cmd/linli registers it: a
	// project is visible to whoever reads projects where it is.
	lr.Register(links.KindProject, func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
		out := map[int64]links.Item{}
		for _, id := range ids {
			var path, title string
			if err := db.QueryRow(ctx, `SELECT path, title FROM projects WHERE id = ?`, id).Scan(&path, &title); err != nil {
				continue
			}
			for _, sc := range a.Scopes(linli.PermProjectsRead) {
				if linli.Within(sc, path) || linli.Within(path, sc) {
					out[id] = links.Item{Title: title}
				}
			}
		}
		return out, nil
	})
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, reg: reg, cases: cs, deps: deps, svc: svc, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "jixiang", "jxgrid", "jxresident", "street")
	return f
}

// with rebuilds the service with capabilities publishing on the list.
func (f *fixture) with(sources ...happiness.Source) {
	f.svc = happiness.New(f.deps, sources...)
}

// source stands in for a capability publishing on the list (projects,
// mediation).
type source struct {
	entries func(ctx context.Context, communityID int64) ([]happiness.Entry, error)
	counts  func(ctx context.Context) (map[int64]int, error)
}

func (s source) HappinessEntries(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
	if s.entries == nil {
		return nil, nil
	}
	return s.entries(ctx, communityID)
}

func (s source) HappinessCounts(ctx context.Context) (map[int64]int, error) {
	if s.counts == nil {
		return nil, nil
	}
	return s.counts(ctx)
}

// project stores a bare project of a community (the projects capability's
// table) and returns its id.
func (f *fixture) project(community registry.Node, title string) int64 {
	f.t.Helper()
	var id int64
	err := f.db.InTx(f.ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(f.ctx, `INSERT INTO projects (community_id, path, title, kind, phase, public, created_at, updated_at) VALUES (?, ?, ?, 'elevator', 'in_service', 1, 0, 0)`,
			community.ID, community.Path, title)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

var (
	pXueyuan = []string{"运城市", "盐湖区", "东城街道", "学苑社区"}
	pJixiang = []string{"运城市", "盐湖区", "东城街道", "吉祥社区"}
)

// Photo is a small JPEG checked for upload.
func Photo(t *testing.T, shade uint8) []attach.Checked {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			m.Set(x, y, color.RGBA{shade, 100, 100, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := attach.Check(attach.PhotoLimits(), []attach.Upload{{Name: "p.jpg", Data: buf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (f *fixture) act(who string, id int64, in cases.ActionInput) {
	f.t.Helper()
	if _, err := f.cases.Act(f.ctx, f.actors[who], id, in); err != nil {
		f.t.Fatalf("%s %s on %d: %v %v", who, in.Action, id, err, linli.ErrorFields(err))
	}
}

// resolved is the Jixiang leak reported by the resident (402) with a
// photo, handled by the grid worker with a photo, closed and rated.
func (f *fixture) resolved(public bool, title string, rating cases.Rating) cases.Case {
	f.t.Helper()
	hh := int64(0)
	for _, g := range f.actors["jxresident"].Grants {
		if g.HouseholdID != 0 {
			hh = g.HouseholdID
		}
	}
	c, err := f.cases.Open(f.ctx, f.actors["jxresident"], cases.NewCase{Category: "water_leak", Title: title, HouseholdID: hh, Public: public,
		Photos: Photo(f.t, 10), Lon: f.point[0], Lat: f.point[1]})
	if err != nil {
		f.t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
	}
	f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActAccept})
	f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActDispatch})
	f.act("jxgrid", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
	f.clock.Advance(2 * time.Hour)
	f.act("jxgrid", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "更换502卫生间防水层，业主电话13912345678", Photos: Photo(f.t, 200)})
	f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActVerify})
	f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActClose})
	if rating != "" {
		f.act("jxresident", c.ID, cases.ActionInput{Action: cases.ActRate, Rating: rating})
	}
	got, err := f.cases.Get(f.ctx, linli.System(), c.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// approve approves, as jixiang, every case of Jixiang waiting, with the
// text proposed.
func (f *fixture) approve() {
	f.t.Helper()
	ps, err := f.svc.Pending(f.ctx, f.actors["jixiang"], f.node(pJixiang...).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, p := range ps {
		if _, err := f.svc.Approve(f.ctx, f.actors["jixiang"], p.CaseID, p.Title, p.Summary); err != nil {
			f.t.Fatalf("approve %d: %v %v", p.CaseID, err, linli.ErrorFields(err))
		}
	}
}

func TestHappinessListCases(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		jx := f.node(pJixiang...)
		pub := f.resolved(true, "2单元402卫生间天花板渗水", cases.Satisfied)
		priv := f.resolved(false, "楼道灯不亮", cases.Satisfied)
		open, err := f.cases.Open(f.ctx, f.actors["jxresident"], cases.NewCase{Category: "water_leak", Title: "厨房漏水", Public: true,
			HouseholdID: pub.HouseholdID})
		if err != nil {
			t.Fatal(err)
		}
		// Closed and public is not enough: staff approve the public text
		// first (issue 8).
		l, err := f.svc.List(f.ctx, jx.ID)
		if err != nil || len(l.Entries) != 0 {
			t.Fatalf("before approval: %+v %v", l.Entries, err)
		}
		if cs, err := f.svc.Communities(f.ctx); err != nil || len(cs) != 0 {
			t.Errorf("index before approval: %+v %v", cs, err)
		}
		f.approve()
		if l, err = f.svc.List(f.ctx, jx.ID); err != nil {
			t.Fatal(err)
		}
		if l.Community != "吉祥社区" || l.Area != "盐湖区 东城街道" {
			t.Errorf("community %q area %q", l.Community, l.Area)
		}
		if len(l.Entries) != 1 {
			t.Fatalf("entries %+v", l.Entries)
		}
		e := l.Entries[0]
		if e.Kind != "case" || e.ID != pub.ID {
			t.Errorf("entry is %s:%d, want case:%d (not the private %d or the open %d)", e.Kind, e.ID, pub.ID, priv.ID, open.ID)
		}
		if e.Title != "2单元卫生间天花板渗水" || e.Place != "吉祥花园 1号楼" || !e.DoneAt.Equal(pub.ClosedAt) {
			t.Errorf("entry %q at %q done %v", e.Title, e.Place, e.DoneAt)
		}
		if !strings.Contains(e.Summary, "更换") || strings.Contains(e.Summary, "13912345678") || strings.Contains(e.Summary, "502") {
			t.Errorf("summary %q", e.Summary)
		}
		if e.Rated != 1 || e.Satisfied != 1 || l.Rated != 1 || l.Satisfied != 1 {
			t.Errorf("satisfaction %d/%d, list %d/%d", e.Satisfied, e.Rated, l.Satisfied, l.Rated)
		}
		if len(e.Photos) != 2 || e.Photos[0].Stage != "before" || e.Photos[1].Stage != "after" {
			t.Errorf("photos %+v", e.Photos)
		}
		// Nothing of Xueyuan's, and Xueyuan has no list entries yet.
		xy := f.node(pXueyuan...)
		if l, err := f.svc.List(f.ctx, xy.ID); err != nil || len(l.Entries) != 0 {
			t.Errorf("xueyuan list %+v %v", l, err)
		}
		// Only communities with entries are on the index.
		cs, err := f.svc.Communities(f.ctx)
		if err != nil || len(cs) != 1 || cs[0].ID != jx.ID || cs[0].Entries != 1 {
			t.Errorf("index %+v %v", cs, err)
		}
		// A node that is not a community is a 404.
		if _, err := f.svc.List(f.ctx, f.node(append(pJixiang, "第一网格")...).ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("list of a grid: %v", err)
		}
		// An unsatisfied rating sends the case back to work: off the list.
		f.resolved(true, "雨水管堵塞", cases.Unsatisfied)
		if l, _ = f.svc.List(f.ctx, jx.ID); len(l.Entries) != 1 || l.Rated != 1 || l.Satisfied != 1 {
			t.Errorf("after an unsatisfied rating: %d entries, %d/%d", len(l.Entries), l.Satisfied, l.Rated)
		}
	})
}

func TestHappinessThanksAndProjects(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		jx, xy := f.node(pJixiang...), f.node(pXueyuan...)
		done := time.Date(2026, 1, 20, 2, 0, 0, 0, time.UTC)
		elevatorID := f.project(xy, "荟萃花园南区1号楼加装电梯")
		jxRoad := f.project(jx, "吉祥花园道路硬化")
		f.with(source{entries: func(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
			if communityID != xy.ID {
				return nil, nil
			}
			return []happiness.Entry{{Kind: "project", ID: elevatorID, Title: "荟萃花园南区1号楼加装电梯", Summary: "8部电梯投入使用", Place: "荟萃花园南区 1号楼",
				DoneAt: done, Rated: 25, Satisfied: 24, Thanks: []happiness.Thanks{{Kind: "letter", From: "1号楼居民", Text: "感谢信", At: done}}}}, nil
		}, counts: func(ctx context.Context) (map[int64]int, error) { return map[int64]int{xy.ID: 1}, nil }})
		pub := f.resolved(true, "卫生间渗水", cases.Basic)
		f.approve()
		leak := links.Ref{Kind: links.KindCase, ID: pub.ID}
		elevator := links.Ref{Kind: links.KindProject, ID: elevatorID}
		banner := happiness.ThanksInput{Kind: happiness.ThanksBanner, From: "吉祥花园1号楼2单元居民", Text: "邻里守望 排忧解难"}

		for _, tc := range []struct {
			name, who string
			community int64
			subject   links.Ref
			in        happiness.ThanksInput
			code      string
			field     string
		}{
			{"grid worker", "jxgrid", jx.ID, leak, banner, linli.EForbidden, ""},
			{"resident", "jxresident", jx.ID, leak, banner, linli.EForbidden, ""},
			{"another community's staff", "xueyuan", jx.ID, leak, banner, linli.EForbidden, ""},
			{"case of another community", "xueyuan", xy.ID, leak, banner, linli.EInvalid, "subject"},
			{"subject of a wrong kind", "jixiang", jx.ID, links.Ref{Kind: "vote", ID: 1}, banner, linli.EInvalid, "subject"},
			{"project that does not exist", "xueyuan", xy.ID, links.Ref{Kind: links.KindProject, ID: 99999}, banner, linli.EInvalid, "subject"},
			{"project of another community", "xueyuan", xy.ID, links.Ref{Kind: links.KindProject, ID: jxRoad}, banner, linli.EInvalid, "subject"},
			{"street staff: project of another community", "street", xy.ID, links.Ref{Kind: links.KindProject, ID: jxRoad}, banner, linli.EInvalid, "subject"},
			{"unknown kind", "jixiang", jx.ID, leak, happiness.ThanksInput{Kind: "flowers", From: "居民", Text: "谢谢"}, linli.EInvalid, "kind"},
			{"phone in from", "jixiang", jx.ID, leak, happiness.ThanksInput{Kind: "banner", From: "王女士13812345678", Text: "谢谢"}, linli.EInvalid, "from"},
			{"room in from", "jixiang", jx.ID, leak, happiness.ThanksInput{Kind: "banner", From: "2单元402住户", Text: "谢谢"}, linli.EInvalid, "from"},
			{"no text", "jixiang", jx.ID, leak, happiness.ThanksInput{Kind: "banner", From: "居民"}, linli.EInvalid, "text"},
			{"in the future", "jixiang", jx.ID, leak, happiness.ThanksInput{Kind: "banner", From: "居民", Text: "谢谢", At: f.clock.Now().Add(48 * time.Hour)}, linli.EInvalid, "at"},
			{"not a community", "jixiang", f.node(append(pJixiang, "第一网格")...).ID, leak, banner, linli.ENotFound, ""},
		} {
			_, err := f.svc.AddThanks(f.ctx, f.actors[tc.who], tc.community, tc.subject, tc.in)
			if linli.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
				continue
			}
			if tc.field != "" {
				found := false
				for _, fe := range linli.ErrorFields(err) {
					found = found || fe.Field == tc.field
				}
				if !found {
					t.Errorf("%s: fields %v, want %s", tc.name, linli.ErrorFields(err), tc.field)
				}
			}
		}
		// Without the projects capability's resolver nothing vouches for
		// the project: refused, not taken on trust.
		bare := f.deps
		bare.Links = &links.Registry{DB: db}
		if _, err := happiness.New(bare).AddThanks(f.ctx, f.actors["xueyuan"], xy.ID, elevator, banner); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("thanks for a project nothing vouches for: %v", err)
		}
		if _, err := f.svc.AddThanks(f.ctx, f.actors["jixiang"], jx.ID, leak, banner); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		if _, err := f.svc.AddThanks(f.ctx, f.actors["xueyuan"], xy.ID, elevator, happiness.ThanksInput{Kind: happiness.ThanksBanner,
			From: "3单元全体居民", Text: "为民办实事 电梯暖人心"}); err != nil {
			t.Fatal(err)
		}
		l, err := f.svc.List(f.ctx, jx.ID)
		if err != nil || len(l.Entries) != 1 || len(l.Entries[0].Thanks) != 1 || l.Entries[0].Thanks[0].Text != "邻里守望 排忧解难" {
			t.Fatalf("jixiang list %+v %v", l, err)
		}
		if l.Entries[0].Satisfied != 1 {
			t.Errorf("basic satisfaction counts as satisfied: %+v", l.Entries[0])
		}
		l, err = f.svc.List(f.ctx, xy.ID)
		if err != nil || len(l.Entries) != 1 {
			t.Fatalf("xueyuan list %+v %v", l, err)
		}
		e := l.Entries[0]
		if e.Kind != "project" || len(e.Thanks) != 2 || e.Thanks[1].Text != "为民办实事 电梯暖人心" || e.Rated != 25 || l.Satisfied != 24 {
			t.Errorf("project entry %+v", e)
		}
		if e.Photos == nil {
			t.Error("nil photos would be JSON null")
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'thanks.create'`).Scan(&n); err != nil || n != 2 {
			t.Errorf("audit rows %d %v", n, err)
		}
		cs, err := f.svc.Communities(f.ctx)
		if err != nil || len(cs) != 2 {
			t.Errorf("index %+v %v", cs, err)
		}
	})
}

// The public index must not ask the projects and disputes capabilities
// about every community of the city on every anonymous visit.
func TestHappinessIndexDoesNotAskEveryCommunity(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		xy := f.node(pXueyuan...)
		var communities int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM nodes WHERE kind = 'community'`).Scan(&communities); err != nil || communities < 3 {
			t.Fatalf("%d communities (%v): the test needs several", communities, err)
		}
		asked := map[string]int{}
		entries := func(kind string) func(context.Context, int64) ([]happiness.Entry, error) {
			return func(ctx context.Context, id int64) ([]happiness.Entry, error) {
				asked[kind]++
				if id == xy.ID && kind == "project" {
					return []happiness.Entry{{Kind: kind, ID: 1, Title: "加装电梯"}}, nil
				}
				return nil, nil
			}
		}
		// The publishing capabilities count for every community at once:
		// one call each and no listing, whether or not a community has
		// entries.
		calls := 0
		f.with(source{entries: entries("project"), counts: func(ctx context.Context) (map[int64]int, error) { calls++; return map[int64]int{xy.ID: 3}, nil }},
			source{entries: entries("dispute"), counts: func(ctx context.Context) (map[int64]int, error) { calls++; return map[int64]int{xy.ID: 2}, nil }})
		f.project(xy, "荟萃花园南区1号楼加装电梯")
		cs, err := f.svc.Communities(f.ctx)
		if err != nil || len(cs) != 1 || cs[0].ID != xy.ID || cs[0].Entries != 5 || calls != 2 || len(asked) != 0 {
			t.Fatalf("index %+v %v; %d count calls, asked %v", cs, err, calls, asked)
		}
	})
}

// A closed public case reaches the list only once staff of its community
// approve its public text, which they may edit; the text may hold no
// phone or room number however written; approval is audited and can be
// withdrawn. Every entry's text is scrubbed, whichever capability sent it.
func TestHappinessApproval(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		jx := f.node(pJixiang...)
		pub := f.resolved(true, "王大妈家2单元402卫生间天花板渗水", cases.Satisfied)
		priv := f.resolved(false, "楼道灯不亮", cases.Satisfied)

		for _, who := range []string{"jxgrid", "jxresident", "xueyuan"} {
			if _, err := f.svc.Pending(f.ctx, f.actors[who], jx.ID); linli.ErrorCode(err) != linli.EForbidden {
				t.Errorf("%s lists pending: %v", who, err)
			}
		}
		ps, err := f.svc.Pending(f.ctx, f.actors["jixiang"], jx.ID)
		if err != nil || len(ps) != 1 || ps[0].CaseID != pub.ID {
			t.Fatalf("pending %+v %v", ps, err)
		}
		p := ps[0]
		if p.Title != "王大妈家2单元卫生间天花板渗水" || strings.Contains(p.Summary, "13912345678") || !strings.Contains(p.Note, "13912345678") {
			t.Errorf("proposal %+v", p)
		}

		for _, tc := range []struct {
			name, who      string
			id             int64
			title, summary string
			code, field    string
		}{
			{"another community's staff", "xueyuan", pub.ID, "卫生间渗水", "已修复", linli.ENotFound, ""},
			{"grid worker", "jxgrid", pub.ID, "卫生间渗水", "已修复", linli.ENotFound, ""},
			{"private case", "jixiang", priv.ID, "楼道灯不亮", "已修复", linli.EConflict, ""},
			{"empty title", "jixiang", pub.ID, " ", "已修复", linli.EInvalid, "title"},
			{"phone in Chinese numerals", "jixiang", pub.ID, "卫生间渗水", "联系一三八一二三四五六七八", linli.EInvalid, "summary"},
			{"phone with dots", "jixiang", pub.ID, "请打138.1234.5678", "已修复", linli.EInvalid, "title"},
			{"room", "jixiang", pub.ID, "2单元402渗水", "已修复", linli.EInvalid, "title"},
		} {
			_, err := f.svc.Approve(f.ctx, f.actors[tc.who], tc.id, tc.title, tc.summary)
			if linli.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
				continue
			}
			if tc.field != "" && (len(linli.ErrorFields(err)) != 1 || linli.ErrorFields(err)[0].Field != tc.field) {
				t.Errorf("%s: fields %v, want %s", tc.name, linli.ErrorFields(err), tc.field)
			}
		}
		if l, _ := f.svc.List(f.ctx, jx.ID); len(l.Entries) != 0 {
			t.Fatalf("listed before approval: %+v", l.Entries)
		}

		// Staff edit out the name and approve.
		if _, err := f.svc.Approve(f.ctx, f.actors["jixiang"], pub.ID, "卫生间天花板渗水", "楼上卫生间防水层已更换"); err != nil {
			t.Fatal(err)
		}
		l, err := f.svc.List(f.ctx, jx.ID)
		if err != nil || len(l.Entries) != 1 || l.Entries[0].Title != "卫生间天花板渗水" || l.Entries[0].Summary != "楼上卫生间防水层已更换" {
			t.Fatalf("after approval: %+v %v", l.Entries, err)
		}
		if ps, _ := f.svc.Pending(f.ctx, f.actors["jixiang"], jx.ID); len(ps) != 0 {
			t.Errorf("still pending: %+v", ps)
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'happiness.approve' AND entity_id = ?`, pub.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("approval audit rows: %d %v", n, err)
		}

		// Withdrawn: off the list, pending again, audited.
		if err := f.svc.Withdraw(f.ctx, f.actors["xueyuan"], pub.ID); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("another community's staff withdraws: %v", err)
		}
		if err := f.svc.Withdraw(f.ctx, f.actors["jixiang"], pub.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := f.svc.List(f.ctx, jx.ID); len(l.Entries) != 0 {
			t.Errorf("listed after withdrawal: %+v", l.Entries)
		}
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'happiness.withdraw' AND entity_id = ?`, pub.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("withdrawal audit rows: %d %v", n, err)
		}

		// Whatever another capability hands over is scrubbed too.
		f.with(source{entries: func(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
			return []happiness.Entry{{Kind: "project", ID: 1, Title: "加装电梯", Summary: "联系人138.1234.5678",
				Photos: []happiness.Photo{{Caption: "１３８１２３４５６７８家门口"}},
				Thanks: []happiness.Thanks{{Kind: "letter", From: "一三八幺二三四五六七八", Text: "谢谢"}}}}, nil
		}})
		l, err = f.svc.List(f.ctx, jx.ID)
		if err != nil || len(l.Entries) != 1 {
			t.Fatalf("list %+v %v", l, err)
		}
		e := l.Entries[0]
		if e.Summary != "联系人***" || e.Photos[0].Caption != "***家门口" || e.Thanks[0].From != "***" {
			t.Errorf("project entry not scrubbed: %+v", e)
		}
	})
}

// Pending reads every waiting case's latest public handling note at once:
// each proposal carries its own case's note, and a case handled again
// after being sent back carries the newer one.
func TestHappinessPendingNotes(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		jx := f.node(pJixiang...)
		first := f.resolved(true, "楼道灯不亮", "")
		c, err := f.cases.Open(f.ctx, f.actors["jxresident"], cases.NewCase{Category: "water_leak", Title: "下水道堵塞", LocationID: first.LocationID, Public: true})
		if err != nil {
			t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
		}
		f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActAccept})
		f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActDispatch})
		f.act("jxgrid", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("jxgrid", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "疏通了一半"})
		f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActSendBack, Note: "还没通"})
		f.act("jxgrid", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已彻底疏通"})
		f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActVerify})
		f.act("jixiang", c.ID, cases.ActionInput{Action: cases.ActClose})

		ps, err := f.svc.Pending(f.ctx, f.actors["jixiang"], jx.ID)
		if err != nil {
			t.Fatal(err)
		}
		notes := map[int64]string{}
		for _, p := range ps {
			notes[p.CaseID] = p.Note
		}
		if len(ps) != 2 || !strings.Contains(notes[first.ID], "更换502卫生间防水层") || notes[c.ID] != "已彻底疏通" {
			t.Errorf("pending notes %v (%d proposals)", notes, len(ps))
		}
	})
}
