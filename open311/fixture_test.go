package open311_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"linli"
	"linli/attach"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/open311"
	"linli/registry"
	"linli/storage"
	"linli/web/webtest"
)

// The demo's division codes: 学苑社区 and 吉祥社区 of 东城街道.
const (
	codeXueyuan   = "140802003001"
	codeJixiang   = "140802003002"
	codeDongcheng = "140802003000"
)

// Points inside the grids of the demo (lat, long): 学苑社区 第一网格 and
// 吉祥社区 第一网格; and one in no grid.
var (
	inXueyuan = [2]string{"35.028", "111.008"}
	inJixiang = [2]string{"35.032", "111.0225"}
	nowhere   = [2]string{"35.5", "111.5"}
)

// t0 is Sunday 2026-12-06 10:00 in Beijing.
var t0 = time.Date(2026, time.December, 6, 10, 0, 0, 0, demotest.Beijing)

// fixture is one engine's demo world with the Open311 service served over
// real HTTP, and an integrator (the 12345 platform) that may report into
// 学苑社区.
type fixture struct {
	t       testing.TB
	ctx     context.Context
	w       *demotest.World
	db      *storage.DB
	svc     *open311.Service
	srv     *webtest.Server
	actors  map[string]*linli.Actor
	hotline open311.Integrator
}

func newFixture(t testing.TB, db *storage.DB) *fixture {
	t.Helper()
	w := demotest.New(t, db, t0)
	svc := open311.New(capability.Deps{DB: db, Clock: w.Clock, Zone: w.Zone, Calendar: w.Cases.WorkingCalendar, Links: w.Links,
		Registry: w.Registry, Auth: w.Auth, Cases: w.Cases})
	srv := webtest.New(t, open311.Pages())
	svc.Routes(srv.Router, srv.Renderer)
	f := &fixture{t: t, ctx: context.Background(), w: w, db: db, svc: svc, srv: srv,
		actors: w.Actors(t, "xueyuan", "street", "jixiang", "grid1", "resident", "jxresident")}
	f.hotline = f.integrator("xueyuan", "12345 热线平台", false, 0, f.node("学苑社区").ID)
	return f
}

func (f *fixture) integrator(who, name string, moderated bool, rate int, nodes ...int64) open311.Integrator {
	f.t.Helper()
	in, err := f.svc.CreateIntegrator(f.ctx, f.actors[who], open311.IntegratorInput{Name: name, NodeIDs: nodes, Moderated: moderated, Rate: rate})
	if err != nil {
		f.t.Fatalf("integrator: %v %v", err, linli.ErrorFields(err))
	}
	return in
}

var paths = map[string][]string{
	"学苑社区":   {"运城市", "盐湖区", "东城街道", "学苑社区"},
	"吉祥社区":   {"运城市", "盐湖区", "东城街道", "吉祥社区"},
	"荟萃1号楼":  {"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"},
	"荟萃3单元":  {"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元"},
	"吉祥1号楼":  {"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼"},
	"学苑第一网格": {"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格"},
}

func (f *fixture) node(name string) registry.Node {
	f.t.Helper()
	n, err := f.w.Registry.FindNode(f.ctx, paths[name])
	if err != nil {
		f.t.Fatalf("node %s: %v", name, err)
	}
	return n
}

// household is the household id a resident's grant names.
func (f *fixture) household(who string) int64 {
	for _, g := range f.actors[who].Grants {
		if g.HouseholdID != 0 {
			return g.HouseholdID
		}
	}
	f.t.Fatalf("%s has no household", who)
	return 0
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// report opens a case as the 602 resident of 荟萃花园南区 at the point in
// 学苑社区's first grid.
func (f *fixture) report(title string, public bool, photos ...attach.Checked) cases.Case {
	f.t.Helper()
	c, err := f.w.Cases.Open(f.ctx, f.actors["resident"], cases.NewCase{Category: "water_leak", Title: title, Description: title + "，请联系13912345678 王小明",
		HouseholdID: f.household("resident"), Public: public, Lat: 35.02812345, Lon: 111.00787654, Photos: photos})
	if err != nil {
		f.t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
	}
	return c
}

func (f *fixture) act(who string, id int64, in cases.ActionInput) cases.Case {
	f.t.Helper()
	c, err := f.w.Cases.Act(f.ctx, f.actors[who], id, in)
	if err != nil {
		f.t.Fatalf("%s %s: %v %v", who, in.Action, err, linli.ErrorFields(err))
	}
	return c
}

// resolve takes a case to closed, and, with a public text, onto the
// happiness list.
func (f *fixture) resolve(c cases.Case, pubTitle, pubSummary string) cases.Case {
	f.t.Helper()
	f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept})
	f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDispatch})
	f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
	f.w.Clock.Advance(time.Hour)
	f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已修好，业主王小明13912345678"})
	f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActVerify})
	c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActClose})
	if pubTitle != "" {
		err := f.db.InTx(f.ctx, func(tx *storage.Tx) error {
			return cases.Publish(f.ctx, tx, cases.Publication{CaseID: c.ID, CommunityID: c.CommunityID, Title: pubTitle, Summary: pubSummary,
				ApprovedBy: f.actors["xueyuan"].AccountID, ApprovedAt: f.w.Clock.Now()})
		})
		if err != nil {
			f.t.Fatal(err)
		}
	}
	return c
}

func photo(t *testing.T) []attach.Checked {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			m.Set(x, y, color.RGBA{90, 100, 100, 255})
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

// get and post speak to the server as an outside client does: plain
// HTTP, a form-encoded body, no cookies, no browser headers.
func (f *fixture) get(path string) (int, string) {
	f.t.Helper()
	res, err := http.Get(f.srv.URL + path)
	if err != nil {
		f.t.Fatal(err)
	}
	return read(f.t, res)
}

func (f *fixture) post(path string, form url.Values) (int, string) {
	f.t.Helper()
	res, err := http.PostForm(f.srv.URL+path, form)
	if err != nil {
		f.t.Fatal(err)
	}
	return read(f.t, res)
}

func read(t testing.TB, res *http.Response) (int, string) {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}
