package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserMap drives the maps as a grid worker does, on one server and
// one tab: on the report form a click on the map drops the pin, fills
// lat/lon and names the grid the server finds from the boundary, and the
// report is filed in that grid; on the board the map pans with a mouse
// drag and the arrow keys and zooms with the wheel, + and the buttons (the
// SVG's viewBox changes), pins keeping their size.
func TestBrowserMap(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	b.login("grid1")

	// The report form: drop a pin inside 第一网格.
	b.open("/report")
	b.do("wait for the map", chromedp.WaitVisible(chromedp.CSS(`[data-geomap][data-ready] svg`)))
	// The phone's location (stubbed: a headless browser has none) drops
	// the pin where the worker stands.
	eval[bool](b, `(() => { navigator.geolocation.getCurrentPosition = ok => ok({coords: {latitude: 35.0285, longitude: 111.0065}}); return true; })()`)
	b.do("use my location", chromedp.Click(chromedp.CSS(`[data-geomap-locate]`)))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector('[data-test=map-grid]').textContent.includes('第一网格')`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the grid is not named after using the location: %q (%v)", b.text("[data-test=map-grid]"), err)
	}
	if got := eval[string](b, `document.querySelector('input[name=lat]').value + ',' + document.querySelector('input[name=lon]').value`); got != "35.028500,111.006500" {
		t.Errorf("lat,lon from the phone's location: %s", got)
	}
	// A click on the map moves the pin.
	const lon, lat = 111.0071, 35.0281
	xy := eval[[]float64](b, fmt.Sprintf(`(() => {
		const svg = document.querySelector('.geomap-svg'), d = svg.dataset;
		svg.scrollIntoView({block: 'center'});
		const s = Math.sin(%[2]v * Math.PI / 180);
		const wx = (%[1]v + 180) / 360 * 256, wy = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
		const p = new DOMPoint((wx - d.cx) * d.scale + d.w / 2, (wy - d.cy) * d.scale + d.h / 2).matrixTransform(svg.getScreenCTM());
		return [p.x, p.y];
	})()`, lon, lat))
	b.do("click the map", chromedp.MouseClickXY(xy[0], xy[1]))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector('[data-test=map-grid]').textContent.includes('第一网格')`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the grid is not named after the click: %q (%v)", b.text("[data-test=map-grid]"), err)
	}
	for name, want := range map[string]float64{"lat": lat, "lon": lon} {
		got, _ := strconv.ParseFloat(eval[string](b, `document.querySelector('input[name=`+name+`]').value`), 64)
		if math.Abs(got-want) > 5e-5 {
			t.Errorf("%s = %v after the click, want about %v", name, got, want)
		}
	}
	if eval[string](b, `document.querySelector('[data-test=map-marker]').getAttribute('visibility') || ''`) == "hidden" {
		t.Error("the marker is not shown where the pin was dropped")
	}
	b.do("fill the report",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=cat-sanitation]').click()`),
		chromedp.SendKeys(chromedp.ID("f-title"), "巡查发现：地图上标出的垃圾堆"))
	if st := b.load("submit the report", chromedp.Click(chromedp.CSS(`[data-test=submit-report]`))); st != 200 || !strings.HasPrefix(b.path(), "/cases/") {
		t.Fatalf("report by a map point: status %d at %s", st, b.path())
	}
	if !strings.Contains(b.text("main"), "第一网格") || b.count(`[data-test=map-marker]`) != 1 {
		t.Errorf("the case page does not place the report in 第一网格 on its map")
	}

	// The board: pan and zoom.
	b.open("/cases")
	b.do("wait for the board map", chromedp.WaitVisible(chromedp.CSS(`[data-geomap][data-ready] svg`)))
	if n := b.count(`[data-test=map-pin]`); n == 0 {
		t.Fatal("no pins on the board map")
	}
	view := func() [4]float64 {
		var v [4]float64
		for i, f := range strings.Fields(eval[string](b, `document.querySelector('.geomap-svg').getAttribute('viewBox')`)) {
			v[i], _ = strconv.ParseFloat(f, 64)
		}
		return v
	}
	if v := view(); v != [4]float64{0, 0, 640, 400} {
		t.Fatalf("initial view %v", v)
	}
	c := eval[[]float64](b, `(() => { const svg = document.querySelector('.geomap-svg'); svg.scrollIntoView({block: 'center'});
		const r = svg.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	// Dragging the map to the lower right shows what lies to the upper left.
	b.do("drag the map", chromedp.DragAndDropXY(c[0], c[1], c[0]+120, c[1]+60, 6))
	if v := view(); !(v[0] < -20 && v[1] < -10 && v[2] == 640) {
		t.Errorf("after a drag the view is %v, want moved left and up, same size", v)
	}
	b.do("reset", chromedp.Click(chromedp.CSS(`[data-zoom=reset]`)))
	if v := view(); v != [4]float64{0, 0, 640, 400} {
		t.Errorf("after reset the view is %v", v)
	}
	pinScale := func() float64 {
		tr := eval[string](b, `document.querySelector('.geomap-pin .geomap-fix').getAttribute('transform')`)
		i := strings.Index(tr, "scale(")
		if i < 0 {
			t.Fatalf("a pin's transform: %q", tr)
		}
		k, _ := strconv.ParseFloat(strings.TrimSuffix(tr[i+6:], ")"), 64)
		return k
	}
	before := pinScale()
	// The wheel zooms in about the pointer.
	eval[bool](b, fmt.Sprintf(`document.querySelector('.geomap-svg').dispatchEvent(new WheelEvent('wheel', {deltaY: -400, clientX: %v, clientY: %v, bubbles: true, cancelable: true}))`, c[0], c[1]))
	wheel := view()
	if !(wheel[2] < 640 && wheel[0] > 0) {
		t.Errorf("after the wheel the view is %v, want zoomed in about the centre", wheel)
	}
	// The keyboard: + zooms in, an arrow moves.
	b.do("keys", chromedp.SendKeys(chromedp.CSS(`.geomap-view`), "+"))
	plus := view()
	if !(plus[2] < wheel[2]) {
		t.Errorf("after + the view is %v, want smaller than %v", plus, wheel)
	}
	b.do("arrow", chromedp.SendKeys(chromedp.CSS(`.geomap-view`), kb.ArrowRight))
	if v := view(); !(v[0] > plus[0] && v[2] == plus[2]) {
		t.Errorf("after → the view is %v, want moved right from %v", v, plus)
	}
	b.do("zoom out button", chromedp.Click(chromedp.CSS(`[data-zoom=out]`)))
	if v := view(); !(v[2] > plus[2]) {
		t.Errorf("after the zoom-out button the view is %v", v)
	}
	// Two fingers moving apart zoom in about their middle (the pointer
	// events a touch screen sends).
	b.do("reset", chromedp.Click(chromedp.CSS(`[data-zoom=reset]`)))
	eval[bool](b, fmt.Sprintf(`(() => {
		const svg = document.querySelector('.geomap-svg'), x = %v, y = %v;
		const ev = (type, id, dx) => svg.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch', isPrimary: id === 1,
			clientX: x + dx, clientY: y, bubbles: true, cancelable: true}));
		ev('pointerdown', 1, -20); ev('pointerdown', 2, 20);
		for (let d = 25; d <= 80; d += 5) { ev('pointermove', 1, -d); ev('pointermove', 2, d); }
		ev('pointerup', 1, -80); ev('pointerup', 2, 80);
		return true;
	})()`, c[0], c[1]))
	if v := view(); !(v[2] < 640/3 && v[2] > 640/5) {
		t.Errorf("after a pinch from 40 to 160 px the view is %v, want about a quarter as wide", v)
	}
	// Pins keep their size on the screen: zoomed in, they are scaled down
	// in the map's units by as much.
	if after, want := pinScale(), before*view()[2]/640; math.Abs(after-want) > 0.01 {
		t.Errorf("a pin's scale after zooming: %v, want %v", after, want)
	}
}
