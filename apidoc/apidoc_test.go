package apidoc

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// load decodes the embedded document.
func load(t *testing.T) map[string]any {
	t.Helper()
	if !json.Valid(Document()) {
		t.Fatal("openapi.json is not valid JSON")
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(Document()))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// resolve follows a local JSON pointer ("#/components/schemas/Case").
func resolve(doc map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// deref follows $ref until it reaches an object without one.
func deref(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("not an object: %v", v)
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		if v, ok = resolve(doc, ref); !ok {
			t.Fatalf("%s does not resolve", ref)
		}
	}
	t.Fatal("$ref chain too long")
	return nil
}

// walk calls f on every value of the document with its JSON pointer.
func walk(v any, at string, f func(at string, v any)) {
	f(at, v)
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walk(e, at+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), f)
		}
	case []any:
		for i, e := range x {
			walk(e, at+"/"+strconv.Itoa(i), f)
		}
	}
}

// operations lists (path, method, operation) in a stable order.
type operation struct {
	path, method string
	op           map[string]any
	pathItem     map[string]any
}

func operations(t *testing.T, doc map[string]any) []operation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatal("no paths")
	}
	var out []operation
	for p, item := range paths {
		pi := item.(map[string]any)
		for k, v := range pi {
			if isMethod(k) {
				out = append(out, operation{path: p, method: strings.ToUpper(k), op: v.(map[string]any), pathItem: pi})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	return out
}

func TestOpenAPIVersionAndInfo(t *testing.T) {
	doc := load(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "Linli 邻里 API" || info["version"] != "1.0.0" || info["description"] == "" {
		t.Errorf("info = %v", info)
	}
	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != "/" {
		t.Errorf("servers = %v, want [{url: /}]", servers)
	}
	schemes, _ := resolve(doc, "#/components/securitySchemes")
	want := map[string]any{
		"cookieAuth": map[string]any{"type": "apiKey", "in": "cookie", "name": "linli_session"},
		"bearerAuth": map[string]any{"type": "http", "scheme": "bearer"},
	}
	for name, fields := range want {
		s, _ := schemes.(map[string]any)[name].(map[string]any)
		for k, v := range fields.(map[string]any) {
			if s[k] != v {
				t.Errorf("securitySchemes.%s.%s = %v, want %v", name, k, s[k], v)
			}
		}
	}
}

// TestOpenAPIRefsResolve: every $ref points at something, and every
// component is used (an unused one is usually a leftover of a removed route).
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := load(t)
	used := map[string]bool{}
	walk(doc, "#", func(at string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		ref, ok := m["$ref"]
		if !ok {
			return
		}
		s, ok := ref.(string)
		if !ok {
			t.Errorf("%s: $ref is not a string", at)
			return
		}
		if !strings.HasPrefix(s, "#/components/") {
			t.Errorf("%s: $ref %q is not a local component", at, s)
			return
		}
		if _, ok := resolve(doc, s); !ok {
			t.Errorf("%s: $ref %q does not resolve", at, s)
		}
		used[s] = true
	})
	comps, _ := doc["components"].(map[string]any)
	for _, kind := range []string{"schemas", "parameters", "responses", "headers"} {
		group, _ := comps[kind].(map[string]any)
		for name := range group {
			if ref := "#/components/" + kind + "/" + name; !used[ref] {
				t.Errorf("%s is never used", ref)
			}
		}
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIOperations: each operation has a unique operationId, a summary,
// responses with valid status codes, problem documents on every 4xx, a 401
// unless it is public, and exactly the path parameters of its template.
func TestOpenAPIOperations(t *testing.T) {
	doc := load(t)
	ids := map[string]string{}
	for _, o := range operations(t, doc) {
		name := o.method + " " + o.path
		id, _ := o.op["operationId"].(string)
		switch {
		case id == "":
			t.Errorf("%s: no operationId", name)
		case ids[id] != "":
			t.Errorf("%s: operationId %q already used by %s", name, id, ids[id])
		default:
			ids[id] = name
		}
		if s, _ := o.op["summary"].(string); s == "" {
			t.Errorf("%s: no summary", name)
		}
		responses, _ := o.op["responses"].(map[string]any)
		if len(responses) == 0 {
			t.Errorf("%s: no responses", name)
		}
		success := false
		for code, r := range responses {
			n, err := strconv.Atoi(code)
			if err != nil || n < 100 || n > 599 {
				t.Errorf("%s: response %q is not a status code", name, code)
				continue
			}
			success = success || n < 300
			res := deref(t, doc, r)
			if desc, _ := res["description"].(string); desc == "" {
				t.Errorf("%s %s: no description", name, code)
			}
			if n >= 400 && n < 500 {
				content, _ := res["content"].(map[string]any)
				pj, ok := content["application/problem+json"].(map[string]any)
				if !ok {
					t.Errorf("%s %s: not application/problem+json", name, code)
					continue
				}
				if ref, _ := pj["schema"].(map[string]any)["$ref"].(string); ref != "#/components/schemas/Problem" {
					t.Errorf("%s %s: schema %v, want Problem", name, code, pj["schema"])
				}
			}
		}
		if !success {
			t.Errorf("%s: no success response", name)
		}
		public := false
		if sec, ok := o.op["security"].([]any); ok && len(sec) == 0 {
			public = true
		}
		if _, ok := responses["401"]; !ok && !public {
			t.Errorf("%s: needs a login but documents no 401", name)
		}

		// Path parameters: path-level and operation-level together must
		// name exactly the template's {names}.
		var declared []string
		for _, list := range []any{o.pathItem["parameters"], o.op["parameters"]} {
			ps, _ := list.([]any)
			for _, p := range ps {
				pm := deref(t, doc, p)
				if pm["in"] == "path" {
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v not required", name, pm["name"])
					}
					declared = append(declared, pm["name"].(string))
				}
			}
		}
		var want []string
		for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
			want = append(want, m[1])
		}
		slices.Sort(declared)
		slices.Sort(want)
		if !slices.Equal(declared, want) {
			t.Errorf("%s: path parameters %v, template has %v", name, declared, want)
		}
	}
}

func TestOpenAPIPaths(t *testing.T) {
	paths, err := Paths()
	if err != nil {
		t.Fatal(err)
	}
	doc := load(t)
	if len(paths) != len(doc["paths"].(map[string]any)) {
		t.Errorf("Paths() has %d paths, document %d", len(paths), len(doc["paths"].(map[string]any)))
	}
	for path, want := range map[string][]string{
		"/api/cases":                            {"GET", "POST"},
		"/api/cases/{id}":                       {"GET"},
		"/api/nodes/{id}":                       {"DELETE", "GET", "PUT"},
		"/api/households/{id}/members/{member}": {"DELETE"},
		"/healthz":                              {"GET"},
	} {
		if got := paths[path]; !slices.Equal(got, want) {
			t.Errorf("Paths()[%q] = %v, want %v", path, got, want)
		}
	}
	// The path-level "parameters" key is not a method.
	for path, ms := range paths {
		for _, m := range ms {
			if !isMethod(strings.ToLower(m)) {
				t.Errorf("%s: %q is not a method", path, m)
			}
		}
	}
}

func TestOpenAPIHandler(t *testing.T) {
	h := Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if rec.Header().Get("Cache-Control") == "" {
		t.Error("no Cache-Control")
	}
	if !bytes.Equal(rec.Body.Bytes(), Document()) {
		t.Error("body is not the document")
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", "/api/openapi.json", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, rec.Code)
	}
}

func TestOpenAPIDocumentIsACopy(t *testing.T) {
	b := Document()
	b[0] = 'x'
	if Document()[0] != '{' {
		t.Error("Document() shares its bytes with the caller")
	}
}
