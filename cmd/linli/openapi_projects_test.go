package main

import "linli/projects"

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
