// Package apidoc publishes the OpenAPI 3.1 description of Linli's JSON API
// (openapi.json, written by hand and embedded in the binary, so it works on
// an intranet with no outside fetch).
//
// The document is checked from two sides: this package's tests check that it
// is well formed (every $ref resolves, every operation has a unique
// operationId and its responses), and cmd/linli's OpenAPI tests start the real
// server and check that every registered /api/ route is documented with the
// same method and path parameters, that nothing documented is gone, and that
// the schemas carry the same JSON names as the Go types. So a new route or a
// renamed field fails the build until openapi.json says so too.
//
// When you add or change a route: edit openapi.json (path, operationId,
// parameters, the 4xx statuses the handler can return, the schema), then run
// `go test -run OpenAPI ./cmd/linli/ ./apidoc/`.
package apidoc

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// document is a string, not a []byte, so no caller can change it.
//
//go:embed openapi.json
var document string

// Document returns a copy of the OpenAPI document.
func Document() []byte { return []byte(document) }

// Handler serves the document as application/json. The ETag is the
// document's SHA-256 and clients revalidate every time (no-cache), so a
// client never keeps the description of an older release after an upgrade;
// an unchanged document costs a 304.
func Handler() http.Handler {
	sum := sha256.Sum256([]byte(document))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", etag)
		// ServeContent answers If-None-Match (304), HEAD and Range.
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(document))
	})
}

// isMethod reports whether a key of an OpenAPI path item is an operation
// (the others are parameters, summary, servers and the like).
func isMethod(key string) bool {
	switch key {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

// Paths returns each documented path with its methods, upper case and
// sorted: "/api/cases/{id}" → ["GET"].
func Paths() (map[string][]string, error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(document), &doc); err != nil {
		return nil, fmt.Errorf("apidoc: openapi.json: %w", err)
	}
	out := make(map[string][]string, len(doc.Paths))
	for path, item := range doc.Paths {
		var ms []string
		for key := range item {
			if isMethod(key) {
				ms = append(ms, strings.ToUpper(key))
			}
		}
		slices.Sort(ms)
		out[path] = ms
	}
	return out, nil
}
