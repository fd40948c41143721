package votes

import (
	"testing"

	"linli/web/webtest"
)

// FuzzVoteInputs: the JSON bodies of consent votes and cost plans decode
// or are refused with a 400 naming the field; a note's rule refuses with
// a 422 naming the field; an amount ParseYuan reads is whole fen, not
// negative, and reads back the same from both ways of writing it; a floor
// coefficient is read without panicking.
func FuzzVoteInputs(f *testing.F) {
	for _, s := range []string{
		`{"scope_id":4,"project_id":2,"title":"加装电梯","matter":"major","unanimous":false,"required_household_ids":[3],"required_rooms":["1-302"],"opens_at":"2026-12-01T00:00:00+08:00","closes_at":"2026-12-31T00:00:00+08:00"}`,
		`{"household_id":12,"choice":"for","method":"paper","collector":"王芳","reason":"","override_reason":"更正"}`,
		`{"note":"已上门解释"}`, `{"note":"  "}`,
		`{"scope_id":6,"title":"电梯分摊","total":"1,234,567.89","subsidy":"¥200000元","coefficients":[{"floor":1,"factor":"0"},{"floor":2,"factor":"0.7"},{"floor":7,"factor":"2/3"},{"floor":8,"factor":"-1"},{"floor":9,"factor":"1/0"}]}`,
		`{"total":"99999999999.99"}`, `{"total":"100000000000"}`, `{"total":".5"}`, `{"total":"1.234"}`, `{"total":12.5}`, `{"total":"-1"}`,
		`{"coefficients":[{"floor":1,"factor":"1.0000001"},{"floor":2,"factor":"9999999"},{"floor":3,"factor":"9223372036854775807/1"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input[VoteInput](t, body, nil)
		webtest.Input[BallotInput](t, body, nil)
		webtest.Input(t, body, func(in *NoteInput) error {
			var err error
			in.Note, err = checkNote(in.Note)
			return err
		})
		webtest.Input(t, body, func(in *CostPlanInput) error {
			for _, s := range []string{string(in.Total), string(in.Subsidy)} {
				fen, err := ParseYuan(s)
				if err != nil {
					continue
				}
				if fen < 0 {
					t.Fatalf("ParseYuan(%q) = %d", s, fen)
				}
				for _, w := range []string{FormatYuan(fen), plainYuan(fen)} {
					if back, err := ParseYuan(w); err != nil || back != fen {
						t.Fatalf("ParseYuan(%q) = %d, written %q, read back %d %v", s, fen, w, back, err)
					}
				}
			}
			for _, c := range in.Coefficients {
				_, _ = ParseFactor(string(c.Factor))
			}
			return nil
		})
	})
}
