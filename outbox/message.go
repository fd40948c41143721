package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/storage"
)

// Channels a message may take.
const (
	SMS      = "sms"      // a text to a phone (To), through the SMS gateway
	Email    = "email"    // an e-mail to an address (To), over SMTP
	WeCom    = "wecom"    // a WeCom (企业微信) group robot
	DingTalk = "dingtalk" // a DingTalk (钉钉) group robot
	Webhook  = "webhook"  // an integrator's webhook
	Notify   = "notify"   // an account (AccountID), delivered to its phone by SMS
)

// Statuses of a row.
const (
	Pending = "pending"
	Sent    = "sent"
	Dead    = "dead"
)

// Message is one message to leave Linli.
//
// To is the phone (sms), the address (email), or, for the group channels
// (wecom, dingtalk, webhook), the name of a configured channel; empty
// means every enabled channel of that kind for NodeID's community (the
// nearest one up the tree, else the deployment's). NodeID is the
// community node the message belongs to: staff of that community see it.
// Kind and Ref say what it is ("case", "case:42"). DedupKey, when set,
// makes Enqueue idempotent: a second message with the same key is not
// stored and the first one's id is returned.
type Message struct {
	Channel   string
	AccountID int64
	To        string
	NodeID    int64
	Kind      string
	Ref       string
	Subject   string
	Text      string
	Markdown  string
	DedupKey  string
	// Body, for a webhook message, is the JSON posted as it is instead of
	// the envelope (WebhookBody): the event webhooks send theirs so.
	Body json.RawMessage
}

// payload is the stored body of a row. Phone is written for sms rows so
// rows read by older code keep their shape.
type payload struct {
	Phone    string          `json:"phone,omitempty"`
	Kind     string          `json:"kind,omitempty"`
	Subject  string          `json:"subject,omitempty"`
	Text     string          `json:"text"`
	Markdown string          `json:"markdown,omitempty"`
	Body     json.RawMessage `json:"body,omitempty"`
}

// ValidChannel reports whether c names a channel.
func ValidChannel(c string) bool {
	switch c {
	case SMS, Email, WeCom, DingTalk, Webhook, Notify:
		return true
	}
	return false
}

// recipient is the ordering key of a message within its channel.
func (m Message) recipient() string {
	switch {
	case m.Channel == Notify:
		return "account:" + strconv.FormatInt(m.AccountID, 10)
	case m.To != "":
		return m.To
	case m.Channel == WeCom || m.Channel == DingTalk || m.Channel == Webhook:
		return "node:" + strconv.FormatInt(m.NodeID, 10)
	}
	return ""
}

// check validates a message; a bad message is the caller's bug, reported
// as a 422 naming the field.
func (m Message) check() error {
	var v linli.Validation
	if !ValidChannel(m.Channel) {
		v.Add("channel", "未知渠道 / unknown channel")
	}
	switch m.Channel {
	case Notify:
		if m.AccountID == 0 {
			v.Add("account_id", "必填 / required")
		}
	case SMS, Email:
		if strings.TrimSpace(m.To) == "" {
			v.Add("to", "必填 / required")
		}
	}
	if len(m.Body) > 0 && (m.Channel != Webhook || !json.Valid(m.Body)) {
		v.Add("body", "仅用于 webhook，且须为 JSON / webhook only, and JSON")
	}
	if strings.TrimSpace(m.Text) == "" && strings.TrimSpace(m.Markdown) == "" && len(m.Body) == 0 {
		v.Add("text", "必填 / required")
	}
	return v.Err()
}

// Enqueue stores m inside the caller's transaction, due at `at`, and
// returns its id. With a DedupKey already stored it stores nothing and
// returns the existing row's id.
func Enqueue(ctx context.Context, tx *storage.Tx, at time.Time, m Message) (int64, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	p := payload{Kind: m.Kind, Subject: m.Subject, Text: m.Text, Markdown: m.Markdown, Body: m.Body}
	if m.Channel == SMS {
		p.Phone = m.To
	}
	body, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	ms := storage.Millis(at)
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO outbox (at, channel, account_id, payload, status, next_at, recipient, node_id, kind, ref, dedup_key)
		VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedup_key) WHERE dedup_key <> '' DO NOTHING RETURNING id`,
		ms, m.Channel, m.AccountID, string(body), ms, m.recipient(), m.NodeID, m.Kind, m.Ref, m.DedupKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && m.DedupKey != "" {
		err = tx.QueryRow(ctx, `SELECT id FROM outbox WHERE dedup_key = ?`, m.DedupKey).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue %s message: %w", m.Channel, err)
	}
	return id, nil
}

// State is where a row stands.
type State struct {
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	SentAt    time.Time `json:"sent_at,omitempty,omitzero"`
}

// States returns the state of each row of ids that exists (notices show
// their recipients' delivery this way).
func States(ctx context.Context, q storage.Querier, ids []int64) (map[int64]State, error) {
	out := make(map[int64]State, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		err := storage.Each(ctx, q, func(rows *sql.Rows) error {
			var id, sent int64
			var s State
			if err := rows.Scan(&id, &s.Status, &s.Attempts, &s.LastError, &sent); err != nil {
				return err
			}
			s.SentAt = storage.FromMillis(sent)
			out[id] = s
			return nil
		}, `SELECT id, status, attempts, last_error, sent_at FROM outbox WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("outbox states: %w", err)
		}
	}
	return out, nil
}
