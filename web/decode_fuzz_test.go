package web_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"linli/web/webtest"
)

// fuzzInput has a field of every kind the JSON input types of the
// capabilities use.
type fuzzInput struct {
	ID       int64             `json:"id"`
	Parent   *int64            `json:"parent_id"`
	Name     string            `json:"name"`
	Note     *string           `json:"note"`
	Done     bool              `json:"done"`
	Score    float64           `json:"score"`
	IDs      []int64           `json:"ids"`
	Tags     []string          `json:"tags"`
	At       time.Time         `json:"at"`
	Until    *time.Time        `json:"until"`
	Attrs    map[string]string `json:"attrs"`
	Members  []fuzzMember      `json:"members"`
	Nested   *fuzzMember       `json:"nested"`
	Raw      json.RawMessage   `json:"raw"`
	Floor    int               `json:"floor"`
	Weighted uint8             `json:"weighted"`
}

type fuzzMember struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Floor int    `json:"floor"`
}

// FuzzDecodeJSON: DecodeJSON never panics; a body it refuses is a 400 or
// 413 whose field errors name a field; a body it accepts is one JSON
// document and decodes to a value that survives encoding and decoding
// again unchanged.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"parent_id": 3, "name": "第一网格"}`,
		`{"name": "x", "colour": "red"}`,
		`{"parent_id": "one"}`,
		`{"parent_id": 1, "name": `,
		`not json`, ``, `null`, `1`, `[]`, `"s"`,
		`{"at": "2026-12-06T10:00:00+08:00", "until": null, "ids": [1, 2], "tags": ["a"], "attrs": {"k": "v"}}`,
		`{"members": [{"name": "王芳", "phone": "13800138000", "floor": -1}], "nested": {"floor": 3}, "raw": {"a": [1]}}`,
		`{"at": "yesterday"}`, `{"weighted": 300}`, `{"floor": 1e3}`, `{"score": 1e400}`,
		`{"members": [{"age": 3}]}`, `{"nested": {"name": 1}}`,
		`{"name": "\ud800"}`, `{"id": 1}{"id": 2}`,
	} {
		f.Add([]byte(s))
	}
	// A body past MaxJSONBody is TestDecodeJSON's: as a seed it would make
	// every mutation cost a megabyte.
	f.Fuzz(func(t *testing.T, body []byte) {
		var in fuzzInput
		if err := webtest.DecodeJSON(t, body, &in); err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted %q, which is not one JSON document", body)
		}
		again, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("an accepted body does not encode again: %v (%+v)", err, in)
		}
		var back fuzzInput
		if err := webtest.DecodeJSON(t, again, &back); err != nil {
			t.Fatalf("re-encoded %s is refused: %v", again, err)
		}
		if !reflect.DeepEqual(normal(in), normal(back)) {
			t.Fatalf("round trip changed the value:\n%+v\n%+v", in, back)
		}
	})
}

// normal makes values that differ only in representation compare equal:
// times by instant and raw JSON by its compact form.
func normal(in fuzzInput) fuzzInput {
	in.At = in.At.UTC()
	if in.Until != nil {
		u := in.Until.UTC()
		in.Until = &u
	}
	var v any
	if json.Unmarshal(in.Raw, &v) == nil && v != nil {
		in.Raw, _ = json.Marshal(v)
	} else {
		in.Raw = nil // absent and null encode alike
	}
	return in
}
