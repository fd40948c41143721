package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli"
	"linli/attach"
	"linli/jobs"
	"linli/storage"
)

// ActionInput carries what an action needs; each action reads its fields.
type ActionInput struct {
	Action       Action    `json:"action"`
	Note         string    `json:"note"`
	Reason       string    `json:"reason"`        // reject, shelve, extension, whistle
	AssigneeKind string    `json:"assignee_kind"` // dispatch, transfer: grid, property, department, community
	AssigneeID   int64     `json:"assignee_id"`   // 0: by the category's rule
	Rating       Rating    `json:"rating"`
	Comment      string    `json:"comment"`
	NewDue       time.Time `json:"new_due"`    // request_extension
	Approve      bool      `json:"approve"`    // decide_extension
	MergeInto    int64     `json:"merge_into"` // merge
	Targets      []string  `json:"targets"`    // whistle: community, street, district, department:CODE
	CoHandler    string    `json:"cohandler"`  // add_cohandler: grid:ID, property:ID, department:CODE
	WhistleID    int64     `json:"whistle_id"` // report_in

	// Photos are checked uploads saved with the step (a result's photos).
	Photos []attach.Checked `json:"-"`

	// trusted skips the permission check for steps Linli takes itself
	// (a patrol finding registered and dispatched on report).
	trusted bool
}

// Act takes one action on a case in one transaction: the state change, the
// timeline step, deadlines, statistics and notifications commit together.
// A transition not allowed from the current state is a 409 that lists the
// allowed actions.
func (s *Service) Act(ctx context.Context, a *linli.Actor, id int64, in ActionInput) (Case, error) {
	err := s.DB.Batch(ctx, func(tx *storage.Tx) error {
		c, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !s.canRead(ctx, a, c) {
			return errForbidden()
		}
		_, err = s.transition(ctx, tx, a, c, in.Action, in)
		return err
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, a, id)
}

// ErrNotAllowed is the 409 for a transition the state does not allow.
func errNotAllowed(c Case, a Action) error {
	var names []string
	for _, x := range Allowed(c.State) {
		names = append(names, string(x))
	}
	return &linli.Error{Code: linli.EConflict,
		Message: fmt.Sprintf("案件状态为「%s」，不能「%s」；可以：%s / %s is not allowed in state %s; allowed: %s", c.State.Label(), a.Label(), labels(Allowed(c.State)), a, c.State, strings.Join(names, ", ")),
		Fields:  []linli.FieldError{{Field: "action", Reason: "allowed: " + strings.Join(names, ",")}}}
}

func labels(as []Action) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Label())
	}
	return strings.Join(out, "、")
}

// transition checks and applies one action to c (already loaded in tx).
func (s *Service) transition(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, act Action, in ActionInput) (Case, error) {
	if act == "" {
		return c, linli.Invalid("请选择操作 / action is required", linli.FieldError{Field: "action", Reason: "必填 / required"})
	}
	if !slices.Contains(Actions(), act) {
		return c, linli.Invalid("未知操作 / unknown action", linli.FieldError{Field: "action", Reason: "未知操作 / unknown action " + string(act)})
	}
	to, ok := Next(c.State, act)
	if !ok {
		return c, errNotAllowed(c, act)
	}
	if !in.trusted {
		if err := s.authorize(ctx, tx, a, c, act); err != nil {
			return c, err
		}
	}
	now := s.now()
	ms := storage.Millis(now)
	cat, err := s.category(ctx, tx, c.CategoryID, "")
	if err != nil {
		// An inactive category keeps its running cases.
		cat, err = scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, c.CategoryID))
		if err != nil {
			return c, err
		}
	}
	note := strings.TrimSpace(in.Note)
	public := true
	var data any
	set := map[string]any{}
	day := s.day(now)
	bump := func(col string, d int) error {
		return s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, col, d)
	}

	switch act {
	case ActReject, ActShelve:
		if strings.TrimSpace(in.Reason) == "" {
			return c, linli.Invalid("请填写原因 / a reason is required", linli.FieldError{Field: "reason", Reason: "必填 / required"})
		}
		note = joinNote(in.Reason, note)
		if act == ActShelve {
			data = map[string]any{"reason": in.Reason}
		}
	case ActDispatch, ActTransfer:
		kind, id, name, err := s.route(ctx, tx, c, cat, in.AssigneeKind, in.AssigneeID)
		if err != nil {
			return c, err
		}
		set["assignee_kind"], set["assignee_id"], set["assignee_name"] = kind, id, name
		data = map[string]any{"assignee_kind": kind, "assignee_id": id, "assignee_name": name}
		note = joinNote("派往"+name, note)
		if act == ActDispatch {
			if err := s.startClock(ctx, tx, &c, cat, now, set); err != nil {
				return c, err
			}
			if err := bump("dispatched", 1); err != nil {
				return c, err
			}
			// The deadlines ride on the event so statistics can be
			// rebuilt from the timeline alone.
			data = map[string]any{"assignee_kind": kind, "assignee_id": id, "assignee_name": name,
				"response_due": storage.Millis(c.ResponseDue), "resolve_due": storage.Millis(c.ResolveDue)}
		}
		c.AssigneeKind, c.AssigneeID, c.AssigneeName = kind, id, name
	case ActAcknowledge:
		// A case counts as responded once: after a transfer or a reopening
		// the new acknowledgement is on the timeline but not counted again
		// (response rate = responded on time / dispatched).
		if c.RespondedAt.IsZero() {
			set["responded_at"] = ms
			if err := bump("responded", 1); err != nil {
				return c, err
			}
			if err := s.countResponse(ctx, tx, c, true, now); err != nil {
				return c, err
			}
		}
		if err := jobs.Cancel(ctx, tx, jobResponseDue, itoa(c.ID)); err != nil {
			return c, err
		}
	case ActHandle:
		if note == "" {
			return c, linli.Invalid("请填写处置结果 / describe the result", linli.FieldError{Field: "note", Reason: "必填 / required"})
		}
		set["handler_id"], set["handled_at"] = a.AccountID, ms
	case ActVerify:
		// 核查 by someone other than the handler.
		if a.AccountID != 0 && a.AccountID == c.HandlerID {
			return c, linli.Errorf(linli.EConflict, "处置人不能核查自己的处置结果 / the handler cannot verify their own work")
		}
	case ActSendBack:
		if note == "" {
			return c, linli.Invalid("请说明退回原因 / say why", linli.FieldError{Field: "note", Reason: "必填 / required"})
		}
	case ActClose:
		set["closed_at"] = ms
		if err := bump("closed", 1); err != nil {
			return c, err
		}
		if err := s.countDue(ctx, tx, c, true, now); err != nil {
			return c, err
		}
		if err := s.stopClock(ctx, tx, c); err != nil {
			return c, err
		}
		if err := s.notifyReporter(ctx, tx, c, fmt.Sprintf("您反映的「%s」已办结，请评价", c.Title)); err != nil {
			return c, err
		}
	case ActRate:
		if c.Rating != "" {
			return c, linli.Errorf(linli.EConflict, "已评价 / already rated")
		}
		if in.Rating.Label() == "" {
			return c, linli.Invalid("请选择评价 / choose a rating", linli.FieldError{Field: "rating", Reason: "满意、基本满意或不满意 / satisfied, basic or unsatisfied"})
		}
		set["rating"], set["rating_comment"] = in.Rating, strings.TrimSpace(in.Comment)
		data = map[string]any{"rating": in.Rating}
		note = joinNote(in.Rating.Label(), strings.TrimSpace(in.Comment))
		col := map[Rating]string{Satisfied: "satisfied", Basic: "basic", Unsatisfied: "unsatisfied"}[in.Rating]
		if err := bump(col, 1); err != nil {
			return c, err
		}
		if in.Rating != Unsatisfied {
			if err := bump("resolved", 1); err != nil {
				return c, err
			}
		}
		if in.Rating == Unsatisfied {
			// Not satisfied: the case goes back to its assignee (返工).
			if err := s.applyTransition(ctx, tx, a, c, act, to, note, data, public, set, now); err != nil {
				return c, err
			}
			c, err = s.get(ctx, tx, c.ID, false)
			if err != nil {
				return c, err
			}
			return s.transition(ctx, tx, a, c, ActReopen, ActionInput{Note: "居民不满意，重新办理"})
		}
	case ActReopen:
		if a.AccountID != c.ReporterID && !a.Can(linli.PermCasesManage, c.Path) {
			return c, errForbidden()
		}
		set["reopened"] = c.Reopened + 1
		set["rating"], set["rating_comment"], set["closed_at"], set["handler_id"] = "", "", int64(0), int64(0)
		// 返工率 is over closures: the reopening is dated by the closure
		// it undoes.
		closedDay := day
		if !c.ClosedAt.IsZero() {
			closedDay = s.day(c.ClosedAt)
		}
		if err := s.bump(ctx, tx, closedDay, c.CommunityID, c.GridID, c.CategoryID, "rework", 1); err != nil {
			return c, err
		}
		if err := s.startClock(ctx, tx, &c, cat, now, set); err != nil {
			return c, err
		}
		data = map[string]any{"response_due": storage.Millis(c.ResponseDue), "resolve_due": storage.Millis(c.ResolveDue)}
		if err := s.notifyAssignee(ctx, tx, c, fmt.Sprintf("案件重新办理：%s（%s）", c.Title, c.Number)); err != nil {
			return c, err
		}
	case ActResume:
		// Off the standing ledger: the resolution timer runs again (at
		// once when the deadline has passed meanwhile).
		due := c.ResolveDue
		if due.Before(now) {
			due = now
		}
		if !c.ResolveDue.IsZero() {
			if err := jobs.Schedule(ctx, tx, jobResolveDue, itoa(c.ID), due, nil); err != nil {
				return c, err
			}
		}
	case ActMerge:
		if in.MergeInto == 0 || in.MergeInto == c.ID {
			return c, linli.Invalid("请选择要合并到的案件 / choose the case to merge into", linli.FieldError{Field: "merge_into", Reason: "必填 / required"})
		}
		target, err := s.get(ctx, tx, in.MergeInto, false)
		if err != nil || target.CommunityID != c.CommunityID || !target.State.Open() {
			return c, linli.Invalid("目标案件不存在或不在同一社区 / the target must be an open case of the same community", linli.FieldError{Field: "merge_into", Reason: "目标无效 / invalid target"})
		}
		set["merged_into"] = target.ID
		note = joinNote("合并到 "+target.Number, note)
		if err := s.stopClock(ctx, tx, c); err != nil {
			return c, err
		}
		if err := s.event(ctx, tx, target.ID, a, now, "merged_from", "", "", "合并了重复案件 "+c.Number, map[string]any{"case_id": c.ID}, true); err != nil {
			return c, err
		}
		if err := s.notifyReporter(ctx, tx, c, fmt.Sprintf("您反映的「%s」与案件 %s 合并办理", c.Title, target.Number)); err != nil {
			return c, err
		}
	case ActNote:
		if note == "" {
			return c, linli.Invalid("请填写备注 / the note is empty", linli.FieldError{Field: "note", Reason: "必填 / required"})
		}
		public = false
	case ActRequestExtension:
		return c, s.requestExtension(ctx, tx, a, c, in, now)
	case ActDecideExtension:
		return c, s.decideExtension(ctx, tx, a, c, cat, in, now)
	case ActAddCoHandler:
		return c, s.addCoHandler(ctx, tx, a, c, in, now)
	case ActWhistle:
		return c, s.whistle(ctx, tx, a, c, cat, in.Targets, in.Reason, false, now)
	case ActReportIn:
		return c, s.reportIn(ctx, tx, a, c, in.WhistleID, now)
	}
	if err := s.applyTransition(ctx, tx, a, c, act, to, note, data, public, set, now); err != nil {
		return c, err
	}
	if len(in.Photos) > 0 {
		if _, err := attach.Save(ctx, tx, "case", c.ID, 0, a.AccountID, in.Photos, now); err != nil {
			return c, err
		}
	}
	switch act {
	case ActDispatch, ActTransfer:
		if err := s.notifyAssignee(ctx, tx, c, fmt.Sprintf("新派遣：%s（%s）", c.Title, c.Number)); err != nil {
			return c, err
		}
	case ActAccept, ActReject, ActHandle:
		if err := s.notifyReporter(ctx, tx, c, fmt.Sprintf("您反映的「%s」%s", c.Title, to.Label())); err != nil {
			return c, err
		}
	}
	if act == ActHandle {
		if err := s.notifyStaff(ctx, tx, c, fmt.Sprintf("待核查：%s（%s）", c.Title, c.Number)); err != nil {
			return c, err
		}
	}
	return s.get(ctx, tx, c.ID, false)
}

func joinNote(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "；" + b
}

// applyTransition writes the new state and the columns in set, bumps the
// version and appends the timeline step.
func (s *Service) applyTransition(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, act Action, to State, note string, data any, public bool, set map[string]any, now time.Time) error {
	cols := []string{"state = ?", "updated_at = ?", "version = version + 1"}
	args := []any{to, storage.Millis(now)}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cols = append(cols, k+" = ?")
		args = append(args, set[k])
	}
	args = append(args, c.ID)
	if _, err := tx.Exec(ctx, `UPDATE cases SET `+strings.Join(cols, ", ")+` WHERE id = ?`, args...); err != nil {
		return err
	}
	return s.event(ctx, tx, c.ID, a, now, string(act), c.State, to, note, data, public)
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
