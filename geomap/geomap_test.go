package geomap

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The tile numbers are the XYZ ("slippy map") numbers every Web Mercator
// tile server uses, worked out independently of this package.
func TestTileAt(t *testing.T) {
	for _, c := range []struct {
		name   string
		p      Point
		z      int
		wx, wy int
	}{
		{"the whole world", Point{0, 0}, 0, 0, 0},
		{"null island at zoom 1", Point{0, 0}, 1, 1, 1},
		{"Berlin", Point{13.405, 52.52}, 10, 550, 335},
		{"New York", Point{-74.006, 40.7128}, 12, 1205, 1540},
		{"Sydney, south of the equator", Point{151.2093, -33.8688}, 8, 235, 153},
		{"学苑社区 第一网格", Point{111.008, 35.028}, 17, 105952, 51904},
		{"学苑社区 at zoom 15", Point{111.008, 35.028}, 15, 26488, 12976},
		{"beyond the Mercator edge is the edge tile", Point{-180, 89.9}, 3, 0, 0},
		{"the antimeridian's east edge is the last tile", Point{180, -89.9}, 2, 3, 3},
	} {
		x, y := TileAt(c.p, c.z)
		if x != c.wx || y != c.wy {
			t.Errorf("%s: TileAt(%v, %d) = %d/%d, want %d/%d", c.name, c.p, c.z, x, y, c.wx, c.wy)
		}
	}
}

func TestUnprojectInvertsWorld(t *testing.T) {
	for _, p := range []Point{{111.0082, 35.0281}, {-74.006, 40.7128}, {151.2, -33.87}, {0, 0}} {
		q := Unproject(World(p))
		if math.Abs(q.Lon-p.Lon) > 1e-9 || math.Abs(q.Lat-p.Lat) > 1e-9 {
			t.Errorf("Unproject(World(%v)) = %v", p, q)
		}
	}
}

// box is a rectangle as gridBox in the demo writes it.
func box(lon, lat, dLon, dLat float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	pt := func(x, y float64) string { return "[" + f(x) + "," + f(y) + "]" }
	return `{"type":"Polygon","coordinates":[[` + pt(lon, lat) + "," + pt(lon+dLon, lat) + "," + pt(lon+dLon, lat+dLat) + "," +
		pt(lon, lat+dLat) + "," + pt(lon, lat) + `]]}`
}

// attr finds the first value of an attribute on the element of a class.
func attr(svg, class, name string) string {
	m := regexp.MustCompile(`class="` + class + `[^"]*"[^>]*?\b` + name + `="([^"]*)"`).FindStringSubmatch(svg)
	if m == nil {
		return ""
	}
	return m[1]
}

// A box ten times wider than high at the equator (0.1° of latitude is,
// to 1e-6, a tenth of 1° of longitude in Web Mercator there) fills the
// view's width less the padding: 28…612 px, 58.4 px high about the middle.
func TestFitsTheDataAndPlacesPins(t *testing.T) {
	m := New(Spec{
		Outlines: []Outline{{Kind: "grid", Name: "第一网格", GeoJSON: box(0, 0, 1, 0.1)}},
		Pins: []Pin{
			{Point: Point{0.5, 0.05}, Href: "/cases/7", Title: "20261124-0001 楼道灯不亮 · 已派遣", Class: "doing"},
			{Point: Point{0.25, 0.1}, Href: "/cases/8", Title: "north-west quarter", Class: "overdue"},
		},
	})
	if m == nil {
		t.Fatal("no map")
	}
	svg := string(m.SVG)
	for _, c := range []struct{ what, got, want string }{
		{"the outline's path (counter-clockwise from the south-west corner)", attr(svg, "geomap-area", "d"), "M28 229.2L612 229.2L612 170.8L28 170.8L28 229.2Z"},
		{"a grid's label in its top left corner", attr(svg, "geomap-label", "transform"), "translate(36 188.8)"},
		{"the viewBox", attr(svg, "geomap-svg", "viewBox"), "0 0 640 400"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	pins := regexp.MustCompile(`<a class="geomap-pin ([a-z]+)" href="([^"]+)" data-test="map-pin"><title>([^<]*)</title><g class="geomap-fix" data-x="([^"]+)" data-y="([^"]+)"`).FindAllStringSubmatch(svg, -1)
	if len(pins) != 2 {
		t.Fatalf("pins: %q in\n%s", pins, svg)
	}
	want := [][]string{{"doing", "/cases/7", "20261124-0001 楼道灯不亮 · 已派遣", "320", "200"}, {"overdue", "/cases/8", "north-west quarter", "174", "170.8"}}
	for i, p := range pins {
		if strings.Join(p[1:], "|") != strings.Join(want[i], "|") {
			t.Errorf("pin %d: %q, want %q", i, p[1:], want[i])
		}
	}
	// An estate's label sits in its middle.
	estate := New(Spec{Outlines: []Outline{{Kind: "estate", Name: "荟萃花园南区", GeoJSON: box(0, 0, 1, 0.1)}}})
	if got := attr(string(estate.SVG), "geomap-label", "transform"); got != "translate(320 200)" {
		t.Errorf("estate label at %q, want the middle", got)
	}
	if m.Pins != 2 || strings.Contains(svg, "<image") || m.Attribution != "" {
		t.Errorf("pins %d, tiles without configuration: %v", m.Pins, strings.Contains(svg, "<image"))
	}
}

func TestNothingToDrawIsNoMap(t *testing.T) {
	if m := New(Spec{Outlines: []Outline{{Name: "broken", GeoJSON: "{"}}, Pick: true}); m != nil {
		t.Errorf("a map of nothing: %+v", m)
	}
}

// A lone point is shown at street level (the scale is capped), centred;
// a picking map carries the point for its inputs.
func TestMarkerAlone(t *testing.T) {
	m := New(Spec{Marker: &Point{111.0082, 35.0281}, Pick: true, GridURL: "/api/cases/grid"})
	svg := string(m.SVG)
	if got := attr(svg, "geomap-marker", "transform"); got != "translate(320 200)" {
		t.Errorf("marker at %q", got)
	}
	if got := attr(svg, "geomap-svg", "data-scale"); got != "262144" {
		t.Errorf("scale %q, want 2^18", got)
	}
	if m.Lat != "35.028100" || m.Lon != "111.008200" || !m.Pick || strings.Contains(svg, `visibility="hidden"`) {
		t.Errorf("picked point %s,%s pick %v", m.Lat, m.Lon, m.Pick)
	}
	// Without a point yet the marker waits, hidden.
	m = New(Spec{Outlines: []Outline{{Kind: "grid", Name: "g", GeoJSON: box(111, 35, 0.006, 0.004)}}, Pick: true})
	if !strings.Contains(string(m.SVG), `data-test="map-marker" visibility="hidden"`) || m.Lat != "" {
		t.Errorf("hidden marker missing: %s", m.SVG)
	}
}

func TestPolygonForms(t *testing.T) {
	feature := `{"type":"Feature","properties":{},"geometry":` + box(0, 0, 1, 1) + `}`
	multi := `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,0],[3,0],[3,1],[2,0]]]]}`
	hole := `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}`
	for _, c := range []struct {
		name, geo string
		rings     int
	}{{"feature", feature, 1}, {"multipolygon", multi, 2}, {"polygon with a hole", hole, 2}, {"a point is no area", `{"type":"Point","coordinates":[0,0]}`, 0}} {
		m := New(Spec{Outlines: []Outline{{Kind: "estate", Name: c.name, GeoJSON: c.geo}}, Pins: []Pin{{Point: Point{0.5, 0.5}}}})
		if got := strings.Count(attr(string(m.SVG), "geomap-area", "d"), "Z"); got != c.rings {
			t.Errorf("%s: %d rings drawn, want %d", c.name, got, c.rings)
		}
	}
}

// Names and titles come from data: they are escaped.
func TestTextIsEscaped(t *testing.T) {
	m := New(Spec{Outlines: []Outline{{Kind: "grid", Name: `<script>x</script>`, GeoJSON: box(0, 0, 1, 1)}},
		Pins: []Pin{{Point: Point{0.5, 0.5}, Href: "javascript:alert(1)", Title: `"><b>`}}})
	svg := string(m.SVG)
	if strings.Contains(svg, "<script>") || strings.Contains(svg, `"><b>`) || strings.Contains(svg, "javascript:") {
		t.Errorf("unescaped: %s", svg)
	}
}

// Tiles are laid under the boundaries only when a server is configured:
// at the zoom whose tiles are about 256 px in the fitted view (a grid of
// 600 m is fitted at zoom 17), the tile under the centre placed where the
// centre is.
func TestTileLayer(t *testing.T) {
	tiles := Tiles{URL: "http://tiles.intranet/{z}/{x}/{y}.png", Attribution: "© 测绘局"}
	spec := Spec{Outlines: []Outline{{Kind: "grid", Name: "第一网格", GeoJSON: box(111.0050, 35.0260, 0.0060, 0.0040)}}, Tiles: tiles}
	m := New(spec)
	svg := string(m.SVG)
	if m.Attribution != "© 测绘局" {
		t.Errorf("attribution %q", m.Attribution)
	}
	imgs := regexp.MustCompile(`<image href="http://tiles.intranet/(\d+)/(\d+)/(\d+).png" x="([^"]+)" y="([^"]+)" width="([^"]+)"`).FindAllStringSubmatch(svg, -1)
	if len(imgs) == 0 || len(imgs) > maxTiles {
		t.Fatalf("%d tiles", len(imgs))
	}
	cx, cy := TileAt(Point{111.0080, 35.0280}, 17)
	found := false
	for _, im := range imgs {
		if im[1] != "17" {
			t.Errorf("tile at zoom %s, want 17", im[1])
		}
		x, _ := strconv.ParseFloat(im[4], 64)
		y, _ := strconv.ParseFloat(im[5], 64)
		side, _ := strconv.ParseFloat(im[6], 64)
		if side < 181 || side > 362 {
			t.Errorf("tile side %v px, want about 256", side)
		}
		if im[2] == strconv.Itoa(cx) && im[3] == strconv.Itoa(cy) {
			found = true
			if x > 320 || x+side < 320 || y > 200 || y+side < 200 {
				t.Errorf("the centre's tile %s/%s at %v,%v (side %v) does not cover the centre", im[2], im[3], x, y, side)
			}
		}
	}
	if !found {
		t.Errorf("no tile %d/%d under the centre", cx, cy)
	}
	if strings.Index(svg, "geomap-tiles") > strings.Index(svg, "geomap-areas") {
		t.Error("tiles are drawn over the boundaries")
	}
	spec.Tiles = Tiles{}
	if strings.Contains(string(New(spec).SVG), "<image") {
		t.Error("tiles without a tile server")
	}
}

func TestTilesConfiguration(t *testing.T) {
	for _, c := range []struct {
		url, origin string
		ok          bool
	}{
		{"", "", true},
		{"http://tiles.intranet/{z}/{x}/{y}.png", "http://tiles.intranet", true},
		{"https://gis.yuncheng.gov.cn:8443/wmts/{z}/{y}/{x}", "https://gis.yuncheng.gov.cn:8443", true},
		{"/tiles/{z}/{x}/{y}.png", "", true},
		{"http://tiles.intranet/{z}/{x}.png", "", false},
		{"ftp://tiles.intranet/{z}/{x}/{y}.png", "", false},
		{"tiles.intranet/{z}/{x}/{y}.png", "", false},
		{"javascript:{z}{x}{y}", "", false},
	} {
		tl := Tiles{URL: c.url}
		if err := tl.Check(); (err == nil) != c.ok {
			t.Errorf("%q: Check() = %v, want ok %v", c.url, err, c.ok)
		}
		if c.ok {
			if got := tl.Origin(); got != c.origin {
				t.Errorf("%q: origin %q, want %q", c.url, got, c.origin)
			}
		}
	}
	if got := (Tiles{URL: "http://t/{z}/{x}/{y}.png"}).TileURL(17, 105952, 51904); got != "http://t/17/105952/51904.png" {
		t.Errorf("TileURL: %s", got)
	}
}
