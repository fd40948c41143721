package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"linli"
	"linli/apidoc"
	"linli/attach"
	"linli/audit"
	"linli/auth"
	"linli/cases"
	"linli/registry"
	"linli/stats"
	"linli/web"
)

// This file holds the API description (apidoc/openapi.json) to the server
// that is really wired: every /api/ route is documented with its method and
// path parameter names, nothing documented is missing from the router, the
// schemas carry the JSON names of the Go types, and live responses of the
// demo server fit their schemas.

// oaDoc decodes the OpenAPI document (numbers kept as json.Number).
func oaDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(apidoc.Document()))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// oaRef returns the component a local $ref names ("#/components/schemas/Case").
func oaRef(t *testing.T, doc map[string]any, ref string) map[string]any {
	t.Helper()
	var cur any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("$ref %s does not resolve", ref)
		}
		cur = m[strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")]
	}
	m, ok := cur.(map[string]any)
	if !ok {
		t.Fatalf("$ref %s does not resolve to an object", ref)
	}
	return m
}

// oaSchema returns the schema component called name.
func oaSchema(t *testing.T, doc map[string]any, name string) map[string]any {
	t.Helper()
	return oaRef(t, doc, "#/components/schemas/"+name)
}

// oaObject collects the properties and required names of an object schema,
// following $ref and allOf.
func oaObject(t *testing.T, doc map[string]any, s map[string]any) (props map[string]any, required []string) {
	t.Helper()
	props = map[string]any{}
	var visit func(s map[string]any)
	visit = func(s map[string]any) {
		if ref, ok := s["$ref"].(string); ok {
			visit(oaRef(t, doc, ref))
			return
		}
		for _, part := range oaList(s["allOf"]) {
			visit(part.(map[string]any))
		}
		for k, v := range oaMap(s["properties"]) {
			props[k] = v
		}
		for _, r := range oaList(s["required"]) {
			required = append(required, r.(string))
		}
	}
	visit(s)
	slices.Sort(required)
	return props, slices.Compact(required)
}

func oaMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func oaList(v any) []any         { l, _ := v.([]any); return l }

// oaSplitPattern splits a ServeMux pattern "GET /api/cases/{id}" into its
// method and path; patterns without a method give "".
func oaSplitPattern(p string) (method, path string) {
	m, rest, ok := strings.Cut(p, " ")
	if !ok {
		return "", p
	}
	return m, rest
}

var oaParam = regexp.MustCompile(`\{[^}]*\}`)

// TestOpenAPIRoutes starts the real server and compares its routes with
// the document.
func TestOpenAPIRoutes(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	documented, err := apidoc.Paths()
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string][]string{}
	for _, p := range s.Router.Patterns() {
		method, path := oaSplitPattern(p)
		if method == "" {
			continue
		}
		registered[path] = append(registered[path], method)
	}
	// shape drops parameter names, to tell "undocumented" from "named
	// differently".
	shape := func(p string) string { return oaParam.ReplaceAllString(p, "{}") }

	t.Run("every API route is documented", func(t *testing.T) {
		var paths []string
		for p := range registered {
			if strings.HasPrefix(p, "/api/") {
				paths = append(paths, p)
			}
		}
		sort.Strings(paths)
		for _, p := range paths {
			for _, m := range registered[p] {
				if slices.Contains(documented[p], m) {
					continue
				}
				hint := ""
				for dp, dms := range documented {
					if dp != p && shape(dp) == shape(p) && slices.Contains(dms, m) {
						hint = fmt.Sprintf(" (documented as %s: path parameter names differ)", dp)
					}
				}
				t.Errorf("%s %s is registered but not in apidoc/openapi.json%s", m, p, hint)
			}
		}
	})

	t.Run("nothing documented is missing", func(t *testing.T) {
		var paths []string
		for p := range documented {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			for _, m := range documented[p] {
				if !slices.Contains(registered[p], m) {
					t.Errorf("%s %s is documented but not registered (stale docs, or the route is not wired in cmd/linli/app.go)", m, p)
				}
			}
		}
	})

	// Fails until cmd/linli/app.go serves apidoc.Handler() at this path.
	t.Run("the document is served", func(t *testing.T) {
		c := s.anon(t)
		st, body := c.do("GET", "/api/openapi.json", nil)
		if st != 200 {
			t.Fatalf("GET /api/openapi.json: %d %.200s", st, body)
		}
		var got struct {
			OpenAPI string `json:"openapi"`
		}
		if err := json.Unmarshal(body, &got); err != nil || got.OpenAPI != "3.1.0" {
			t.Errorf("GET /api/openapi.json: openapi %q, err %v", got.OpenAPI, err)
		}
	})

	t.Run("responses fit their schemas", func(t *testing.T) { testOpenAPIResponses(t, s) })
}

// oaJSONFields lists the JSON names of a struct type with whether each is
// omitempty, flattening embedded structs as encoding/json does.
func oaJSONFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range oaJSONFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = strings.Contains(","+opts+",", ",omitempty,")
	}
	return out
}

// oaWritten and oaRead are filled by init functions in the capabilities'
// own test files: schema name → a value of the Go type.
var oaWritten, oaRead = map[string]any{}, map[string]any{}

// TestOpenAPISchemasMatchGoTypes: each schema has exactly the JSON names of
// its Go type. For types the server writes, the fields without omitempty
// are the required ones; types it reads refuse unknown fields, so their
// schemas must say additionalProperties: false.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := oaDoc(t)
	// householdBody (registry/http.go) is unexported; this is its shape.
	type householdBody struct {
		registry.HouseholdInput
		Members []registry.MemberInput `json:"members"`
	}
	written := map[string]any{
		"Problem": web.Problem{}, "FieldError": linli.FieldError{}, "Grant": linli.Grant{},
		"Node": registry.Node{}, "BuildingView": registry.BuildingView{}, "FloorRow": registry.FloorRow{}, "Cell": registry.Cell{},
		"HouseholdBrief": registry.HouseholdBrief{}, "Household": registry.Household{}, "Member": registry.Member{},
		"ImportResult": registry.ImportResult{}, "Account": auth.Account{}, "AuditEntry": audit.Entry{},
		"Category": cases.Category{}, "Department": cases.Department{}, "Case": cases.Case{}, "Event": cases.Event{},
		"Whistle": cases.Whistle{}, "Detail": cases.Detail{}, "Notification": cases.Notification{}, "Board": cases.Board{},
		"Attachment": attach.Attachment{}, "Photo": cases.Photo{},
		"StatsReport": stats.Report{}, "StatsRow": stats.Row{}, "Rates": stats.Rates{}, "Rate": stats.Rate{},
		"Weights": stats.Weights{}, "TrendPoint": stats.Point{},
	}
	read := map[string]any{
		"NodeInput": registry.NodeInput{}, "HouseholdInput": registry.HouseholdInput{}, "HouseholdCreate": householdBody{},
		"MemberInput": registry.MemberInput{}, "AccountInput": auth.AccountInput{}, "GrantInput": auth.GrantInput{}, "PasswordChange": auth.PasswordChange{},
		"CategoryInput": cases.CategoryInput{}, "NewCase": cases.NewCase{}, "ActionInput": cases.ActionInput{},
	}
	written["BuildingLayer"], written["BuildingLayerOption"] = registry.Layer{}, registry.LayerOption{}
	written["LegendItem"] = registry.LegendItem{}
	// Later capabilities list their types in their own test files
	// (openapi_<capability>_test.go) through oaWritten and oaRead.
	for k, v := range oaWritten {
		written[k] = v
	}
	for k, v := range oaRead {
		read[k] = v
	}
	check := func(name string, v any, isWritten bool) {
		fields := oaJSONFields(reflect.TypeOf(v))
		schema := oaSchema(t, doc, name)
		props, required := oaObject(t, doc, schema)
		var goNames, docNames, goRequired []string
		for k, omit := range fields {
			goNames = append(goNames, k)
			if !omit {
				goRequired = append(goRequired, k)
			}
		}
		for k := range props {
			docNames = append(docNames, k)
		}
		slices.Sort(goNames)
		slices.Sort(docNames)
		slices.Sort(goRequired)
		if !slices.Equal(goNames, docNames) {
			t.Errorf("%s: Go %T has fields %v, schema has %v", name, v, goNames, docNames)
		}
		if isWritten && !slices.Equal(goRequired, required) {
			t.Errorf("%s: fields without omitempty %v, schema requires %v", name, goRequired, required)
		}
		if !isWritten && schema["additionalProperties"] != false {
			t.Errorf("%s: the server refuses unknown fields; say additionalProperties: false", name)
		}
	}
	for name, v := range written {
		check(name, v, true)
	}
	for name, v := range read {
		check(name, v, false)
	}

	// Enums against the lists in the code.
	enum := func(name string) []string {
		var out []string
		for _, v := range oaList(oaSchema(t, doc, name)["enum"]) {
			out = append(out, v.(string))
		}
		return out
	}
	strs := func(xs ...any) []string {
		var out []string
		for _, x := range xs {
			out = append(out, reflect.ValueOf(x).String())
		}
		return out
	}
	var states, actions, roles, kinds []any
	for _, x := range cases.States() {
		states = append(states, x)
	}
	for _, x := range cases.Actions() {
		actions = append(actions, x)
	}
	actions = append(actions, cases.ActAcceptDispatch) // Act takes it as two of the machine's steps
	for _, x := range linli.Roles() {
		roles = append(roles, x)
	}
	for _, x := range registry.Kinds() {
		kinds = append(kinds, x)
	}
	for name, want := range map[string][]string{
		"State": strs(states...), "Action": strs(actions...), "Role": strs(roles...), "Kind": strs(kinds...),
		"Source":       strs(cases.SourceResident, cases.SourcePatrol, cases.SourceVolunteer, cases.SourceHotline, cases.SourceMeeting, cases.SourceInspection, cases.SourceCamera),
		"Priority":     strs(cases.Normal, cases.Urgent, cases.Emergency),
		"Rating":       strs(cases.Satisfied, cases.Basic, cases.Unsatisfied),
		"Relation":     {registry.RelOwner, registry.RelFamily, registry.RelTenant, registry.RelOther},
		"StatsGroup":   strs(stats.ByGrid, stats.ByCommunity, stats.ByStreet, stats.ByCategory),
		"AssigneeKind": {cases.AssignGrid, cases.AssignProperty, cases.AssignDepartment, cases.AssignCommunity},
	} {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("%s enum %v, code has %v (same order)", name, got, want)
		}
	}
	// The lists above without a function in the code: every value must be
	// one the code knows.
	for _, v := range enum("Source") {
		if !cases.Source(v).Valid() {
			t.Errorf("Source %q unknown to the code", v)
		}
	}
	for _, v := range enum("Priority") {
		if cases.Priority(v).Label() == "" {
			t.Errorf("Priority %q unknown to the code", v)
		}
	}
	for _, v := range enum("Rating") {
		if cases.Rating(v).Label() == "" {
			t.Errorf("Rating %q unknown to the code", v)
		}
	}
	// Problem codes: each maps to the status its response is documented with.
	var codes []string
	for _, v := range oaList(oaMap(oaMap(oaSchema(t, doc, "Problem")["properties"])["code"])["enum"]) {
		codes = append(codes, v.(string))
	}
	for _, c := range []string{linli.EBadRequest, linli.EUnauthorized, linli.EForbidden, linli.ENotFound, linli.EConflict, linli.ETooLarge, linli.EInvalid, linli.ETooMany, linli.EInternal} {
		if !slices.Contains(codes, c) {
			t.Errorf("Problem.code enum lacks %q", c)
		}
	}
	for name, status := range map[string]int{"BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404, "Conflict": 409, "TooLarge": 413, "Unprocessable": 422, "TooMany": 429} {
		for _, c := range codes {
			if web.StatusOf(c) == status && !strings.Contains(oaRef(t, doc, "#/components/responses/"+name)["description"].(string), "code "+c) {
				t.Errorf("response %s (%d) does not name code %s", name, status, c)
			}
		}
	}
}

// oaValidate checks v against schema: types, enums, required fields, array
// items, and — stricter than JSON Schema — no object field the schema does
// not list unless additionalProperties allows it, so an undocumented field
// fails.
func oaValidate(t *testing.T, doc map[string]any, schema map[string]any, v any, at string) []string {
	t.Helper()
	if ref, ok := schema["$ref"].(string); ok {
		return oaValidate(t, doc, oaRef(t, doc, ref), v, at)
	}
	var errs []string
	if types := oaTypes(schema); len(types) > 0 && !slices.Contains(types, oaTypeOf(v)) &&
		!(oaTypeOf(v) == "integer" && slices.Contains(types, "number")) {
		return append(errs, fmt.Sprintf("%s: %s, want %v", at, oaTypeOf(v), types))
	}
	if e := oaList(schema["enum"]); e != nil && v != nil {
		found := false
		for _, x := range e {
			if fmt.Sprint(x) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", at, v, e))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, required := oaObject(t, doc, schema)
		for _, r := range required {
			if _, ok := x[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", at, r))
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				errs = append(errs, oaValidate(t, doc, p.(map[string]any), x[k], at+"."+k)...)
			} else if schema["additionalProperties"] != true && len(props) > 0 {
				errs = append(errs, fmt.Sprintf("%s: field %q is not documented", at, k))
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, oaValidate(t, doc, items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func oaTypes(s map[string]any) []string {
	switch ty := s["type"].(type) {
	case string:
		return []string{ty}
	case []any:
		var out []string
		for _, x := range ty {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func oaTypeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "number"
		}
		return "integer"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// testOpenAPIResponses calls the read endpoints of the demo server and
// checks each answer against the schema documented for its status.
func testOpenAPIResponses(t *testing.T, s *testServer) {
	doc := oaDoc(t)
	c := s.login(t, "xueyuan")
	get := func(path string, v any) {
		t.Helper()
		if st := c.json("GET", path, nil, v); st != 200 {
			t.Fatalf("GET %s: %d", path, st)
		}
	}
	var nodes struct {
		Nodes []registry.Node `json:"nodes"`
	}
	get("/api/nodes", &nodes)
	var hs struct {
		Households []registry.Household `json:"households"`
	}
	get("/api/households?limit=1", &hs)
	var cs struct {
		Cases []cases.Case `json:"cases"`
	}
	get("/api/cases?limit=1", &cs)
	if len(nodes.Nodes) == 0 || len(hs.Households) == 0 || len(cs.Cases) == 0 {
		t.Fatalf("demo data: %d nodes, %d households, %d cases", len(nodes.Nodes), len(hs.Households), len(cs.Cases))
	}
	h, k := hs.Households[0], cs.Cases[0]
	anon := s.anon(t)
	for _, tc := range []struct {
		c            *client
		method, path string
		body         any
		route        string // the documented path
		status       int
	}{
		{anon, "GET", "/healthz", nil, "/healthz", 200},
		{anon, "GET", "/readyz", nil, "/readyz", 200},
		{c, "GET", "/api/me", nil, "/api/me", 200},
		{c, "GET", "/api/nodes", nil, "/api/nodes", 200},
		{c, "GET", fmt.Sprintf("/api/nodes/%d", h.BuildingID), nil, "/api/nodes/{id}", 200},
		{c, "GET", fmt.Sprintf("/api/buildings/%d/view", h.BuildingID), nil, "/api/buildings/{id}/view", 200},
		{c, "GET", "/api/households?limit=3", nil, "/api/households", 200},
		{c, "GET", fmt.Sprintf("/api/households/%d", h.ID), nil, "/api/households/{id}", 200},
		{c, "GET", "/api/accounts", nil, "/api/accounts", 200},
		{c, "GET", fmt.Sprintf("/api/accounts/%d", oaAccountID(t, s, "grid1")), nil, "/api/accounts/{id}", 200},
		{c, "GET", "/api/audit?limit=20", nil, "/api/audit", 200},
		{c, "GET", "/api/categories", nil, "/api/categories", 200},
		{c, "GET", "/api/departments", nil, "/api/departments", 200},
		{c, "GET", "/api/cases?limit=5", nil, "/api/cases", 200},
		{c, "GET", "/api/cases/mine", nil, "/api/cases/mine", 200},
		{c, "GET", "/api/cases/tasks", nil, "/api/cases/tasks", 200},
		{c, "GET", "/api/cases/board", nil, "/api/cases/board", 200},
		{c, "GET", fmt.Sprintf("/api/cases/%d", k.ID), nil, "/api/cases/{id}", 200},
		{c, "GET", "/api/calls", nil, "/api/calls", 200},
		{c, "GET", "/api/notifications", nil, "/api/notifications", 200},
		{c, "GET", "/api/stats?period=year", nil, "/api/stats", 200},
		{c, "GET", "/api/stats?by=category", nil, "/api/stats", 200},
		// Problems.
		{anon, "GET", "/api/me", nil, "/api/me", 401},
		{anon, "POST", "/api/login", map[string]string{"login": "xueyuan", "password": "wrong-password-1"}, "/api/login", 401},
		{c, "GET", "/api/cases?state=bogus", nil, "/api/cases", 400},
		{c, "GET", "/api/cases/99999999", nil, "/api/cases/{id}", 404},
		{c, "GET", "/api/stats?by=bogus", nil, "/api/stats", 422},
		{c, "POST", "/api/households", map[string]any{"unit_id": h.UnitID, "floor": 1, "room": "", "area": "1"}, "/api/households", 422},
		{c, "POST", "/api/tokens", map[string]any{"name": "x", "extra": 1}, "/api/tokens", 400},
	} {
		name := tc.method + " " + tc.path
		st, body := tc.c.do(tc.method, tc.path, tc.body)
		if st != tc.status {
			t.Errorf("%s: status %d, want %d: %.300s", name, st, tc.status, body)
			continue
		}
		op := oaMap(oaMap(oaMap(doc["paths"])[tc.route])[strings.ToLower(tc.method)])
		res := oaMap(oaMap(op["responses"])[fmt.Sprint(tc.status)])
		if ref, ok := res["$ref"].(string); ok {
			res = oaRef(t, doc, ref)
		}
		content := oaMap(res["content"])
		media := oaMap(content["application/json"])
		if tc.status >= 400 {
			media = oaMap(content["application/problem+json"])
		}
		schema := oaMap(media["schema"])
		if schema == nil {
			t.Errorf("%s: no JSON schema documented for %s %d", name, tc.route, tc.status)
			continue
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Errorf("%s: not JSON: %v", name, err)
			continue
		}
		for _, e := range oaValidate(t, doc, schema, v, "") {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// oaAccountID looks up a demo account's id.
func oaAccountID(t *testing.T, s *testServer, username string) int64 {
	t.Helper()
	id, err := s.Auth.FindAccount(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
