package meetings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"linli"
	"linli/auth"
	"linli/cases"
	"linli/links"
	"linli/storage"
)

// claimTTL is how long a conversion to a case in flight keeps others from
// starting another; after it, a retry looks for the case the interrupted
// attempt may have opened.
const claimTTL = 2 * time.Minute

// AddDecision records the next numbered decision of a held meeting.
func (s *Service) AddDecision(ctx context.Context, a *linli.Actor, id int64, in DecisionInput) (Decision, error) {
	if err := in.validate(); err != nil {
		return Decision{}, err
	}
	var d Decision
	_, err := s.transition(ctx, a, id, func(tx *storage.Tx, m *Meeting, now time.Time) error {
		if m.State != Held {
			return errState(*m, "记录决定 / record decisions")
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_decisions WHERE meeting_id = ?`, id).Scan(&d.Seq); err != nil {
			return err
		}
		d.Text, d.HasVotes, d.At = in.Text, in.hasVotes(), now
		for _, p := range []struct {
			dst *int
			src *int
		}{{&d.For, in.For}, {&d.Against, in.Against}, {&d.Abstain, in.Abstain}} {
			if p.src != nil {
				*p.dst = *p.src
			}
		}
		var err error
		if d.ID, err = tx.Insert(ctx, `INSERT INTO meeting_decisions (meeting_id, seq, text, has_votes, votes_for, votes_against, votes_abstain, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, d.Seq, d.Text, storage.Int(d.HasVotes), d.For, d.Against, d.Abstain, storage.Millis(now)); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, id, now); err != nil {
			return err
		}
		return record(ctx, tx, a, now, *m, "decision", fmt.Sprintf("「%s」决定第%d项：%s", m.Title, d.Seq, d.Text), nil, d)
	})
	return d, err
}

// AddAction records a follow-up action of a held meeting, with its owner
// (an account, or a department's or person's name) and due date; an owner
// with an account is told in-app.
func (s *Service) AddAction(ctx context.Context, a *linli.Actor, id int64, in ActionInput) (Action, error) {
	var act Action
	_, err := s.transition(ctx, a, id, func(tx *storage.Tx, m *Meeting, now time.Time) error {
		if m.State != Held {
			return errState(*m, "记录待办 / record actions")
		}
		if _, err := in.validate(m.StartsAt, s.zone()); err != nil {
			return err
		}
		owner := in.OwnerName
		if in.OwnerAccountID != 0 {
			// The owner is told in-app and may complete the action: only
			// an account working in the meeting's community (or above it).
			comm, err := s.reg.NodeByID(ctx, m.CommunityID)
			if err != nil {
				return err
			}
			name, ok, err := auth.WorkerIn(ctx, s.reg, tx, in.OwnerAccountID, comm.Path)
			if err != nil {
				return err
			}
			if !ok {
				return linli.Invalid("责任人账号不存在 / no such owner account", linli.FieldError{Field: "owner_account_id", Reason: "账号不存在或已停用 / no such active account"})
			}
			if owner == "" {
				owner = name
			}
		}
		act = Action{MeetingID: id, Title: in.Title, Note: in.Note, OwnerAccountID: in.OwnerAccountID, Owner: owner, Due: in.Due, State: ActionOpen, CreatedAt: now}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_actions WHERE meeting_id = ?`, id).Scan(&act.Seq); err != nil {
			return err
		}
		ms := storage.Millis(now)
		var err error
		if act.ID, err = tx.Insert(ctx, `INSERT INTO meeting_actions (meeting_id, seq, title, note, owner_account_id, owner_name, due_on, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, act.Seq, act.Title, act.Note, act.OwnerAccountID, act.Owner, act.Due, ActionOpen, ms, ms); err != nil {
			return err
		}
		act.Overdue = overdue(act.State, act.Due, now, s.zone())
		if act.OwnerAccountID != 0 {
			text := cases.Text{ZH: fmt.Sprintf("%s「%s」交办您：%s，期限%s", m.Kind.Label(), m.Title, act.Title, act.Due),
				EN: fmt.Sprintf("%s “%s” gave you an action: %s, due %s", m.Kind.LabelEN(), m.Title, act.Title, act.Due)}
			if err := s.cs.NotifyAbout(ctx, tx, []int64{act.OwnerAccountID}, "meeting_action", links.Ref{Kind: links.KindMeeting, ID: id}, text, now); err != nil {
				return err
			}
		}
		if err := s.touch(ctx, tx, id, now); err != nil {
			return err
		}
		return record(ctx, tx, a, now, *m, "action", fmt.Sprintf("「%s」待办第%d项：%s（%s，%s前）", m.Title, act.Seq, act.Title, act.Owner, act.Due), nil, act)
	})
	return act, err
}

// CompleteAction marks a task done with a note saying what was done. The
// meeting's managers and the task's owner may do it.
func (s *Service) CompleteAction(ctx context.Context, a *linli.Actor, meetingID, actionID int64, in DoneInput) (Action, error) {
	in.Note = strings.TrimSpace(in.Note)
	if in.Note == "" {
		return Action{}, linli.Invalid("请说明办理结果 / say what was done", linli.FieldError{Field: "note", Reason: "请填写办理结果 / the note is required"})
	}
	var act Action
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, err := s.get(ctx, tx, meetingID, true)
		if err != nil {
			return err
		}
		x, err := s.accessTo(ctx, tx, a, m)
		if err != nil {
			return err
		}
		if !x.read() {
			return errNotFound()
		}
		if act, err = s.action(ctx, tx, meetingID, actionID); err != nil {
			return err
		}
		if !x.manage && (act.OwnerAccountID == 0 || act.OwnerAccountID != a.AccountID) {
			return linli.Errorf(linli.EForbidden, "只有会议管理人或责任人可以办结 / only the meeting's managers or the owner may close it")
		}
		if m.State != Held && m.State != Published {
			return errState(m, "办结待办 / close actions")
		}
		switch act.State {
		case ActionDone:
			return linli.Errorf(linli.EConflict, "该待办已办结 / this action is already done")
		case ActionCase:
			return linli.Errorf(linli.EConflict, "该待办已转为案件，按案件办理 / this action became a case: it is closed with the case")
		}
		if !act.claimAt.IsZero() {
			return linli.Errorf(linli.EConflict, "该待办正在转为案件 / this action is being turned into a case")
		}
		now := s.now()
		before := map[string]string{"state": act.State}
		act.State, act.DoneNote, act.DoneAt, act.Overdue = ActionDone, in.Note, now, false
		if _, err := tx.Exec(ctx, `UPDATE meeting_actions SET state = ?, done_note = ?, done_at = ?, updated_at = ? WHERE id = ?`,
			ActionDone, in.Note, storage.Millis(now), storage.Millis(now), actionID); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, meetingID, now); err != nil {
			return err
		}
		return record(ctx, tx, a, now, m, "action_done", fmt.Sprintf("「%s」待办第%d项已办结：%s", m.Title, act.Seq, in.Note), before,
			map[string]string{"state": ActionDone, "note": in.Note})
	})
	return act, err
}

// ToCase turns a follow-up action into a case through the cases API: the
// category's routing and deadlines then apply, the meeting links to the
// case (rel "action") and the action records the case id.
//
// Open commits in its own transaction, so the conversion takes three
// steps: claim the action, open the case (with an idempotency key naming
// the action), record the case on the action. Calling ToCase again — a
// double click, a retry after a timeout — returns the case already
// recorded, or (after claimTTL) adopts the case an interrupted attempt
// opened; it never opens a second case for one action.
func (s *Service) ToCase(ctx context.Context, a *linli.Actor, meetingID, actionID int64, in CaseInput) (Action, error) {
	in.Category, in.Title, in.Description = strings.TrimSpace(in.Category), strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if in.Category == "" {
		return Action{}, linli.Invalid("请选择案件类别 / pick a category", linli.FieldError{Field: "category", Reason: "请选择案件类别 / category is required"})
	}
	key := fmt.Sprintf("meeting:%d/action:%d", meetingID, actionID)
	var m Meeting
	var act Action
	var found int64 // a case already opened for this action
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if m, err = s.managed(ctx, tx, a, meetingID); err != nil {
			return err
		}
		if act, err = s.action(ctx, tx, meetingID, actionID); err != nil {
			return err
		}
		if act.CaseID != 0 {
			found = act.CaseID
			return nil
		}
		if m.State != Held && m.State != Published {
			return errState(m, "转为案件 / open cases from its actions")
		}
		if act.State == ActionDone {
			return linli.Errorf(linli.EConflict, "该待办已办结，不能再转为案件 / this action is done and cannot become a case")
		}
		now := s.now()
		if !act.claimAt.IsZero() {
			if now.Sub(act.claimAt) < claimTTL {
				return linli.Errorf(linli.EConflict, "该待办正在转为案件，请稍后刷新 / this action is being turned into a case: refresh in a moment")
			}
			// An earlier attempt stopped after it claimed the action: it
			// may have opened the case before it stopped.
			if found, err = s.cs.OpenedWithKey(ctx, tx, act.claimBy, key); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE meeting_actions SET claim_at = ?, claim_by = ? WHERE id = ?`, storage.Millis(now), a.AccountID, actionID)
		return err
	})
	if err != nil {
		return Action{}, err
	}
	if found != 0 && act.CaseID == found {
		return s.actionView(ctx, a, act)
	}
	if found == 0 {
		title := in.Title
		if title == "" {
			title = act.Title
		}
		desc := in.Description
		if desc == "" {
			desc = fmt.Sprintf("%s「%s」（%s，%s）议定的待办：%s。责任人：%s；完成期限：%s。", m.Kind.Label(), m.Title,
				m.StartsAt.In(s.zone()).Format("2006年1月2日"), m.Place, act.Title, act.Owner, act.Due)
			if act.Note != "" {
				desc += act.Note
			}
		}
		c, err := s.cs.Open(ctx, a, cases.NewCase{Category: in.Category, Title: firstRunes(title, 80), Description: desc, Source: cases.SourceMeeting,
			SourceRef: fmt.Sprintf("meeting:%d", meetingID), LocationID: m.ScopeID, Public: in.Public, IdempotencyKey: key})
		if err != nil {
			// Let the user correct the input and try again at once. If the
			// claim cannot be released it lapses after claimTTL; the user
			// still gets the reason the case was refused.
			if rerr := s.db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE meeting_actions SET claim_at = 0, claim_by = 0 WHERE id = ? AND case_id = 0`, actionID)
				return err
			}); rerr != nil {
				slog.Warn("meetings: releasing the claim on an action", "action", actionID, "err", rerr)
			}
			return Action{}, err
		}
		found = c.ID
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, err := s.get(ctx, tx, meetingID, true)
		if err != nil {
			return err
		}
		if act, err = s.action(ctx, tx, meetingID, actionID); err != nil {
			return err
		}
		if act.CaseID != 0 {
			return nil // recorded meanwhile by the attempt that opened it
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE meeting_actions SET state = ?, case_id = ?, claim_at = 0, claim_by = 0, updated_at = ? WHERE id = ? AND case_id = 0`,
			ActionCase, found, storage.Millis(now), actionID); err != nil {
			return err
		}
		if err := links.Add(ctx, tx, links.Ref{Kind: links.KindMeeting, ID: meetingID}, links.Ref{Kind: links.KindCase, ID: found}, "action", now); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, meetingID, now); err != nil {
			return err
		}
		before := map[string]string{"state": act.State}
		act.State, act.CaseID = ActionCase, found
		return record(ctx, tx, a, now, m, "action_case", fmt.Sprintf("「%s」待办第%d项转为案件（案件%d）", m.Title, act.Seq, found), before,
			map[string]any{"state": ActionCase, "case_id": found, "category": in.Category})
	})
	if err != nil {
		return Action{}, err
	}
	return s.actionView(ctx, a, act)
}

// actionView completes an action with its case as the actor may see it.
func (s *Service) actionView(ctx context.Context, a *linli.Actor, act Action) (Action, error) {
	if act.CaseID == 0 || s.lk == nil {
		return act, nil
	}
	items, err := s.lk.Items(ctx, a, links.Ref{Kind: links.KindMeeting, ID: act.MeetingID})
	if err != nil {
		return act, err
	}
	for _, it := range items {
		if it.Ref.Kind == links.KindCase && it.Ref.ID == act.CaseID {
			act.Case = &it
		}
	}
	return act, nil
}

// Action returns one follow-up action as the actor may see it.
func (s *Service) Action(ctx context.Context, a *linli.Actor, meetingID, actionID int64) (Action, error) {
	m, x, err := s.readable(ctx, s.db, a, meetingID)
	if err != nil {
		return Action{}, err
	}
	if !x.seeMinutes(m) {
		return Action{}, linli.Errorf(linli.ENotFound, "待办不存在 / action not found")
	}
	act, err := s.action(ctx, s.db, meetingID, actionID)
	if err != nil {
		return Action{}, err
	}
	return s.actionView(ctx, a, act)
}

const actionColumns = `id, meeting_id, seq, title, note, owner_account_id, owner_name, due_on, state, done_note, done_at, case_id, claim_at, claim_by, created_at`

func (s *Service) scanAction(r scanner) (Action, error) {
	var act Action
	var done, claim, cr int64
	err := r.Scan(&act.ID, &act.MeetingID, &act.Seq, &act.Title, &act.Note, &act.OwnerAccountID, &act.Owner, &act.Due, &act.State, &act.DoneNote,
		&done, &act.CaseID, &claim, &act.claimBy, &cr)
	act.DoneAt, act.claimAt, act.CreatedAt = storage.FromMillis(done), storage.FromMillis(claim), storage.FromMillis(cr)
	act.Overdue = overdue(act.State, act.Due, s.now(), s.zone())
	return act, err
}

func (s *Service) action(ctx context.Context, q storage.Querier, meetingID, actionID int64) (Action, error) {
	act, err := s.scanAction(q.QueryRow(ctx, `SELECT `+actionColumns+` FROM meeting_actions WHERE id = ? AND meeting_id = ?`, actionID, meetingID))
	if errors.Is(err, sql.ErrNoRows) {
		return act, linli.Errorf(linli.ENotFound, "待办不存在 / action not found")
	}
	return act, err
}

func (s *Service) actions(ctx context.Context, q storage.Querier, meetingID int64) ([]Action, error) {
	out, err := storage.Select(ctx, q, func(rows *sql.Rows) (Action, error) { return s.scanAction(rows) },
		`SELECT `+actionColumns+` FROM meeting_actions WHERE meeting_id = ? ORDER BY seq`, meetingID)
	return nonNil(out), err
}

func (s *Service) decisions(ctx context.Context, q storage.Querier, meetingID int64) ([]Decision, error) {
	out, err := storage.Select(ctx, q, func(rows *sql.Rows) (Decision, error) {
		var d Decision
		var hv, at int64
		err := rows.Scan(&d.ID, &d.Seq, &d.Text, &hv, &d.For, &d.Against, &d.Abstain, &at)
		d.HasVotes, d.At = hv != 0, storage.FromMillis(at)
		return d, err
	}, `SELECT id, seq, text, has_votes, votes_for, votes_against, votes_abstain, created_at FROM meeting_decisions WHERE meeting_id = ? ORDER BY seq`, meetingID)
	return nonNil(out), err
}

// nonNil keeps an empty list a list ([] in JSON, not null).
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
