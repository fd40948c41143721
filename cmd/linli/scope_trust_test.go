package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Ids in inputs (issue 8 item 1): every id that arrives in an input is
// checked against the actor's scope and the record's owner before it is
// read, copied or linked. An id of another community is refused with the
// 422 an unknown id gets, naming the field, and nothing of it — a name, a
// phone — comes back.

// jixiang402 returns the Jixiang household 2单元402 and one of its people,
// with that person's name.
func jixiang402(t *testing.T, s *testServer) (household, person int64, name string) {
	t.Helper()
	err := s.DB.QueryRow(t.Context(), `SELECT h.id, p.id, p.name FROM households h JOIN nodes u ON u.id = h.unit_id JOIN nodes b ON b.id = u.parent_id
		JOIN nodes e ON e.id = b.parent_id JOIN household_members m ON m.household_id = h.id JOIN people p ON p.id = m.person_id
		WHERE e.name = '吉祥花园' AND b.name = '1号楼' AND u.name = '2单元' AND h.room = '402' ORDER BY m.is_owner DESC, m.id LIMIT 1`).Scan(&household, &person, &name)
	if err != nil {
		t.Fatal(err)
	}
	return
}

// wantRefusedID checks a 422 that names the field and does not echo what
// must not leak.
func wantRefusedID(t *testing.T, c *client, method, path string, body any, field string, leak ...string) {
	t.Helper()
	st, b := c.do(method, path, body)
	var p problem
	if st == 422 {
		_ = json.Unmarshal(b, &p)
	}
	if st != 422 || !p.hasField(field) {
		t.Errorf("%s %s: %d %s, want 422 naming %s", method, path, st, b, field)
	}
	for _, l := range leak {
		if l != "" && strings.Contains(string(b), l) {
			t.Errorf("%s %s: the answer shows %q: %s", method, path, l, b)
		}
	}
}

// displayName is a demo account's name as others see it.
func displayName(t *testing.T, s *testServer, username string) string {
	t.Helper()
	var n string
	if err := s.DB.QueryRow(t.Context(), `SELECT display_name FROM accounts WHERE username = ?`, username).Scan(&n); err != nil || n == "" {
		t.Fatalf("%s: %q %v", username, n, err)
	}
	return n
}

func TestScopeTrustDisputePartyFromAnotherCommunity(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		xy := s.login(t, "xueyuan")
		own, _, _ := huicuiRoom(t, s, "3单元", "602")
		jxHousehold, jxPerson, jxName := jixiang402(t, s)
		var before int
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM disputes`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		party := func(p map[string]any) map[string]any {
			return map[string]any{"title": "噪音", "parties": []map[string]any{{"role": "applicant", "household_id": own}, p}}
		}
		wantRefusedID(t, xy, "POST", "/api/mediation", party(map[string]any{"role": "respondent", "person_id": jxPerson}), "parties[2].person_id", jxName)
		wantRefusedID(t, xy, "POST", "/api/mediation", party(map[string]any{"role": "respondent", "person_id": jxPerson, "name": "某人", "phone": "13800000000"}), "parties[2].person_id")
		wantRefusedID(t, xy, "POST", "/api/mediation", party(map[string]any{"role": "respondent", "household_id": jxHousehold}), "parties[2].household_id", jxName)
		var after int
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM disputes`).Scan(&after); err != nil || after != before {
			t.Errorf("%d refused disputes stored (%v)", after-before, err)
		}
	})
}

func TestScopeTrustMeetingAccountsFromAnotherCommunity(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff, jx := s.login(t, "xueyuan"), s.login(t, "jixiang")
		jxID := oaAccountID(t, s, "jixiang")
		base := map[string]any{"title": "3单元协调会", "kind": "coordination", "scope_id": meetingUnit3(t, s),
			"starts_at": meetingStart, "ends_at": meetingEnd, "place": "会议室", "host": "韩素芬"}
		withInvite := map[string]any{"invite": map[string]any{"account_ids": []int64{jxID}}}
		for k, v := range base {
			withInvite[k] = v
		}
		wantRefusedID(t, staff, "POST", "/api/meetings", withInvite, "account_ids[0]", displayName(t, s, "jixiang"))
		var m struct {
			ID int64 `json:"id"`
		}
		if st := staff.json("POST", "/api/meetings", base, &m); st != 201 {
			t.Fatalf("create: %d", st)
		}
		mp := fmt.Sprintf("/api/meetings/%d", m.ID)
		wantRefusedID(t, staff, "POST", mp+"/invitations", map[string]any{"account_ids": []int64{jxID}}, "account_ids[0]")
		if st, b := jx.do("GET", mp, nil); st != 404 {
			t.Errorf("the refused invitee reads the meeting: %d %s", st, b)
		}
		s.Clock.Set(meetingStart.Add(5 * time.Minute))
		staff = s.login(t, "xueyuan") // the earlier session has expired
		if st, b := staff.do("POST", mp+"/hold", nil); st != 200 {
			t.Fatalf("hold: %d %s", st, b)
		}
		wantRefusedID(t, staff, "POST", mp+"/actions", map[string]any{"title": "x", "owner_account_id": jxID, "due": "2026-12-10"}, "owner_account_id", displayName(t, s, "jixiang"))
	})
}

func TestScopeTrustProjectPersonFromAnotherCommunity(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		p := fmt.Sprintf("/api/projects/%d/people", storyProject(t, s))
		wantRefusedID(t, staff, "POST", p, map[string]any{"role": "community_lead", "account_id": oaAccountID(t, s, "jixiang")}, "account_id", displayName(t, s, "jixiang"))
	})
}

func TestScopeTrustVisitorFromAnotherCommunity(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		grid1 := s.login(t, "grid1")
		hh, _, _ := huicuiRoom(t, s, "3单元", "602")
		body := map[string]any{"household_id": hh, "subject": fmt.Sprintf("project:%d", storyProject(t, s)), "stance": "support",
			"visitor_ids": []int64{oaAccountID(t, s, "jxgrid")}}
		wantRefusedID(t, grid1, "POST", "/api/visits", body, "visitor_ids[0]", displayName(t, s, "jxgrid"))
	})
}
