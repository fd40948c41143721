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
			return errNotFound() // like an unknown id: see getAs
		}
		if in.Action == ActAcceptDispatch {
			// 立案并派遣: both steps, one transaction; the dispatch goes
			// where in says, or by the category's rule.
			if _, ok := Next(c.State, ActAccept); !ok {
				return errNotAllowed(c, ActAccept)
			}
			if c, err = s.transition(ctx, tx, a, c, ActAccept, ActionInput{Action: ActAccept}); err != nil {
				return err
			}
			in.Action = ActDispatch
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

// step is one action being applied to a case inside a transaction: the
// case (as loaded, then as the effects change it), the state it moves to,
// and what the action writes besides the state: the columns in set, and
// the timeline event's note, data and visibility.
type step struct {
	s   *Service
	ctx context.Context
	tx  *storage.Tx
	a   *linli.Actor
	c   Case
	act Action
	to  State
	in  ActionInput
	cat Category
	now time.Time

	note   string
	data   any
	public bool
	set    map[string]any
	// then is an action that follows at once in the same transaction
	// (an unsatisfied rating reopens the case).
	then *ActionInput
}

// transition checks and applies one action to c (already loaded in tx):
// the allowed transitions are machine(), what each action does besides
// moving the state is effects() (both in machine.go).
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
	cat, err := s.category(ctx, tx, c.CategoryID, "")
	if err != nil {
		// An inactive category keeps its running cases.
		cat, err = scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, c.CategoryID))
		if err != nil {
			return c, err
		}
	}
	st := &step{s: s, ctx: ctx, tx: tx, a: a, c: c, act: act, to: to, in: in, cat: cat, now: now,
		note: strings.TrimSpace(in.Note), public: true, set: map[string]any{}}
	eff := effects()[act]
	if eff.own != nil {
		// The action writes its own steps and keeps the state.
		return st.c, eff.own(st)
	}
	if eff.before != nil {
		if err := eff.before(st); err != nil {
			return st.c, err
		}
	}
	if err := st.apply(); err != nil {
		return st.c, err
	}
	if st.then != nil {
		c, err := s.get(ctx, tx, st.c.ID, false)
		if err != nil {
			return c, err
		}
		return s.transition(ctx, tx, a, c, st.then.Action, *st.then)
	}
	if len(in.Photos) > 0 {
		if _, err := attach.Save(ctx, tx, "case", st.c.ID, 0, a.AccountID, in.Photos, st.now); err != nil {
			return st.c, err
		}
	}
	for _, n := range eff.after {
		if err := st.tell(n); err != nil {
			return st.c, err
		}
	}
	return s.get(ctx, tx, st.c.ID, false)
}

// apply writes the new state and the columns in set, bumps the version and
// appends the timeline step.
func (st *step) apply() error {
	cols := []string{"state = ?", "updated_at = ?", "version = version + 1"}
	args := []any{st.to, storage.Millis(st.now)}
	keys := make([]string, 0, len(st.set))
	for k := range st.set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cols = append(cols, k+" = ?")
		args = append(args, st.set[k])
	}
	args = append(args, st.c.ID)
	if _, err := st.tx.Exec(st.ctx, `UPDATE cases SET `+strings.Join(cols, ", ")+` WHERE id = ?`, args...); err != nil {
		return err
	}
	return st.s.event(st.ctx, st.tx, st.c.ID, st.a, st.now, string(st.act), st.c.State, st.to, st.note, st.data, st.public)
}

// bump adds d to a statistics counter of the case's cell today.
func (st *step) bump(col string, d int) error {
	return st.s.bump(st.ctx, st.tx, st.s.day(st.now), st.c.CommunityID, st.c.GridID, st.c.CategoryID, col, d)
}

// notice is who hears of a step once the state has changed, and what.
type notice struct {
	who  string // "assignee", "reporter" or "staff" (the community's)
	text func(c Case, to State) Text
}

// The notices of effects().
var (
	tellAssigneeDispatched = notice{"assignee", func(c Case, _ State) Text {
		return Text{fmt.Sprintf("新派遣：%s（%s）", c.Title, c.Number), fmt.Sprintf("Dispatched to you: %s (%s)", c.Title, c.Number)}
	}}
	tellReporterState = notice{"reporter", func(c Case, to State) Text {
		return Text{fmt.Sprintf("您反映的「%s」%s", c.Title, to.Label()), fmt.Sprintf("Your report “%s”: %s", c.Title, to.LabelIn("en"))}
	}}
	tellStaffToVerify = notice{"staff", func(c Case, _ State) Text {
		return Text{fmt.Sprintf("待核查：%s（%s）", c.Title, c.Number), fmt.Sprintf("To verify: %s (%s)", c.Title, c.Number)}
	}}
)

func (st *step) tell(n notice) error {
	text := n.text(st.c, st.to)
	switch n.who {
	case "assignee":
		return st.s.notifyAssignee(st.ctx, st.tx, st.c, text)
	case "reporter":
		return st.s.notifyReporter(st.ctx, st.tx, st.c, text)
	case "staff":
		return st.s.notifyStaff(st.ctx, st.tx, st.c, text)
	}
	return fmt.Errorf("cases: unknown notice %q", n.who)
}

// The effects of the actions, before the state changes (effects()).

// needReason: a rejection or a shelving says why.
func (st *step) needReason() error {
	if strings.TrimSpace(st.in.Reason) == "" {
		return linli.Invalid("请填写原因 / a reason is required", linli.FieldError{Field: "reason", Reason: "必填 / required"})
	}
	st.note = joinNote(st.in.Reason, st.note)
	return nil
}

// shelve: onto the standing ledger, with the reason in the event's data.
func (st *step) shelve() error {
	if err := st.needReason(); err != nil {
		return err
	}
	st.data = map[string]any{"reason": st.in.Reason}
	return nil
}

// assign routes the case to its assignee (the input's or the category's
// rule) for a dispatch or a transfer.
func (st *step) assign() error {
	kind, id, name, err := st.s.route(st.ctx, st.tx, st.c, st.cat, st.in.AssigneeKind, st.in.AssigneeID)
	if err != nil {
		return err
	}
	st.set["assignee_kind"], st.set["assignee_id"], st.set["assignee_name"] = kind, id, name
	st.data = map[string]any{"assignee_kind": kind, "assignee_id": id, "assignee_name": name}
	st.note = joinNote("派往"+name, st.note)
	st.c.AssigneeKind, st.c.AssigneeID, st.c.AssigneeName = kind, id, name
	return nil
}

// dispatch assigns the case and starts its clock.
func (st *step) dispatch() error {
	if err := st.assign(); err != nil {
		return err
	}
	if err := st.s.startClock(st.ctx, st.tx, &st.c, st.cat, st.now, st.set); err != nil {
		return err
	}
	if err := st.bump("dispatched", 1); err != nil {
		return err
	}
	// The deadlines ride on the event so statistics can be rebuilt from
	// the timeline alone.
	st.data = map[string]any{"assignee_kind": st.c.AssigneeKind, "assignee_id": st.c.AssigneeID, "assignee_name": st.c.AssigneeName,
		"response_due": storage.Millis(st.c.ResponseDue), "resolve_due": storage.Millis(st.c.ResolveDue)}
	return nil
}

// acknowledge: a case counts as responded once; after a transfer or a
// reopening the new acknowledgement is on the timeline but not counted
// again (response rate = responded on time / dispatched).
func (st *step) acknowledge() error {
	if st.c.RespondedAt.IsZero() {
		st.set["responded_at"] = storage.Millis(st.now)
		if err := st.bump("responded", 1); err != nil {
			return err
		}
		if err := st.s.countResponse(st.ctx, st.tx, st.c, true, st.now); err != nil {
			return err
		}
	}
	return jobs.Cancel(st.ctx, st.tx, jobResponseDue, itoa(st.c.ID))
}

// handle records the result and who handled it.
func (st *step) handle() error {
	if st.note == "" {
		return linli.Invalid("请填写处置结果 / describe the result", linli.FieldError{Field: "note", Reason: "必填 / required"})
	}
	st.set["handler_id"], st.set["handled_at"] = st.a.AccountID, storage.Millis(st.now)
	return nil
}

// verify: 核查 by someone other than the handler.
func (st *step) verify() error {
	if st.a.AccountID != 0 && st.a.AccountID == st.c.HandlerID {
		return linli.Errorf(linli.EConflict, "处置人不能核查自己的处置结果 / the handler cannot verify their own work")
	}
	return nil
}

// sendBack says why the result is not accepted.
func (st *step) sendBack() error {
	if st.note == "" {
		return linli.Invalid("请说明退回原因 / say why", linli.FieldError{Field: "note", Reason: "必填 / required"})
	}
	return nil
}

// close stops the clock, counts the closing and asks the reporter to rate.
func (st *step) close() error {
	st.set["closed_at"] = storage.Millis(st.now)
	if err := st.bump("closed", 1); err != nil {
		return err
	}
	if err := st.s.countDue(st.ctx, st.tx, st.c, true, st.now); err != nil {
		return err
	}
	if err := st.s.stopClock(st.ctx, st.tx, st.c); err != nil {
		return err
	}
	return st.s.notifyReporter(st.ctx, st.tx, st.c, Text{fmt.Sprintf("您反映的「%s」已办结，请评价", st.c.Title),
		fmt.Sprintf("Your report “%s” is resolved: please rate it", st.c.Title)})
}

// rate records the reporter's rating; not satisfied, the case goes back
// to its assignee (返工).
func (st *step) rate() error {
	in := st.in
	if st.c.Rating != "" {
		return linli.Errorf(linli.EConflict, "已评价 / already rated")
	}
	if in.Rating.Label() == "" {
		return linli.Invalid("请选择评价 / choose a rating", linli.FieldError{Field: "rating", Reason: "满意、基本满意或不满意 / satisfied, basic or unsatisfied"})
	}
	st.set["rating"], st.set["rating_comment"] = in.Rating, strings.TrimSpace(in.Comment)
	st.data = map[string]any{"rating": in.Rating}
	st.note = joinNote(in.Rating.Label(), strings.TrimSpace(in.Comment))
	if err := st.bump(ratingColumns[in.Rating], 1); err != nil {
		return err
	}
	if in.Rating != Unsatisfied {
		return st.bump("resolved", 1)
	}
	st.then = &ActionInput{Action: ActReopen, Note: "居民不满意，重新办理"}
	return nil
}

// reopen sends a closed case back to its assignee with a new clock.
func (st *step) reopen() error {
	c := st.c
	if st.a.AccountID != c.ReporterID && !st.a.Can(linli.PermCasesManage, c.Path) {
		return errForbidden()
	}
	st.set["reopened"] = c.Reopened + 1
	st.set["rating"], st.set["rating_comment"], st.set["closed_at"], st.set["handler_id"] = "", "", int64(0), int64(0)
	// 返工率 is over closures: the reopening is dated by the closure it
	// undoes.
	closedDay := st.s.day(st.now)
	if !c.ClosedAt.IsZero() {
		closedDay = st.s.day(c.ClosedAt)
	}
	if err := st.s.bump(st.ctx, st.tx, closedDay, c.CommunityID, c.GridID, c.CategoryID, "rework", 1); err != nil {
		return err
	}
	if err := st.s.startClock(st.ctx, st.tx, &st.c, st.cat, st.now, st.set); err != nil {
		return err
	}
	st.data = map[string]any{"response_due": storage.Millis(st.c.ResponseDue), "resolve_due": storage.Millis(st.c.ResolveDue)}
	return st.s.notifyAssignee(st.ctx, st.tx, st.c, Text{fmt.Sprintf("案件重新办理：%s（%s）", st.c.Title, st.c.Number),
		fmt.Sprintf("Reopened: %s (%s)", st.c.Title, st.c.Number)})
}

// resume takes the case off the standing ledger: the resolution timer
// runs again (at once when the deadline has passed meanwhile).
func (st *step) resume() error {
	if st.c.ResolveDue.IsZero() {
		return nil
	}
	due := st.c.ResolveDue
	if due.Before(st.now) {
		due = st.now
	}
	return jobs.Schedule(st.ctx, st.tx, jobResolveDue, itoa(st.c.ID), due, nil)
}

// merge closes a duplicate into an open case of the same community.
func (st *step) merge() error {
	c, in := st.c, st.in
	if in.MergeInto == 0 || in.MergeInto == c.ID {
		return linli.Invalid("请选择要合并到的案件 / choose the case to merge into", linli.FieldError{Field: "merge_into", Reason: "必填 / required"})
	}
	target, err := st.s.get(st.ctx, st.tx, in.MergeInto, false)
	// A target the actor cannot read answers like one that does not exist:
	// the merge would tell its number (timeline, the reporter's notice).
	if err != nil || target.CommunityID != c.CommunityID || !target.State.Open() || !st.s.canRead(st.ctx, st.a, target) {
		return linli.Invalid("目标案件不存在或不在同一社区 / the target must be an open case of the same community", linli.FieldError{Field: "merge_into", Reason: "目标无效 / invalid target"})
	}
	st.set["merged_into"] = target.ID
	st.note = joinNote("合并到 "+target.Number, st.note)
	if err := st.s.stopClock(st.ctx, st.tx, c); err != nil {
		return err
	}
	if err := st.s.event(st.ctx, st.tx, target.ID, st.a, st.now, "merged_from", "", "", "合并了重复案件 "+c.Number, map[string]any{"case_id": c.ID}, true); err != nil {
		return err
	}
	return st.s.notifyReporter(st.ctx, st.tx, c, Text{fmt.Sprintf("您反映的「%s」与案件 %s 合并办理", c.Title, target.Number),
		fmt.Sprintf("Your report “%s” is handled together with case %s", c.Title, target.Number)})
}

// noteOnly: a note is internal (staff and assignees see it).
func (st *step) noteOnly() error {
	if st.note == "" {
		return linli.Invalid("请填写备注 / the note is empty", linli.FieldError{Field: "note", Reason: "必填 / required"})
	}
	st.public = false
	return nil
}

// The actions that write their own steps (deadlines.go).

func (st *step) requestExtension() error {
	return st.s.requestExtension(st.ctx, st.tx, st.a, st.c, st.in, st.now)
}

func (st *step) decideExtension() error {
	return st.s.decideExtension(st.ctx, st.tx, st.a, st.c, st.cat, st.in, st.now)
}

func (st *step) addCoHandler() error {
	return st.s.addCoHandler(st.ctx, st.tx, st.a, st.c, st.in, st.now)
}

func (st *step) whistle() error {
	return st.s.whistle(st.ctx, st.tx, st.a, st.c, st.cat, st.in.Targets, st.in.Reason, false, st.now)
}

func (st *step) reportIn() error {
	return st.s.reportIn(st.ctx, st.tx, st.a, st.c, st.in.WhistleID, st.now)
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

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
