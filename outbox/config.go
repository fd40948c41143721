package outbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
)

// Config is the deployment's channels as flags and LINLI_* variables give
// them (linli serve --smtp-url … --sms-gateway …); Settings checks it.
type Config struct {
	SMTPURL       string // smtp://user:password@host:587?from=address
	SMSGateway    string // URL of the SMS gateway; empty: no SMS
	SMSMethod     string // POST (default), PUT or GET
	SMSBody       string // body template with {{phone}} and {{text}}
	SMSHeaders    string // "Name: value" lines, separated by newlines or " | "
	SMSOKField    string // path=value the JSON answer must hold, e.g. code=0
	WebhookURL    string // a webhook every "webhook" message also goes to
	WebhookSecret string // its signing secret
}

// Settings checks c and returns the channels it configures. Errors name
// the flag and never quote a secret.
func (c Config) Settings() (Settings, error) {
	var s Settings
	var errs []error
	if c.SMTPURL != "" {
		m, err := ParseSMTPURL(c.SMTPURL)
		if err != nil {
			errs = append(errs, fmt.Errorf("--smtp-url: %w", err))
		}
		s.SMTP = m
	}
	if c.SMSGateway != "" {
		h := http.Header{}
		for _, line := range strings.FieldsFunc(strings.ReplaceAll(c.SMSHeaders, " | ", "\n"), func(r rune) bool { return r == '\n' }) {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.TrimSpace(k) == "" {
				errs = append(errs, errors.New("--sms-headers: want \"Name: value\" lines"))
				continue
			}
			h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
		g := &SMSGateway{URL: c.SMSGateway, Method: c.SMSMethod, Header: h, Body: c.SMSBody, OKField: c.SMSOKField}
		if err := g.Check(); err != nil {
			errs = append(errs, fmt.Errorf("--sms-gateway: %s", redact(err.Error(), c.SMSGateway)))
		}
		s.SMS = g
	} else if c.SMSBody != "" || c.SMSHeaders != "" {
		errs = append(errs, errors.New("--sms-body and --sms-headers need --sms-gateway"))
	}
	if c.WebhookURL != "" {
		if err := checkHTTPURL(c.WebhookURL); err != nil {
			errs = append(errs, fmt.Errorf("--webhook-url: %w", err))
		}
		s.Webhook = &OutgoingWebhook{URL: c.WebhookURL, Secret: c.WebhookSecret}
	}
	return s, errors.Join(errs...)
}
