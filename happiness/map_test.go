package happiness_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"linli/cases"
	"linli/geomap"
	"linli/happiness"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// The public list maps its resolved cases that have a point: a pin titled
// with the approved public text only — no case number, no link to the
// case page, no room — at the point rounded to about 10 m, on the
// community's boundaries; the JSON carries no point.
func TestHappinessMap(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		jx := f.node(pJixiang...)
		srv := webtest.New(t, happiness.Pages())
		f.svc.Routes(srv.Router, srv.Renderer)
		f.point = [2]float64{111.02213, 35.03168}
		pub := f.resolved(true, "2单元402卫生间天花板渗水", cases.Satisfied)
		f.approve()
		l, err := f.svc.List(f.ctx, jx.ID)
		if err != nil || len(l.Entries) != 1 {
			t.Fatalf("list %+v %v", l, err)
		}
		if w := l.Entries[0].Where; w == nil || *w != (geomap.Point{Lon: 111.0221, Lat: 35.0317}) {
			t.Errorf("point on the public list %v, want rounded to 1e-4°", w)
		}
		page := srv.Anon(t).Get(fmt.Sprintf("/happiness/%d", jx.ID))
		body := page.String()
		if page.Status != http.StatusOK || !strings.Contains(body, `<g class="geomap-pin done" role="img" aria-label="2单元卫生间天花板渗水" data-test="map-pin">`) {
			t.Fatalf("no pin on the public map: %d", page.Status)
		}
		start := strings.Index(body, `<svg xmlns="http://www.w3.org/2000/svg" class="geomap-svg"`)
		svg := body[start : start+strings.Index(body[start:], "</svg>")]
		for _, leak := range []string{pub.Number, "/cases/", "402", "jxresident"} {
			if strings.Contains(svg, leak) {
				t.Errorf("the public map shows %q", leak)
			}
		}
		if !strings.Contains(svg, `<title>吉祥花园</title>`) {
			t.Error("the estate's outline is missing")
		}
		if api := srv.Anon(t).Get(fmt.Sprintf("/api/happiness/%d", jx.ID)).String(); strings.Contains(api, "111.02") || strings.Contains(api, `"where"`) {
			t.Errorf("the JSON carries the point: %.300s", api)
		}
	})
}
