package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The map's tile server: --map-tiles and --map-attribution reach the
// configuration, and the Content-Security-Policy lets images come from the
// tile server's origin only when one is configured.
func TestMapTilesConfiguration(t *testing.T) {
	cfg := DefaultConfig()
	f := newFlags("serve", io.Discard)
	f.common(&cfg)
	if err := f.Parse([]string{"--map-tiles", "http://tiles.intranet:8081/{z}/{x}/{y}.png", "--map-attribution", "© 运城市测绘院"}); err != nil {
		t.Fatal(err)
	}
	if cfg.MapTiles.URL != "http://tiles.intranet:8081/{z}/{x}/{y}.png" || cfg.MapTiles.Attribution != "© 运城市测绘院" {
		t.Fatalf("flags: %+v", cfg.MapTiles)
	}
	imgSrc := func(origin string) string {
		rec := httptest.NewRecorder()
		securityHeaders(http.NotFoundHandler(), origin).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		for _, d := range strings.Split(rec.Header().Get("Content-Security-Policy"), ";") {
			if d = strings.TrimSpace(d); strings.HasPrefix(d, "img-src ") {
				return d
			}
		}
		return ""
	}
	if got := imgSrc(""); got != "img-src 'self' data:" {
		t.Errorf("without tiles: %q", got)
	}
	if got := imgSrc(cfg.MapTiles.Origin()); got != "img-src 'self' data: http://tiles.intranet:8081" {
		t.Errorf("with tiles: %q", got)
	}
	// A template that cannot work stops the server at start.
	m := &Main{Config: DefaultConfig()}
	m.Config.Data = t.TempDir()
	m.Config.MapTiles.URL = "http://tiles.intranet/{z}.png"
	if err := m.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "map tiles") {
		t.Errorf("a template without {x} and {y}: %v", err)
	}
}
