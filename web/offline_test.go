package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The service worker is served with the build's asset version and asset
// list written in, and never from a cache.
func TestServiceWorker(t *testing.T) {
	rec := httptest.NewRecorder()
	ServiceWorker().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sw.js", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /sw.js: %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	}
	body := rec.Body.String()
	if strings.Contains(body, swBuild) || strings.Contains(body, swAssets) {
		t.Error("a placeholder is left in sw.js")
	}
	version, list, err := assets(staticFS)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `var VERSION = "`+version+`";`) {
		t.Errorf("sw.js does not carry the asset version %s", version)
	}
	m := regexp.MustCompile(`var ASSET_LIST = (\[.*\]);`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no asset list in sw.js")
	}
	var urls []string
	if err := json.Unmarshal([]byte(m[1]), &urls); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(urls, list) || !slices.Contains(urls, "/static/app.css") || !slices.Contains(urls, "/static/offline.js") || slices.Contains(urls, "/static/sw.js") {
		t.Errorf("asset list %q: want every asset under /static/ but the worker itself", urls)
	}
}

// A change to any asset changes the version, so browsers install the new
// worker and drop the old assets.
func TestAssetVersion(t *testing.T) {
	fsys := fstest.MapFS{"static/app.css": {Data: []byte("a{}")}, "static/app.js": {Data: []byte("1")}}
	v1, _, err := assets(fsys)
	if err != nil {
		t.Fatal(err)
	}
	fsys["static/app.js"] = &fstest.MapFile{Data: []byte("2")}
	v2, _, _ := assets(fsys)
	fsys["static/new.js"] = &fstest.MapFile{Data: []byte("")}
	v3, _, _ := assets(fsys)
	if v1 == v2 || v2 == v3 || v1 == v3 {
		t.Errorf("versions %s %s %s: each change must give a new one", v1, v2, v3)
	}
}
