package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"linli"
	"linli/web"
)

// StatusOf is the one mapping of error codes to HTTP statuses; anything
// it does not know (a plain Go error) is a 500.
func TestStatusOf(t *testing.T) {
	for code, want := range map[string]int{
		linli.EInvalid: 422, linli.EBadRequest: 400, linli.ENotFound: 404, linli.EForbidden: 403, linli.EUnauthorized: 401,
		linli.EConflict: 409, linli.ETooLarge: 413, linli.ETooMany: 429, linli.EInternal: 500, "": 500, "no-such-code": 500,
	} {
		if got := web.StatusOf(code); got != want {
			t.Errorf("StatusOf(%q) = %d, want %d", code, got, want)
		}
	}
}

// WriteError writes RFC 9457 application/problem+json: type, title and
// status from the code, the message as detail, the field errors.
func TestWriteError(t *testing.T) {
	w := httptest.NewRecorder()
	err := linli.Invalid("请修正 / please correct", linli.FieldError{Field: "area", Reason: "最多两位小数 / at most two decimals"})
	web.WriteError(w, httptest.NewRequest("POST", "/api/households", nil), err)
	if w.Code != 422 || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %q, want 422 application/problem+json", w.Code, w.Header().Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "https://linli.invalid/problems/invalid", "title": "Unprocessable Entity", "status": float64(422),
		"detail": "请修正 / please correct", "code": "invalid",
	}
	for k, v := range want {
		if doc[k] != v {
			t.Errorf("%s = %v, want %v", k, doc[k], v)
		}
	}
	fields, _ := doc["errors"].([]any)
	if len(fields) != 1 {
		t.Fatalf("errors %v, want one", doc["errors"])
	}
	if f := fields[0].(map[string]any); f["field"] != "area" || f["reason"] != "最多两位小数 / at most two decimals" {
		t.Errorf("field error %v", f)
	}

	// An internal error is logged, and shown without its cause.
	p := web.ProblemOf(httptest.NewRequest("GET", "/", nil), &linli.Error{Code: linli.EInternal, Message: "dial tcp 10.0.0.5:5432"})
	if p.Status != 500 || strings.Contains(p.Detail, "10.0.0.5") {
		t.Errorf("internal problem %+v shows its cause", p)
	}
}

// DecodeJSON takes a body of at most MaxJSONBody bytes holding exactly the
// fields of dst; anything else is refused with a problem naming why (and
// the field, when there is one).
func TestDecodeJSON(t *testing.T) {
	type node struct {
		ParentID int64  `json:"parent_id"`
		Name     string `json:"name"`
	}
	big := `{"name": "` + strings.Repeat("长", web.MaxJSONBody/3+1) + `"}`
	for _, tc := range []struct {
		name, body, code, field string
	}{
		{"valid", `{"parent_id": 3, "name": "第一网格"}`, "", ""},
		{"unknown field", `{"name": "x", "colour": "red"}`, linli.EBadRequest, "colour"},
		{"wrong type", `{"parent_id": "one"}`, linli.EBadRequest, "parent_id"},
		{"truncated", `{"parent_id": 1, "name": `, linli.EBadRequest, ""},
		{"not JSON", `not json`, linli.EBadRequest, ""},
		{"empty", ``, linli.EBadRequest, ""},
		{"two values", `{"name": "x"} {"name": "y"}`, linli.EBadRequest, ""},
		{"trailing garbage", `{"name": "x"} ]`, linli.EBadRequest, ""},
		{"too large", big, linli.ETooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dst node
			err := web.DecodeJSON(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/nodes", strings.NewReader(tc.body)), &dst)
			if tc.code == "" {
				if err != nil || dst.ParentID != 3 || dst.Name != "第一网格" {
					t.Fatalf("got %+v, %v", dst, err)
				}
				return
			}
			if code := linli.ErrorCode(err); code != tc.code {
				t.Fatalf("code %q (%v), want %q", code, err, tc.code)
			}
			fields := linli.ErrorFields(err)
			if tc.field != "" && (len(fields) != 1 || fields[0].Field != tc.field) {
				t.Errorf("fields %+v, want one on %q", fields, tc.field)
			}
		})
	}
}

// A path id that is not a positive number names no record: 404, as for a
// record that does not exist. A query integer that is not one is a 400
// naming the parameter; a missing one takes the default.
func TestPathIDAndQueryInt(t *testing.T) {
	mux := http.NewServeMux()
	var id int64
	var idErr error
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) { id, idErr = web.PathID(r, "id") })
	for path, want := range map[string]int64{"/things/42": 42, "/things/abc": 0, "/things/0": 0, "/things/-1": 0, "/things/9223372036854775808": 0} {
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if id != want {
			t.Errorf("%s: id %d, want %d", path, id, want)
		}
		if want == 0 && linli.ErrorCode(idErr) != linli.ENotFound {
			t.Errorf("%s: error %v, want not_found", path, idErr)
		}
	}

	for query, want := range map[string]int{"": 50, "?limit=20": 20, "?limit=-3": -3} {
		n, err := web.QueryInt(httptest.NewRequest("GET", "/api/things"+query, nil), "limit", 50)
		if err != nil || n != want {
			t.Errorf("%q: %d, %v; want %d", query, n, err, want)
		}
	}
	_, err := web.QueryInt(httptest.NewRequest("GET", "/api/things?limit=ten", nil), "limit", 50)
	if fields := linli.ErrorFields(err); linli.ErrorCode(err) != linli.EBadRequest || len(fields) != 1 || fields[0].Field != "limit" {
		t.Errorf("limit=ten: %v %+v, want bad_request on limit", err, fields)
	}
}

// A form shows each field's first reason beside it; "photos[2]" beside
// the "photos" input. Refusals and failures are not form errors.
func TestFormErrors(t *testing.T) {
	err := linli.Invalid("请修正 / please correct",
		linli.FieldError{Field: "name", Reason: "必填 / required"},
		linli.FieldError{Field: "name", Reason: "太长 / too long"},
		linli.FieldError{Field: "photos[2]", Reason: "不是图片 / not an image"})
	m, msg := web.FormErrors(err)
	if m["name"] != "必填 / required" || m["photos"] != "不是图片 / not an image" || m["photos[2]"] == "" || msg != "请修正 / please correct" {
		t.Errorf("FormErrors = %v, %q", m, msg)
	}
	for _, code := range []string{linli.EForbidden, linli.ENotFound, linli.EInternal} {
		if m, msg := web.FormErrors(linli.Errorf(code, "x")); m != nil || msg != "" {
			t.Errorf("%s: FormErrors = %v, %q; want none", code, m, msg)
		}
	}
}
