package geomap

import (
	"bytes"
	"encoding/json"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Size of the fitted view, in SVG pixels; the page scales it to its width.
const (
	Width  = 640
	Height = 400
	pad    = 28 // room around the data, for pins and labels at the edge
	// maxScale caps the zoom the view is fitted at (2^18: about street
	// level), so a lone point does not fill the map.
	maxScale = 1 << 18
	maxTiles = 64
)

// Outline is a boundary to draw: a grid's or an estate's GeoJSON Polygon
// (or MultiPolygon, or a Feature holding one), with its name as the label.
type Outline struct {
	Kind    string // "grid", "estate", "community": the CSS class
	Name    string
	GeoJSON string
}

// Pin is a point to mark, typically a case: a link to it (Href), the text a
// screen reader and a hover read (Title), and a CSS class for its colour
// ("new", "doing", "check", "done", "overdue").
type Pin struct {
	Point
	Href, Title, Class string
}

// LegendItem explains one pin colour; Label is Chinese text the page
// translates.
type LegendItem struct {
	Class, Label string
}

// Spec is what a page wants on its map.
type Spec struct {
	Outlines []Outline
	Pins     []Pin
	// Marker is a single "it is here" point (a case page, or the point
	// a reporter dropped).
	Marker *Point
	// Pick makes the map a form field: a click (or the phone's location)
	// moves the marker and fills the inputs "lat" and "lon"; GridURL
	// answers which grid a point lies in (?lat=&lon=).
	Pick    bool
	GridURL string
	Legend  []LegendItem
	Tiles   Tiles
}

// Map is a rendered map, for the template "geomap".
type Map struct {
	SVG         template.HTML
	Pick        bool
	GridURL     string
	Lat, Lon    string // the marker's point, for the inputs of a picking map
	Attribution string
	Legend      []LegendItem
	Pins        int // how many pins are drawn
}

// view is the fitted view: world coordinates at zoom 0 → SVG pixels.
type view struct {
	cx, cy, scale float64
}

func (v view) px(p Point) (x, y float64) {
	wx, wy := World(p)
	return v.fromWorld(wx, wy)
}

func (v view) fromWorld(wx, wy float64) (x, y float64) {
	return (wx-v.cx)*v.scale + Width/2, (wy-v.cy)*v.scale + Height/2
}

// fit centres the box and scales it to fill the view less the padding.
func fit(b bounds) view {
	v := view{cx: (b.minX + b.maxX) / 2, cy: (b.minY + b.maxY) / 2, scale: maxScale}
	if dx := b.maxX - b.minX; dx > 0 {
		v.scale = math.Min(v.scale, (Width-2*pad)/dx)
	}
	if dy := b.maxY - b.minY; dy > 0 {
		v.scale = math.Min(v.scale, (Height-2*pad)/dy)
	}
	return v
}

// New draws the spec. It returns nil when there is nothing to draw (no
// boundary, no pin, no marker), so a page shows no empty frame.
func New(s Spec) *Map {
	var shapes []shape
	b := newBounds()
	for _, o := range s.Outlines {
		polys := parsePolygons(o.GeoJSON)
		if len(polys) == 0 {
			continue
		}
		shapes = append(shapes, shape{Outline: o, polys: polys})
		for _, poly := range polys {
			for _, ring := range poly {
				for _, c := range ring {
					b.add(World(Point{c[0], c[1]}))
				}
			}
		}
	}
	for _, p := range s.Pins {
		b.add(World(p.Point))
	}
	if s.Marker != nil {
		b.add(World(*s.Marker))
	}
	if b.empty {
		return nil
	}
	v := fit(b)
	d := svgData{W: Width, H: Height, CX: num6(v.cx), CY: num6(v.cy), Scale: num6(v.scale)}
	for _, sh := range shapes {
		d.Areas = append(d.Areas, sh.draw(v))
	}
	for _, p := range s.Pins {
		x, y := v.px(p.Point)
		d.Pins = append(d.Pins, svgPin{Pin: p, X: num(x), Y: num(y)})
	}
	m := &Map{Pick: s.Pick, GridURL: s.GridURL, Legend: s.Legend, Pins: len(s.Pins)}
	if s.Marker != nil {
		x, y := v.px(*s.Marker)
		d.Marker = &svgPoint{X: num(x), Y: num(y)}
		m.Lat, m.Lon = strconv.FormatFloat(s.Marker.Lat, 'f', 6, 64), strconv.FormatFloat(s.Marker.Lon, 'f', 6, 64)
	} else if s.Pick {
		d.Marker = &svgPoint{X: "0", Y: "0", Hidden: true}
	}
	if s.Tiles.On() {
		d.Tiles = tileLayer(s.Tiles, v)
		m.Attribution = s.Tiles.Attribution
	}
	var buf bytes.Buffer
	if err := svgTemplate.Execute(&buf, d); err != nil {
		// The template is fixed and its data plain strings: an error here
		// is a bug in this file, found by its tests.
		panic(err)
	}
	m.SVG = template.HTML(buf.String())
	return m
}

// shape is an outline with its parsed polygons (rings of lon/lat).
type shape struct {
	Outline
	polys [][][][2]float64
}

func (sh shape) draw(v view) svgArea {
	a := svgArea{Kind: sh.Kind, Name: sh.Name, Anchor: "middle"}
	var path strings.Builder
	var lx, ly, best float64
	top := newBounds() // of the whole outline, in view pixels
	for _, poly := range sh.polys {
		for i, ring := range poly {
			for j, c := range ring {
				x, y := v.px(Point{c[0], c[1]})
				top.add(x, y)
				if j == 0 {
					path.WriteString("M")
				} else {
					path.WriteString("L")
				}
				path.WriteString(num(x) + " " + num(y))
			}
			path.WriteString("Z")
			if i == 0 { // the label sits in the largest outer ring
				if cx, cy, area := centroid(ring, v); area > best {
					lx, ly, best = cx, cy, area
				}
			}
		}
	}
	if sh.Kind != "estate" {
		// A grid's name sits in its top left corner, clear of the
		// estates inside it, whose names sit in their middles.
		lx, ly, a.Anchor = top.minX+8, top.minY+18, "start"
	}
	a.D, a.LX, a.LY = path.String(), num(lx), num(ly)
	return a
}

// centroid of a ring in view pixels, and its area (shoelace).
func centroid(ring [][2]float64, v view) (x, y, area float64) {
	var sx, sy, a float64
	pts := make([][2]float64, len(ring))
	for i, c := range ring {
		pts[i][0], pts[i][1] = v.px(Point{c[0], c[1]})
	}
	for i := range pts {
		p, q := pts[i], pts[(i+1)%len(pts)]
		cross := p[0]*q[1] - q[0]*p[1]
		a += cross
		sx += (p[0] + q[0]) * cross
		sy += (p[1] + q[1]) * cross
	}
	if math.Abs(a) < 1e-9 { // degenerate: the first vertex
		return pts[0][0], pts[0][1], 0
	}
	return sx / (3 * a), sy / (3 * a), math.Abs(a) / 2
}

// parsePolygons reads a GeoJSON Polygon, MultiPolygon or a Feature holding
// one; anything else is no polygon.
func parsePolygons(geojson string) [][][][2]float64 {
	var g struct {
		Type        string          `json:"type"`
		Geometry    json.RawMessage `json:"geometry"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if json.Unmarshal([]byte(geojson), &g) != nil {
		return nil
	}
	switch strings.ToLower(g.Type) {
	case "feature":
		return parsePolygons(string(g.Geometry))
	case "polygon":
		var p [][][2]float64
		if json.Unmarshal(g.Coordinates, &p) != nil || len(p) == 0 {
			return nil
		}
		return [][][][2]float64{p}
	case "multipolygon":
		var mp [][][][2]float64
		if json.Unmarshal(g.Coordinates, &mp) != nil {
			return nil
		}
		return mp
	}
	return nil
}

// tileLayer lists the tiles under the view and half a view around it (so
// a pan does not show the edge at once), at the zoom whose tiles are about
// 256 SVG pixels wide in the fitted view.
func tileLayer(t Tiles, v view) []svgTile {
	z := int(math.Round(math.Log2(v.scale)))
	z = max(0, min(19, z))
	n := float64(int(1) << z)
	side := 256 / n // a tile's side in world coordinates
	toWorld := func(x, y float64) (float64, float64) {
		return (x-Width/2)/v.scale + v.cx, (y-Height/2)/v.scale + v.cy
	}
	x0, y0 := toWorld(-Width/2, -Height/2)
	x1, y1 := toWorld(Width*1.5, Height*1.5)
	tx0, ty0, tx1, ty1 := tileOf(x0, z), tileOf(y0, z), tileOf(x1, z), tileOf(y1, z)
	var out []svgTile
	for ty := ty0; ty <= ty1; ty++ {
		for tx := tx0; tx <= tx1; tx++ {
			if len(out) == maxTiles {
				return out
			}
			x, y := v.fromWorld(float64(tx)*side, float64(ty)*side)
			out = append(out, svgTile{URL: t.TileURL(z, tx, ty), X: num(x), Y: num(y), Side: num(side * v.scale)})
		}
	}
	return out
}

// num writes an SVG pixel coordinate: a tenth of a pixel is plenty.
func num(f float64) string {
	s := strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// num6 writes the view's numbers for the script, precise enough to turn a
// click back into a point to a few centimetres.
func num6(f float64) string { return strconv.FormatFloat(f, 'g', 12, 64) }
