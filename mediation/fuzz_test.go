package mediation

import (
	"testing"
	"time"

	"linli/web/webtest"
)

// FuzzMediationInputs: the JSON bodies of a mediation (the dispute, its
// sessions, the agreement with its statutory content, the follow-up)
// decode or are refused with a 400 naming the field; a dispute's rules
// refuse with a 422 naming the field and are stable on their own output;
// the dates and moments typed into the forms are read without panicking.
func FuzzMediationInputs(f *testing.F) {
	for _, s := range []string{
		`{"type":"neighbour","title":"2单元402/502漏水","facts":"楼上漏水","location_id":8,"case_id":3,"parties":[{"role":"applicant","household_id":4,"name":"王","phone":"13800138000","claims":"赔偿"},{"role":"respondent","name":"李"}],"mediators":[5]}`,
		`{"type":"x","title":" ","parties":[{"role":"judge"}]}`,
		`{"held_at":"2026-12-06 14:30","place":"调解室","participants":"双方","record":"……"}`, `{"held_at":"2026-12-06T14:30:00+08:00"}`,
		`{"parties":[{"party_id":1,"sex":"女","ethnicity":"汉","birth_date":"1970-02-30","age":-1}],"oral":false,"agreed_on":"2026-12-06","terms":[{"what":"维修","how":"更换","deadline":"2026-12-20","amount_fen":150000}],"copies":3,"party_signatures":[{"party_id":1,"signed":true,"on":"2026-12-06"}],"mediator_signed":true,"mediator_signed_on":"2026-12-06","sealed":true,"sealed_on":"2026-13-01"}`,
		`{"reason":"一方拒绝","advice":"诉讼"}`, `{"choice":"applied"}`,
		`{"visited_on":"2026-12-20","performance":"full","satisfaction":"satisfied","risk":"none","notes":"x"}`, `{"consent":"yes"}`,
	} {
		f.Add([]byte(s))
	}
	zone := time.FixedZone("CST", 8*3600)
	days := func(ss ...string) {
		for _, s := range ss {
			_, _ = parseDay(s, zone)
			_, _ = parseMoment(s, zone)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *DisputeInput) error { return in.validate() })
		webtest.Input(t, body, func(in *SessionInput) error { days(in.HeldAt); return nil })
		webtest.Input(t, body, func(in *AgreementInput) error {
			days(in.AgreedOn, in.MediatorSignedOn, in.SealedOn)
			for _, p := range in.Parties {
				days(p.BirthDate)
			}
			for _, tm := range in.Terms {
				days(tm.Deadline)
			}
			for _, sg := range in.PartySignatures {
				days(sg.On)
			}
			return nil
		})
		webtest.Input[FailInput](t, body, nil)
		webtest.Input[CourtInput](t, body, nil)
		webtest.Input(t, body, func(in *FollowUpInput) error { days(in.VisitedOn); return nil })
		webtest.Input[PublishInput](t, body, nil)
	})
}
