package notices

import (
	"context"
	"slices"
	"time"

	"linli/attach"
	"linli/storage"
)

// Urgency is how pressing a notice is.
type Urgency string

// The urgencies.
const (
	Ordinary  Urgency = "ordinary"  // 普通
	Important Urgency = "important" // 重要
	Warning   Urgency = "warning"   // 预警: has a validity window
)

// Urgencies lists them in the form's order.
func Urgencies() []Urgency { return []Urgency{Ordinary, Important, Warning} }

// Valid reports whether u is known.
func (u Urgency) Valid() bool { return u == Ordinary || u == Important || u == Warning }

// Label is the Chinese name.
func (u Urgency) Label() string {
	switch u {
	case Important:
		return "重要"
	case Warning:
		return "预警"
	}
	return "普通"
}

// State is where a notice is.
type State string

// The states.
const (
	Scheduled State = "scheduled" // waiting for its publication time
	Published State = "published"
	Withdrawn State = "withdrawn" // taken back before its time: never published
)

// Label is the Chinese name.
func (s State) Label() string {
	switch s {
	case Scheduled:
		return "定时发布"
	case Withdrawn:
		return "已撤回"
	}
	return "已发布"
}

// KindHouseholds targets every household of the nodes.
const KindHouseholds = "households"

// Recipient is one person or household an audience resolves to: an
// account (reached in-app), or a household without one, reached by Phone.
type Recipient struct {
	AccountID   int64  `json:"account_id,omitempty"`
	HouseholdID int64  `json:"household_id,omitempty"`
	Phone       string `json:"-"`
	Name        string `json:"name"`
}

// Audience is a kind of people another capability defines ("households
// with an open hazard plan"); Resolve lists them under the target nodes.
type Audience struct {
	LabelZH, LabelEN string
	Resolve          func(ctx context.Context, q storage.Querier, nodeIDs []int64) ([]Recipient, error)
}

// Input is a notice to publish. Times are absolute; a zero PublishAt
// publishes at once.
type Input struct {
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	Urgency     Urgency   `json:"urgency"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidUntil  time.Time `json:"valid_until"`
	PublishAt   time.Time `json:"publish_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	AckRequired bool      `json:"ack_required"`
	Public      bool      `json:"public"`
	// The target: nodes, and who on them ("households", a role such as
	// "grid_worker", or a registered audience's key).
	NodeIDs []int64  `json:"node_ids"`
	Kinds   []string `json:"kinds"`
}

// Notice is a stored notice.
type Notice struct {
	ID          int64               `json:"id"`
	CommunityID int64               `json:"community_id,omitempty"`
	Path        string              `json:"-"`
	Title       string              `json:"title"`
	Body        string              `json:"body"`
	Urgency     Urgency             `json:"urgency"`
	ValidFrom   time.Time           `json:"valid_from"`
	ValidUntil  time.Time           `json:"valid_until"`
	PublishAt   time.Time           `json:"publish_at"`
	ExpiresAt   time.Time           `json:"expires_at"`
	AckRequired bool                `json:"ack_required"`
	Public      bool                `json:"public"`
	State       State               `json:"state"`
	PublishedAt time.Time           `json:"published_at"`
	Author      string              `json:"author"`
	CreatedBy   int64               `json:"-"`
	CreatedAt   time.Time           `json:"created_at"`
	Targets     []Target            `json:"targets"`
	Files       []attach.Attachment `json:"files,omitempty"`
}

// Target is one node of a notice's target with the kinds of people on it.
type Target struct {
	NodeID int64    `json:"node_id"`
	Name   string   `json:"name"`
	Kinds  []string `json:"kinds"`

	path string
}

// Expired reports whether the notice's expiry has passed.
func (n Notice) Expired(now time.Time) bool { return !n.ExpiresAt.IsZero() && !now.Before(n.ExpiresAt) }

// Status is a recipient's furthest step.
type Status string

// The statuses, in order.
const (
	Pending      Status = "pending" // the notice is not published yet
	Unsent       Status = "unsent"  // no account and no phone: only a visit or a call reaches them
	Sent         Status = "sent"
	Delivered    Status = "delivered"
	Read         Status = "read"
	Acknowledged Status = "acknowledged"
)

// rank orders the statuses: a later step is greater.
func (s Status) rank() int {
	return slices.Index([]Status{Pending, Unsent, Sent, Delivered, Read, Acknowledged}, s)
}

// Label is the Chinese name.
func (s Status) Label() string {
	switch s {
	case Sent:
		return "已发送"
	case Delivered:
		return "已送达"
	case Read:
		return "已读"
	case Acknowledged:
		return "已确认知晓"
	case Unsent:
		return "无法送达"
	}
	return "待发送"
}

// Outcome is what a phone call achieved.
type Outcome string

// The outcomes of a call.
const (
	Reached     Outcome = "reached"      // 已接通
	NoAnswer    Outcome = "no_answer"    // 无人接听
	WrongNumber Outcome = "wrong_number" // 号码错误
	WillFix     Outcome = "will_fix"     // 表示会处理
)

// Outcomes lists them in the form's order.
func Outcomes() []Outcome { return []Outcome{Reached, NoAnswer, WrongNumber, WillFix} }

// Valid reports whether o is known.
func (o Outcome) Valid() bool {
	return o == Reached || o == NoAnswer || o == WrongNumber || o == WillFix
}

// Reaches reports whether the call told the person (已接通, 表示会处理).
func (o Outcome) Reaches() bool { return o == Reached || o == WillFix }

// Label is the Chinese name.
func (o Outcome) Label() string {
	switch o {
	case Reached:
		return "已接通"
	case NoAnswer:
		return "无人接听"
	case WrongNumber:
		return "号码错误"
	case WillFix:
		return "表示会处理"
	}
	return string(o)
}

// RecipientRow is one recipient as staff follow it up.
type RecipientRow struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id,omitempty"`
	HouseholdID int64     `json:"household_id,omitempty"`
	Name        string    `json:"name"`
	PhoneMasked string    `json:"phone_masked,omitempty"`
	Channel     string    `json:"channel"` // app | sms | none
	Building    string    `json:"building"`
	Room        string    `json:"room,omitempty"`
	Status      Status    `json:"status"`
	Reached     bool      `json:"reached"`
	SentAt      time.Time `json:"sent_at"`
	DeliveredAt time.Time `json:"delivered_at"`
	ReadAt      time.Time `json:"read_at"`
	AckedAt     time.Time `json:"acked_at"`
	Calls       []Call    `json:"calls,omitempty"`

	path     string
	phone    string
	outboxID int64
	callAt   time.Time
}

// Call is one entry of the phone-call log.
type Call struct {
	ID      int64     `json:"id"`
	Outcome Outcome   `json:"outcome"`
	Note    string    `json:"note,omitempty"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	// Replayed: the idempotency key was seen before; this is that call.
	Replayed bool `json:"-"`
}

// CallInput records a call. IdempotencyKey, when given, makes a resend of
// the same form (an offline phone replaying its queue) return the call
// recorded the first time instead of a second one.
type CallInput struct {
	Outcome        Outcome `json:"outcome"`
	Note           string  `json:"note"`
	IdempotencyKey string  `json:"idempotency_key,omitempty"`
}

// Reach counts a notice's recipients by status.
type Reach struct {
	Total        int `json:"total"`
	Sent         int `json:"sent"` // every published recipient
	Delivered    int `json:"delivered"`
	Read         int `json:"read"`
	Acknowledged int `json:"acknowledged"`
	Reached      int `json:"reached"`
	Called       int `json:"called"` // reached by a call
}

// Percent is the share reached, 0–100.
func (r Reach) Percent() int {
	if r.Total == 0 {
		return 0
	}
	return r.Reached * 100 / r.Total
}

// Group is the recipients of one building not yet reached, with its counts.
type Group struct {
	Building string         `json:"building"`
	Total    int            `json:"total"`
	Reached  int            `json:"reached"`
	Rows     []RecipientRow `json:"rows"`
}

// Detail is a notice as a reader sees it.
type Detail struct {
	Notice
	Reach     *Reach  `json:"reach,omitempty"`     // staff
	Mine      *Status `json:"my_status,omitempty"` // a recipient's own
	CanManage bool    `json:"can_manage"`
	CanFollow bool    `json:"can_follow"`
	MustAck   bool    `json:"must_ack"` // the reader is a recipient who has yet to acknowledge
}

// Listed is a notice on a list.
type Listed struct {
	Notice
	Reach  *Reach  `json:"reach,omitempty"`
	Status *Status `json:"my_status,omitempty"`
	Unread bool    `json:"unread"`
}
