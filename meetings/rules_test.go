package meetings

import (
	"testing"
	"time"

	"linli"
	"linli/links"
)

func fieldsOf(err error) map[string]bool {
	m := map[string]bool{}
	for _, f := range linli.ErrorFields(err) {
		m[f.Field] = true
	}
	return m
}

func TestMeetingInputRules(t *testing.T) {
	start := time.Date(2026, 3, 12, 11, 30, 0, 0, time.UTC)
	ok := func() MeetingInput {
		return MeetingInput{Title: "协调会", ScopeID: 9, StartsAt: start, EndsAt: start.Add(90 * time.Minute), Place: "会议室", Host: "韩素芬"}
	}
	cases := []struct {
		name  string
		edit  func(*MeetingInput)
		field string // "" means valid
	}{
		{"valid", func(*MeetingInput) {}, ""},
		{"kind defaults to coordination", func(in *MeetingInput) { in.Kind = "" }, ""},
		{"unknown kind", func(in *MeetingInput) { in.Kind = "party" }, "kind"},
		{"blank title", func(in *MeetingInput) { in.Title = "  " }, "title"},
		{"no scope", func(in *MeetingInput) { in.ScopeID = 0 }, "scope_id"},
		{"end before start", func(in *MeetingInput) { in.EndsAt = start.Add(-time.Minute) }, "ends_at"},
		{"end equals start", func(in *MeetingInput) { in.EndsAt = start }, "ends_at"},
		{"longer than a day", func(in *MeetingInput) { in.EndsAt = start.Add(25 * time.Hour) }, "ends_at"},
		{"no start", func(in *MeetingInput) { in.StartsAt = time.Time{} }, "starts_at"},
		{"empty agenda item", func(in *MeetingInput) { in.Agenda = []string{"通报方案", " "} }, "agenda[1]"},
		{"no place", func(in *MeetingInput) { in.Place = "" }, "place"},
		{"no host", func(in *MeetingInput) { in.Host = "" }, "host"},
		{"subject of an unknown kind", func(in *MeetingInput) { in.Subject = &links.Ref{Kind: "camera", ID: 1} }, "subject"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok()
			c.edit(&in)
			err := in.validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !fieldsOf(err)[c.field] {
				t.Fatalf("want field %s, got %v", c.field, linli.ErrorFields(err))
			}
		})
	}
}

func TestMeetingActionRules(t *testing.T) {
	zone, _ := time.LoadLocation("Asia/Shanghai")
	// 19:30 on 12 March in Beijing is 11:30 UTC: the meeting's day is the
	// 12th in the deployment's zone.
	start := time.Date(2026, 3, 12, 19, 30, 0, 0, zone)
	for _, c := range []struct {
		in    ActionInput
		field string
	}{
		{ActionInput{Title: "清理楼道", OwnerName: "物业", Due: "2026-03-12"}, ""},
		{ActionInput{Title: "清理楼道", OwnerAccountID: 3, Due: "2026-04-01"}, ""},
		{ActionInput{Title: "清理楼道", OwnerName: "物业", Due: "2026-03-11"}, "due"},
		{ActionInput{Title: "清理楼道", OwnerName: "物业", Due: "12/03/2026"}, "due"},
		{ActionInput{Title: "清理楼道", OwnerName: "物业"}, "due"},
		{ActionInput{Title: "清理楼道", Due: "2026-03-13"}, "owner"},
		{ActionInput{Title: " ", OwnerName: "物业", Due: "2026-03-13"}, "title"},
	} {
		_, err := c.in.validate(start, zone)
		if c.field == "" && err != nil || c.field != "" && !fieldsOf(err)[c.field] {
			t.Errorf("%+v: %v, want field %q", c.in, linli.ErrorFields(err), c.field)
		}
	}
	for _, c := range []struct {
		state string
		now   time.Time
		want  bool
	}{
		{ActionOpen, time.Date(2026, 3, 16, 23, 59, 59, 0, zone), false},
		{ActionOpen, time.Date(2026, 3, 17, 0, 0, 0, 0, zone), true},
		{ActionDone, time.Date(2026, 4, 1, 0, 0, 0, 0, zone), false},
		{ActionCase, time.Date(2026, 4, 1, 0, 0, 0, 0, zone), false},
	} {
		if got := overdue(c.state, "2026-03-16", c.now, zone); got != c.want {
			t.Errorf("overdue(%s, due 16 March, %v) = %v", c.state, c.now, got)
		}
	}
	n := -1
	if err := (&DecisionInput{Text: "同意", For: &n}).validate(); !fieldsOf(err)["votes_for"] {
		t.Errorf("negative votes: %v", err)
	}
	if err := (&DecisionInput{Text: " "}).validate(); !fieldsOf(err)["text"] {
		t.Errorf("empty decision: %v", err)
	}
	if got := normalizeParagraphs("\n  甲。\r\n乙。\n\n\n\n丙。  \n"); got != "甲。\n乙。\n\n丙。" {
		t.Errorf("normalizeParagraphs = %q", got)
	}
	if got := Paragraphs("甲。\n乙。\n\n丙。"); len(got) != 2 {
		t.Errorf("Paragraphs = %q", got)
	}
}
