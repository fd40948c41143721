package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/registry"
	"linli/votes"
)

// The "Trust" issue's vote items through the real server, on both
// engines: an owner of several flats counts once; a proxy's paper ballot
// may not replace the owner's online ballot, nor close the owner's
// objection; holdouts are named only to those who record ballots; ids
// outside the actor's scope are answered as nonexistent.

// sixFlatUnit adds 荟萃花园南区 1号楼 9单元: six flats of 80 m², 101 and
// 102 owned by one person (the same ID number on both).
func sixFlatUnit(t *testing.T, s *testServer) (registry.Node, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	b, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Registry.CreateNode(ctx, linli.System(), registry.NodeInput{ParentID: b.ID, Kind: registry.KindUnit, Name: "9单元", Floors: 6})
	if err != nil {
		t.Fatalf("unit: %v %v", err, linli.ErrorFields(err))
	}
	rooms := map[string]int64{}
	for i, room := range []string{"101", "102", "201", "301", "401", "501"} {
		m := registry.MemberInput{Name: "业主" + room, Relation: registry.RelOwner, IsOwner: true}
		if i < 2 {
			m.Name, m.IDNumber = "王多房", "11010519491231002X"
		}
		h, err := s.Registry.CreateHousehold(ctx, linli.System(), registry.HouseholdInput{UnitID: u.ID, Floor: int(room[0] - '0'), Room: room, Area: "80"},
			[]registry.MemberInput{m})
		if err != nil {
			t.Fatalf("household %s: %v %v", room, err, linli.ErrorFields(err))
		}
		rooms[room] = h.ID
	}
	return u, rooms
}

// The example: six flats, one owner of two; that owner and two
// others take part. 3 of 5 owners, not 4 of 6: the vote is not valid, and
// the page states the rule.
func TestVoteTrustOwnerOfSeveralFlatsHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		grid := s.login(t, "grid1")
		u, rooms := sixFlatUnit(t, s)
		var v votes.Vote
		if st := staff.json("POST", "/api/votes", map[string]any{"scope_id": u.ID, "title": "9单元公共部位使用", "matter": "ordinary",
			"opens_at": s.Clock.Now().Format(time.RFC3339), "closes_at": s.Clock.Now().AddDate(0, 0, 30).Format(time.RFC3339)}, &v); st != http.StatusCreated {
			t.Fatalf("create vote: %d", st)
		}
		for _, r := range []string{"101", "102", "201", "301"} {
			s.Clock.Advance(time.Minute)
			if st, body := grid.do("POST", fmt.Sprintf("/api/votes/%d/ballots", v.ID), map[string]any{"household_id": rooms[r], "choice": "agree",
				"method": "paper", "collector": "柴晓燕"}); st != http.StatusCreated {
				t.Fatalf("ballot %s: %d %s", r, st, body)
			}
		}
		var d votes.Detail
		if st := staff.json("GET", fmt.Sprintf("/api/votes/%d", v.ID), nil, &d); st != 200 {
			t.Fatalf("get: %d", st)
		}
		if d.Tally.ParticipatingOwners != 3 || d.Tally.TotalOwners != 5 || d.Tally.Households != 6 || d.Tally.ParticipatingAreaCenti != 32000 {
			t.Errorf("tally %d/%d owners (%d households), area %d; want 3/5 owners of 6 households, 32000",
				d.Tally.ParticipatingOwners, d.Tally.TotalOwners, d.Tally.Households, d.Tally.ParticipatingAreaCenti)
		}
		if d.Tally.Valid || d.Tally.ParticipationOK {
			t.Errorf("valid %v participation %v, want not valid: 3/5 < 2/3", d.Tally.Valid, d.Tally.ParticipationOK)
		}
		st, body := staff.do("GET", fmt.Sprintf("/votes/%d", v.ID), nil)
		if st != 200 || !bytes.Contains(body, []byte(`data-test="headcount-rule"`)) || !bytes.Contains(body, []byte("一人拥有多套房屋的，按一人计算人数，面积按全部专有部分计算")) ||
			!bytes.Contains(body, []byte(`data-test="tally-participating">3/5<`)) {
			t.Errorf("vote page %d lacks the headcount rule or 3/5", st)
		}
	})
}

// A grid worker's paper ballot on a household whose owner voted online is
// refused (409 naming household_id), on the page beside the field too;
// staff need a reason (409 naming override_reason); with one the ballot is
// recorded, the owner gets an in-app notice, and the objection is closed
// as staff's decision with that reason. A proxy's agree on a paper
// objection leaves it open.
func TestVoteTrustOnlineBallotOverrideHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		grid := s.login(t, "grid1")
		owner := s.login(t, "resident") // owner of 3单元602
		d := openVote(t, s, staff, nil)
		id := d.Vote.ID
		rooms := roomIDs(d)
		if st, body := owner.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"choice": "disagree", "reason": "采光受影响", "method": "online"}); st != http.StatusCreated {
			t.Fatalf("online ballot: %d %s", st, body)
		}
		paper := map[string]any{"household_id": rooms["602"], "choice": "agree", "method": "paper", "collector": "柴晓燕"}
		var p problem
		if st := grid.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper, &p); st != http.StatusConflict || !problemNames(p, "household_id") {
			t.Errorf("grid worker over the owner's online ballot: %d %+v, want 409 naming household_id", st, p)
		}
		st, body := grid.form(fmt.Sprintf("/votes/%d/ballots", id), url.Values{"method": {"paper"}, "household_id": {fmt.Sprint(rooms["602"])},
			"choice": {"agree"}, "collector": {"柴晓燕"}})
		if st != http.StatusConflict || !bytes.Contains(body, []byte(`data-test="err-household_id"`)) {
			t.Errorf("the page form: %d, want 409 with the error beside the household", st)
		}
		p = problem{}
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper, &p); st != http.StatusConflict || !problemNames(p, "override_reason") {
			t.Errorf("staff without a reason: %d %+v, want 409 naming override_reason", st, p)
		}
		var dd votes.Detail
		staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &dd)
		if len(dd.Objections) != 1 || !dd.Objections[0].Open() {
			t.Fatalf("objections after the refused ballots: %+v", dd.Objections)
		}
		paper["override_reason"] = "业主书面委托家属签署纸质票，已核实委托书"
		s.Clock.Advance(time.Minute)
		var res votes.BallotResult
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper, &res); st != http.StatusCreated || res.Ballot.OverrideReason == "" {
			t.Fatalf("staff override: %d %+v", st, res.Ballot)
		}
		var ns struct {
			Notifications []struct {
				Kind string `json:"kind"`
				Text string `json:"text"`
			} `json:"notifications"`
		}
		owner.json("GET", "/api/notifications", nil, &ns)
		found := false
		for _, n := range ns.Notifications {
			if n.Kind == "vote.override" && strings.Contains(n.Text, "已核实委托书") {
				found = true
			}
		}
		if !found {
			t.Errorf("the owner's notifications %+v lack the override notice", ns.Notifications)
		}
		dd = votes.Detail{}
		staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &dd)
		if o := dd.Objections[0]; o.Open() || !strings.Contains(o.Resolution, "已核实委托书") {
			t.Errorf("objection after staff's override: %+v", o)
		}

		// 201 objects on paper; the grid worker records its agree: counted,
		// the objection stays open; the grid worker may not close it.
		for _, c := range []map[string]any{{"choice": "disagree", "reason": "担心墙体安全"}, {"choice": "agree"}} {
			s.Clock.Advance(time.Minute)
			c["household_id"], c["method"], c["collector"] = rooms["201"], "paper", "柴晓燕"
			if st, body := grid.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), c); st != http.StatusCreated {
				t.Fatalf("201: %d %s", st, body)
			}
		}
		dd = votes.Detail{}
		staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &dd)
		var oid int64
		for _, o := range dd.Objections {
			if o.HouseholdID == rooms["201"] {
				oid = o.ID
				if !o.Open() {
					t.Errorf("201's objection closed by the grid worker's ballot: %+v", o)
				}
			}
		}
		if st, _ := grid.do("POST", fmt.Sprintf("/api/votes/%d/objections/%d/resolve", id, oid), map[string]any{"note": "已改投同意"}); st != http.StatusForbidden {
			t.Errorf("grid worker resolves: %d, want 403", st)
		}
		if st, _ := staff.do("POST", fmt.Sprintf("/api/votes/%d/objections/%d/resolve", id, oid), map[string]any{"note": "电话核实，业主本人同意"}); st != http.StatusOK {
			t.Errorf("staff resolves: %d", st)
		}
	})
}

func problemNames(p problem, field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

// A unanimity vote with a household that must consent: recorders read
// which households have not agreed; the resident, the property company,
// the contractor (JSON and page) and the building view read counts.
func TestVoteTrustHoldoutsHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		d := openVote(t, s, staff, map[string]any{"unanimous": true, "required_rooms": []string{"201"}})
		id := d.Vote.ID
		names := []string{"3单元102", "3单元201", "3单元601"}
		named := func(b []byte) bool {
			for _, n := range names {
				if bytes.Contains(b, []byte(n)) {
					return true
				}
			}
			return false
		}
		if _, body := staff.do("GET", fmt.Sprintf("/api/votes/%d", id), nil); !named(body) {
			t.Errorf("staff's detail does not name the holdouts")
		}
		for _, who := range []string{"resident", "property", "contractor"} {
			c := s.login(t, who)
			st, body := c.do("GET", fmt.Sprintf("/api/votes/%d", id), nil)
			if st == http.StatusNotFound && who == "contractor" {
				continue // a contractor reads only the projects it builds
			}
			if st != 200 || named(body) || !bytes.Contains(body, []byte("尚有")) {
				t.Errorf("%s JSON %d names households or lacks the counts: %.600s", who, st, body)
			}
			if st, body := c.do("GET", fmt.Sprintf("/votes/%d", id), nil); st != 200 || named(body) {
				t.Errorf("%s page %d names households", who, st)
			}
		}
		b, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"})
		if err != nil {
			t.Fatal(err)
		}
		prop := s.login(t, "property")
		if st, body := prop.do("GET", fmt.Sprintf("/buildings/%d?layer=vote:%d", b.ID, id), nil); st == 200 && named(body) {
			t.Errorf("the property company's building view names households")
		}
	})
}

// Ids outside the actor's scope get the answer a nonexistent id gets.
func TestVoteTrustIDsOutOfScopeHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		ctx := context.Background()
		other, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区"})
		if err != nil {
			t.Fatal(err)
		}
		var outside int64
		if err := s.DB.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'unit' AND path LIKE ? ORDER BY id LIMIT 1`, other.Path+"%").Scan(&outside); err != nil {
			t.Fatal(err)
		}
		var got [2]problem
		for i, scope := range []int64{outside, 99999999} {
			if st := staff.json("POST", "/api/votes", map[string]any{"scope_id": scope, "title": "x", "matter": "ordinary",
				"opens_at": s.Clock.Now().Format(time.RFC3339), "closes_at": s.Clock.Now().AddDate(0, 0, 1).Format(time.RFC3339)}, &got[i]); st != http.StatusUnprocessableEntity || !problemNames(got[i], "scope_id") {
				t.Errorf("vote scope %d: %d %+v, want 422 naming scope_id", scope, st, got[i])
			}
		}
		if fmt.Sprint(got[0].Errors) != fmt.Sprint(got[1].Errors) {
			t.Errorf("out of scope %+v, nonexistent %+v: differ", got[0].Errors, got[1].Errors)
		}
		for i, node := range []int64{outside, 99999999} {
			got[i] = problem{}
			if st := staff.json("GET", fmt.Sprintf("/api/votes?node_id=%d", node), nil, &got[i]); st != http.StatusUnprocessableEntity || !problemNames(got[i], "node_id") {
				t.Errorf("list node %d: %d %+v, want 422 naming node_id", node, st, got[i])
			}
		}
		if fmt.Sprint(got[0].Errors) != fmt.Sprint(got[1].Errors) {
			t.Errorf("list: out of scope %+v, nonexistent %+v: differ", got[0].Errors, got[1].Errors)
		}
	})
}
