package cases

// The maps on the case pages (package geomap draws them): the dispatch
// board's pins, a case's place, and the point a reporter drops on the
// report form, whose grid is found from the boundaries (gridAt).

import (
	"context"
	"net/http"
	"strconv"

	"linli"
	"linli/geomap"
	"linli/web"
)

// pinClass is a case's colour on a map: overdue first, then where it is in
// the loop.
func pinClass(c Case) string {
	switch {
	case c.Overdue && c.State.Open():
		return "overdue"
	case c.State == Reported || c.State == Accepted:
		return "new"
	case c.State == Handled || c.State == Verified:
		return "check"
	case c.State == Closed:
		return "done"
	case c.State == Rejected || c.State == Merged:
		return "off"
	}
	return "doing"
}

// pinLegend explains the colours of pinClass.
var pinLegend = []geomap.LegendItem{{Class: "new", Label: "待受理/待派遣"}, {Class: "doing", Label: "处置中"},
	{Class: "check", Label: "待核查/待结案"}, {Class: "overdue", Label: "超期"}, {Class: "done", Label: "已结案"}}

func hasPoint(c Case) bool { return c.Lat != 0 || c.Lon != 0 }

// outlines are the grid and estate boundaries under the paths, each path
// read once.
func (s *Service) outlines(ctx context.Context, paths ...string) ([]geomap.Outline, error) {
	var out []geomap.Outline
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		found, err := s.Registry.Outlines(ctx, s.DB, p)
		if err != nil {
			return nil, err
		}
		for _, o := range found {
			out = append(out, geomap.Outline{Kind: string(o.Kind), Name: o.Name, GeoJSON: o.Boundary})
		}
	}
	return out, nil
}

// CasesMap draws the cases that have a point, each a pin linking to its
// page, on the boundaries of their communities, labelled in the language
// lang; tr translates a label to it. Nil when none has a point.
func (s *Service) CasesMap(ctx context.Context, cs []Case, lang string, tr func(string) string) (*geomap.Map, error) {
	var pins []geomap.Pin
	var communities []string
	seen := map[int64]bool{}
	for _, c := range cs {
		if !hasPoint(c) || seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		// The state as the case lists show it (stateLabel), in the
		// page's language.
		title := c.Number + " " + c.Title + " · " + c.State.LabelIn(lang)
		if c.Overdue && c.State.Open() {
			title += " · " + tr("超期")
		}
		pins = append(pins, geomap.Pin{Point: geomap.Point{Lon: c.Lon, Lat: c.Lat}, Href: "/cases/" + strconv.FormatInt(c.ID, 10),
			Title: title, Class: pinClass(c)})
		communities = append(communities, communityPath(c.Path))
	}
	if len(pins) == 0 {
		return nil, nil
	}
	outs, err := s.outlines(ctx, communities...)
	if err != nil {
		return nil, err
	}
	return geomap.New(geomap.Spec{Outlines: outs, Pins: pins, Legend: pinLegend, Tiles: s.MapTiles}), nil
}

// caseMap shows where a case is, on its community's boundaries; nil when it
// has no point (or the reader may not see it: Get clears it for
// neighbours).
func (s *Service) caseMap(ctx context.Context, c Case) (*geomap.Map, error) {
	if !hasPoint(c) {
		return nil, nil
	}
	outs, err := s.outlines(ctx, communityPath(c.Path))
	if err != nil {
		return nil, err
	}
	return geomap.New(geomap.Spec{Outlines: outs, Marker: &geomap.Point{Lon: c.Lon, Lat: c.Lat}, Tiles: s.MapTiles}), nil
}

// maxReportOutlines bounds the report form's map: a reporter whose scope
// is a whole city (an administrator) picks a place instead of getting a
// map of thousands of grids.
const maxReportOutlines = 300

// reportMap is the report form's map: the boundaries where the actor may
// report by point; a click or the phone's location fills lat and lon. The
// point typed before a failed submission is kept. Nil without boundaries.
func (s *Service) reportMap(r *http.Request, a *linli.Actor) (*geomap.Map, error) {
	outs, err := s.outlines(r.Context(), reportScope(a))
	if err != nil || len(outs) == 0 || len(outs) > maxReportOutlines {
		return nil, err
	}
	spec := geomap.Spec{Outlines: outs, Pick: true, GridURL: "/api/cases/grid", Tiles: s.MapTiles}
	lat, errLat := strconv.ParseFloat(r.FormValue("lat"), 64)
	lon, errLon := strconv.ParseFloat(r.FormValue("lon"), 64)
	if errLat == nil && errLon == nil && (lat != 0 || lon != 0) {
		spec.Marker = &geomap.Point{Lon: lon, Lat: lat}
	}
	return geomap.New(spec), nil
}

// GridPoint is the grid a map point lies in.
type GridPoint struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`  // "第一网格"
	Place string `json:"place"` // "学苑社区 第一网格"
}

// GridAt names the grid whose boundary holds the point, among those the
// actor may report in (422 on lat when none does), as a report by that
// point would be placed.
func (s *Service) GridAt(ctx context.Context, a *linli.Actor, lat, lon float64) (GridPoint, error) {
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 || (lat == 0 && lon == 0) {
		return GridPoint{}, linli.Invalid("坐标超出范围 / coordinates out of range", linli.FieldError{Field: "lat", Reason: "坐标超出范围 / coordinates out of range"})
	}
	id, err := s.gridAt(ctx, reportScope(a), lon, lat)
	if err != nil {
		return GridPoint{}, err
	}
	p, err := s.locate(ctx, s.DB, id)
	if err != nil {
		return GridPoint{}, err
	}
	return GridPoint{ID: id, Name: p.Grid.Name, Place: p.Community.Name + " " + p.Grid.Name}, nil
}

func (s *Service) apiGridAt(w http.ResponseWriter, r *http.Request) error {
	lat, err1 := strconv.ParseFloat(r.URL.Query().Get("lat"), 64)
	lon, err2 := strconv.ParseFloat(r.URL.Query().Get("lon"), 64)
	if err1 != nil || err2 != nil {
		return linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "lat", Reason: "应为经纬度数值 / lat and lon must be numbers"})
	}
	g, err := s.GridAt(r.Context(), web.ActorFrom(r.Context()), lat, lon)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, g)
	return nil
}

// boardPins are the cases the board page lists that are open (or in the
// states the filter asks for): the board's queues, then the list.
func boardPins(d listData) []Case {
	var cs []Case
	if b := d.Board; b != nil {
		for _, l := range [][]Case{b.New, b.Overdue, b.Escalated, b.Verify} {
			cs = append(cs, l...)
		}
	}
	for _, c := range d.Cases {
		if c.State.Open() || len(d.Filter.States) > 0 {
			cs = append(cs, c)
		}
	}
	return cs
}

// tr translates labels to the request's language.
func (h *pages) tr(r *http.Request) func(string) string {
	lang := web.Lang(r)
	return func(s string) string { return h.r.T(lang, s) }
}
