package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"linli/votes"
)

func init() {
	oaWritten["Vote"], oaWritten["VoteBallot"], oaWritten["VoteTally"] = votes.Vote{}, votes.Ballot{}, votes.Tally{}
	oaWritten["VoteHousehold"], oaWritten["VoteObjection"], oaWritten["VoteObjectionNote"] = votes.VoteHousehold{}, votes.Objection{}, votes.ObjectionNote{}
	oaWritten["VotePermissions"], oaWritten["VoteDetail"], oaWritten["VoteBallotResult"] = votes.Permissions{}, votes.Detail{}, votes.BallotResult{}
	oaWritten["CostCoefficient"], oaWritten["CostPlan"], oaWritten["CostBill"], oaWritten["CostSheet"] = votes.CostCoefficient{}, votes.CostPlan{}, votes.CostBill{}, votes.CostSheet{}
	oaRead["VoteInput"], oaRead["VoteBallotInput"], oaRead["VoteNoteInput"] = votes.VoteInput{}, votes.BallotInput{}, votes.NoteInput{}
	oaRead["CostPlanInput"], oaRead["CostCoefficientInput"] = votes.CostPlanInput{}, votes.CostCoefficientInput{}
}

// TestVoteOpenAPIResponses checks live answers of the votes API against
// the schemas documented for their status.
func TestVoteOpenAPIResponses(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	doc := oaDoc(t)
	staff := s.login(t, "xueyuan")
	res := s.login(t, "resident")
	project := voteProject(t, s, staff, voteUnit3(t, s).ID)
	d := openVote(t, s, staff, map[string]any{"project_id": project.ID, "required_rooms": []string{"201"}})
	id := d.Vote.ID
	rooms := roomIDs(d)
	paper := func(room, choice, reason string) map[string]any {
		return map[string]any{"household_id": rooms[room], "choice": choice, "reason": reason, "method": "paper", "collector": "柴晓燕"}
	}
	staff.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper("201", "disagree", "担心墙体安全"))
	staff.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper("101", "abstain", ""))
	var cur votes.Detail
	staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &cur)
	if len(cur.Objections) != 1 {
		t.Fatalf("objections %+v", cur.Objections)
	}
	oid := cur.Objections[0].ID
	plan := map[string]any{"vote_id": id, "title": "分摊", "total": "580000", "subsidy": 100000.5}
	for _, tc := range []struct {
		c            *client
		method, path string
		body         any
		route        string
		status       int
	}{
		{staff, "GET", "/api/votes", nil, "/api/votes", 200},
		{staff, "GET", fmt.Sprintf("/api/votes?project_id=%d", project.ID), nil, "/api/votes", 200},
		{staff, "POST", "/api/votes", map[string]any{"scope_id": voteUnit3(t, s).ID, "project_id": 99999999, "title": "x", "matter": "renovation",
			"opens_at": s.Clock.Now(), "closes_at": s.Clock.Now().AddDate(0, 0, 1)}, "/api/votes", 422},
		{s.login(t, "property"), "GET", fmt.Sprintf("/api/votes/%d", id), nil, "/api/votes/{id}", 200},
		{staff, "GET", "/api/votes?node_id=x", nil, "/api/votes", 400},
		{res, "GET", "/api/votes", nil, "/api/votes", 200},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper("102", "agree", ""), "/api/votes/{id}/ballots", 201},
		{res, "POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"choice": "agree", "method": "online"}, "/api/votes/{id}/ballots", 201},
		{res, "POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"household_id": rooms["601"], "choice": "agree", "method": "online"}, "/api/votes/{id}/ballots", 403},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"household_id": rooms["101"], "choice": "maybe", "method": "paper", "collector": "x"}, "/api/votes/{id}/ballots", 422},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/objections/%d/notes", id, oid), map[string]any{"note": "看了施工图纸，了解墙体加固方案"}, "/api/votes/{id}/objections/{oid}/notes", 200},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/objections/%d/notes", id, oid), map[string]any{"note": ""}, "/api/votes/{id}/objections/{oid}/notes", 422},
		{staff, "POST", "/api/cost-plans", plan, "/api/cost-plans", 201},
		{staff, "GET", fmt.Sprintf("/api/votes/%d", id), nil, "/api/votes/{id}", 200},
		{res, "GET", fmt.Sprintf("/api/votes/%d", id), nil, "/api/votes/{id}", 200},
		{staff, "GET", "/api/votes/99999999", nil, "/api/votes/{id}", 404},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/objections/%d/resolve", id, oid), map[string]any{"note": "已沟通"}, "/api/votes/{id}/objections/{oid}/resolve", 200},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/objections/%d/resolve", id, oid), map[string]any{"note": "已沟通"}, "/api/votes/{id}/objections/{oid}/resolve", 409},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/close", id), nil, "/api/votes/{id}/close", 200},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/close", id), nil, "/api/votes/{id}/close", 409},
		{staff, "POST", fmt.Sprintf("/api/votes/%d/ballots", id), paper("102", "agree", ""), "/api/votes/{id}/ballots", 409},
		{staff, "POST", "/api/cost-plans", map[string]any{"scope_id": voteUnit3(t, s).ID, "title": "x", "total": "1", "coefficients": []map[string]any{{"floor": 1, "factor": "1"}}}, "/api/cost-plans", 422},
		{staff, "GET", "/api/cost-plans/99999999", nil, "/api/cost-plans/{id}", 404},
	} {
		name := tc.method + " " + tc.path
		st, body := tc.c.do(tc.method, tc.path, tc.body)
		if st != tc.status {
			t.Errorf("%s: status %d, want %d: %.300s", name, st, tc.status, body)
			continue
		}
		op := oaMap(oaMap(oaMap(doc["paths"])[tc.route])[strings.ToLower(tc.method)])
		resp := oaMap(oaMap(op["responses"])[fmt.Sprint(tc.status)])
		if ref, ok := resp["$ref"].(string); ok {
			resp = oaRef(t, doc, ref)
		}
		media := oaMap(oaMap(resp["content"])["application/json"])
		if tc.status >= 400 {
			media = oaMap(oaMap(resp["content"])["application/problem+json"])
		}
		schema := oaMap(media["schema"])
		if schema == nil {
			t.Errorf("%s: no schema documented for %d", name, tc.status)
			continue
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Errorf("%s: not JSON: %v", name, err)
			continue
		}
		for _, e := range oaValidate(t, doc, schema, v, "") {
			t.Errorf("%s: %s", name, e)
		}
	}
	// The plan made above is listed on the vote with its bills.
	staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &cur)
	if len(cur.CostPlans) != 1 || cur.CostPlans[0].SumFen != 47999950 {
		t.Errorf("cost plans %+v", cur.CostPlans)
	}
}
