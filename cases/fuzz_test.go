package cases

import (
	"testing"

	"linli/calendar"
	"linli/web/webtest"
)

// FuzzCaseInputs: the JSON bodies of the case API (a report, an action, a
// category's rules, a department's names) decode or are refused with a
// 400 naming the field; a report's own rules (NewCase.validate) refuse
// with a 422 naming the field and are stable on their own output; a
// category's limits are read by calendar.ParseLimit without panicking.
func FuzzCaseInputs(f *testing.F) {
	for _, s := range []string{
		`{"category":"water_leak","title":"楼道漏水","description":"3单元2楼","location_id":12,"priority":"urgent","public":true}`,
		`{"category":"noise","title":"  ","description":"","lat":39.9,"lon":116.4,"address":"学苑路1号","source":"hotline","reporter_name":"王","reporter_phone":"13800138000"}`,
		`{"category":"x","lat":91,"lon":-181,"priority":"urgent!"}`,
		`{"action":"dispatch","assignee_kind":"grid","assignee_id":3,"note":"请尽快"}`,
		`{"action":"request_extension","new_due":"2026-12-10T18:00:00+08:00","reason":"等配件"}`,
		`{"action":"whistle","targets":["street","department:housing"],"reason":"需要协调"}`,
		`{"action":"rate","rating":"satisfied","comment":"好"}`,
		`{"name":"漏水","name_en":"Leak","route":"department:housing","response_limit":"4wh","resolve_limit":"15wd","ack_limit":"30m","escalation":["community","street"],"priority":"normal","active":true}`,
		`{"name":"住建委","name_en":"Housing"}`, `{"id":7}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *NewCase) error { return in.validate() })
		webtest.Input[ActionInput](t, body, nil)
		webtest.Input(t, body, func(in *CategoryInput) error {
			for _, l := range []string{in.Response, in.Resolve, in.Ack} {
				_, _ = calendar.ParseLimit(l)
			}
			for _, l := range in.Escalation {
				_ = validLevel(l)
			}
			return nil
		})
		webtest.Input[DepartmentInput](t, body, nil)
		webtest.Input[struct {
			ID int64 `json:"id"`
		}](t, body, nil)
	})
}
