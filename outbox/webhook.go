package outbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// OutgoingWebhook posts every message to an integrator's URL as JSON:
//
//	{"id":"…","channel":"webhook","kind":"…","ref":"…","node_id":…,
//	 "to":"…","subject":"…","text":"…","markdown":"…","created_at":"…","attempt":1}
//
// with the headers
//
//	X-Linli-Delivery:  the delivery id, the same on every try (deduplicate on it)
//	X-Linli-Timestamp: Unix seconds when this try was sent
//	X-Linli-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// While a subscription's secret is being rotated (package webhooks,
// Rotate), the signature header carries one value per secret, the new
// one's first, separated by a comma: "sha256=<new>,sha256=<previous>".
// The receiver recomputes the signature over the raw body, accepts it
// when it equals any of the values (constant-time compares), and refuses
// timestamps far from its clock (replays). A
// 2xx answer is delivered; 429 backs off; 408 and 5xx retry; other 4xx
// are dead at once.
type OutgoingWebhook struct {
	URL    string
	Secret string
	// PreviousSecret, when set, signs too (a rotation's overlap).
	PreviousSecret string
	Client         *http.Client
	Now            func() time.Time
}

// WebhookBody is the JSON an outgoing webhook receives.
type WebhookBody struct {
	ID        string    `json:"id"`
	Channel   string    `json:"channel"`
	Kind      string    `json:"kind,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	NodeID    int64     `json:"node_id,omitempty"`
	To        string    `json:"to,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Text      string    `json:"text,omitempty"`
	Markdown  string    `json:"markdown,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Attempt   int       `json:"attempt"`
}

// WebhookSignature is the X-Linli-Signature value for a timestamp and body.
func WebhookSignature(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Send posts the message: its own Body when it has one (an event of
// package webhooks), else the envelope WebhookBody.
func (w OutgoingWebhook) Send(ctx context.Context, d Delivery) error {
	body := d.Body
	if body == nil {
		var err error
		body, err = json.Marshal(WebhookBody{ID: d.DeliveryID(), Channel: d.Channel, Kind: d.Kind, Ref: d.Ref, NodeID: d.NodeID,
			To: d.To, Subject: d.Subject, Text: d.Text, Markdown: d.Markdown, CreatedAt: d.At, Attempt: d.Attempt})
		if err != nil {
			return permanent("encode: %v", err)
		}
	}
	ts := strconv.FormatInt(w.Now().Unix(), 10)
	h := http.Header{}
	h.Set("X-Linli-Delivery", d.DeliveryID())
	h.Set("X-Linli-Timestamp", ts)
	h.Set("X-Linli-Attempt", strconv.Itoa(d.Attempt))
	if w.Secret != "" {
		sig := WebhookSignature(w.Secret, ts, body)
		if w.PreviousSecret != "" && w.PreviousSecret != w.Secret {
			sig += "," + WebhookSignature(w.PreviousSecret, ts, body)
		}
		h.Set("X-Linli-Signature", sig)
	}
	status, rh, ans, err := postJSON(ctx, w.Client, w.URL, h, body)
	if err != nil {
		return err
	}
	if status >= 200 && status <= 299 {
		return nil
	}
	return httpFailure(status, rh, ans)
}
