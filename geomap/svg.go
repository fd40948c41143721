package geomap

import "html/template"

type svgData struct {
	W, H          int
	CX, CY, Scale string
	Tiles         []svgTile
	Areas         []svgArea
	Pins          []svgPin
	Marker        *svgPoint
}

type svgTile struct{ URL, X, Y, Side string }

type svgArea struct {
	Kind, Name string
	D          string // the path
	LX, LY     string // where the label sits
	Anchor     string // its text-anchor
}

type svgPin struct {
	Pin
	X, Y string
}

type svgPoint struct {
	X, Y   string
	Hidden bool
}

// Elements with data-x/data-y keep their size when the map zooms:
// map.js rescales them about that point. Pins point down at their place.
var svgTemplate = template.Must(template.New("svg").Parse(`<svg xmlns="http://www.w3.org/2000/svg" class="geomap-svg" viewBox="0 0 {{.W}} {{.H}}" data-w="{{.W}}" data-h="{{.H}}" data-cx="{{.CX}}" data-cy="{{.CY}}" data-scale="{{.Scale}}">
{{- if .Tiles}}<g class="geomap-tiles" aria-hidden="true">{{range .Tiles}}<image href="{{.URL}}" x="{{.X}}" y="{{.Y}}" width="{{.Side}}" height="{{.Side}}" preserveAspectRatio="none"/>{{end}}</g>{{end -}}
<g class="geomap-areas">{{range .Areas}}<path class="geomap-area {{.Kind}}" d="{{.D}}" fill-rule="evenodd"><title>{{.Name}}</title></path>{{end}}</g>
<g class="geomap-labels" aria-hidden="true">{{range .Areas}}<text class="geomap-label {{.Kind}} geomap-fix" data-x="{{.LX}}" data-y="{{.LY}}" transform="translate({{.LX}} {{.LY}})" text-anchor="{{.Anchor}}">{{.Name}}</text>{{end}}</g>
<g class="geomap-pins">{{range .Pins}}
{{- if .Href}}<a class="geomap-pin {{.Class}}" href="{{.Href}}" data-test="map-pin">{{else}}<g class="geomap-pin {{.Class}}" role="img" aria-label="{{.Title}}" data-test="map-pin">{{end -}}
<title>{{.Title}}</title><g class="geomap-fix" data-x="{{.X}}" data-y="{{.Y}}" transform="translate({{.X}} {{.Y}})"><path d="M0 0C-3-9-12-13.5-12-22.5a12 12 0 1 1 24 0C12-13.5 3-9 0 0Z"/><circle cy="-22.5" r="4.5"/></g>
{{- if .Href}}</a>{{else}}</g>{{end}}{{end}}</g>
{{- with .Marker}}<g class="geomap-marker geomap-fix" data-x="{{.X}}" data-y="{{.Y}}" transform="translate({{.X}} {{.Y}})" data-test="map-marker"{{if .Hidden}} visibility="hidden"{{end}} aria-hidden="true"><circle r="14"/><circle r="5"/></g>{{end -}}
</svg>`))
