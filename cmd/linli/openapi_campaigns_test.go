package main

import (
	"slices"
	"testing"

	"linli/campaigns"
)

func init() {
	oaWritten["Campaign"], oaWritten["CampaignPlace"], oaWritten["CampaignMember"] = campaigns.Campaign{}, campaigns.Place{}, campaigns.Member{}
	oaWritten["CampaignTemplate"], oaWritten["CampaignItem"], oaWritten["CampaignHazardRule"] = campaigns.Template{}, campaigns.Item{}, campaigns.HazardRule{}
	oaWritten["CampaignTask"], oaWritten["CampaignWalk"], oaWritten["CampaignWalkBuild"] = campaigns.Task{}, campaigns.Walk{}, campaigns.WalkBuild{}
	oaWritten["CampaignWalkUnit"], oaWritten["CampaignWalkFloor"], oaWritten["CampaignWalkHouse"] = campaigns.WalkUnit{}, campaigns.WalkFloor{}, campaigns.WalkHouse{}
	oaWritten["CampaignConflict"], oaWritten["CampaignFinding"], oaWritten["CampaignFindingVersion"] = campaigns.Conflict{}, campaigns.Finding{}, campaigns.Version{}
	oaWritten["CampaignPhoto"], oaWritten["CampaignRecorded"], oaWritten["CampaignPlan"] = campaigns.Photo{}, campaigns.Recorded{}, campaigns.Plan{}
	oaWritten["CampaignSelfCheck"] = campaigns.SelfCheckForm{}
	oaRead["CampaignInput"], oaRead["CampaignMemberInput"], oaRead["CampaignTemplateInput"] = campaigns.CampaignInput{}, campaigns.MemberInput{}, campaigns.TemplateInput{}
	oaRead["CampaignSplitInput"], oaRead["CampaignAssignInput"], oaRead["CampaignFindingInput"] = campaigns.SplitInput{}, campaigns.AssignInput{}, campaigns.FindingInput{}
	oaRead["CampaignPlanInput"], oaRead["CampaignEscalateInput"] = campaigns.PlanInput{}, campaigns.EscalateInput{}
	oaRead["CampaignMembersInput"] = struct {
		Members []campaigns.MemberInput `json:"members"`
	}{}
	oaRead["CampaignTemplateChoice"] = struct {
		TemplateID int64 `json:"template_id"`
	}{}
	oaRead["CampaignResolveInput"] = struct {
		Pick bool `json:"pick"`
	}{}
}

// TestOpenAPICampaignEnums: the documented enums are the code's lists.
func TestOpenAPICampaignEnums(t *testing.T) {
	doc := oaDoc(t)
	enum := func(name string) []string {
		var out []string
		for _, v := range oaList(oaSchema(t, doc, name)["enum"]) {
			out = append(out, v.(string))
		}
		return out
	}
	var kinds, sevs, roles, plans []string
	for _, k := range campaigns.ItemKinds() {
		kinds = append(kinds, string(k))
	}
	for _, s := range campaigns.Severities() {
		sevs = append(sevs, string(s))
	}
	for _, r := range campaigns.MemberRoles() {
		roles = append(roles, string(r))
	}
	for _, k := range campaigns.PlanKinds() {
		plans = append(plans, string(k))
	}
	for name, want := range map[string][]string{
		"CampaignItemKind": kinds, "CampaignSeverity": sevs, "CampaignMemberRole": roles, "CampaignPlanKind": plans,
		"CampaignState":  {string(campaigns.Draft), string(campaigns.Active), string(campaigns.Closed)},
		"CampaignTarget": {string(campaigns.TargetHousehold), string(campaigns.TargetRoof), string(campaigns.TargetUnclaimed)},
	} {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("%s enum %v, code has %v", name, got, want)
		}
	}
}
