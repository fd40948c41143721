package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"sync"
)

// The offline form queue (issue 11): static/offline.js keeps submissions
// of forms marked data-offline in IndexedDB while the phone has no network
// and sends them, each with its idempotency key, when it returns;
// static/sw.js is the service worker that lets pages marked
// <meta name="linli-offline" content="1"> and the static assets open
// offline. The worker must be served from the root, not /static/, for its
// scope to cover every page.

// The placeholders in sw.js that ServiceWorker replaces with the build's
// asset version and the list of assets to keep.
const (
	swBuild  = "__LINLI_ASSETS__"
	swAssets = "__LINLI_ASSET_LIST__"
)

var serviceWorker = sync.OnceValues(func() ([]byte, error) {
	src, err := staticFS.ReadFile("static/sw.js")
	if err != nil {
		return nil, err
	}
	v, list, err := assets(staticFS)
	if err != nil {
		return nil, err
	}
	names, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	src = bytes.ReplaceAll(src, []byte(swAssets), names)
	return bytes.ReplaceAll(src, []byte(swBuild), []byte(v)), nil
})

// assets lists the embedded assets by URL and digests them all: a release
// that changes any of them changes sw.js by that much, so browsers install
// the new worker, which fills a new cache and drops the old one.
func assets(fsys fs.FS) (version string, urls []string, err error) {
	h := sha256.New()
	err = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(b)
		if path != "static/sw.js" {
			urls = append(urls, "/"+path)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12], urls, err
}

// ServiceWorker serves static/sw.js at /sw.js with the asset version
// written in. Browsers check it for a new version on every navigation, so
// no cache may keep it.
func ServiceWorker() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := serviceWorker()
		if err != nil {
			http.Error(w, "service worker unavailable", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(b)
	})
}
