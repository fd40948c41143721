package apidoc

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMergeAddsPartsAndRefusesDuplicates(t *testing.T) {
	base := `{"openapi":"3.1.0","tags":[{"name":"a"}],"paths":{"/api/a":{}},"webhooks":{"a.b":{}},"components":{"schemas":{"A":{}}}}`
	good := fstest.MapFS{"parts/b.json": {Data: []byte(`{"tags":[{"name":"b"}],"paths":{"/api/b":{}},"webhooks":{"b.c":{}},"components":{"schemas":{"B":{}},"parameters":{"p":{}}}}`)}}
	out, err := merge(base, good)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tags       []map[string]string       `json:"tags"`
		Paths      map[string]any            `json:"paths"`
		Webhooks   map[string]any            `json:"webhooks"`
		Components map[string]map[string]any `json:"components"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Tags) != 2 || doc.Paths["/api/b"] == nil || doc.Paths["/api/a"] == nil || doc.Components["schemas"]["B"] == nil || doc.Components["parameters"]["p"] == nil ||
		doc.Webhooks["a.b"] == nil || doc.Webhooks["b.c"] == nil {
		t.Errorf("merged document lacks a part: %s", out)
	}
	for name, part := range map[string]string{
		"path":    `{"paths":{"/api/a":{}}}`,
		"schema":  `{"components":{"schemas":{"A":{}}}}`,
		"webhook": `{"webhooks":{"a.b":{}}}`,
	} {
		_, err := merge(base, fstest.MapFS{"parts/x.json": {Data: []byte(part)}})
		if err == nil || !strings.Contains(err.Error(), "already") {
			t.Errorf("duplicate %s: err = %v, want 'already …'", name, err)
		}
	}
	if _, err := merge(base, fstest.MapFS{"parts/x.json": {Data: []byte(`{`)}}); err == nil {
		t.Error("a malformed part was accepted")
	}
}
