package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

// Service is what staff see and do: the messages of their scope, retrying
// a dead one, and the channels of their communities. Administrators and
// community (or street) staff — those who manage accounts in a scope —
// see the rows of that scope; rows of no community (registration codes)
// only administrators. A row outside the actor's scope is a 404.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Settings Settings   // the deployment's channels, shown masked
	Nodes    NodeReader // the registry: where each row's node lies
}

// New builds the outbox's staff service.
func New(db *storage.DB, clock linli.Clock, s Settings, nodes NodeReader) *Service {
	return &Service{DB: db, Clock: clock, Settings: s, Nodes: nodes}
}

// Entry is one message as staff see it: the recipient masked (a phone as
// 138****0001), never a secret.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Channel   string    `json:"channel"`
	Recipient string    `json:"recipient"`
	NodeID    int64     `json:"node_id"`
	NodeName  string    `json:"node_name,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Text      string    `json:"text"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	NextAt    time.Time `json:"next_at,omitempty,omitzero"`
	SentAt    time.Time `json:"sent_at,omitempty,omitzero"`
}

// Filter narrows the list. Before pages backwards by id.
type Filter struct {
	Status  string `json:"status,omitempty"`
	Channel string `json:"channel,omitempty"`
	Before  int64  `json:"before,omitempty"`
	Limit   int    `json:"limit,omitempty"`
}

// Check refuses a filter that names no status or channel.
func (f Filter) Check() error {
	var v linli.Validation
	if f.Status != "" && f.Status != Pending && f.Status != Sent && f.Status != Dead {
		v.Add("status", "应为 pending、sent 或 dead / must be pending, sent or dead")
	}
	if f.Channel != "" && !ValidChannel(f.Channel) {
		v.Add("channel", "未知渠道 / unknown channel")
	}
	return v.Err()
}

// mayManage reports whether a may see the outbox at all.
func mayManage(a *linli.Actor) bool { return a.CanAny(linli.PermUsersManage) }

// visibleNodes returns, of the nodes in ids, those a may see with their
// names; node 0 (no community) is visible to administrators only.
func (s *Service) visibleNodes(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]registry.Node, error) {
	out := map[int64]registry.Node{}
	var real []int64
	for _, id := range ids {
		if id == 0 {
			if a.HasRole(linli.RoleAdmin) {
				out[0] = registry.Node{Path: "/"}
			}
			continue
		}
		real = append(real, id)
	}
	if len(real) == 0 || s.Nodes == nil {
		return out, nil
	}
	nodes, err := s.Nodes.NodesAt(ctx, s.DB, real)
	if err != nil {
		return nil, err
	}
	for id, n := range nodes {
		if a.Can(linli.PermUsersManage, n.Path) {
			out[id] = n
		}
	}
	return out, nil
}

// scopeClause is the SQL condition for the rows of outbox (alias o) a
// may see, and the names of their nodes. The nodes that have messages
// are few (communities), so they are read and checked here rather than
// joined.
func (s *Service) scopeClause(ctx context.Context, a *linli.Actor, table string) (string, []any, map[int64]registry.Node, error) {
	ids, err := storage.Scalars[int64](ctx, s.DB, `SELECT DISTINCT node_id FROM `+table)
	if err != nil {
		return "", nil, nil, err
	}
	nodes, err := s.visibleNodes(ctx, a, ids)
	if err != nil {
		return "", nil, nil, err
	}
	if len(nodes) == 0 {
		return "1 = 0", nil, nodes, nil
	}
	var args []any
	for id := range nodes {
		args = append(args, id)
	}
	return "o.node_id IN (?" + strings.Repeat(", ?", len(args)-1) + ")", args, nodes, nil
}

const entryColumns = `o.id, o.at, o.channel, o.recipient, o.node_id, o.kind, o.ref, o.payload,
	o.status, o.attempts, o.last_error, o.next_at, o.sent_at`

func scanEntry(rows interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var at, next, sent int64
	var body string
	if err := rows.Scan(&e.ID, &at, &e.Channel, &e.Recipient, &e.NodeID, &e.Kind, &e.Ref, &body,
		&e.Status, &e.Attempts, &e.LastError, &next, &sent); err != nil {
		return Entry{}, err
	}
	var p payload
	_ = json.Unmarshal([]byte(body), &p)
	e.Subject, e.Text = p.Subject, textOf(Delivery{Text: p.Text, Markdown: p.Markdown})
	if e.Text == "" {
		e.Text = string(p.Body)
	}
	e.At, e.SentAt = storage.FromMillis(at), storage.FromMillis(sent)
	if e.Status == Pending {
		e.NextAt = storage.FromMillis(next)
	}
	switch e.Channel {
	case SMS:
		e.Recipient = registry.MaskPhone(e.Recipient)
	case Email:
		if local, domain, ok := strings.Cut(e.Recipient, "@"); ok && len(local) > 1 {
			e.Recipient = local[:1] + "***@" + domain
		}
	}
	return e, nil
}

// List returns the messages of a's scope, newest first.
func (s *Service) List(ctx context.Context, a *linli.Actor, f Filter) ([]Entry, error) {
	if !mayManage(a) {
		return nil, linli.Errorf(linli.EForbidden, "无权查看外发消息 / not allowed to see outgoing messages")
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	where, args, nodes, err := s.scopeClause(ctx, a, "outbox")
	if err != nil {
		return nil, err
	}
	if f.Status != "" {
		where += " AND o.status = ?"
		args = append(args, f.Status)
	}
	if f.Channel != "" {
		where += " AND o.channel = ?"
		args = append(args, f.Channel)
	}
	if f.Before > 0 {
		where += " AND o.id < ?"
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args = append(args, limit)
	out, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Entry, error) {
		e, err := scanEntry(rows)
		e.NodeName = nodes[e.NodeID].Name
		return e, err
	}, `SELECT `+entryColumns+` FROM outbox o WHERE `+where+` ORDER BY o.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}

// Counts returns how many rows of a's scope are in each status.
func (s *Service) Counts(ctx context.Context, a *linli.Actor) (map[string]int, error) {
	out := map[string]int{Pending: 0, Sent: 0, Dead: 0}
	if !mayManage(a) {
		return out, nil
	}
	where, args, _, err := s.scopeClause(ctx, a, "outbox")
	if err != nil {
		return nil, err
	}
	err = storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err
		}
		out[st] = n
		return nil
	}, `SELECT o.status, COUNT(*) FROM outbox o WHERE `+where+` GROUP BY o.status`, args...)
	return out, err
}

// get reads one row of a's scope inside q, or a 404.
func (s *Service) get(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) (Entry, string, error) {
	notFound := linli.Errorf(linli.ENotFound, "没有这条消息 / no such message")
	if !mayManage(a) {
		return Entry{}, "", notFound
	}
	e, err := scanEntry(q.QueryRow(ctx, `SELECT `+entryColumns+` FROM outbox o WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, "", notFound
	}
	if err != nil {
		return Entry{}, "", err
	}
	nodes, err := s.visibleNodes(ctx, a, []int64{e.NodeID})
	if err != nil {
		return Entry{}, "", err
	}
	n, ok := nodes[e.NodeID]
	if !ok {
		return Entry{}, "", notFound
	}
	e.NodeName = n.Name
	return e, n.Path, nil
}

// Get returns one message of a's scope.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Entry, error) {
	e, _, err := s.get(ctx, s.DB, a, id)
	return e, err
}

// Retry puts a dead message back to pending, due now, with its tries
// counted afresh; the change is audited. Only a dead message can be
// retried (409 otherwise): a pending one is already on its way.
func (s *Service) Retry(ctx context.Context, a *linli.Actor, id int64) (Entry, error) {
	var out Entry
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		e, path, err := s.get(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if e.Status != Dead {
			return linli.Errorf(linli.EConflict, "只有失败的消息可以重试 / only a dead message can be retried")
		}
		now := s.Clock.Now()
		if err := Requeue(ctx, tx, id, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "outbox.retry", Entity: "outbox", EntityID: id, ScopePath: path,
			Summary: fmt.Sprintf("重试外发消息 #%d（%s）", id, e.Channel), Before: map[string]any{"status": Dead, "attempts": e.Attempts, "last_error": e.LastError},
			After: map[string]any{"status": Pending}}); err != nil {
			return err
		}
		out = e
		out.Status, out.Attempts, out.NextAt = Pending, 0, now
		return nil
	})
	return out, err
}

// Requeue puts a dead row back to pending, due at now, with its tries
// counted afresh. The caller checks who may, and audits it; a row that is
// not dead is a 409.
func Requeue(ctx context.Context, tx *storage.Tx, id int64, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?, claimed_until = 0, claimed_by = '' WHERE id = ? AND status = 'dead'`,
		storage.Millis(now), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return linli.Errorf(linli.EConflict, "只有失败的消息可以重试 / only a dead message can be retried")
	}
	return nil
}

// OfRecipient returns the rows of one recipient of a channel, newest
// first, older than before (0: from the newest), at most limit (≤ 500).
// It checks no permission: the caller shows it to those who may see that
// recipient (package webhooks: a subscription's delivery log).
func OfRecipient(ctx context.Context, q storage.Querier, channel, recipient string, before int64, limit int) ([]Entry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if before <= 0 {
		before = 1 << 62
	}
	out, err := storage.Select(ctx, q, func(rows *sql.Rows) (Entry, error) { return scanEntry(rows) }, `SELECT `+entryColumns+` FROM outbox o WHERE o.channel = ? AND o.recipient = ? AND o.id < ?
		ORDER BY o.id DESC LIMIT ?`, channel, recipient, before, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox rows of %s: %w", recipient, err)
	}
	return out, nil
}

// Row returns one row by id (no permission checked; see OfRecipient).
func Row(ctx context.Context, q storage.Querier, id int64) (Entry, error) {
	e, err := scanEntry(q.QueryRow(ctx, `SELECT `+entryColumns+` FROM outbox o WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, linli.Errorf(linli.ENotFound, "没有这条消息 / no such message")
	}
	return e, err
}

// ChannelView is a configured channel as a page shows it: URL masked,
// secret as •••• when set.
type ChannelView struct {
	ID       int64  `json:"id"`
	NodeID   int64  `json:"node_id"`
	NodeName string `json:"node_name"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	URL      string `json:"url"`
	Secret   string `json:"secret,omitempty"`
	Enabled  bool   `json:"enabled"`
	Fixed    bool   `json:"fixed,omitempty"` // from flags, not editable here
}

// ChannelInput is a channel entered on the page or through the API.
type ChannelInput struct {
	NodeID  int64  `json:"node_id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	URL     string `json:"url"`
	Secret  string `json:"secret"`
	Enabled bool   `json:"enabled"`
}

// nodeScope returns the path of node id if a may configure channels
// there; node 0 (the whole deployment) needs an administrator.
func (s *Service) nodeScope(ctx context.Context, a *linli.Actor, id int64) (string, bool) {
	nodes, err := s.visibleNodes(ctx, a, []int64{id})
	if err != nil {
		return "", false
	}
	n, ok := nodes[id]
	return n.Path, ok
}

// Check validates a channel input, naming each bad field.
func (in ChannelInput) Check() error {
	var v linli.Validation
	switch in.Kind {
	case WeCom, DingTalk, Webhook:
	default:
		v.Add("kind", "应为 wecom、dingtalk 或 webhook / must be wecom, dingtalk or webhook")
	}
	if n := strings.TrimSpace(in.Name); n == "" || len(n) > 100 {
		v.Add("name", "必填，不超过 100 字节 / required, at most 100 bytes")
	}
	if err := checkHTTPURL(in.URL); err != nil || len(in.URL) > 2000 {
		v.Add("url", "应为 http:// 或 https:// 开头的网址 / must be an http(s) URL")
	}
	if len(in.Secret) > 500 {
		v.Add("secret", "过长 / too long")
	}
	return v.Err()
}

// SaveChannel stores a new channel for a node of a's scope (audited,
// without its secrets).
func (s *Service) SaveChannel(ctx context.Context, a *linli.Actor, in ChannelInput) (ChannelView, error) {
	if !mayManage(a) {
		return ChannelView{}, linli.Errorf(linli.EForbidden, "无权配置渠道 / not allowed to configure channels")
	}
	in.Name, in.URL, in.Secret = strings.TrimSpace(in.Name), strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret)
	v := linli.Validation{}
	if err := v.AddErr(in.Check()); err != nil {
		return ChannelView{}, err
	}
	var out ChannelView
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		path, ok := s.nodeScope(ctx, a, in.NodeID)
		if !ok {
			v.Add("node_id", "不在您的管辖范围 / not in your scope")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := storage.Millis(s.Clock.Now())
		id, err := tx.Insert(ctx, `INSERT INTO outbox_channels (node_id, kind, name, url, secret, enabled, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.NodeID, in.Kind, in.Name, in.URL, in.Secret, storage.Int(in.Enabled), a.AccountID, now, now)
		if err != nil {
			return err
		}
		out = ChannelView{ID: id, NodeID: in.NodeID, Kind: in.Kind, Name: in.Name, URL: MaskURL(in.URL), Enabled: in.Enabled}
		if in.Secret != "" {
			out.Secret = "••••"
		}
		return audit.Record(ctx, tx, a, s.Clock.Now(), audit.Change{Action: "outbox.channel.create", Entity: "outbox_channel", EntityID: id,
			ScopePath: path, Summary: fmt.Sprintf("添加外发渠道「%s」（%s）", in.Name, in.Kind), After: out})
	})
	return out, err
}

// ownChannel reads a stored channel of a's scope in tx, with its node's
// path; one outside the scope is absent.
func (s *Service) ownChannel(ctx context.Context, tx *storage.Tx, a *linli.Actor, id int64) (ChannelView, string, error) {
	var c ChannelView
	var enabled int64
	err := tx.QueryRow(ctx, `SELECT id, node_id, kind, name, enabled FROM outbox_channels WHERE id = ?`, id).Scan(&c.ID, &c.NodeID, &c.Kind, &c.Name, &enabled)
	path, ok := s.nodeScope(ctx, a, c.NodeID)
	if err != nil || !ok || !mayManage(a) {
		return c, "", linli.Errorf(linli.ENotFound, "没有这个渠道 / no such channel")
	}
	c.Enabled = storage.Bool(enabled)
	return c, path, nil
}

// DeleteChannel removes a channel of a's scope (audited).
func (s *Service) DeleteChannel(ctx context.Context, a *linli.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		c, path, err := s.ownChannel(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM outbox_channels WHERE id = ?`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.Clock.Now(), audit.Change{Action: "outbox.channel.delete", Entity: "outbox_channel", EntityID: id,
			ScopePath: path, Summary: fmt.Sprintf("删除外发渠道「%s」（%s）", c.Name, c.Kind)})
	})
}

// SetChannelEnabled turns a channel of a's scope on or off (audited when
// it changes). The worker reads only enabled channels, so a disabled one
// is as if not configured: its rows wait, pending, until it is enabled.
func (s *Service) SetChannelEnabled(ctx context.Context, a *linli.Actor, id int64, enabled bool) (ChannelView, error) {
	var out ChannelView
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		c, path, err := s.ownChannel(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = c
		if c.Enabled == enabled {
			return nil
		}
		now := s.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE outbox_channels SET enabled = ?, updated_at = ? WHERE id = ?`, storage.Int(enabled), storage.Millis(now), id); err != nil {
			return err
		}
		out.Enabled = enabled
		action, verb := "outbox.channel.disable", "停用"
		if enabled {
			action, verb = "outbox.channel.enable", "启用"
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: action, Entity: "outbox_channel", EntityID: id,
			ScopePath: path, Summary: fmt.Sprintf("%s外发渠道「%s」（%s）", verb, c.Name, c.Kind)})
	})
	return out, err
}

// Channels lists the channels a may see: those of its scope, and, for
// administrators, the deployment's (from flags, marked fixed).
func (s *Service) Channels(ctx context.Context, a *linli.Actor) ([]ChannelView, error) {
	if !mayManage(a) {
		return nil, linli.Errorf(linli.EForbidden, "无权查看渠道 / not allowed to see channels")
	}
	var out []ChannelView
	if a.HasRole(linli.RoleAdmin) {
		if m := s.Settings.SMTP; m != nil {
			out = append(out, ChannelView{Kind: Email, Name: "SMTP", URL: fmt.Sprintf("smtp://%s:%d", m.Host, m.Port), Secret: mask(m.Password), Enabled: true, Fixed: true})
		}
		if g := s.Settings.SMS; g != nil {
			out = append(out, ChannelView{Kind: SMS, Name: "SMS gateway", URL: MaskURL(g.URL), Secret: mask(fmt.Sprint(len(g.Header))), Enabled: true, Fixed: true})
		}
		if w := s.Settings.Webhook; w != nil {
			out = append(out, ChannelView{Kind: Webhook, Name: "deployment", URL: MaskURL(w.URL), Secret: mask(w.Secret), Enabled: true, Fixed: true})
		}
	}
	where, args, nodes, err := s.scopeClause(ctx, a, "outbox_channels")
	if err != nil {
		return nil, err
	}
	rows, err := storage.Select(ctx, s.DB, func(rs *sql.Rows) (ChannelView, error) {
		var c ChannelView
		var secret string
		var enabled int64
		if err := rs.Scan(&c.ID, &c.NodeID, &c.Kind, &c.Name, &c.URL, &secret, &enabled); err != nil {
			return c, err
		}
		c.NodeName = nodes[c.NodeID].Name
		c.URL, c.Secret, c.Enabled = MaskURL(c.URL), mask(secret), storage.Bool(enabled)
		return c, nil
	}, `SELECT o.id, o.node_id, o.kind, o.name, o.url, o.secret, o.enabled
		FROM outbox_channels o WHERE `+where+` ORDER BY o.node_id, o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox channels: %w", err)
	}
	return append(out, rows...), nil
}

func mask(secret string) string {
	if secret == "" || secret == "0" {
		return ""
	}
	return "••••"
}

// ValidEmail reports whether s is one address (for callers enqueuing mail).
func ValidEmail(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil
}
