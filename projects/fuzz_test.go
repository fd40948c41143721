package projects

import (
	"reflect"
	"strings"
	"testing"

	"linli/web/webtest"
)

// FuzzProjectInputs: the JSON bodies of a project (the project, phases,
// milestones, people, construction hours, complaints, updates, ratings,
// thanks) decode or are refused with a 400 naming the field; a
// milestone's rules refuse with a 422 naming the field and are stable on
// their own output; construction and quiet hours are read only from
// clock times, and what is read writes back to the same ranges.
func FuzzProjectInputs(f *testing.F) {
	for _, s := range []string{
		`{"community_id":4,"scope":[12,13],"title":"1号楼加装电梯","kind":"elevator","description":"八部电梯","budget_fen":480000000,"public":true}`,
		`{"to":"consultation","outcome":"居民同意","proposer":"3单元"}`,
		`{"parent_id":0,"title":"设备进场","weight":3,"sort":1,"due":"2026-05-01"}`, `{"title":" ","weight":-1,"due":"2026-02-30"}`, `{"progress":50}`,
		`{"role":"contractor","account_id":9,"name":"某电梯公司","note":""}`,
		`{"contractor":"某建筑","start_date":"2026-03-01","end_date":"2026-05-01","work_hours":["08:00-12:00","14:00–18:00"],"quiet_hours":["12:00～14:00","22:00-24:00","0:00-06:00"],"reason":"开工"}`,
		`{"work_hours":["8:00-7:00","1a:00-2:00","24:00-24:30","08:00-12:00","11:00-13:00"]}`,
		`{"quiet_hours":["22:00-24:00"],"work_hours":["8:00-12:00"]}`,
		`{"work_hours":["1a:00-2:00"]}`, `{"quiet_hours":["08:0x-09:00"]}`, `{"work_hours":["+8:00-9:00"]}`,
		`{"category":"noise","title":"夜间施工","description":"","location_id":12,"reporter_name":"王","reporter_phone":"13800138000"}`,
		`{"text":"已要求停工"}`, `{"rating":"satisfied","comment":"好"}`, `{"kind":"banner","from":"全体居民","text":"谢谢","date":"2026-05-20"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input[ProjectInput](t, body, nil)
		webtest.Input[AdvanceInput](t, body, nil)
		webtest.Input(t, body, func(in *MilestoneInput) error { _, err := in.check(); return err })
		webtest.Input[ProgressInput](t, body, nil)
		webtest.Input[PersonInput](t, body, nil)
		webtest.Input(t, body, func(in *ConstructionInput) error {
			for _, hours := range [][]string{in.WorkHours, in.QuietHours} {
				spans, reason := parseSpans(hours)
				if reason != "" {
					continue
				}
				for _, raw := range hours {
					if strings.Trim(raw, " 0123456789:：-–—～~") != "" {
						t.Fatalf("%q read as clock times %v", raw, spans)
					}
				}
				if back, reason := parseSpans(spanStrings(spans)); reason != "" || !reflect.DeepEqual(back, spans) {
					t.Fatalf("%q read as %v, written %q, read back %v %s", hours, spans, spanStrings(spans), back, reason)
				}
			}
			return nil
		})
		webtest.Input[ComplaintInput](t, body, nil)
		webtest.Input[MeasureInput](t, body, nil)
		webtest.Input[UpdateInput](t, body, nil)
		webtest.Input[RatingInput](t, body, nil)
		webtest.Input[ThanksInput](t, body, nil)
	})
}
