package main

import (
	"fmt"
	"testing"
)

// The taxonomy is configuration: street staff change a category's limits
// and route, and the next case follows them; bad input names the field
// and changes nothing.
func TestCategoriesAreConfigurable(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	street, staff := s.login(t, "street"), s.login(t, "xueyuan")
	var list struct {
		Categories []struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		} `json:"categories"`
	}
	wantStatus(t, staff, "GET", "/api/categories", nil, 200, &list)
	var noise int64
	for _, c := range list.Categories {
		if c.Code == "noise" {
			noise = c.ID
		}
	}
	if noise == 0 {
		t.Fatal("no noise category")
	}
	path := fmt.Sprintf("/api/categories/%d", noise)
	yes := true
	good := map[string]any{"name": "噪声扰民", "name_en": "Noise", "route": "grid", "response_limit": "2wh", "resolve_limit": "1wd",
		"ack_limit": "15m", "escalation": []string{"community", "street"}, "priority": "urgent", "active": &yes}

	wantProblem(t, staff, "PUT", path, good, 403) // community staff do not configure the city's taxonomy
	wantProblem(t, street, "PUT", "/api/categories/999999", good, 404)
	bad := map[string]any{}
	for k, v := range good {
		bad[k] = v
	}
	bad["resolve_limit"] = "five days"
	if p, _ := wantProblem(t, street, "PUT", path, bad, 422); !p.hasField("resolve_limit") {
		t.Errorf("bad limit: %+v", p)
	}
	delete(bad, "active")
	bad["resolve_limit"] = "1wd"
	if p, _ := wantProblem(t, street, "PUT", path, bad, 422); !p.hasField("active") {
		t.Errorf("missing active: %+v", p) // omitting it must not deactivate the category
	}
	var got struct {
		Resolve  string `json:"resolve_limit"`
		Priority string `json:"priority"`
		Active   bool   `json:"active"`
	}
	wantStatus(t, street, "PUT", path, good, 200, &got)
	if got.Resolve != "1wd" || got.Priority != "urgent" || !got.Active {
		t.Fatalf("updated category: %+v", got)
	}
	// The next report of that category carries the new priority.
	var c struct {
		Priority string `json:"priority"`
	}
	wantStatus(t, staff, "POST", "/api/cases", map[string]any{"category": "noise", "title": "夜间噪声", "location_id": 7,
		"source": "hotline", "reporter_name": "来电人"}, 201, &c)
	if c.Priority != "urgent" {
		t.Fatalf("new case priority %q, want the category's urgent", c.Priority)
	}
}
