package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"linli/projects"
)

// TestProjectPageProcess: the project page of issue 10 through the real
// server. "What it costs my household" is the reader's own line of the
// cost plan — the resident of 3单元602 reads 602's, the resident of
// 1单元601 reads 601's, staff read none (in the API and on the page); a
// project in progress highlights its current phase and shows the next
// milestone with its planned date.
func TestProjectPageProcess(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	var elevator int64
	if err := s.DB.QueryRow(ctx, `SELECT id FROM projects WHERE title = ?`, "荟萃花园南区1号楼加装电梯（8部）").Scan(&elevator); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/projects/%d", elevator)
	for who, want := range map[string]string{"resident": "1号楼3单元602", "huicui-1-601": "1号楼1单元601", "xueyuan": "", "grid1": ""} {
		c := s.login(t, who)
		var d projects.Detail
		if st := c.json("GET", "/api"+path, nil, &d); st != 200 {
			t.Fatalf("%s reads the project: %d", who, st)
		}
		_, page := c.do("GET", path, nil)
		shown := strings.Count(string(page), `data-test="my-cost"`)
		if want == "" {
			if len(d.MyBills) != 0 || shown != 0 {
				t.Errorf("%s (no household) gets %d bills, the page shows %d", who, len(d.MyBills), shown)
			}
			continue
		}
		if len(d.MyBills) != 1 || d.MyBills[0].Household != want || d.MyBills[0].AmountFen <= 0 || shown != 1 ||
			!strings.Contains(string(page), projects.Yuan(d.MyBills[0].AmountFen)) {
			t.Errorf("%s: bills %+v, page shows %d; want only %s's line", who, d.MyBills, shown, want)
		}
		for other := range map[string]bool{"1号楼3单元602": true, "1号楼1单元601": true} {
			if other != want && strings.Contains(string(page), other) {
				t.Errorf("%s's page names %s", who, other)
			}
		}
	}

	// A project in progress: the current phase is highlighted, the
	// others to do; the next milestone carries its planned date.
	community, units := projectScope(t, s)
	staff := s.login(t, "xueyuan")
	var p projects.Project
	if st := staff.json("POST", "/api/projects", map[string]any{"community_id": community, "scope": units[:1], "title": "1单元楼道照明",
		"kind": "lighting", "public": true}, &p); st != 201 {
		t.Fatalf("create: %d", st)
	}
	for _, m := range []map[string]any{{"title": "选型", "due": "2026-12-20"}, {"title": "安装", "due": "2027-01-15"}} {
		if st, b := staff.do("POST", fmt.Sprintf("/api/projects/%d/milestones", p.ID), m); st != 201 {
			t.Fatalf("milestone: %d %s", st, b)
		}
	}
	if st, b := staff.do("POST", fmt.Sprintf("/api/projects/%d/milestones", p.ID), map[string]any{"title": "验收", "due": "2027-02-30"}); st != 422 || !strings.Contains(string(b), `"due"`) {
		t.Errorf("a milestone due on 30 February: %d %s", st, b)
	}
	_, page := staff.do("GET", fmt.Sprintf("/projects/%d", p.ID), nil)
	for _, want := range []string{`class="current" data-test="step-proposal" aria-current="step"`, `class="todo" data-test="step-in_service"`,
		`<b>选型</b>`, `data-test="next-due">2026-12-20</time>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the new project's page lacks %s", want)
		}
	}
}
