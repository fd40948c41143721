// Package audit keeps Linli's append-only audit log: who did what, when, to
// which record, with the record before and after. Every state change writes
// its entry in the same transaction (Record), so the log and the data never
// disagree. Staff browse the entries of their scope (Log.List).
package audit

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"linli"
	"linli/storage"
)

// Entry is one audit row.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	AccountID int64     `json:"account_id"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entity_id"`
	ScopePath string    `json:"scope_path"`
	Summary   string    `json:"summary"`
	SummaryEN string    `json:"summary_en"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	IP        string    `json:"ip,omitempty"`
}

// ActorIn is who made the change, in the language: the system's own
// steps (timers, the demo loader) are recorded as 系统.
func (e Entry) ActorIn(lang string) string {
	if lang == "en" && e.AccountID == 0 && e.Actor == "系统" {
		return "System"
	}
	return e.Actor
}

// Change describes one state change to record.
type Change struct {
	Action    string // e.g. "node.create", "person.reveal"
	Entity    string // table-like name: "node", "household", "person", "account"
	EntityID  int64
	ScopePath string // node path of the record; "/" for global records
	Summary   string // a human sentence, Chinese
	// SummaryEN is its English; empty: worded from Summary by the
	// action's pattern (English) when recorded.
	SummaryEN string
	Before    any // nil, or a value marshalled to JSON
	After     any
	// Read marks the record of a read (a phone number revealed, a photo
	// or snapshot viewed, an export), not of a change: a read-only API
	// token may make it.
	Read bool
}

// Record appends an entry inside tx.
func Record(ctx context.Context, tx *storage.Tx, a *linli.Actor, at time.Time, c Change) error {
	if a == nil {
		a = linli.System()
	}
	if a.ReadOnly && !c.Read {
		// Every change of state records its entry here, in its own
		// transaction: refusing the entry refuses the change, whatever
		// route or service it came through.
		return errReadOnly()
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	scope := c.ScopePath
	if scope == "" {
		scope = "/"
	}
	en := c.SummaryEN
	if en == "" {
		en = English(c.Action, c.Summary, nil)
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, account_id, actor, action, entity, entity_id, scope_path, summary, summary_en, before_json, after_json, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		storage.Millis(at), a.AccountID, name, c.Action, c.Entity, c.EntityID, scope, c.Summary, en, toJSON(c.Before), toJSON(c.After), linli.IPFrom(ctx))
	return err
}

func errReadOnly() error {
	return linli.Errorf(linli.EForbidden, "只读令牌不能修改数据 / a read-only token makes no changes")
}

func toJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// Log reads the audit log.
type Log struct{ DB *storage.DB }

// Filter narrows a listing. BeforeID pages backwards (newest first).
type Filter struct {
	Scope    string // node path; empty means all the actor may see
	Entity   string
	EntityID int64
	Action   string
	BeforeID int64
	Limit    int
}

// List returns entries newest first, limited to the scopes where the actor
// holds audit.read.
func (l *Log) List(ctx context.Context, a *linli.Actor, f Filter) ([]Entry, error) {
	scopes := a.Scopes(linli.PermAuditRead)
	if len(scopes) == 0 {
		return nil, linli.Errorf(linli.EForbidden, "无权查看审计日志 / not allowed to read the audit log")
	}
	if f.Scope != "" {
		if !a.Can(linli.PermAuditRead, f.Scope) {
			return nil, linli.Errorf(linli.EForbidden, "无权查看该范围的审计日志 / not allowed for this scope")
		}
		scopes = []string{f.Scope}
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	cond, args := storage.ScopeFilter("scope_path", scopes)
	where := []string{cond}
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	args = append(args, f.Limit)
	return storage.Select(ctx, l.DB, scanEntry, `SELECT id, at, account_id, actor, action, entity, entity_id, scope_path, summary, summary_en, before_json, after_json, ip
		FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, args...)
}
