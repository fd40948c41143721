package main

import (
	"slices"
	"testing"

	"linli/projects"
)

func init() {
	for name, v := range map[string]any{
		"Project": projects.Project{}, "ProjectScopeNode": projects.ScopeNode{}, "ProjectPhaseRecord": projects.PhaseRecord{},
		"ProjectStep": projects.Step{}, "ProjectMilestone": projects.Milestone{}, "ProjectPerson": projects.Person{},
		"ProjectHoursChange": projects.HoursChange{}, "ProjectComplaint": projects.Complaint{}, "ProjectMeasure": projects.Measure{},
		"ProjectUpdate": projects.Update{}, "ProjectPhoto": projects.Photo{}, "ProjectThanks": projects.ThanksRecord{},
		"ProjectSatisfaction": projects.Satisfaction{}, "ProjectDetail": projects.Detail{},
	} {
		oaWritten[name] = v
	}
	for name, v := range map[string]any{
		"ProjectInput": projects.ProjectInput{}, "ProjectAdvanceInput": projects.AdvanceInput{}, "ProjectMilestoneInput": projects.MilestoneInput{},
		"ProjectProgressInput": projects.ProgressInput{}, "ProjectPersonInput": projects.PersonInput{}, "ProjectConstructionInput": projects.ConstructionInput{},
		"ProjectComplaintInput": projects.ComplaintInput{}, "ProjectMeasureInput": projects.MeasureInput{}, "ProjectUpdateInput": projects.UpdateInput{},
		"ProjectRatingInput": projects.RatingInput{}, "ProjectThanksInput": projects.ThanksInput{},
	} {
		oaRead[name] = v
	}
}

// TestProjectOpenAPIEnums: the documented phases, roles and kinds are the
// code's, in the code's order.
func TestProjectOpenAPIEnums(t *testing.T) {
	doc := oaDoc(t)
	enum := func(name string) []string {
		var out []string
		for _, v := range oaList(oaSchema(t, doc, name)["enum"]) {
			out = append(out, v.(string))
		}
		return out
	}
	var phases, roles []string
	for _, p := range projects.Phases() {
		phases = append(phases, string(p))
	}
	for _, r := range projects.Roles() {
		roles = append(roles, string(r))
	}
	for name, want := range map[string][]string{"ProjectPhase": phases, "ProjectRole": roles, "ProjectKind": projects.Kinds()} {
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("%s enum %v, code has %v", name, got, want)
		}
	}
}
