package main

import "linli/meetings"

func init() {
	oaWritten["Meeting"], oaWritten["MeetingDetail"], oaWritten["MeetingLists"] = meetings.Meeting{}, meetings.Detail{}, meetings.Lists{}
	oaWritten["MeetingAgendaItem"], oaWritten["MeetingInvitee"], oaWritten["MeetingAttendance"] = meetings.AgendaItem{}, meetings.Invitee{}, meetings.Attendance{}
	oaWritten["MeetingDecision"], oaWritten["MeetingAction"] = meetings.Decision{}, meetings.Action{}
	oaRead["MeetingInput"], oaRead["MeetingInviteInput"], oaRead["MeetingAgendaInput"] = meetings.MeetingInput{}, meetings.InviteInput{}, meetings.AgendaInput{}
	oaRead["MeetingSignInInput"], oaRead["MeetingMinutesInput"], oaRead["MeetingDecisionInput"] = meetings.SignInInput{}, meetings.MinutesInput{}, meetings.DecisionInput{}
	oaRead["MeetingActionInput"], oaRead["MeetingCaseInput"], oaRead["MeetingDoneInput"] = meetings.ActionInput{}, meetings.CaseInput{}, meetings.DoneInput{}
	oaRead["MeetingCancelInput"] = meetings.CancelInput{}
}
