package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Delivery is one row as a channel sees it.
type Delivery struct {
	ID        int64
	Channel   string
	To        string // phone, address, or channel name
	AccountID int64
	NodeID    int64
	Kind      string
	Ref       string
	DedupKey  string
	Subject   string
	Text      string
	Markdown  string
	Body      []byte // a webhook's own JSON body (Message.Body); nil: the envelope
	Attempt   int    // 1 for the first try
	At        time.Time
}

// DeliveryID is the id a receiver deduplicates on: the caller's dedup key
// when there is one, else the row's id. It is the same on every try.
func (d Delivery) DeliveryID() string {
	if d.DedupKey != "" {
		return d.DedupKey
	}
	return "linli-outbox-" + strconv.FormatInt(d.ID, 10)
}

// Sender delivers to one configured destination.
type Sender interface {
	Send(ctx context.Context, d Delivery) error
}

// postJSON posts body to url and returns the answer's status and up to
// 64 KiB of its body. Transport errors are temporary and redacted (the URL
// holds the robot's key).
func postJSON(ctx context.Context, c *http.Client, url string, header http.Header, body []byte) (int, http.Header, []byte, error) {
	return send(ctx, c, http.MethodPost, url, header, "application/json", body)
}

func send(ctx context.Context, c *http.Client, method, url string, header http.Header, contentType string, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, permanent("bad request: %s", redact(err.Error()))
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if contentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "Linli-Outbox/1")
	if c == nil {
		c = defaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, temporary("%s", redact(err.Error()))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, resp.Header, nil, temporary("reading the answer: %s", redact(err.Error()))
	}
	return resp.StatusCode, resp.Header, b, nil
}

// httpFailure classifies a non-2xx answer: 429 backs off (honouring
// Retry-After), 408 and 5xx are temporary, other 4xx permanent.
func httpFailure(status int, h http.Header, body []byte) error {
	snippet := strings.TrimSpace(string(body))
	if len(snippet) > 200 {
		snippet = snippet[:200]
	}
	switch {
	case status == http.StatusTooManyRequests:
		return rateLimited(retryAfter(h), "HTTP 429 rate limited %s", snippet)
	case status == http.StatusRequestTimeout || status >= 500:
		return temporary("HTTP %d %s", status, snippet)
	default:
		return permanent("HTTP %d %s", status, snippet)
	}
}

// retryAfter reads a Retry-After header given in seconds (the form
// gateways use); 0 if absent.
func retryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && n > 0 {
		return time.Duration(min(n, 3600)) * time.Second
	}
	return 0
}

// robotAnswer is the answer of the WeCom and DingTalk robots.
type robotAnswer struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func readRobotAnswer(status int, h http.Header, body []byte) (robotAnswer, error) {
	if status < 200 || status > 299 {
		return robotAnswer{}, httpFailure(status, h, body)
	}
	var a robotAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.ErrCode == nil {
		return robotAnswer{}, temporary("malformed answer (HTTP %d, %d bytes)", status, len(body))
	}
	return a, nil
}

// textOf is the plain text of a message: its text, else its markdown.
func textOf(d Delivery) string {
	if d.Text != "" {
		return d.Text
	}
	return d.Markdown
}

// withSubject puts the subject before the text of a group message.
func withSubject(d Delivery, s string) string {
	if d.Subject == "" {
		return s
	}
	return fmt.Sprintf("%s\n%s", d.Subject, s)
}
