package main

import (
	"fmt"
	"strings"
	"testing"
)

// The statistics table shows, beside the due cases, how many of them are
// closed — the closure rate's numerator — so "due 4, closure 100 %" is not
// read against the closures dated in the period.
func TestStatsTableShowsTheDueCohortClosed(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		c := s.login(t, "xueyuan")
		var api struct {
			Total struct {
				Due       int `json:"due"`
				DueClosed int `json:"due_closed"`
			} `json:"total"`
		}
		if st := c.json("GET", "/api/stats", nil, &api); st != 200 {
			t.Fatalf("api: %d", st)
		}
		st, body := c.do("GET", "/stats", nil)
		if st != 200 {
			t.Fatalf("page: %d", st)
		}
		page := string(body)
		if !strings.Contains(page, "应结已结") {
			t.Fatal("the table has no column for the due cases that are closed")
		}
		total := page[strings.Index(page, `<tr class="total">`):]
		want := fmt.Sprintf(`<td class="num">%d</td>
  <td class="num">%d</td>`, api.Total.Due, api.Total.DueClosed)
		if !strings.Contains(total, want) {
			t.Errorf("total row does not show due %d beside due-closed %d", api.Total.Due, api.Total.DueClosed)
		}
	})
}
