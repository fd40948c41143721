package notices

import (
	"testing"
	"time"

	"linli/web/webtest"
)

// FuzzNoticeInputs: a notice (title, text, urgency and validity, places ×
// kinds of people) and a logged call decode or are refused with a 400
// naming the field; a notice's rules refuse with a 422 naming the field
// and are stable on their own output.
func FuzzNoticeInputs(f *testing.F) {
	for _, s := range []string{
		`{"title":"大风蓝色预警","body":"今晚有大风\r\n请收好阳台物品","urgency":"warning","valid_from":"2026-12-06T18:00:00+08:00","valid_until":"2026-12-07T08:00:00+08:00","ack_required":true,"public":true,"node_ids":[4,4,3],"kinds":["households","grid_worker"]}`,
		`{"title":" ","body":"","urgency":"urgent","valid_from":"2026-12-07T00:00:00Z","valid_until":"2026-12-06T00:00:00Z","kinds":["resident","admin","nobody"]}`,
		`{"title":"停水通知","body":"x","publish_at":"2020-01-01T00:00:00Z","expires_at":"2020-01-02T00:00:00Z","node_ids":[]}`,
		`{"outcome":"reached","note":"已电话告知","idempotency_key":"c1"}`,
	} {
		f.Add([]byte(s))
	}
	s := &Service{}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		webtest.Input(t, body, func(in *Input) error { return s.validate(in, now) })
		webtest.Input[CallInput](t, body, nil)
	})
}
