package main

import (
	"slices"
	"testing"

	"linli/meetings"
)

func init() {
	oaWritten["Meeting"], oaWritten["MeetingDetail"], oaWritten["MeetingLists"] = meetings.Meeting{}, meetings.Detail{}, meetings.Lists{}
	oaWritten["MeetingAgendaItem"], oaWritten["MeetingInvitee"], oaWritten["MeetingAttendance"] = meetings.AgendaItem{}, meetings.Invitee{}, meetings.Attendance{}
	oaWritten["MeetingDecision"], oaWritten["MeetingAction"] = meetings.Decision{}, meetings.Action{}
	oaRead["MeetingInput"], oaRead["MeetingInviteInput"], oaRead["MeetingAgendaInput"] = meetings.MeetingInput{}, meetings.InviteInput{}, meetings.AgendaInput{}
	oaRead["MeetingSignInInput"], oaRead["MeetingMinutesInput"], oaRead["MeetingDecisionInput"] = meetings.SignInInput{}, meetings.MinutesInput{}, meetings.DecisionInput{}
	oaRead["MeetingActionInput"], oaRead["MeetingCaseInput"], oaRead["MeetingDoneInput"] = meetings.ActionInput{}, meetings.CaseInput{}, meetings.DoneInput{}
	oaRead["MeetingCancelInput"] = meetings.CancelInput{}
}

// TestOpenAPIMeetingEnums: the documented kinds and states are the code's.
func TestOpenAPIMeetingEnums(t *testing.T) {
	doc := oaDoc(t)
	enum := func(name string) []string {
		var out []string
		for _, v := range oaList(oaSchema(t, doc, name)["enum"]) {
			out = append(out, v.(string))
		}
		return out
	}
	var kinds []string
	for _, k := range meetings.Kinds() {
		kinds = append(kinds, string(k))
	}
	if got := enum("MeetingKind"); !slices.Equal(got, kinds) {
		t.Errorf("MeetingKind enum %v, code has %v", got, kinds)
	}
	states := []string{string(meetings.Planned), string(meetings.Held), string(meetings.Published), string(meetings.Cancelled)}
	if got := enum("MeetingState"); !slices.Equal(got, states) {
		t.Errorf("MeetingState enum %v, code has %v", got, states)
	}
	for _, s := range enum("MeetingState") {
		if meetings.State(s).Label() == "" {
			t.Errorf("state %q unknown to the code", s)
		}
	}
}
