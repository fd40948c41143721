package visits

import (
	"testing"
	"time"

	"linli/web/webtest"
)

// FuzzVisitInputs: the JSON bodies of a door-to-door visit decode or are
// refused with a 400 naming the field; a visit's rules (the subject, the
// stance, concerns, follow-ups with their dates) refuse with a 422 naming
// the field and are stable on their own output.
func FuzzVisitInputs(f *testing.F) {
	for _, s := range []string{
		`{"household_id":12,"subject":"project:3","visited_at":"2026-12-05T10:00:00+08:00","visitor_ids":[4],"visitor_names":["王芳"],"stance":"support","concerns":["light","noise"],"notes":"担心采光","follow_ups":[{"text":"送方案","due":"2026-12-10"}]}`,
		`{"household_id":12,"matter_title":"太阳能热水器","stance":"undecided","concerns":["x"],"follow_ups":[{"text":"","due":"2026-02-30"}]}`,
		`{"subject":"vote:0","stance":"maybe","visited_at":"2099-01-01T00:00:00Z"}`, `{"subject":"matter:5:6"}`,
		`{"done":true}`, `{"subject":"project:3","title":"加装电梯","scope_id":4}`, `{"title":" "}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *VisitInput) error { _, _, err := in.validate(now); return err })
		webtest.Input[MatterInput](t, body, nil)
		webtest.Input[FollowUpUpdate](t, body, nil)
	})
}
