package happiness

import (
	"testing"
	"time"

	"linli/web/webtest"
)

// FuzzHappinessInputs: thanks received (a banner or a letter, on a project
// or a case) and the public text of a resolved case decode or are refused
// with a 400 naming the field; the thanks' rules and the subject reader
// refuse with a 422 naming the field and are stable on their own output.
func FuzzHappinessInputs(f *testing.F) {
	for _, s := range []string{
		`{"subject":"project:3","kind":"banner","from":"3单元全体居民","text":"为民办实事 电梯暖人心","at":"2026-05-20T10:00:00+08:00"}`,
		`{"subject":"case:12","kind":"letter","from":" ","text":"","at":"2099-01-01T00:00:00Z"}`,
		`{"subject":"vote:1","kind":"flag"}`, `{"subject":"project:-1"}`, `{"subject":"project"}`,
		`{"title":"楼道灯修好了","summary":"住户138 0013 8000反映……"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *ThanksBody) error {
			if _, err := parseSubject(in.Subject); err != nil {
				return err
			}
			th := ThanksInput{Kind: in.Kind, From: in.From, Text: in.Text, At: in.At}
			return th.validate(now)
		})
		webtest.Input(t, body, func(in *ThanksInput) error { return in.validate(now) })
		webtest.Input[ApproveBody](t, body, nil)
	})
}
