package outbox

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"
)

// WeComRobot is a WeCom (企业微信) group robot: POST JSON to its webhook
// URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; the key is
// the secret). A text message is {"msgtype":"text","text":{"content":…}}
// (at most 2048 bytes), a markdown one {"msgtype":"markdown",
// "markdown":{"content":…}} (at most 4096 bytes). The robot answers
// {"errcode":0,"errmsg":"ok"}; it takes 20 messages a minute and answers
// errcode 45009 beyond that, so 45009 (or an HTTP 429) backs off a minute.
type WeComRobot struct {
	URL    string
	Client *http.Client
}

// Send posts the message.
func (r WeComRobot) Send(ctx context.Context, d Delivery) error {
	var msg any
	if d.Markdown != "" {
		content := d.Markdown
		if d.Subject != "" {
			content = "**" + d.Subject + "**\n" + content
		}
		msg = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": cut(content, 4096)}}
	} else {
		msg = map[string]any{"msgtype": "text", "text": map[string]string{"content": cut(withSubject(d, d.Text), 2048)}}
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return permanent("encode: %v", err)
	}
	status, h, ans, err := postJSON(ctx, r.Client, r.URL, nil, body)
	if err != nil {
		return err
	}
	a, err := readRobotAnswer(status, h, ans)
	if err != nil {
		return err
	}
	switch *a.ErrCode {
	case 0:
		return nil
	case 45009: // api freq out of limit: 20 a minute per robot
		return rateLimited(time.Minute, "WeCom errcode 45009 (rate limited): %s", a.ErrMsg)
	case -1: // system busy
		return temporary("WeCom errcode -1 (busy): %s", a.ErrMsg)
	default: // invalid key (93000), bad message (40008, 40058, …): sending again will not help
		return permanent("WeCom errcode %d: %s", *a.ErrCode, a.ErrMsg)
	}
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
