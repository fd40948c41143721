package outbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzGatewayAnswer: what an SMS gateway or a group robot answers (any
// status, Retry-After and body — Chinese gateways often answer in GBK) is
// classified without a panic, a back-off is at most an hour, and the
// message kept as last_error (redacted) is valid UTF-8 of at most 1000
// bytes: PostgreSQL refuses invalid UTF-8 in a text column, and the
// outcomes of a whole pass are recorded in one transaction.
func FuzzGatewayAnswer(f *testing.F) {
	for _, s := range []struct {
		status int
		retry  string
		body   string
	}{
		{200, "", `{"errcode":0,"errmsg":"ok"}`},
		{200, "", `{"errcode":45009,"errmsg":"api freq out of limit"}`},
		{200, "", `{"errmsg":"no code"}`},
		{429, "30", `{"code":429}`},
		{429, "99999999999999999999", ""},
		{503, "", "<html>Service Unavailable</html>"},
		{400, "", "\xb6\xcc\xd0\xc5\xb7\xa2\xcb\xcd\xca\xa7\xb0\xdc"}, // 短信发送失败 in GBK
		{500, "", "错误" + strings.Repeat("a", 193) + "错误"},             // cut at 200 bytes inside 错
		{302, "-1", "see https://user:pw@gw.example/send?key=secret"},
	} {
		f.Add(s.status, s.retry, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, retry string, body []byte) {
		h := http.Header{}
		h.Set("Retry-After", retry)
		errs := []error{httpFailure(status, h, body)}
		if _, err := readRobotAnswer(status, h, body); err != nil {
			errs = append(errs, err)
		}
		for _, err := range errs {
			if err == nil {
				continue
			}
			fl := failureOf(err)
			if fl.RetryAfter < 0 || fl.RetryAfter > time.Hour {
				t.Fatalf("back-off %v", fl.RetryAfter)
			}
			msg := redact(fl.Msg)
			if !utf8.ValidString(msg) || len(msg) > 1000 {
				t.Fatalf("last_error %q (%d bytes) is not valid UTF-8 of at most 1000 bytes", msg, len(msg))
			}
		}
	})
}
