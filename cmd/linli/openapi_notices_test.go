package main

import (
	"slices"
	"testing"

	"linli/notices"
)

func init() {
	oaWritten["NoticeDetail"], oaWritten["NoticeListed"], oaWritten["NoticeTarget"] = notices.Detail{}, notices.Listed{}, notices.Target{}
	oaWritten["NoticeRecipient"], oaWritten["NoticeRecipientList"], oaWritten["NoticeGroup"] = notices.RecipientRow{}, notices.RecipientList{}, notices.Group{}
	oaWritten["NoticeCall"], oaWritten["NoticeReach"] = notices.Call{}, notices.Reach{}
	oaRead["NoticeInput"], oaRead["NoticeCallInput"] = notices.Input{}, notices.CallInput{}
}

// TestOpenAPINoticeEnums: the documented urgencies, statuses and call
// outcomes are the code's.
func TestOpenAPINoticeEnums(t *testing.T) {
	doc := oaDoc(t)
	enum := func(name string) []string {
		var out []string
		for _, v := range oaList(oaSchema(t, doc, name)["enum"]) {
			out = append(out, v.(string))
		}
		return out
	}
	var urg, out []string
	for _, u := range notices.Urgencies() {
		urg = append(urg, string(u))
	}
	for _, o := range notices.Outcomes() {
		out = append(out, string(o))
	}
	if got := enum("NoticeUrgency"); !slices.Equal(got, urg) {
		t.Errorf("NoticeUrgency enum %v, code has %v", got, urg)
	}
	if got := enum("NoticeCallOutcome"); !slices.Equal(got, out) {
		t.Errorf("NoticeCallOutcome enum %v, code has %v", got, out)
	}
	st := []string{string(notices.Pending), string(notices.Unsent), string(notices.Sent), string(notices.Delivered), string(notices.Read), string(notices.Acknowledged)}
	if got := enum("NoticeStatus"); !slices.Equal(got, st) {
		t.Errorf("NoticeStatus enum %v, code has %v", got, st)
	}
}
