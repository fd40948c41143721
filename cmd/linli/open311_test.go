package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOpen311Wired: the GeoReport server as the binary serves it — a
// community's staff issue a key through the API, an outside client posts a
// form and reads the request back, and the case is in the case loop with
// source open311.
func TestOpen311Wired(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	staff := s.login(t, "xueyuan")
	n, err := s.Registry.FindNode(t.Context(), []string{"运城市", "盐湖区", "东城街道", "学苑社区"})
	if err != nil {
		t.Fatal(err)
	}
	var made struct {
		APIKey string `json:"api_key"`
	}
	if st := staff.json("POST", "/api/open311/integrators", map[string]any{"name": "12345 热线平台", "node_ids": []int64{n.ID}}, &made); st != 201 || made.APIKey == "" {
		t.Fatalf("integrator: %d", st)
	}
	res, err := http.PostForm(s.URL+"/open311/v2/requests.xml", url.Values{"api_key": {made.APIKey}, "service_code": {"water_leak"},
		"lat": {"35.028"}, "long": {"111.008"}, "description": {"楼道漏水"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var doc struct {
		Requests []struct {
			ID string `xml:"service_request_id"`
		} `xml:"request"`
	}
	if err := xml.Unmarshal(body, &doc); res.StatusCode != 200 || err != nil || len(doc.Requests) != 1 || doc.Requests[0].ID == "" {
		t.Fatalf("post: %d %v %s", res.StatusCode, err, body)
	}
	id := doc.Requests[0].ID
	var source string
	var public int
	if err := s.DB.QueryRow(t.Context(), `SELECT source, public FROM cases WHERE number = ?`, id).Scan(&source, &public); err != nil || source != "open311" || public != 1 {
		t.Fatalf("case %s: %s %d %v", id, source, public, err)
	}
	st, got := s.anon(t).do("GET", "/open311/v2/requests/"+id+".json?jurisdiction_id="+n.Code, nil)
	if st != 200 || !strings.HasPrefix(string(got), `[{`) || !strings.Contains(string(got), `"service_request_id":"`+id+`"`) {
		t.Fatalf("get: %d %s", st, got)
	}
	if st, _ := s.anon(t).do("GET", "/open311/v2/discovery.xml", nil); st != 200 {
		t.Fatalf("discovery: %d", st)
	}
}
