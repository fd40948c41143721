package outbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DingTalkRobot is a DingTalk (钉钉) custom group robot: POST JSON to
// https://oapi.dingtalk.com/robot/send?access_token=…. With 加签 (signing)
// set up, the URL also carries timestamp (Unix milliseconds, within an
// hour of DingTalk's clock) and sign = Base64(HMAC-SHA256(key = secret,
// message = timestamp + "\n" + secret)), URL-encoded. Text is
// {"msgtype":"text","text":{"content":…}}, markdown {"msgtype":"markdown",
// "markdown":{"title":…,"text":…}}. The robot answers
// {"errcode":0,"errmsg":"ok"}; it takes 20 messages a minute and answers
// 130101 (send too fast) or 410100 beyond that: those back off a minute.
type DingTalkRobot struct {
	URL    string
	Secret string // SEC…; empty: the robot checks keywords or IPs instead
	Client *http.Client
	Now    func() time.Time
}

// DingTalkSign returns the sign parameter for timestamp ts (ms).
func DingTalkSign(secret string, ts int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// signedURL adds timestamp and sign to the robot's URL.
func (r DingTalkRobot) signedURL() (string, error) {
	if r.Secret == "" {
		return r.URL, nil
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return "", permanent("bad robot URL")
	}
	ts := r.Now().UnixMilli()
	q := u.Query()
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	q.Set("sign", DingTalkSign(r.Secret, ts))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Send posts the message.
func (r DingTalkRobot) Send(ctx context.Context, d Delivery) error {
	var msg any
	if d.Markdown != "" {
		title := d.Subject
		if title == "" {
			title = cut(d.Markdown, 60)
		}
		msg = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": d.Markdown}}
	} else {
		msg = map[string]any{"msgtype": "text", "text": map[string]string{"content": withSubject(d, d.Text)}}
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return permanent("encode: %v", err)
	}
	u, err := r.signedURL()
	if err != nil {
		return err
	}
	status, h, ans, err := postJSON(ctx, r.Client, u, nil, body)
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
	case 130101, 410100: // send too fast: 20 a minute per robot
		return rateLimited(time.Minute, "DingTalk errcode %d (rate limited): %s", *a.ErrCode, a.ErrMsg)
	case -1: // system busy
		return temporary("DingTalk errcode -1 (busy): %s", a.ErrMsg)
	default: // 310000 sign not match / keyword missing, 300001 bad token, …
		return permanent("DingTalk errcode %d: %s", *a.ErrCode, a.ErrMsg)
	}
}
