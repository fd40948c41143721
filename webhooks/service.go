package webhooks

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/outbox"
	"linli/registry"
	"linli/storage"
)

// Service is the subscriptions: staff who manage accounts in a scope
// (administrators, community and street staff) subscribe integrators to
// the events of nodes of that scope; a subscription for the whole
// deployment (no scope) is an administrator's.
type Service struct {
	DB    *storage.DB
	Clock linli.Clock
	Nodes NodeReader
	// AllowIntranetHTTP accepts plain-http URLs to intranet hosts
	// (--webhook-allow-http); otherwise receivers must use https.
	AllowIntranetHTTP bool
}

// NodeReader is the registry's read of nodes by id.
type NodeReader interface {
	NodesAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]registry.Node, error)
}

// New builds the service, and the cache its database's events are
// matched with (cache.go), subscribed to the signals that clear it.
func New(db *storage.DB, clock linli.Clock, nodes NodeReader, allowIntranetHTTP bool) *Service {
	if db != nil {
		cacheOf(db)
	}
	return &Service{DB: db, Clock: clock, Nodes: nodes, AllowIntranetHTTP: allowIntranetHTTP}
}

// ScopeNode is one node of a subscription's scope.
type ScopeNode struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	path string
}

// Subscription is a subscription as staff see it: the secret masked.
type Subscription struct {
	ID     int64       `json:"id"`
	Name   string      `json:"name"`
	URL    string      `json:"url"`
	Events []string    `json:"events"`
	Scope  []ScopeNode `json:"scope"` // empty: the whole deployment
	Secret string      `json:"secret"`
	// PreviousUntil: after a rotation, the previous secret signs
	// deliveries beside the new one until then (zero: no overlap now).
	PreviousUntil time.Time `json:"previous_secret_until,omitempty,omitzero"`
	Enabled       bool      `json:"enabled"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Created is a new subscription with its secret in clear, shown this once.
type Created struct {
	Subscription
	SigningSecret string `json:"signing_secret"`
}

// Input is a subscription entered on the page or through the API.
type Input struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Scope   []int64  `json:"scope"` // node ids; empty: the whole deployment (administrators)
	Enabled *bool    `json:"enabled,omitempty"`
}

func mayManage(a *linli.Actor) bool { return a.CanAny(linli.PermUsersManage) }

func notFound() error {
	return linli.Errorf(linli.ENotFound, "没有这个订阅 / no such subscription")
}

// check validates in and reads its scope nodes, naming each bad field.
func (s *Service) check(ctx context.Context, a *linli.Actor, in *Input) ([]ScopeNode, error) {
	var v linli.Validation
	in.Name, in.URL = strings.TrimSpace(in.Name), strings.TrimSpace(in.URL)
	if n := len(in.Name); n == 0 || n > 100 {
		v.Add("name", "必填，不超过 100 字节 / required, at most 100 bytes")
	}
	if reason := CheckURL(in.URL, s.AllowIntranetHTTP); reason != "" {
		v.Add("url", reason)
	}
	var events []string
	for _, e := range in.Events {
		e = strings.TrimSpace(e)
		if !ValidType(e) {
			v.Add("events", "未知事件 / unknown event "+e)
			continue
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if len(in.Events) == 0 {
		v.Add("events", "至少选择一种事件 / choose at least one event")
	}
	in.Events = events
	var scope []ScopeNode
	if len(in.Scope) == 0 {
		if !a.HasRole(linli.RoleAdmin) {
			v.Add("scope", "请选择范围；整个部署仅限管理员 / choose a scope; the whole deployment is for administrators")
		}
	} else {
		nodes, err := s.Nodes.NodesAt(ctx, s.DB, in.Scope)
		if err != nil {
			return nil, err
		}
		for _, id := range in.Scope {
			n, ok := nodes[id]
			if !ok || !a.Can(linli.PermUsersManage, n.Path) {
				v.Add("scope", fmt.Sprintf("节点 %d 不在您的管辖范围 / node %d is not in your scope", id, id))
				continue
			}
			if !slices.ContainsFunc(scope, func(x ScopeNode) bool { return x.ID == id }) {
				scope = append(scope, ScopeNode{ID: id, Name: n.Name, path: n.Path})
			}
		}
	}
	return scope, v.Err()
}

// Create stores a new subscription and returns it with its signing
// secret, which is never shown again (audited, without the secret).
func (s *Service) Create(ctx context.Context, a *linli.Actor, in Input) (Created, error) {
	if !mayManage(a) {
		return Created{}, linli.Errorf(linli.EForbidden, "无权管理事件订阅 / not allowed to manage webhooks")
	}
	scope, err := s.check(ctx, a, &in)
	if err != nil {
		return Created{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return Created{}, err
	}
	enabled := in.Enabled == nil || *in.Enabled
	now := s.Clock.Now()
	var out Created
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		ms := storage.Millis(now)
		id, err := tx.Insert(ctx, `INSERT INTO webhook_subscriptions (name, url, secret, events, enabled, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.Name, in.URL, secret, " "+strings.Join(in.Events, " ")+" ", storage.Int(enabled), a.AccountID, ms, ms)
		if err != nil {
			return err
		}
		for _, n := range scope {
			if _, err := tx.Exec(ctx, `INSERT INTO webhook_scopes (subscription_id, node_id, path) VALUES (?, ?, ?)`, id, n.ID, n.path); err != nil {
				return err
			}
		}
		if err := changed(ctx, tx, id); err != nil {
			return err
		}
		sub, err := s.read(ctx, tx, id)
		if err != nil {
			return err
		}
		out = Created{Subscription: sub, SigningSecret: secret}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "webhook.create", Entity: "webhook_subscription", EntityID: id,
			ScopePath: scopePath(scope), Summary: fmt.Sprintf("添加事件订阅「%s」", in.Name), SummaryEN: fmt.Sprintf("Added the webhook subscription “%s”", in.Name),
			After: sub})
	})
	return out, err
}

// newSecret is a fresh signing secret.
func newSecret() (string, error) {
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return "whsec_" + hex.EncodeToString(raw[:]), nil
}

// MaxOverlap bounds a rotation's overlap: long enough for a receiver's
// change to pass its own release, short enough that a leaked secret stops
// signing within a week.
const MaxOverlap = 7 * 24 * time.Hour

// Rotate gives a subscription a new signing secret, returned in clear
// this once. For overlap after now the previous secret goes on signing
// deliveries beside the new one (X-Linli-Signature carries both), so the
// receiver can switch without refusing a delivery; with no overlap it
// stops at once (a leaked secret). Rotating again during an overlap
// replaces the previous secret by the current one: at most two sign.
// Audited, without either secret.
func (s *Service) Rotate(ctx context.Context, a *linli.Actor, id int64, overlap time.Duration) (Created, error) {
	if overlap < 0 || overlap > MaxOverlap {
		return Created{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "overlap_hours",
			Reason: fmt.Sprintf("0 到 %d 小时 / 0 to %d hours", int(MaxOverlap.Hours()), int(MaxOverlap.Hours()))})
	}
	secret, err := newSecret()
	if err != nil {
		return Created{}, err
	}
	var out Created
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := s.own(ctx, tx, a, id); err != nil {
			return err
		}
		now := s.Clock.Now()
		previous, until := "", int64(0)
		if overlap > 0 {
			if err := tx.QueryRow(ctx, `SELECT secret FROM webhook_subscriptions WHERE id = ?`, id).Scan(&previous); err != nil {
				return err
			}
			until = storage.Millis(now.Add(overlap))
		}
		if _, err := tx.Exec(ctx, `UPDATE webhook_subscriptions SET secret = ?, previous_secret = ?, previous_until = ?, updated_at = ? WHERE id = ?`,
			secret, previous, until, storage.Millis(now), id); err != nil {
			return err
		}
		sub, err := s.read(ctx, tx, id)
		if err != nil {
			return err
		}
		out = Created{Subscription: sub, SigningSecret: secret}
		zh, en := "旧密钥立即失效", "the old secret stops at once"
		if overlap > 0 {
			zh = fmt.Sprintf("旧密钥继续签名至 %s", sub.PreviousUntil.In(time.UTC).Format("2006-01-02 15:04 UTC"))
			en = fmt.Sprintf("the old secret also signs until %s", sub.PreviousUntil.In(time.UTC).Format("2006-01-02 15:04 UTC"))
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "webhook.rotate", Entity: "webhook_subscription", EntityID: id,
			ScopePath: scopePath(sub.Scope), Summary: fmt.Sprintf("更换事件订阅「%s」的签名密钥，%s", sub.Name, zh),
			SummaryEN: fmt.Sprintf("Rotated the signing secret of the webhook subscription “%s”; %s", sub.Name, en),
			After:     map[string]any{"overlap_hours": overlap.Hours(), "previous_secret_until": sub.PreviousUntil}})
	})
	return out, err
}

// scopePath is where a subscription's audit rows belong: the common
// path of its scope ("/" for the whole deployment).
func scopePath(scope []ScopeNode) string {
	if len(scope) == 0 {
		return "/"
	}
	p := scope[0].path
	for _, n := range scope[1:] {
		p = linli.CommonPath(p, n.path)
	}
	return p
}

// read reads one subscription, masked, whoever asks.
func (s *Service) read(ctx context.Context, q storage.Querier, id int64) (Subscription, error) {
	var sub Subscription
	var events, secret string
	var enabled, created, updated, previousUntil int64
	err := q.QueryRow(ctx, `SELECT id, name, url, secret, events, enabled, created_at, updated_at, previous_until FROM webhook_subscriptions WHERE id = ?`, id).
		Scan(&sub.ID, &sub.Name, &sub.URL, &secret, &events, &enabled, &created, &updated, &previousUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, notFound()
	}
	if err != nil {
		return sub, err
	}
	sub.URL = outbox.MaskURL(sub.URL)
	sub.Secret = "••••"
	sub.Events = strings.Fields(events)
	sub.Enabled = storage.Bool(enabled)
	sub.CreatedAt, sub.UpdatedAt = storage.FromMillis(created), storage.FromMillis(updated)
	if until := storage.FromMillis(previousUntil); previousUntil != 0 && until.After(s.Clock.Now()) {
		sub.PreviousUntil = until
	}
	sub.Scope = []ScopeNode{}
	err = storage.Each(ctx, q, func(rs *sql.Rows) error {
		var n ScopeNode
		if err := rs.Scan(&n.ID, &n.path); err != nil {
			return err
		}
		sub.Scope = append(sub.Scope, n)
		return nil
	}, `SELECT node_id, path FROM webhook_scopes WHERE subscription_id = ? ORDER BY node_id`, id)
	if err != nil || len(sub.Scope) == 0 || s.Nodes == nil {
		return sub, err
	}
	ids := make([]int64, len(sub.Scope))
	for i, n := range sub.Scope {
		ids[i] = n.ID
	}
	nodes, err := s.Nodes.NodesAt(ctx, q, ids)
	if err != nil {
		return sub, err
	}
	for i, n := range sub.Scope {
		sub.Scope[i].Name = nodes[n.ID].Name
	}
	return sub, nil
}

// visible reports whether a may see and manage sub: every node of its
// scope is in a's scope; the whole deployment only for administrators.
func visible(a *linli.Actor, sub Subscription) bool {
	if !mayManage(a) {
		return false
	}
	if a.HasRole(linli.RoleAdmin) {
		return true
	}
	if len(sub.Scope) == 0 {
		return false
	}
	for _, n := range sub.Scope {
		if !a.Can(linli.PermUsersManage, n.path) {
			return false
		}
	}
	return true
}

// own reads a subscription a may see, else a 404.
func (s *Service) own(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) (Subscription, error) {
	if !mayManage(a) {
		return Subscription{}, notFound()
	}
	sub, err := s.read(ctx, q, id)
	if err != nil {
		return sub, err
	}
	if !visible(a, sub) {
		return Subscription{}, notFound()
	}
	return sub, nil
}

// Get returns one subscription of a's scope.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Subscription, error) {
	return s.own(ctx, s.DB, a, id)
}

// List returns the subscriptions a may see, oldest first.
func (s *Service) List(ctx context.Context, a *linli.Actor) ([]Subscription, error) {
	if !mayManage(a) {
		return nil, linli.Errorf(linli.EForbidden, "无权查看事件订阅 / not allowed to see webhooks")
	}
	ids, err := storage.Scalars[int64](ctx, s.DB, `SELECT id FROM webhook_subscriptions ORDER BY id`)
	if err != nil {
		return nil, err
	}
	out := []Subscription{}
	for _, id := range ids {
		sub, err := s.read(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		if visible(a, sub) {
			out = append(out, sub)
		}
	}
	return out, nil
}

// SetEnabled turns a subscription on or off (audited when it changes).
// A disabled subscription gets no new events; deliveries already queued
// wait, pending, until it is enabled again.
func (s *Service) SetEnabled(ctx context.Context, a *linli.Actor, id int64, enabled bool) (Subscription, error) {
	var out Subscription
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		sub, err := s.own(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = sub
		if sub.Enabled == enabled {
			return nil
		}
		now := s.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE webhook_subscriptions SET enabled = ?, updated_at = ? WHERE id = ?`, storage.Int(enabled), storage.Millis(now), id); err != nil {
			return err
		}
		if err := changed(ctx, tx, id); err != nil {
			return err
		}
		out.Enabled, out.UpdatedAt = enabled, storage.FromMillis(storage.Millis(now))
		action, zh, en := "webhook.disable", "停用", "Disabled"
		if enabled {
			action, zh, en = "webhook.enable", "启用", "Enabled"
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: action, Entity: "webhook_subscription", EntityID: id, ScopePath: scopePath(sub.Scope),
			Summary: fmt.Sprintf("%s事件订阅「%s」", zh, sub.Name), SummaryEN: fmt.Sprintf("%s the webhook subscription “%s”", en, sub.Name)})
	})
	return out, err
}

// Delete removes a subscription (audited). Its queued deliveries are dead
// at their next try; the log stays on /outbox.
func (s *Service) Delete(ctx context.Context, a *linli.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		sub, err := s.own(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_scopes WHERE subscription_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_subscriptions WHERE id = ?`, id); err != nil {
			return err
		}
		if err := changed(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.Clock.Now(), audit.Change{Action: "webhook.delete", Entity: "webhook_subscription", EntityID: id,
			ScopePath: scopePath(sub.Scope), Summary: fmt.Sprintf("删除事件订阅「%s」", sub.Name), SummaryEN: fmt.Sprintf("Deleted the webhook subscription “%s”", sub.Name),
			Before: sub})
	})
}

// Delivery is one row of a subscription's delivery log.
type Delivery struct {
	ID        int64     `json:"id"`
	Event     string    `json:"event"`
	Subject   string    `json:"subject"`
	Status    string    `json:"status"` // pending, sent or dead
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	At        time.Time `json:"at"`
	NextAt    time.Time `json:"next_at,omitempty,omitzero"`
	SentAt    time.Time `json:"sent_at,omitempty,omitzero"`
}

func deliveryOf(e outbox.Entry) Delivery {
	return Delivery{ID: e.ID, Event: e.Kind, Subject: e.Ref, Status: e.Status, Attempts: e.Attempts, LastError: e.LastError,
		At: e.At, NextAt: e.NextAt, SentAt: e.SentAt}
}

// Deliveries returns a subscription's deliveries, newest first, older
// than before (0: from the newest), at most limit (100 by default).
func (s *Service) Deliveries(ctx context.Context, a *linli.Actor, id, before int64, limit int) ([]Delivery, error) {
	if _, err := s.own(ctx, s.DB, a, id); err != nil {
		return nil, err
	}
	es, err := outbox.OfRecipient(ctx, s.DB, outbox.Webhook, Recipient(id), before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, len(es))
	for i, e := range es {
		out[i] = deliveryOf(e)
	}
	return out, nil
}

// Redeliver puts a dead delivery of a subscription back to pending, due
// now (audited); one that is not dead is a 409.
func (s *Service) Redeliver(ctx context.Context, a *linli.Actor, id, deliveryID int64) (Delivery, error) {
	var out Delivery
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		sub, err := s.own(ctx, tx, a, id)
		if err != nil {
			return err
		}
		e, err := outbox.Row(ctx, tx, deliveryID)
		if err != nil || e.Channel != outbox.Webhook || e.Recipient != Recipient(id) {
			return linli.Errorf(linli.ENotFound, "没有这次投递 / no such delivery")
		}
		now := s.Clock.Now()
		if err := outbox.Requeue(ctx, tx, deliveryID, now); err != nil {
			return err
		}
		out = deliveryOf(e)
		out.Status, out.Attempts, out.NextAt = outbox.Pending, 0, now
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "webhook.redeliver", Entity: "webhook_subscription", EntityID: id,
			ScopePath: scopePath(sub.Scope), Summary: fmt.Sprintf("重新投递事件订阅「%s」的第 %d 条（%s）", sub.Name, deliveryID, e.Kind),
			SummaryEN: fmt.Sprintf("Redelivered #%d (%s) of the webhook subscription “%s”", deliveryID, e.Kind, sub.Name),
			Before:    map[string]any{"status": e.Status, "attempts": e.Attempts, "last_error": e.LastError}, After: map[string]any{"status": outbox.Pending}})
	})
	return out, err
}

// Endpoint resolves an outbox recipient of this package to its URL and
// secret, for outbox.Worker.Endpoint: ok=false for other recipients. A
// deleted subscription's rows are dead; a disabled one's wait.
func (s *Service) Endpoint(ctx context.Context, recipient string) (outbox.Endpoint, bool, error) {
	id, ok := subscriptionOf(recipient)
	if !ok {
		return outbox.Endpoint{}, false, nil
	}
	var e outbox.Endpoint
	var enabled, previousUntil int64
	var previous string
	err := s.DB.QueryRow(ctx, `SELECT name, url, secret, enabled, previous_secret, previous_until FROM webhook_subscriptions WHERE id = ?`, id).
		Scan(&e.Name, &e.URL, &e.Secret, &enabled, &previous, &previousUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return e, true, &outbox.Failure{Kind: outbox.Permanent, Msg: fmt.Sprintf("subscription %d was deleted", id)}
	}
	if err != nil {
		return e, true, &outbox.Failure{Kind: outbox.Temporary, Msg: "reading the subscription: " + err.Error()}
	}
	if !storage.Bool(enabled) {
		return e, true, &outbox.Failure{Kind: outbox.NotConfigured, Msg: fmt.Sprintf("subscription 「%s」 is disabled", e.Name)}
	}
	// Within a rotation's overlap the previous secret signs too.
	if previous != "" && storage.Millis(s.Clock.Now()) < previousUntil {
		e.PreviousSecret = previous
	}
	return e, true, nil
}
