package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"linli"
	"linli/auth"
	"linli/links"
	"linli/outbox"
	"linli/storage"
)

// assigneeRoles says which role acts for an area a case is assigned or a
// whistle is blown to: the grid worker of a grid, the property company of
// an estate, the community's staff, the street's (or district's) staff.
var assigneeRoles = map[string]linli.Role{
	AssignGrid:      linli.RoleGridWorker,
	AssignProperty:  linli.RoleProperty,
	AssignCommunity: linli.RoleCommunityStaff,
	"street":        linli.RoleStreetStaff,
	"district":      linli.RoleStreetStaff,
}

// accountsFor lists the accounts that act for an assignee or a whistle
// target: a department's members, or the holders of the area's role on
// exactly that node (disabled accounts included, as their notifications
// wait for them).
func (s *Service) accountsFor(ctx context.Context, q storage.Querier, kind string, id int64) ([]int64, error) {
	if kind == AssignDepartment {
		return storage.Scalars[int64](ctx, q, `SELECT account_id FROM department_members WHERE department_id = ?`, id)
	}
	role, ok := assigneeRoles[kind]
	if !ok {
		return nil, nil
	}
	hs, err := s.holders.Holders(ctx, q, auth.HolderQuery{Roles: []linli.Role{role}, Node: id, IncludeDisabled: true})
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(hs))
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out, nil
}

// Text is a message in both languages: the bell shows each reader the
// half of the page's language. The data inside (a title, a name) is the
// same in both.
type Text struct{ ZH, EN string }

// In is the text in the language (the Chinese where there is no English).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// NotifyAbout writes in-app notifications about a record of another
// capability (a project update to its followers, a meeting invitation) in
// the caller's transaction; the bell links to url, and rings on the
// accounts' open pages once the transaction committed.
func (s *Service) NotifyAbout(ctx context.Context, tx *storage.Tx, accounts []int64, kind string, ref links.Ref, text Text, at time.Time) error {
	seen := map[int64]bool{}
	var to []int64
	for _, acc := range accounts {
		if acc == 0 || seen[acc] {
			continue
		}
		seen[acc] = true
		to = append(to, acc)
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (account_id, at, kind, ref_kind, ref_id, text, text_en) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			acc, storage.Millis(at), kind, ref.Kind, ref.ID, text.ZH, text.EN); err != nil {
			return err
		}
	}
	s.ring(tx, to)
	return nil
}

// URL is where the bell sends the reader: the case, or the page of the
// record another capability notified about ("/projects/3").
func (n Notification) URL() string {
	switch n.RefKind {
	case "", "case":
		return fmt.Sprintf("/cases/%d", n.RefID)
	case links.KindDispute:
		return fmt.Sprintf("/mediation/%d", n.RefID)
	}
	return fmt.Sprintf("/%ss/%d", n.RefKind, n.RefID)
}

// notify writes in-app notifications; with toOutbox, also an outbox row
// (package outbox) that the delivery worker sends to the account's phone.
// The row carries the case's community, so that community's staff see it
// on /outbox.
func (s *Service) notify(ctx context.Context, tx *storage.Tx, accounts []int64, kind string, caseID int64, text Text, toOutbox bool) error {
	now := storage.Millis(s.now())
	var communityID int64
	if toOutbox {
		if err := tx.QueryRow(ctx, `SELECT community_id FROM cases WHERE id = ?`, caseID).Scan(&communityID); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	var to []int64
	for _, acc := range accounts {
		if acc != 0 && !seen[acc] {
			seen[acc] = true
			to = append(to, acc)
		}
	}
	// One statement per notifyRows accounts, not one per account: every
	// report notifies its community's staff, and on PostgreSQL each
	// statement is a round trip inside the report's transaction.
	for rest := to; len(rest) > 0; {
		chunk := rest[:min(len(rest), notifyRows)]
		rest = rest[len(chunk):]
		args := make([]any, 0, 6*len(chunk))
		for _, acc := range chunk {
			args = append(args, acc, now, kind, caseID, text.ZH, text.EN)
		}
		if err := tx.Queue(ctx, `INSERT INTO notifications (account_id, at, kind, ref_kind, ref_id, text, text_en) VALUES `+
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, 'case', ?, ?, ?), `, len(chunk)), ", "), args...); err != nil {
			return err
		}
	}
	s.ring(tx, to)
	if !toOutbox {
		return nil
	}
	for _, acc := range to {
		if _, err := outbox.Enqueue(ctx, tx, s.now(), outbox.Message{Channel: outbox.Notify, AccountID: acc, NodeID: communityID,
			Kind: kind, Ref: fmt.Sprintf("case:%d", caseID), Text: text.ZH}); err != nil {
			return err
		}
	}
	return nil
}

// notifyRows bounds one multi-row insert of notifications (6 placeholders
// a row, well under either engine's limit).
const notifyRows = 100

func (s *Service) notifyStaff(ctx context.Context, tx *storage.Tx, c Case, text Text) error {
	accs, err := s.accountsFor(ctx, tx, AssignCommunity, c.CommunityID)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, accs, "case", c.ID, text, false)
}

func (s *Service) notifyAssignee(ctx context.Context, tx *storage.Tx, c Case, text Text) error {
	accs, err := s.accountsFor(ctx, tx, c.AssigneeKind, c.AssigneeID)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, accs, "case", c.ID, text, true)
}

// notifyReporter tells the reporter; hotline callers without an account get
// an outbox row (SMS) only. A hotline case's reporter_id is the staff member
// who entered the call, not the caller, so it is never used for them.
func (s *Service) notifyReporter(ctx context.Context, tx *storage.Tx, c Case, text Text) error {
	if c.ReporterID != 0 && c.Source != SourceHotline {
		return s.notify(ctx, tx, []int64{c.ReporterID}, "case", c.ID, text, true)
	}
	var phone string
	if err := tx.QueryRow(ctx, `SELECT reporter_phone FROM cases WHERE id = ?`, c.ID).Scan(&phone); err != nil || phone == "" {
		return err
	}
	_, err := outbox.Enqueue(ctx, tx, s.now(), outbox.Message{Channel: outbox.SMS, To: phone, NodeID: c.CommunityID,
		Kind: "case", Ref: fmt.Sprintf("case:%d", c.ID), Text: text.ZH})
	return err
}

// Notification is an in-app message.
type Notification struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	RefKind string    `json:"ref_kind"`
	RefID   int64     `json:"ref_id"`
	Text    string    `json:"text"`
	TextEN  string    `json:"text_en"`
	Read    bool      `json:"read"`
}

// TextIn is the notification in the reader's language: its English where
// it was written with one (rows from before migration 0041 have none and
// show their Chinese).
func (n Notification) TextIn(lang string) string { return Text{n.Text, n.TextEN}.In(lang) }

// RegisterNotificationEnglish gives the English of a kind of notification
// another capability writes (NotifyAbout) for the rows stored without
// it: rows from before migration 0041, or from before that capability
// filled text_en. Call it at start-up, before serving.
func (s *Service) RegisterNotificationEnglish(kind string, en func(zh string) string) {
	if s.notifyEN == nil {
		s.notifyEN = map[string]func(string) string{}
	}
	s.notifyEN[kind] = en
}

// Notifications lists the actor's newest notifications and the unread count.
func (s *Service) Notifications(ctx context.Context, a *linli.Actor, limit int) ([]Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var unread int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at = 0`, a.AccountID).Scan(&unread); err != nil {
		return nil, 0, err
	}
	out, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Notification, error) {
		var n Notification
		var at, read int64
		err := rows.Scan(&n.ID, &at, &n.Kind, &n.RefKind, &n.RefID, &n.Text, &n.TextEN, &read)
		n.At, n.Read = storage.FromMillis(at), read != 0
		if en := s.notifyEN[n.Kind]; n.TextEN == "" && en != nil {
			n.TextEN = en(n.Text)
		}
		return n, err
	}, `SELECT id, at, kind, ref_kind, ref_id, text, text_en, read_at FROM notifications WHERE account_id = ? ORDER BY id DESC LIMIT ?`, a.AccountID, limit)
	return out, unread, err
}

// Unread counts the actor's unread notifications (the bell).
func (s *Service) Unread(ctx context.Context, a *linli.Actor) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at = 0`, a.AccountID).Scan(&n)
	return n, err
}

// MarkRead marks the actor's notifications read (all when id is 0).
func (s *Service) MarkRead(ctx context.Context, a *linli.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		q := `UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at = 0`
		args := []any{storage.Millis(s.now()), a.AccountID}
		if id != 0 {
			q += ` AND id = ?`
			args = append(args, id)
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			s.ring(tx, []int64{a.AccountID})
		}
		return nil
	})
}

// MarkCaseRead marks the actor's notifications about one case read: the
// person opened the case, so the bell stops counting it.
func (s *Service) MarkCaseRead(ctx context.Context, a *linli.Actor, caseID int64) error {
	return s.MarkRefRead(ctx, a, "case", caseID)
}

// MarkRefRead marks the actor's notifications about one record read — a
// case, or the record another capability notified about (a notice): the
// person opened it, so the bell stops counting it.
func (s *Service) MarkRefRead(ctx context.Context, a *linli.Actor, refKind string, refID int64) error {
	if a == nil || a.AccountID == 0 {
		return nil
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND ref_kind = ? AND ref_id = ? AND read_at = 0`, a.AccountID, refKind, refID).Scan(&n); err != nil || n == 0 {
		return err
	}
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE account_id = ? AND ref_kind = ? AND ref_id = ? AND read_at = 0`,
			storage.Millis(s.now()), a.AccountID, refKind, refID)
		s.ring(tx, []int64{a.AccountID})
		return err
	})
}
