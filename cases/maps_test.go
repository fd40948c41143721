package cases_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linli/cases"
	"linli/geomap"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// The board and a case page carry the map: the board a pin per listed
// open case with a point, linking to it and coloured by state, on the
// community's grid and estate outlines; the case page its point. A case
// without a point gets no map. The report form of a grid worker is a
// picking map; its point is placed in the grid the boundary says, which
// GET /api/cases/grid names beforehand.
func TestMapsOnCasePages(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		srv := webtest.New(t, cases.Pages(f.clock))
		f.svc.PageRoutes(srv.Router, srv.Renderer)
		f.svc.Routes(srv.Router)
		staff, worker := srv.As(t, f.actor("xueyuan")), srv.As(t, f.actor("grid1"))

		pinned := f.open("resident", cases.NewCase{Category: "public_facility", Title: "路灯杆倾斜", Lat: 35.028, Lon: 111.007})
		hotline := f.open("xueyuan", cases.NewCase{Category: "sanitation", Title: "绿化带垃圾", Lat: 35.0275, Lon: 111.0131,
			Source: cases.SourceHotline, ReporterName: "来电人"})
		plain := f.leak("resident") // at a household, no point

		board := staff.Get("/cases")
		if board.Status != http.StatusOK {
			t.Fatalf("board: %d", board.Status)
		}
		body := board.String()
		pins := regexp.MustCompile(`<a class="geomap-pin ([a-z]+)" href="/cases/(\d+)" data-test="map-pin"><title>([^<]*)</title>`).FindAllStringSubmatch(body, -1)
		got := map[string]string{}
		for _, p := range pins {
			got[p[2]] = p[1] + " " + p[3]
		}
		for _, c := range []cases.Case{pinned, hotline} {
			want := fmt.Sprintf("new %s %s · 待受理", c.Number, c.Title)
			if got[fmt.Sprint(c.ID)] != want {
				t.Errorf("pin of %s: %q, want %q (pins %v)", c.Number, got[fmt.Sprint(c.ID)], want, got)
			}
		}
		if _, ok := got[fmt.Sprint(plain.ID)]; ok || len(got) != 2 {
			t.Errorf("pins %v: want the two cases with a point only", got)
		}
		for _, s := range []string{`<path class="geomap-area grid"`, `<title>第二网格</title>`, `<path class="geomap-area estate"`, `<title>荟萃花园南区</title>`, `data-test="map"`, `/static/map.js`} {
			if !strings.Contains(body, s) {
				t.Errorf("board map lacks %s", s)
			}
		}

		if strings.Contains(body, "<image") || strings.Contains(body, `data-test="map-attribution"`) {
			t.Error("tiles without a tile server")
		}
		// With an intranet tile server, its tiles lie under the outlines
		// and its attribution is shown.
		f.svc.MapTiles = geomap.Tiles{URL: "http://tiles.intranet/{z}/{x}/{y}.png", Attribution: "运城市测绘院"}
		tiled := staff.Get("/cases").String()
		f.svc.MapTiles = geomap.Tiles{}
		if !strings.Contains(tiled, `<image href="http://tiles.intranet/`) || !strings.Contains(tiled, "运城市测绘院</span>") {
			t.Error("no tiles or attribution with a tile server configured")
		}

		page := staff.Get(fmt.Sprintf("/cases/%d", pinned.ID)).String()
		if !strings.Contains(page, `data-test="map-marker"`) || !strings.Contains(page, `<title>第一网格</title>`) || strings.Contains(page, `visibility="hidden"`) {
			t.Errorf("case page without its point on the map")
		}
		if page := staff.Get(fmt.Sprintf("/cases/%d", plain.ID)).String(); strings.Contains(page, `data-test="map"`) {
			t.Error("a case without a point has a map")
		}

		// The grid worker's report form picks a point.
		form := worker.Get("/report").String()
		if !strings.Contains(form, `name="lat"`) || !strings.Contains(form, `data-grid-url="/api/cases/grid"`) {
			t.Errorf("report form without a picking map")
		}
		if strings.Contains(srv.As(t, f.actor("resident")).Get("/report").String(), `data-test="map"`) {
			t.Error("a resident reporting at home is offered a map")
		}
		var g cases.GridPoint
		staff.Get("/api/cases/grid?lat=35.0281&lon=111.0131").Decode(t, &g)
		if g.Name != "第二网格" || g.Place != "学苑社区 第二网格" || g.ID != f.node(append(pXueyuan, "第二网格")...).ID {
			t.Errorf("grid at the point: %+v", g)
		}
		// The grid worker's own grid only (as a report by the point).
		for _, q := range []string{"lat=35.0281&lon=111.0131", "lat=35.9&lon=111.9", "lat=x&lon=1"} {
			if p := worker.Get("/api/cases/grid?" + q).Problem(t); p.Status != http.StatusUnprocessableEntity || p.Errors[0].Field != "lat" {
				t.Errorf("%s: %+v", q, p)
			}
		}
		worker.Get("/api/cases/grid?lat=35.0281&lon=111.0071").Decode(t, &g)
		if g.Name != "第一网格" {
			t.Errorf("grid worker's point: %+v", g)
		}
		res := worker.PostForm("/report", url.Values{"category": {"sanitation"}, "title": {"巡查发现：路边垃圾"}, "lat": {"35.0281"}, "lon": {"111.0071"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("report with a point: %d %.400s", res.Status, res.Body)
		}
		var id int64
		fmt.Sscanf(res.Header.Get("Location"), "/cases/%d", &id)
		c, err := f.svc.Get(f.ctx, f.actor("xueyuan"), id)
		if err != nil || c.GridID != g.ID || c.Lat != 35.0281 || c.Lon != 111.0071 {
			t.Errorf("the reported case: %+v %v, want grid %d at the point", c, err, g.ID)
		}
	})
}
