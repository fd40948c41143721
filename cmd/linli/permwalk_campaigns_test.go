package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"testing"

	"linli/attach"
	"linli/campaigns"
)

// campaignFixture makes, in 学苑社区, the records the permission walk needs
// of the campaigns capability (until the demo plays its story): a checklist
// template, an active campaign over 荟萃花园南区 split by building, a
// finding with a hazard and a photo, and its plan. It returns their ids by
// the walk's kinds.
func campaignFixture(t *testing.T, s *testServer) map[string]string {
	t.Helper()
	ctx := context.Background()
	staff, err := s.Auth.ActorByUsername(ctx, "xueyuan")
	if err != nil {
		t.Fatal(err)
	}
	grid, err := s.Auth.ActorByUsername(ctx, "grid1")
	if err != nil {
		t.Fatal(err)
	}
	estate, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := s.Campaigns.CreateTemplate(ctx, staff, campaigns.TemplateInput{Title: "太阳能热水器排查表", Items: campaigns.SolarHeaterChecklist()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Campaigns.Create(ctx, staff, campaigns.CampaignInput{Title: "太阳能热水器安全隐患排查", HazardType: "太阳能热水器", TemplateID: tpl.ID,
		ScopeIDs: []int64{estate.ID}, StartsOn: "2026-01-01", Deadline: "2026-12-31",
		Members: []campaigns.MemberInput{{AccountID: grid.AccountID, Role: campaigns.MemberGrid}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Campaigns.Activate(ctx, staff, c.ID); err != nil {
		t.Fatal(err)
	}
	ts, err := s.Campaigns.Split(ctx, staff, c.ID, campaigns.SplitInput{By: campaigns.ByBuilding, AccountIDs: []int64{grid.AccountID}})
	if err != nil || len(ts) == 0 {
		t.Fatal(err)
	}
	hs, err := s.Registry.HouseholdsUnder(ctx, s.DB, ts[0].Path)
	if err != nil || len(hs) == 0 {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	photo, err := attach.Check(attach.PhotoLimits(), []attach.Upload{{Field: "answers.photo[0]", Name: "p.png", Data: buf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.Campaigns.Record(ctx, grid, campaigns.FindingInput{TaskID: ts[0].ID, HouseholdID: hs[0].ID,
		Answers: map[string]any{"present": "yes", "leak": "yes"}}, map[string][]attach.Checked{"photo": photo})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Campaigns.SetPlan(ctx, staff, rec.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanSelfFix, Guidance: "加固支架", DueOn: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return map[string]string{"campaign": id(c.ID), "ctemplate": id(tpl.ID), "ctask": id(ts[0].ID), "cfinding": id(rec.Finding.ID),
		"cphoto": id(rec.Finding.Photos[0].ID), "cplan": id(p.ID), "cestate": id(estate.ID)}
}
