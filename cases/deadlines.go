package cases

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/calendar"
	"linli/jobs"
	"linli/storage"
)

// Timer kinds (package jobs). Keys are the case id, or the whistle id.
const (
	jobResponseDue = "case.response_due"
	jobResolveWarn = "case.resolve_warn"
	jobResolveDue  = "case.resolve_due"
	jobWhistleAck  = "case.whistle_ack"
)

// warnShare is how much of the resolution time may pass before the
// assignee is warned (the last quarter).
const warnShare = 0.75

// OverdueAt is the one definition of 超期 that the dispatch board, the
// case lists, the grid worker's task list and the case page share: the
// case still needs work and its resolution deadline has passed. It is
// worked out from the deadline when the case is read, not from the flag
// the overdue timer sets, which lags (the runner may be behind) and is
// not set for a case that was waiting for verification or on the
// standing ledger when its deadline passed. Case.Overdue is always this
// value as of the read; the overdue filter is the same rule in SQL.
// A case on the standing ledger (挂账) is not overdue: the ledger is
// where a case that cannot be solved in time goes instead.
// Deadlines are stored in milliseconds, so the comparison is too: the SQL
// (overdueSQL) and this function agree to the millisecond.
func (c Case) OverdueAt(now time.Time) bool {
	return c.State.Open() && c.State != Shelved && !c.ResolveDue.IsZero() && storage.Millis(now) > storage.Millis(c.ResolveDue)
}

// WarningAt says the case is in its warning window: not overdue yet, but
// past the share of its resolution time after which the assignee is
// warned (warnShare, the same moment the warning timer fires). The board
// and the task list colour such rows amber.
func (c Case) WarningAt(now time.Time) bool {
	if !c.State.Open() || c.State == Shelved || c.ResolveDue.IsZero() || c.DispatchedAt.IsZero() || c.OverdueAt(now) {
		return false
	}
	warnAt := c.DispatchedAt.Add(time.Duration(float64(c.ResolveDue.Sub(c.DispatchedAt)) * warnShare))
	return !now.Before(warnAt)
}

// startClock sets the response and resolution deadlines from now on the
// working calendar (emergencies count natural time through their limit
// units) and schedules the timers.
func (s *Service) startClock(ctx context.Context, tx *storage.Tx, c *Case, cat Category, now time.Time, set map[string]any) error {
	respDue := cat.ResponseLimit.Deadline(s.WorkingCalendar(), now)
	resDue := cat.ResolveLimit.Deadline(s.WorkingCalendar(), now)
	warnAt := now.Add(time.Duration(float64(resDue.Sub(now)) * warnShare))
	set["dispatched_at"], set["response_due"], set["resolve_due"] = storage.Millis(now), storage.Millis(respDue), storage.Millis(resDue)
	set["overdue"], set["warned"], set["escalation_level"] = 0, 0, 0
	set["stat_due_day"] = 0 // a new handling round: not in a due cohort yet
	c.ResponseDue, c.ResolveDue = respDue, resDue
	key := itoa(c.ID)
	if err := jobs.Schedule(ctx, tx, jobResponseDue, key, respDue, nil); err != nil {
		return err
	}
	if err := jobs.Schedule(ctx, tx, jobResolveWarn, key, warnAt, nil); err != nil {
		return err
	}
	// The due cohorts count the round when it closes or when the
	// resolution timer finds its deadline passed (countDue).
	return jobs.Schedule(ctx, tx, jobResolveDue, key, resDue, nil)
}

// stopClock cancels the timers of a case that is closed or merged.
func (s *Service) stopClock(ctx context.Context, tx *storage.Tx, c Case) error {
	key := itoa(c.ID)
	for _, k := range []string{jobResponseDue, jobResolveWarn, jobResolveDue} {
		if err := jobs.Cancel(ctx, tx, k, key); err != nil {
			return err
		}
	}
	return nil
}

// JobHandlers returns the timer handlers for the jobs runner.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		jobResponseDue: s.onResponseDue,
		jobResolveWarn: s.onResolveWarn,
		jobResolveDue:  s.onResolveDue,
		jobWhistleAck:  s.onWhistleAck,
		// Not a deadline: the report form's unclaimed photos (photos.go).
		jobUploadExpire: s.onUploadExpire,
	}
}

func (s *Service) jobCase(ctx context.Context, tx *storage.Tx, j jobs.Job) (Case, bool, error) {
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return Case{}, false, nil
	}
	c, err := s.get(ctx, tx, id, true)
	if err != nil {
		if linli.ErrorCode(err) == linli.ENotFound {
			return c, false, nil
		}
		return c, false, err
	}
	return c, true, nil
}

// onResponseDue: nobody reported in on time — recorded on the timeline and
// the assignee and staff are told.
func (s *Service) onResponseDue(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	c, ok, err := s.jobCase(ctx, tx, j)
	if !ok || err != nil {
		return err
	}
	now := s.now()
	// The response cohort counts the case now if nobody reported in,
	// whatever its state.
	if c.RespondedAt.IsZero() && c.State.Open() && !now.Before(c.ResponseDue) {
		if err := s.countResponse(ctx, tx, c, false, now); err != nil {
			return err
		}
	}
	if c.State != Dispatched {
		return nil
	}
	if err := s.event(ctx, tx, c.ID, nil, now, "response_overdue", "", "", "超过响应时限未报到签收", nil, false); err != nil {
		return err
	}
	msg := Text{fmt.Sprintf("响应超时：%s（%s）", c.Title, c.Number), fmt.Sprintf("Response overdue: %s (%s)", c.Title, c.Number)}
	if err := s.notifyAssignee(ctx, tx, c, msg); err != nil {
		return err
	}
	return s.notifyStaff(ctx, tx, c, msg)
}

func (s *Service) onResolveWarn(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	c, ok, err := s.jobCase(ctx, tx, j)
	if !ok || err != nil || !working(c.State) {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE cases SET warned = 1 WHERE id = ?`, c.ID); err != nil {
		return err
	}
	if err := s.event(ctx, tx, c.ID, nil, s.now(), "warning", "", "", "即将超过办理时限（截止 "+s.fmtTime(c.ResolveDue)+"）", nil, false); err != nil {
		return err
	}
	return s.notifyAssignee(ctx, tx, c, Text{fmt.Sprintf("即将超时：%s（%s），截止 %s", c.Title, c.Number, s.fmtTime(c.ResolveDue)),
		fmt.Sprintf("Deadline near: %s (%s), due %s", c.Title, c.Number, s.fmtTime(c.ResolveDue))})
}

func working(st State) bool {
	return st == Dispatched || st == Acknowledged || st == InProgress
}

// onResolveDue: the case is overdue — marked, and the whistle blows to the
// first level of the category's escalation chain.
func (s *Service) onResolveDue(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	c, ok, err := s.jobCase(ctx, tx, j)
	if !ok || err != nil {
		return err
	}
	now := s.now()
	// The due cohort counts the round now, whatever state it waits in
	// (verification, the standing ledger): its deadline has passed.
	if c.State.Open() && c.ClosedAt.IsZero() && !now.Before(c.ResolveDue) {
		if err := s.countDue(ctx, tx, c, false, now); err != nil {
			return err
		}
	}
	if !working(c.State) {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE cases SET overdue = 1, updated_at = ? WHERE id = ?`, storage.Millis(now), c.ID); err != nil {
		return err
	}
	if err := s.event(ctx, tx, c.ID, nil, now, "overdue", "", "", "已超过办理时限（截止 "+s.fmtTime(c.ResolveDue)+"）", nil, false); err != nil {
		return err
	}
	cat, err := scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, c.CategoryID))
	if err != nil {
		return err
	}
	return s.escalate(ctx, tx, c, cat, "超期自动升级", now)
}

// escalate calls in the next level of the chain, if any.
func (s *Service) escalate(ctx context.Context, tx *storage.Tx, c Case, cat Category, reason string, now time.Time) error {
	if c.EscalationLevel >= len(cat.Escalation) {
		return s.event(ctx, tx, c.ID, nil, now, "escalation_exhausted", "", "", "升级链已到最高层级", nil, false)
	}
	level := cat.Escalation[c.EscalationLevel]
	if _, err := tx.Exec(ctx, `UPDATE cases SET escalation_level = escalation_level + 1 WHERE id = ?`, c.ID); err != nil {
		return err
	}
	if err := s.bump(ctx, tx, s.day(now), c.CommunityID, c.GridID, c.CategoryID, "escalated", 1); err != nil {
		return err
	}
	c.EscalationLevel++
	return s.blow(ctx, tx, nil, c, cat, level, c.EscalationLevel, true, reason, now)
}

// target resolves an escalation level to who must report in.
func (s *Service) target(ctx context.Context, tx *storage.Tx, c Case, level string) (kind string, id int64, name string, err error) {
	p, err := s.locate(ctx, tx, c.LocationID)
	if err != nil {
		return "", 0, "", err
	}
	switch {
	case level == "community":
		return AssignCommunity, p.Community.ID, p.Community.Name, nil
	case level == "street" && p.Street.ID != 0:
		return "street", p.Street.ID, p.Street.Name, nil
	case level == "district":
		anc, err := s.Registry.Ancestors(ctx, p.Location)
		if err != nil {
			return "", 0, "", err
		}
		for _, n := range anc {
			if n.Kind == "district" {
				return "district", n.ID, n.Name, nil
			}
		}
	case strings.HasPrefix(level, "department:"):
		d, err := s.departmentByCode(ctx, tx, strings.TrimPrefix(level, "department:"))
		if err == nil && s.serves(ctx, d, p) {
			return AssignDepartment, d.ID, d.Name, nil
		}
		if err == nil {
			return "", 0, "", linli.Invalid(errNotServed, linli.FieldError{Field: "targets", Reason: errNotServed + ": " + level})
		}
	}
	return "", 0, "", linli.Invalid("无法吹哨到「"+level+"」 / no such level or department: "+level,
		linli.FieldError{Field: "targets", Reason: "未知层级或部门 / unknown level or department " + level})
}

// blow records a whistle to one level and schedules its report-in limit.
func (s *Service) blow(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, cat Category, level string, n int, auto bool, reason string, now time.Time) error {
	kind, id, name, err := s.target(ctx, tx, c, level)
	if err != nil && auto && strings.HasPrefix(level, "department:") {
		// A category's escalation names a department that does not
		// serve this place (categories are city-wide): the timer still
		// reaches someone, the district, instead of failing for ever.
		kind, id, name, err = s.target(ctx, tx, c, "district")
	}
	if err != nil {
		return err
	}
	ack := cat.AckLimit
	if ack.Amount == 0 {
		ack = calendar.Limit{Amount: 30, Unit: calendar.NaturalMinutes}
	}
	due := ack.Deadline(s.WorkingCalendar(), now)
	wid, err := tx.Insert(ctx, `INSERT INTO case_whistles (case_id, target_kind, target_id, target_name, level, automatic, reason, called_at, ack_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, kind, id, name, n, storage.Int(auto), reason, storage.Millis(now), storage.Millis(due))
	if err != nil {
		return err
	}
	if err := jobs.Schedule(ctx, tx, jobWhistleAck, itoa(wid), due, nil); err != nil {
		return err
	}
	verb := "吹哨"
	if auto {
		verb = "自动升级吹哨"
	}
	if err := s.event(ctx, tx, c.ID, a, now, "whistle", "", "", fmt.Sprintf("%s：%s须在 %s 前报到", verb, name, s.fmtTime(due)),
		map[string]any{"whistle_id": wid, "target": name, "level": level, "automatic": auto}, false); err != nil {
		return err
	}
	accounts, err := s.accountsFor(ctx, tx, kind, id)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, accounts, "whistle", c.ID, Text{fmt.Sprintf("吹哨报到：%s（%s），请在 %s 前报到", c.Title, c.Number, s.fmtTime(due)),
		fmt.Sprintf("Whistle: %s (%s), report in by %s", c.Title, c.Number, s.fmtTime(due))}, true)
}

// whistle is the manual "blow the whistle" on a case naming the levels or
// departments called in.
func (s *Service) whistle(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, cat Category, targets []string, reason string, auto bool, now time.Time) error {
	if len(targets) == 0 {
		return linli.Invalid("请选择吹哨对象 / name who is called in", linli.FieldError{Field: "targets", Reason: "必填 / required"})
	}
	for _, t := range targets {
		if !validLevel(t) {
			return linli.Invalid("吹哨对象无效 / unknown target "+t, linli.FieldError{Field: "targets", Reason: "应为 community、street、district 或 department:代码 / community, street, district or department:CODE"})
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE cases SET updated_at = ?, version = version + 1 WHERE id = ?`, storage.Millis(now), c.ID); err != nil {
		return err
	}
	for _, t := range targets {
		if err := s.blow(ctx, tx, a, c, cat, t, 0, auto, reason, now); err != nil {
			return err
		}
	}
	return nil
}

// reportIn records that a called-in level or department reported in.
func (s *Service) reportIn(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, whistleID int64, now time.Time) error {
	ws, err := s.whistles(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.ID != whistleID && whistleID != 0 {
			continue
		}
		if !w.AckedAt.IsZero() {
			if whistleID != 0 {
				return linli.Errorf(linli.EConflict, "已报到 / already reported in")
			}
			continue
		}
		ok, err := s.holds(ctx, tx, a, w.TargetKind, w.TargetID)
		if err != nil {
			return err
		}
		if !ok {
			if whistleID != 0 {
				return linli.Errorf(linli.EForbidden, "您不是被吹哨的单位 / you were not called in")
			}
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE case_whistles SET acked_at = ?, acked_by = ? WHERE id = ?`, storage.Millis(now), a.AccountID, w.ID); err != nil {
			return err
		}
		if err := jobs.Cancel(ctx, tx, jobWhistleAck, itoa(w.ID)); err != nil {
			return err
		}
		late := ""
		if now.After(w.AckDue) {
			late = "（已超时）"
		}
		return s.event(ctx, tx, c.ID, a, now, "report_in", "", "", w.TargetName+"已报到"+late, map[string]any{"whistle_id": w.ID}, true)
	}
	return linli.Errorf(linli.EConflict, "没有待报到的吹哨 / no whistle waiting for you")
}

// onWhistleAck: the called-in level did not report in on time — the lapse
// is recorded and the case escalates further.
func (s *Service) onWhistleAck(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	wid, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return nil
	}
	var caseID, acked, lapsed int64
	var name string
	if err := tx.QueryRow(ctx, `SELECT case_id, target_name, acked_at, lapsed_at FROM case_whistles WHERE id = ?`, wid).Scan(&caseID, &name, &acked, &lapsed); err != nil {
		return nil
	}
	if acked != 0 || lapsed != 0 {
		return nil
	}
	now := s.now()
	if _, err := tx.Exec(ctx, `UPDATE case_whistles SET lapsed_at = ? WHERE id = ?`, storage.Millis(now), wid); err != nil {
		return err
	}
	c, err := s.get(ctx, tx, caseID, true)
	if err != nil {
		return err
	}
	if err := s.event(ctx, tx, c.ID, nil, now, "report_in_lapsed", "", "", name+"未在时限内报到", map[string]any{"whistle_id": wid}, false); err != nil {
		return err
	}
	if !c.State.Open() {
		return nil
	}
	cat, err := scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE id = ?`, c.CategoryID))
	if err != nil {
		return err
	}
	return s.escalate(ctx, tx, c, cat, name+"未按时报到，继续升级", now)
}

// isWhistled reports whether the actor belongs to a level called in on c.
func (s *Service) isWhistled(ctx context.Context, q storage.Querier, a *linli.Actor, c Case) (bool, error) {
	ws, err := s.whistles(ctx, q, c.ID)
	if err != nil {
		return false, err
	}
	for _, w := range ws {
		if ok, _ := s.holds(ctx, q, a, w.TargetKind, w.TargetID); ok {
			return true, nil
		}
	}
	return false, nil
}

func (s *Service) fmtTime(t time.Time) string { return t.In(s.Zone).Format("01-02 15:04") }

// requestExtension asks for a later resolution deadline (延期).
func (s *Service) requestExtension(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, in ActionInput, now time.Time) error {
	var v linli.Validation
	if strings.TrimSpace(in.Reason) == "" {
		v.Add("reason", "请说明延期原因 / a reason is required")
	}
	if in.NewDue.IsZero() || !in.NewDue.After(c.ResolveDue) {
		v.Add("new_due", "新期限须晚于当前期限 / the new deadline must be after the current one")
	}
	if err := v.Err(); err != nil {
		return err
	}
	var pending int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM case_extensions WHERE case_id = ? AND decided_at = 0`, c.ID).Scan(&pending); err != nil {
		return err
	}
	if pending > 0 {
		return linli.Errorf(linli.EConflict, "已有待审批的延期申请 / an extension request is already pending")
	}
	id, err := tx.Insert(ctx, `INSERT INTO case_extensions (case_id, requested_by, requested_at, new_due, reason) VALUES (?, ?, ?, ?, ?)`,
		c.ID, a.AccountID, storage.Millis(now), storage.Millis(in.NewDue), in.Reason)
	if err != nil {
		return err
	}
	if err := s.event(ctx, tx, c.ID, a, now, string(ActRequestExtension), "", "", "申请延期至 "+s.fmtTime(in.NewDue)+"："+in.Reason, map[string]any{"extension_id": id}, false); err != nil {
		return err
	}
	return s.notifyStaff(ctx, tx, c, Text{fmt.Sprintf("延期申请：%s（%s）", c.Title, c.Number), fmt.Sprintf("Extension requested: %s (%s)", c.Title, c.Number)})
}

func (s *Service) decideExtension(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, cat Category, in ActionInput, now time.Time) error {
	var id, newDue, by int64
	err := tx.QueryRow(ctx, `SELECT id, new_due, requested_by FROM case_extensions WHERE case_id = ? AND decided_at = 0 ORDER BY id DESC LIMIT 1`, c.ID).Scan(&id, &newDue, &by)
	if err != nil {
		return linli.Errorf(linli.EConflict, "没有待审批的延期申请 / no pending extension request")
	}
	if by == a.AccountID {
		return linli.Errorf(linli.EConflict, "不能审批自己的延期申请 / you cannot approve your own request")
	}
	if _, err := tx.Exec(ctx, `UPDATE case_extensions SET decided_by = ?, decided_at = ?, approved = ? WHERE id = ?`, a.AccountID, storage.Millis(now), storage.Int(in.Approve), id); err != nil {
		return err
	}
	word := "驳回延期"
	if in.Approve {
		word = "批准延期至 " + s.fmtTime(storage.FromMillis(newDue))
		due := storage.FromMillis(newDue)
		if _, err := tx.Exec(ctx, `UPDATE cases SET resolve_due = ?, extensions = extensions + 1, overdue = 0, warned = 0, updated_at = ?, version = version + 1 WHERE id = ?`,
			newDue, storage.Millis(now), c.ID); err != nil {
			return err
		}
		key := itoa(c.ID)
		if err := jobs.Schedule(ctx, tx, jobResolveDue, key, due, nil); err != nil {
			return err
		}
		if err := jobs.Schedule(ctx, tx, jobResolveWarn, key, now.Add(time.Duration(float64(due.Sub(now))*warnShare)), nil); err != nil {
			return err
		}
		day := s.day(now)
		if err := s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "extended", 1); err != nil {
			return err
		}
		// The round now falls due on the new day: if its old deadline
		// had already put it into a due cohort, it leaves it.
		if err := s.uncountDue(ctx, tx, c); err != nil {
			return err
		}
	}
	if err := s.event(ctx, tx, c.ID, a, now, string(ActDecideExtension), "", "", joinNote(word, in.Note), map[string]any{"extension_id": id, "approved": in.Approve, "new_due": newDue}, false); err != nil {
		return err
	}
	wordEN := "Extension refused"
	if in.Approve {
		wordEN = "Extension approved to " + s.fmtTime(storage.FromMillis(newDue))
	}
	return s.notify(ctx, tx, []int64{by}, "extension", c.ID, Text{fmt.Sprintf("%s：%s（%s）", word, c.Title, c.Number),
		fmt.Sprintf("%s: %s (%s)", wordEN, c.Title, c.Number)}, false)
}

func (s *Service) addCoHandler(ctx context.Context, tx *storage.Tx, a *linli.Actor, c Case, in ActionInput, now time.Time) error {
	kind, ref, _ := strings.Cut(in.CoHandler, ":")
	var id int64
	var name string
	var err error
	switch kind {
	case AssignDepartment:
		var d Department
		d, err = s.departmentByCode(ctx, tx, ref)
		id, name = d.ID, d.Name
		if err == nil {
			p, perr := s.locate(ctx, tx, c.LocationID)
			if perr != nil {
				return perr
			}
			if !s.serves(ctx, d, p) {
				return linli.Invalid(errNotServed, linli.FieldError{Field: "cohandler", Reason: errNotServed})
			}
		}
	case AssignGrid, AssignProperty:
		id, err = strconv.ParseInt(ref, 10, 64)
		if err == nil {
			_, id, name, err = s.route(ctx, tx, c, Category{}, kind, id)
		}
	default:
		err = fmt.Errorf("bad kind")
	}
	if err != nil {
		return linli.Invalid("协办单位无效 / unknown co-handler", linli.FieldError{Field: "cohandler", Reason: "应为 department:代码、grid:编号 或 property:编号 / department:CODE, grid:ID or property:ID"})
	}
	if _, err := tx.Exec(ctx, `INSERT INTO case_cohandlers (case_id, kind, ref_id, name, added_at) VALUES (?, ?, ?, ?, ?)`, c.ID, kind, id, name, storage.Millis(now)); err != nil {
		if storage.IsUnique(err) {
			return linli.Errorf(linli.EConflict, "已是协办单位 / already a co-handler")
		}
		return err
	}
	if err := s.event(ctx, tx, c.ID, a, now, string(ActAddCoHandler), "", "", "增加协办："+name, map[string]any{"kind": kind, "id": id}, false); err != nil {
		return err
	}
	accounts, err := s.accountsFor(ctx, tx, kind, id)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, accounts, "cohandler", c.ID, Text{fmt.Sprintf("协办：%s（%s）", c.Title, c.Number), fmt.Sprintf("Co-handling: %s (%s)", c.Title, c.Number)}, false)
}

// CalendarGap is what the staff home page warns about: the first year
// from now on whose official calendar is not loaded, and how many open
// cases in the actor's scopes are due in it or later (their deadlines
// skipped weekends only there). year is 0 when the actor manages no cases,
// or when no open case is due past the loaded years and the current year
// is loaded.
func (s *Service) CalendarGap(ctx context.Context, a *linli.Actor) (year, n int, err error) {
	scopes := a.Scopes(linli.PermCasesManage)
	cal := s.WorkingCalendar()
	if len(scopes) == 0 || cal == nil {
		return 0, 0, nil
	}
	loc := cal.Location()
	now := s.now().In(loc)
	year = now.Year()
	for cal.Covers(year) {
		year++
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	cond, scopeArgs := storage.ScopeFilter("path", scopes)
	args := append([]any{storage.Millis(from)}, scopeArgs...)
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE resolve_due >= ? AND state NOT IN ('closed','rejected','merged') AND `+cond, args...).Scan(&n); err != nil {
		return 0, 0, err
	}
	if n == 0 && year != now.Year() {
		return 0, 0, nil
	}
	return year, n, nil
}
