package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"text/template"
)

// SMSGateway sends a text through whatever HTTP API a deployment's carrier
// or cloud SMS service offers, configured without a release:
//
//	URL      where to send; may hold {{phone}} and {{text}} (query-escaped)
//	Method   POST (default), PUT or GET
//	Header   extra headers (an Authorization, an API key)
//	Body     a text/template of the request body with {{phone}} and
//	         {{text}}: JSON-escaped when the body is JSON (Content-Type
//	         …json, or a body that starts with "{"), form-escaped when it
//	         is a form, as they are otherwise
//	OKField  optional "path=value": the answer is JSON and its field at
//	         path (dots for nesting) must equal value ("code=0",
//	         "Code=OK") for the text to count as sent; without it a 2xx
//	         is enough
//
// A 429 backs off, 5xx and a wrong OKField retry, other 4xx are dead.
type SMSGateway struct {
	URL     string
	Method  string
	Header  http.Header
	Body    string
	OKField string
	Client  *http.Client
}

// Check reports a configuration that cannot work, naming the setting.
func (g SMSGateway) Check() error {
	if err := checkHTTPURL(strings.NewReplacer("{{phone}}", "p", "{{text}}", "t").Replace(g.URL)); err != nil {
		return fmt.Errorf("sms gateway URL: %w", err)
	}
	switch strings.ToUpper(g.Method) {
	case "", http.MethodPost, http.MethodPut, http.MethodGet:
	default:
		return fmt.Errorf("sms gateway method %q: want POST, PUT or GET", g.Method)
	}
	if _, err := g.template("body", g.Body, ""); err != nil {
		return fmt.Errorf("sms gateway body: %w", err)
	}
	if g.OKField != "" && !strings.Contains(g.OKField, "=") {
		return fmt.Errorf("sms gateway ok field %q: want path=value", g.OKField)
	}
	return nil
}

func (g SMSGateway) contentType() string {
	if ct := g.Header.Get("Content-Type"); ct != "" {
		return ct
	}
	if strings.HasPrefix(strings.TrimSpace(g.Body), "{") {
		return "application/json"
	}
	if g.Body != "" {
		return "application/x-www-form-urlencoded"
	}
	return ""
}

// template parses t with phone and text as functions returning the values
// escaped for the content type.
func (g SMSGateway) template(name, t, contentType string, vals ...string) (*template.Template, error) {
	esc := func(s string) string { return s }
	switch {
	case strings.Contains(contentType, "json"):
		esc = func(s string) string {
			b, _ := json.Marshal(s)
			return string(b[1 : len(b)-1])
		}
	case strings.Contains(contentType, "x-www-form-urlencoded"), name == "url":
		esc = url.QueryEscape
	}
	phone, text := "", ""
	if len(vals) == 2 {
		phone, text = vals[0], vals[1]
	}
	return template.New(name).Funcs(template.FuncMap{
		"phone": func() string { return esc(phone) },
		"text":  func() string { return esc(text) },
	}).Parse(t)
}

func (g SMSGateway) render(name, t, contentType, phone, text string) (string, error) {
	tp, err := g.template(name, t, contentType, phone, text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := tp.Execute(&b, nil); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Send sends d's text to d.To.
func (g SMSGateway) Send(ctx context.Context, d Delivery) error {
	if d.To == "" {
		return permanent("no phone number")
	}
	ct := g.contentType()
	text := withSubject(d, textOf(d))
	u, err := g.render("url", g.URL, ct, d.To, text)
	if err != nil {
		return permanent("sms gateway URL template: %v", err)
	}
	body, err := g.render("body", g.Body, ct, d.To, text)
	if err != nil {
		return permanent("sms gateway body template: %v", err)
	}
	method := strings.ToUpper(g.Method)
	if method == "" {
		method = http.MethodPost
	}
	h := g.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Idempotency-Key", d.DeliveryID())
	var raw []byte
	if method != http.MethodGet {
		raw = []byte(body)
	}
	status, rh, ans, err := send(ctx, g.Client, method, u, h, ct, raw)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return httpFailure(status, rh, ans)
	}
	if g.OKField == "" {
		return nil
	}
	path, want, _ := strings.Cut(g.OKField, "=")
	var v any
	if err := json.Unmarshal(ans, &v); err != nil {
		return temporary("malformed gateway answer (HTTP %d, %d bytes)", status, len(ans))
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			v = nil
			break
		}
		v = m[k]
	}
	got := fmt.Sprint(v)
	if s, ok := v.(string); ok {
		got = s
	}
	if v == nil || got != want {
		return temporary("gateway answered %s=%s, not %s", path, cut(got, 100), cut(want, 100))
	}
	return nil
}

// checkHTTPURL accepts an absolute http(s) URL with a host.
func checkHTTPURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not an http(s) URL")
	}
	return nil
}
