// Package geomap draws the maps Linli makes itself, for a government
// intranet with no internet: the grid and estate boundaries of the register
// (GeoJSON polygons, lon/lat) and points of cases, projected to Web
// Mercator and rendered on the server as one SVG on a plain background.
// web/static/map.js (ours, plain JavaScript, no library) pans and zooms it
// with the mouse, touch and keyboard by changing the SVG's viewBox.
//
// Where a deployment runs an intranet tile server (--map-tiles, a URL
// template like http://tiles.intranet/{z}/{x}/{y}.png), its tiles are laid
// inside the SVG under the boundaries, at the zoom that matches the fitted
// view, and its attribution is shown under the map. Without it nothing is
// fetched from anywhere. The tiles cover the fitted view and half a view
// around it, at one zoom: zoomed in far, the browser stretches them (map.js
// fetches no finer tiles yet), and a long pan shows the plain background.
//
// The SVG's own coordinates are pixels of the fitted view (Width × Height):
// a point's world coordinate at zoom 0 (0…256, Web Mercator as the tile
// servers use it) is scaled by Scale and centred. The same numbers are on
// the SVG (data-cx, data-cy, data-scale), so the script can turn a click
// back into lon/lat.
//
// The map is included in a page by the shared template "geomap"
// (web/templates/geomap.html) with a *Map; a nil *Map draws nothing.
package geomap
