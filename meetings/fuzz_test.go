package meetings

import (
	"testing"
	"time"

	"linli/web/webtest"
)

// FuzzMeetingInputs: the JSON bodies of the meeting API decode or are
// refused with a 400 naming the field; each type's rules refuse with a
// 422 naming the field and are stable on their own output.
func FuzzMeetingInputs(f *testing.F) {
	for _, s := range []string{
		`{"title":"加装电梯协调会","kind":"coordination","scope_id":5,"subject":"project:3","starts_at":"2026-12-08T19:00:00+08:00","ends_at":"2026-12-08T21:00:00+08:00","place":"社区活动室","host":"李书记","agenda":["方案","费用"],"invite":{"node_ids":[12]}}`,
		`{"title":"","kind":"x","subject":"nothing:1","starts_at":"2026-12-08T19:00:00Z","ends_at":"2026-12-08T18:00:00Z","agenda":[" ",""]}`,
		`{"title":" 费用分摊 ","note":"按楼层系数"}`, `{"account_ids":[1,2],"household_ids":[3],"node_ids":[]}`,
		`{"account_id":3,"household_id":4,"name":" "}`, `{"minutes":"第一段\n\n\n第二段  ","recorder":"王"}`,
		`{"text":"同意加装","votes_for":10,"votes_against":-1,"votes_abstain":2}`,
		`{"title":"出具方案","owner_name":"物业","due":"2026-12-31","note":"x"}`, `{"title":"x","due":"2026-02-30"}`,
		`{"category":"public_facility","title":"路灯","description":"坏了","public":true}`, `{"note":"完成"}`, `{"reason":"改期"}`,
	} {
		f.Add([]byte(s))
	}
	start := time.Date(2026, 12, 8, 19, 0, 0, 0, time.UTC)
	zone := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *MeetingInput) error { return in.validate() })
		webtest.Input(t, body, func(in *AgendaInput) error { return in.validate() })
		webtest.Input[InviteInput](t, body, nil)
		webtest.Input(t, body, func(in *SignInInput) error { return in.validate() })
		webtest.Input(t, body, func(in *MinutesInput) error { return in.validate() })
		webtest.Input(t, body, func(in *DecisionInput) error { return in.validate() })
		webtest.Input(t, body, func(in *ActionInput) error { _, err := in.validate(start, zone); return err })
		webtest.Input[CaseInput](t, body, nil)
		webtest.Input[DoneInput](t, body, nil)
		webtest.Input[CancelInput](t, body, nil)
	})
}
