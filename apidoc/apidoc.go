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
// Each capability added after the case loop keeps its routes in its own
// fragment, parts/<capability>.json, holding "tags", "paths", "webhooks"
// (OpenAPI 3.1's outgoing requests) and "components" (schemas,
// parameters) to add; they are merged into the
// document when the package loads, and a name defined twice is an error.
//
// When you add or change a route: edit openapi.json or the capability's part (path, operationId,
// parameters, the 4xx statuses the handler can return, the schema), then run
// `go test -run OpenAPI ./cmd/linli/ ./apidoc/`.
package apidoc

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"
)

// base is the hand-written document; parts are merged into it.
//
//go:embed openapi.json
var base string

//go:embed parts
var parts embed.FS

// document is a string, not a []byte, so no caller can change it.
var document = mustMerge(base, parts)

func mustMerge(base string, parts fs.FS) string {
	s, err := merge(base, parts)
	if err != nil {
		panic(err)
	}
	return s
}

// merge adds every parts/*.json fragment to the base document: its tags,
// paths and components. A path or component defined twice is an error.
func merge(base string, parts fs.FS) (string, error) {
	names, err := fs.Glob(parts, "parts/*.json")
	if err != nil || len(names) == 0 {
		return base, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(base), &doc); err != nil {
		return "", fmt.Errorf("apidoc: openapi.json: %w", err)
	}
	section := func(m map[string]any, key string) map[string]any {
		v, ok := m[key].(map[string]any)
		if !ok {
			v = map[string]any{}
			m[key] = v
		}
		return v
	}
	for _, name := range names {
		b, err := fs.ReadFile(parts, name)
		if err != nil {
			return "", err
		}
		var part struct {
			Tags       []any                     `json:"tags"`
			Paths      map[string]any            `json:"paths"`
			Webhooks   map[string]any            `json:"webhooks"`
			Components map[string]map[string]any `json:"components"`
		}
		if err := json.Unmarshal(b, &part); err != nil {
			return "", fmt.Errorf("apidoc: %s: %w", name, err)
		}
		if len(part.Tags) > 0 {
			tags, _ := doc["tags"].([]any)
			doc["tags"] = append(tags, part.Tags...)
		}
		paths := section(doc, "paths")
		for k, v := range part.Paths {
			if _, dup := paths[k]; dup {
				return "", fmt.Errorf("apidoc: %s: path %s is already documented", name, k)
			}
			paths[k] = v
		}
		if len(part.Webhooks) > 0 {
			hooks := section(doc, "webhooks")
			for k, v := range part.Webhooks {
				if _, dup := hooks[k]; dup {
					return "", fmt.Errorf("apidoc: %s: webhook %s is already documented", name, k)
				}
				hooks[k] = v
			}
		}
		comps := section(doc, "components")
		for kind, defs := range part.Components {
			dst := section(comps, kind)
			for k, v := range defs {
				if _, dup := dst[k]; dup {
					return "", fmt.Errorf("apidoc: %s: components.%s.%s is already defined", name, kind, k)
				}
				dst[k] = v
			}
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out), nil
}

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
