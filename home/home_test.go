package home_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/home"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
	"linli/web/webtest"
)

func hrefs(items []web.NavItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Href)
	}
	return strings.Join(out, " ")
}

// actor is an account holding the grants (the navigation reads only roles).
func actor(name string, gs ...linli.Grant) *linli.Actor {
	return &linli.Actor{Username: name, DisplayName: name, Grants: gs}
}

// The navigation follows the actor's permissions: staff manage, workers
// get their tasks; 我要上报 only for those whose report the cases service
// accepts (linli.Actor.MayReport: not a contractor, not an account without
// a role); every role has home first and the happiness list.
func TestNav(t *testing.T) {
	const staffNav = "/ /places /households /cases /stats /report /cases/mine /projects /votes /visits /meetings /campaigns /notices /cameras /mediation /happiness /import /users /outbox /webhooks /audit"
	for _, tc := range []struct {
		a    *linli.Actor
		want string
	}{
		{actor("admin", linli.Grant{Role: linli.RoleAdmin, NodePath: "/"}), staffNav + " /admin/calendar"}, // the working calendar is the administrator's
		{actor("street", linli.Grant{Role: linli.RoleStreetStaff, NodePath: "/1/"}), staffNav},
		{actor("xueyuan", linli.Grant{Role: linli.RoleCommunityStaff, NodePath: "/1/2/"}), staffNav},
		{actor("grid1", linli.Grant{Role: linli.RoleGridWorker, NodePath: "/1/2/5/"}), "/ /places /households /tasks /report /cases/mine /projects /votes /visits /notices /happiness"},
		{actor("building", linli.Grant{Role: linli.RoleBuildingHead, NodePath: "/1/2/5/"}), "/ /places /households /report /cases/mine /projects /votes /visits /happiness"},
		{actor("property", linli.Grant{Role: linli.RoleProperty, NodePath: "/1/2/5/"}), "/ /places /households /tasks /report /cases/mine /projects /votes /notices /happiness"},
		{actor("department", linli.Grant{Role: linli.RoleDepartment, NodePath: "/1/"}), "/ /places /households /tasks /report /cases/mine /projects /votes /notices /happiness"},
		{actor("contractor", linli.Grant{Role: linli.RoleContractor, NodePath: "/1/2/5/"}), "/ /projects /votes /happiness"},
		{actor("volunteer", linli.Grant{Role: linli.RoleVolunteer, NodePath: "/1/2/"}), "/ /report /cases/mine /happiness"},
		{actor("guard", linli.Grant{Role: linli.RoleGuard, NodePath: "/1/2/5/"}), "/ /report /cases/mine /cameras/board /happiness"},
		{actor("resident", linli.Grant{Role: linli.RoleResident, NodePath: "/1/2/5/9/", HouseholdID: 42}), "/ /households/42 /report /cases/mine /projects /votes /notices /happiness"},
		// A grid worker who lives in the community reports like a resident too.
		{actor("grid-resident", linli.Grant{Role: linli.RoleGridWorker, NodePath: "/1/2/5/"}, linli.Grant{Role: linli.RoleResident, NodePath: "/1/2/5/9/", HouseholdID: 42}),
			"/ /places /households /households/42 /tasks /report /cases/mine /projects /votes /visits /notices /happiness"},
		{actor("nobody"), "/ /happiness"},
	} {
		t.Run(tc.a.Username, func(t *testing.T) {
			if got := hrefs(home.Nav(tc.a, "zh", func(_, s string) string { return s })); got != tc.want {
				t.Errorf("nav\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// The navigation's labels have their English in home's own catalogue
// (with web's): home must not count on the catalogue of a capability it
// does not import.
func TestNavEnglish(t *testing.T) {
	s := webtest.New(t, home.Pages())
	for _, a := range []*linli.Actor{
		actor("admin", linli.Grant{Role: linli.RoleAdmin, NodePath: "/"}),
		actor("grid1", linli.Grant{Role: linli.RoleGridWorker, NodePath: "/1/2/5/"}),
		actor("resident", linli.Grant{Role: linli.RoleResident, NodePath: "/1/2/5/9/", HouseholdID: 42}),
	} {
		for _, it := range home.Nav(a, "en", s.Renderer.T) {
			if it.Label == "" || strings.ContainsFunc(it.Label, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%s: nav entry %s is labelled %q in English", a.Username, it.Href, it.Label)
			}
		}
	}
	if miss := s.Untranslated(); len(miss) > 0 {
		t.Errorf("nav labels without English: %q", miss)
	}
}

// world is a small register: 学苑社区 with one grid holding two estates (a
// building each, one household), and 吉祥社区 with one estate.
type world struct {
	reg                                      *registry.Service
	street, xueyuan, grid, jixiang, building registry.Node
	household                                registry.Household
}

func newWorld(t *testing.T, db *storage.DB) world {
	t.Helper()
	ctx, sys := context.Background(), linli.System()
	reg := registry.New(db, linli.NewFakeClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)))
	create := func(parent registry.Node, in registry.NodeInput) registry.Node {
		t.Helper()
		in.ParentID = parent.ID
		n, err := reg.CreateNode(ctx, sys, in)
		if err != nil {
			t.Fatalf("create %s: %v %v", in.Name, err, linli.ErrorFields(err))
		}
		return n
	}
	w := world{reg: reg}
	city := create(registry.Node{}, registry.NodeInput{Kind: registry.KindCity, Name: "运城市", Code: "140800000000"})
	district := create(city, registry.NodeInput{Kind: registry.KindDistrict, Name: "盐湖区", Code: "140802000000"})
	w.street = create(district, registry.NodeInput{Kind: registry.KindStreet, Name: "东城街道", Code: "140802001000"})
	w.xueyuan = create(w.street, registry.NodeInput{Kind: registry.KindCommunity, Name: "学苑社区", Code: "140802001001"})
	w.grid = create(w.xueyuan, registry.NodeInput{Kind: registry.KindGrid, Name: "第一网格"})
	for _, name := range []string{"荟萃花园南区", "学苑小区"} {
		estate := create(w.grid, registry.NodeInput{Kind: registry.KindEstate, Name: name})
		w.building = create(estate, registry.NodeInput{Kind: registry.KindBuilding, Name: "1号楼", Floors: 6})
	}
	unit := create(w.building, registry.NodeInput{Kind: registry.KindUnit, Name: "3单元", Floors: 6})
	h, err := reg.CreateHousehold(ctx, sys, registry.HouseholdInput{UnitID: unit.ID, Floor: 6, Room: "602", Area: "86.55"}, nil)
	if err != nil {
		t.Fatalf("household: %v %v", err, linli.ErrorFields(err))
	}
	w.household = h
	w.jixiang = create(w.street, registry.NodeInput{Kind: registry.KindCommunity, Name: "吉祥社区", Code: "140802001002"})
	create(create(w.jixiang, registry.NodeInput{Kind: registry.KindGrid, Name: "吉祥网格"}), registry.NodeInput{Kind: registry.KindEstate, Name: "吉祥苑"})
	return w
}

func on(role linli.Role, n registry.Node) linli.Grant {
	return linli.Grant{Role: role, NodeID: n.ID, NodePath: n.Path, NodeName: n.Name}
}

func server(t *testing.T, w world) *webtest.Server {
	s := webtest.New(t, home.Pages())
	// As cmd/linli wires it: the navigation is home's.
	s.Renderer.Nav = func(a *linli.Actor, lang string) []web.NavItem { return home.Nav(a, lang, s.Renderer.T) }
	(&home.Home{Registry: w.reg, Renderer: s.Renderer}).Routes(s.Router)
	return s
}

// Each role's home page greets it, names its role and place, shows the
// places it looks after with their counts (and nothing of the places it
// does not), a resident's own home, and the navigation (the shortcuts:
// TestHomeShortcuts).
func TestHomePage(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		s := server(t, w)
		myHome := fmt.Sprintf(`href="/households/%d"`, w.household.ID)
		for _, tc := range []struct {
			a         *linli.Actor
			want, not []string
		}{
			{actor("学苑社区工作人员", on(linli.RoleCommunityStaff, w.xueyuan)),
				[]string{"您好，学苑社区工作人员", "<span>社区工作人员</span><span>学苑社区</span>", "您负责的范围",
					fmt.Sprintf(`<a href="/places/%d">学苑社区</a>`, w.xueyuan.ID), "<b>2</b><span>小区数</span>", "<b>2</b><span>楼栋数</span>", "<b>1</b><span>住户数</span>",
					`<a href="/audit">`, `<a href="/users">`},
				[]string{"吉祥", "我的家", myHome}},
			{actor("街道工作人员", on(linli.RoleStreetStaff, w.street)),
				[]string{fmt.Sprintf(`<a href="/places/%d">东城街道</a>`, w.street.ID), "<b>3</b><span>小区数</span>", "<b>2</b><span>楼栋数</span>", "<b>1</b><span>住户数</span>"},
				[]string{"我的家"}},
			{actor("网格员", on(linli.RoleGridWorker, w.grid)),
				[]string{"<span>网格员</span><span>第一网格</span>", fmt.Sprintf(`<a href="/places/%d">第一网格</a>`, w.grid.ID), `href="/tasks"`, `href="/visits"`,
					`href="/report"`}, // a grid worker files patrol reports
				[]string{"吉祥", `href="/audit"`, `href="/users"`}},
			{actor("居民", linli.Grant{Role: linli.RoleResident, NodeID: w.household.UnitID, NodePath: w.household.Path, NodeName: "3单元", HouseholdID: w.household.ID}),
				[]string{"您好，居民", "我的家", myHome, "学苑小区 1号楼3单元602", "86.55 ㎡", `href="/report"`, `href="/cases/mine"`},
				[]string{"您负责的范围", "吉祥", `href="/places`, `href="/audit"`, `href="/tasks"`}},
		} {
			res := s.As(t, tc.a).Get("/")
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %.300s", tc.a.Username, res.Status, res)
			}
			body := res.String()
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the home page lacks %q", tc.a.Username, want)
				}
			}
			for _, not := range tc.not {
				if strings.Contains(body, not) {
					t.Errorf("%s: the home page shows %q", tc.a.Username, not)
				}
			}
			// The navigation and the shortcuts are the actor's nav.
			for _, it := range home.Nav(tc.a, "zh", s.Renderer.T) {
				if !strings.Contains(body, `href="`+it.Href+`"`) {
					t.Errorf("%s: no link to %s", tc.a.Username, it.Href)
				}
			}
			if !strings.Contains(body, `<a href="/" class="active" aria-current="page">`) {
				t.Errorf("%s: home is not marked as the current page", tc.a.Username)
			}

			// In English, with nothing left untranslated.
			en := s.As(t, tc.a).English().Get("/").String()
			if !strings.Contains(en, "Hello, "+tc.a.DisplayName) || !strings.Contains(en, ">Home<") {
				t.Errorf("%s: the English home page: %.300s", tc.a.Username, en)
			}
		}
		if miss := s.Untranslated(); len(miss) > 0 {
			t.Errorf("Chinese without English on the home pages: %q", miss)
		}
		if res := s.Anon(t).Get("/"); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2F" {
			t.Errorf("anonymous: %d → %q, want 303 → /login?next=%%2F", res.Status, res.Header.Get("Location"))
		}
	})
}

// The 待办 panels the capabilities contribute are shown by their order,
// each count as a link to the list it counts, red only when an alerting
// count is above zero; items show their time left in the page's language,
// and a panel with nothing in it says so.
func TestHomePagePanels(t *testing.T) {
	db := storagetest.SQLite(t)
	w := newWorld(t, db)
	s := webtest.New(t, home.Pages())
	s.Renderer.Nav = func(a *linli.Actor, lang string) []web.NavItem { return home.Nav(a, lang, s.Renderer.T) }
	var asked []string
	src := func(key string, ps ...web.Panel) web.PanelSource {
		return func(_ context.Context, a *linli.Actor) ([]web.Panel, error) {
			asked = append(asked, key+":"+a.Username)
			return ps, nil
		}
	}
	(&home.Home{Registry: w.reg, Renderer: s.Renderer, Panels: []web.PanelSource{
		src("votes", web.Panel{Key: "votes", Title: "意见表决", Order: web.OrderVotes, Empty: "首页"}),
		src("cases", web.Panel{Key: "cases", Title: "案件", Order: web.OrderCases, Counts: []web.Count{
			{Key: "overdue", Label: "统计", N: 3, Href: "/cases?overdue=1", Alert: true},
			{Key: "zero", Label: "统计", N: 0, Href: "/cases?extension=pending", Alert: true},
			{Key: "many", Label: "统计", N: 10000, Href: "/cases?state=reported", Capped: true},
		}, Lists: []web.PanelList{{Key: "deadlines", Title: "常用", More: "/cases?order=due", Items: []web.PanelItem{
			{Href: "/cases/7", Text: "楼道灯不亮", Meta: "XY-0007", Note: web.Remaining(time.Date(2026, 3, 10, 12, 5, 0, 0, time.UTC), time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))},
		}}}}),
	}}).Routes(s.Router)
	a := actor("xueyuan", on(linli.RoleCommunityStaff, w.xueyuan))
	body := s.As(t, a).Get("/").String()
	for _, want := range []string{
		`<a class="todo-count late" href="/cases?overdue=1" data-count="overdue"><b>3</b>`,
		`<a class="todo-count" href="/cases?extension=pending" data-count="zero"><b>0</b>`,
		`data-count="many"><b>10,000+</b>`,
		`<a href="/cases/7"><span class="todo-text">楼道灯不亮</span><span class="meta">XY-0007 · 剩余3小时5分</span>`,
		`<a class="todo-more" href="/cases?order=due">`,
		`<p class="meta">首页</p>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the home page lacks %q", want)
		}
	}
	if i, j := strings.Index(body, `data-panel="cases"`), strings.Index(body, `data-panel="votes"`); i < 0 || j < i {
		t.Errorf("panels out of order: cases at %d, votes at %d", i, j)
	}
	if want := "votes:xueyuan cases:xueyuan"; strings.Join(asked, " ") != want {
		t.Errorf("panel sources asked %q, want %q", asked, want)
	}
	if en := s.As(t, a).English().Get("/").String(); !strings.Contains(en, "XY-0007 · 3 h 5 min left") {
		t.Errorf("the English home page does not say the time left: %.2000s", en)
	}
}

// 常用 comes first and holds exactly the links a phone's bottom bar hides
// behind 更多 (the fifth on, when there are more than five); an actor with
// five links or fewer sees it not at all.
func TestHomeShortcuts(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		s := server(t, w)
		staff := actor("学苑社区工作人员", on(linli.RoleCommunityStaff, w.xueyuan))
		body := s.As(t, staff).Get("/").String()
		start, end := strings.Index(body, `data-test="quick"`), strings.Index(body, "</section>")
		for end >= 0 && end < start {
			next := strings.Index(body[end+1:], "</section>")
			if next < 0 {
				end = -1
				break
			}
			end += 1 + next
		}
		if start < 0 || end < 0 {
			t.Fatalf("no shortcuts on the staff home page")
		}
		if tiles := strings.Index(body, "您负责的范围"); tiles < start {
			t.Errorf("the shortcuts come after the places (%d < %d)", tiles, start)
		}
		quick := body[start:end]
		nav := home.Nav(staff, "zh", s.Renderer.T)
		for i, it := range nav {
			if in := strings.Contains(quick, `href="`+it.Href+`"`); in != (i >= 4) {
				t.Errorf("%s in the shortcuts: %v, want %v", it.Href, in, i >= 4)
			}
		}
		res := actor("居民", linli.Grant{Role: linli.RoleResident, NodeID: w.household.UnitID, NodePath: w.household.Path, NodeName: "3单元", HouseholdID: w.household.ID})
		if n := len(home.Nav(res, "zh", s.Renderer.T)); n <= 5 && strings.Contains(s.As(t, res).Get("/").String(), `data-test="quick"`) {
			t.Errorf("a resident with %d links sees shortcuts", n)
		}
	})
}
