package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// countLink is one count of the home page's 待办 and the list it links to.
var countLink = regexp.MustCompile(`<a class="todo-count( late)?" href="([^"]+)" data-count="([a-z]+)"><b>([0-9,]+)\+?</b>`)

// Each role's home page shows its 待办, and every count is the total of the
// list it links to, as the JSON API of that list answers it. The staff's
// 超期 is also the dispatch board's, and it is red while above zero.
func TestHomeCountsAgreeWithTheirLists(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		// Each list page and its API, the longer paths first.
		api := [][2]string{{"/cases/mine?", "/api/cases/mine?"}, {"/cases/mine", "/api/cases/mine?"}, {"/cases?", "/api/cases?"}, {"/tasks?", "/api/cases/tasks?"}}
		for _, tc := range []struct {
			user   string
			panels []string
			counts []string
		}{
			{"xueyuan", []string{"cases", "meetings", "votes"}, []string{"reported", "accepted", "dispatched", "overdue", "handled", "extension"}},
			{"street", []string{"cases"}, []string{"reported", "accepted", "dispatched", "overdue", "handled", "extension"}},
			{"grid1", []string{"tasks"}, []string{"dispatched", "working", "overdue", "extension"}},
			{"resident", []string{"reports", "projects"}, []string{"rate", "mine"}},
			{"ydguard", []string{"cameras", "reports"}, []string{"open", "mine"}},
		} {
			c := s.login(t, tc.user)
			st, body := c.do("GET", "/", nil)
			if st != 200 {
				t.Fatalf("%s: home %d", tc.user, st)
			}
			page := string(body)
			for _, p := range tc.panels {
				if !strings.Contains(page, `data-panel="`+p+`"`) {
					t.Errorf("%s: no %s panel on the home page", tc.user, p)
				}
			}
			seen := map[string]int{}
			for _, m := range countLink.FindAllStringSubmatch(page, -1) {
				late, href, key := m[1] != "", m[2], m[3]
				n, _ := strconv.Atoi(strings.ReplaceAll(m[4], ",", ""))
				seen[key] = n
				if !strings.HasPrefix(href, "/cases") && !strings.HasPrefix(href, "/tasks") {
					if st, _ := c.do("GET", href, nil); st != 200 { // votes, meetings, projects
						t.Errorf("%s: %s links to %s: %d", tc.user, key, href, st)
					}
					continue
				}
				q := href
				for _, l := range api {
					if strings.HasPrefix(href, l[0]) {
						q = l[1] + strings.TrimPrefix(href, l[0]) + "&limit=1"
						break
					}
				}
				var res struct{ Total int }
				if st := c.json("GET", q, nil, &res); st != 200 {
					t.Fatalf("%s: %s: %d", tc.user, q, st)
				}
				if res.Total != n {
					t.Errorf("%s: %s shows %d, its list %s holds %d", tc.user, key, n, q, res.Total)
				}
				if st, _ := c.do("GET", href, nil); st != 200 {
					t.Errorf("%s: %s links to %s: %d", tc.user, key, href, st)
				}
				if key == "overdue" && late != (n > 0) {
					t.Errorf("%s: 超期 %d is red: %v", tc.user, n, late)
				}
			}
			for _, k := range tc.counts {
				if _, ok := seen[k]; !ok {
					t.Errorf("%s: no %s count on the home page (%v)", tc.user, k, seen)
				}
			}
			if tc.user == "xueyuan" || tc.user == "street" {
				var board struct{ Counts map[string]int }
				if st := c.json("GET", "/api/cases/board", nil, &board); st != 200 {
					t.Fatalf("board: %d", st)
				}
				if board.Counts["overdue"] != seen["overdue"] {
					t.Errorf("%s: home 超期 %d, board %d", tc.user, seen["overdue"], board.Counts["overdue"])
				}
			}
		}
	})
}
