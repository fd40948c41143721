package campaigns

import (
	"testing"

	"linli/web/webtest"
)

// FuzzCampaignInputs: the JSON bodies of a sweep (the campaign, its
// members and tasks, findings with their answers, plans, completion)
// decode or are refused with a 400 naming the field; a completion and a
// plan are judged by their rules, which refuse with a 422 naming the
// field, and an accepted completion accounts for no more households than
// are left.
func FuzzCampaignInputs(f *testing.F) {
	for _, s := range []string{
		`{"absent":3,"no_device":5,"note":"两户出租"}`, `{"absent":-1}`, `{"absent":9223372036854775807,"no_device":1,"note":"x"}`,
		`{"kind":"self_fix","guidance":"加固支架","demo_on":"2026-12-10","due_on":"2026-12-20","assignee_id":5}`,
		`{"kind":"remove","notice_on":"2026-12-01","wait_days":-3,"due_on":"2026-02-30","assignee_id":9}`,
		`{"task_id":3,"target":"household","household_id":12,"answers":{"heater":"yes","bracket":["rusty"],"count":2},"note":"x","lat":39.9,"lng":116.4,"idempotency_key":"k1"}`,
		`{"title":"太阳能热水器排查","template_id":1,"scope_id":4}`, `{"members":[{"account_id":3,"role":"walker"}]}`,
	} {
		f.Add([]byte(s))
	}
	task := Task{Households: 40, Inspected: 30}
	campaign := Campaign{Members: []Member{{AccountID: 5, Name: "王芳"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *CompleteInput) error {
			if err := checkCompletion(task, *in); err != nil {
				return err
			}
			left := task.Households - task.Inspected
			if in.Absent < 0 || in.NoDevice < 0 || in.Absent > left || in.NoDevice > left-in.Absent {
				t.Fatalf("accepted %d absent and %d without a device of %d left", in.Absent, in.NoDevice, left)
			}
			return nil
		})
		webtest.Input(t, body, func(in *PlanInput) error { _, err := checkPlan(campaign, *in); return err })
		webtest.Input[FindingInput](t, body, nil)
		webtest.Input[CampaignInput](t, body, nil)
		webtest.Input[TemplateInput](t, body, nil)
		webtest.Input[MemberInput](t, body, nil)
		webtest.Input[SplitInput](t, body, nil)
		webtest.Input[AssignInput](t, body, nil)
		webtest.Input[CloseInput](t, body, nil)
		webtest.Input[EscalateInput](t, body, nil)
	})
}
