package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"linli/storage"
)

// /claim lists a unit's room numbers to any account (issue 10 asked
// whether that leaks). Decided: it does not — a room number is what every
// door and mailbox of the unit shows, and a newly registered resident has
// no place yet to scope the list by — but the list must stay room numbers
// only: no owner's name, phone or area, nothing that says who lives where
// or which rooms are empty. This test pins that.
func TestClaimRoomsShowNoPeople(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := t.Context()
	var community, estate, building, unit int64
	if err := s.DB.QueryRow(ctx, `SELECT c.id, e.id, b.id, u.id FROM nodes u JOIN nodes b ON b.id = u.parent_id JOIN nodes e ON e.id = b.parent_id
		JOIN nodes g ON g.id = e.parent_id JOIN nodes c ON c.id = g.parent_id
		WHERE u.name = '3单元' AND b.name = '1号楼' AND e.name = '荟萃花园南区'`).Scan(&community, &estate, &building, &unit); err != nil {
		t.Fatal(err)
	}
	// Someone of another community, as a newly registered resident would be.
	c := s.login(t, "jxresident")
	st, body := c.do("GET", fmt.Sprintf("/claim?community=%d&estate=%d&building=%d&unit=%d", community, estate, building, unit), nil)
	if st != http.StatusOK {
		t.Fatalf("GET /claim: %d", st)
	}
	page := string(body)
	rooms, err := storage.Scalars[string](ctx, s.DB, `SELECT room FROM households WHERE unit_id = ?`, unit)
	if err != nil || len(rooms) == 0 {
		t.Fatalf("rooms: %v %v", rooms, err)
	}
	for _, r := range rooms {
		if !strings.Contains(page, ">"+r+"<") {
			t.Errorf("room %s is not offered", r)
		}
	}
	names, err := storage.Scalars[string](ctx, s.DB, `SELECT p.name FROM people p JOIN household_members m ON m.person_id = p.id
		JOIN households h ON h.id = m.household_id WHERE h.unit_id = ?`, unit)
	if err != nil || len(names) == 0 {
		t.Fatalf("names: %v %v", names, err)
	}
	for _, n := range names {
		if strings.Contains(page, n) {
			t.Errorf("the claim page names %s", n)
		}
	}
	for _, leak := range []string{"㎡", "138", "139", "vacant", "未登记业主"} {
		if strings.Contains(page, leak) {
			t.Errorf("the claim page shows %q", leak)
		}
	}
}
