package campaigns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/audit"
	"linli/cases"
	"linli/links"
	"linli/storage"
)

func errPlanNotFound() error {
	return linli.Errorf(linli.ENotFound, "整改方案不存在 / plan not found")
}

// DefaultCaseCategory is the category of a case opened for a hazard when
// the form names none (安全隐患).
const DefaultCaseCategory = "safety_hazard"

const planColumns = `p.id, p.campaign_id, p.finding_id, p.household_id, p.path, f.label, f.severity, p.kind, p.guidance, p.demo_day, p.notice_day,
	p.wait_days, p.due_day, p.assignee_id, p.assignee_name, p.state, p.case_id, p.done_at, p.done_by, p.done_note, p.created_at, p.updated_at`

const planFrom = ` FROM campaign_plans p JOIN campaign_findings f ON f.id = p.finding_id`

func scanPlan(r scanner) (Plan, error) {
	var p Plan
	var done, cr, up int64
	err := r.Scan(&p.ID, &p.CampaignID, &p.FindingID, &p.HouseholdID, &p.Path, &p.Label, &p.Severity, &p.Kind, &p.Guidance, &p.DemoOn, &p.NoticeOn,
		&p.WaitDays, &p.DueOn, &p.AssigneeID, &p.AssigneeName, &p.State, &p.CaseID, &done, &p.DoneBy, &p.DoneNote, &cr, &up)
	p.DoneAt, p.CreatedAt, p.UpdatedAt = storage.FromMillis(done), storage.FromMillis(cr), storage.FromMillis(up)
	p.Photos, p.GuidanceFiles = []Photo{}, []Photo{}
	return p, err
}

func (s *Service) plan(ctx context.Context, q storage.Querier, id int64) (Plan, error) {
	p, err := scanPlan(q.QueryRow(ctx, `SELECT `+planColumns+planFrom+` WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errPlanNotFound()
	}
	return p, err
}

func (s *Service) planPhotos(ctx context.Context, p *Plan) error {
	as, err := attach.List(ctx, s.db, PlanPhotoOwner, p.ID)
	for _, x := range as {
		p.Photos = append(p.Photos, Photo{ID: x.ID, Name: x.Name, URL: fmt.Sprintf("/campaign-plans/%d/photos/%d", p.ID, x.ID)})
	}
	if err != nil {
		return err
	}
	gs, err := attach.List(ctx, s.db, GuidanceOwner, p.ID)
	for _, x := range gs {
		p.GuidanceFiles = append(p.GuidanceFiles, Photo{ID: x.ID, Name: x.Name, URL: fmt.Sprintf("/campaign-plans/%d/guidance/%d", p.ID, x.ID)})
	}
	return err
}

// GuidanceOwner is the attach owner kind of a plan's guidance sheet.
const GuidanceOwner = "campaign_guidance"

// AddGuidance attaches files to a plan's guidance sheet (整改指导书: a PDF
// or pictures the owner is given). Those who run the campaign add them
// while the plan is open; a request without a file is a 422 naming "file".
func (s *Service) AddGuidance(ctx context.Context, a *linli.Actor, id int64, files []attach.Checked) (Plan, error) {
	p, _, x, err := s.planFor(ctx, a, id)
	if err != nil {
		return Plan{}, err
	}
	if !x.manage {
		return Plan{}, errForbidden()
	}
	if p.State != PlanOpen {
		return Plan{}, linli.Errorf(linli.EConflict, "整改方案已完成 / the plan is done")
	}
	if len(files) == 0 {
		return Plan{}, linli.Invalid("请选择文件 / choose a file", linli.FieldError{Field: "file", Reason: "必填 / required"})
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := s.now()
		if _, err := attach.Save(ctx, tx, GuidanceOwner, id, 0, a.AccountID, files, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_plan.guidance", Entity: "campaign_plan", EntityID: id, ScopePath: p.Path,
			Summary: fmt.Sprintf("整改指导书附件 %d 份：%s", len(files), p.Label)})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, a, id)
}

// planFor loads a plan those who run the campaign or its task group may
// read (404 otherwise).
func (s *Service) planFor(ctx context.Context, a *linli.Actor, id int64) (Plan, Campaign, access, error) {
	p, err := s.plan(ctx, s.db, id)
	if err != nil {
		return p, Campaign{}, access{}, err
	}
	c, err := s.get(ctx, s.db, p.CampaignID, false)
	if err != nil {
		return p, c, access{}, err
	}
	x, err := s.accessOf(ctx, s.db, a, c)
	if err != nil {
		return p, c, x, err
	}
	if !x.manage && !x.member {
		return Plan{}, Campaign{}, x, errPlanNotFound()
	}
	return p, c, x, s.planPhotos(ctx, &p)
}

// Plan returns one plan.
func (s *Service) Plan(ctx context.Context, a *linli.Actor, id int64) (Plan, error) {
	p, _, _, err := s.planFor(ctx, a, id)
	return p, err
}

// Plans lists a campaign's plans, open first, by due date.
func (s *Service) Plans(ctx context.Context, a *linli.Actor, campaignID int64) ([]Plan, error) {
	_, x, err := s.campaignFor(ctx, s.db, a, campaignID)
	if err != nil {
		return nil, err
	}
	if !x.manage && !x.member {
		return []Plan{}, nil
	}
	ps, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Plan, error) { return scanPlan(r) },
		`SELECT `+planColumns+planFrom+` WHERE p.campaign_id = ? ORDER BY p.state DESC, p.due_day, p.path, p.id`, campaignID)
	if ps == nil {
		ps = []Plan{}
	}
	return ps, err
}

// PlanOf returns the plan of a finding, if any.
func (s *Service) PlanOf(ctx context.Context, q storage.Querier, findingID int64) (Plan, bool, error) {
	p, err := scanPlan(q.QueryRow(ctx, `SELECT `+planColumns+planFrom+` WHERE p.finding_id = ?`, findingID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// checkPlan validates a plan's input; field errors name the input's
// fields. Self-fix needs guidance, removal the notice's date and the
// waiting period, every kind but none a due date.
func checkPlan(c Campaign, in PlanInput) (Plan, error) {
	var v linli.Validation
	p := Plan{Kind: in.Kind, Guidance: strings.TrimSpace(in.Guidance), WaitDays: in.WaitDays}
	if !in.Kind.Valid() {
		v.Add("kind", "应为 self_fix、reinforce、remove 或 none / must be self_fix, reinforce, remove or none")
	}
	day := func(field, text string, required bool) Day {
		if strings.TrimSpace(text) == "" {
			if required {
				v.Add(field, "必填 / required")
			}
			return 0
		}
		d, ok := ParseDay(text)
		if !ok {
			v.Add(field, "日期格式 2026-12-06 / a date such as 2026-12-06")
		}
		return d
	}
	p.DueOn = day("due_on", in.DueOn, in.Kind != PlanNone)
	switch in.Kind {
	case PlanSelfFix:
		if p.Guidance == "" {
			v.Add("guidance", "请写明整改指导 / write the guidance")
		}
		p.DemoOn = day("demo_on", in.DemoOn, false)
	case PlanRemove:
		p.NoticeOn = day("notice_on", in.NoticeOn, true)
		if in.WaitDays < 0 || in.WaitDays > 365 {
			v.Add("wait_days", "0到365天 / 0 to 365 days")
		}
		if p.NoticeOn != 0 && p.DueOn != 0 && p.DueOn < p.RemovableOn() {
			v.Add("due_on", "不早于告知期满 / not before the waiting period ends")
		}
	}
	if utf8.RuneCountInString(p.Guidance) > 4000 {
		v.Add("guidance", "不超过4000字 / at most 4000 characters")
	}
	if in.AssigneeID != 0 {
		i := slices.IndexFunc(c.Members, func(m Member) bool { return m.AccountID == in.AssigneeID })
		if i < 0 {
			v.Add("assignee_id", "应为工作组成员 / must be a task group member")
		} else {
			p.AssigneeID, p.AssigneeName = in.AssigneeID, c.Members[i].Name
		}
	}
	return p, v.Err()
}

// SetPlan sets the plan of a hazard finding (一户一策), creating it or
// changing it while open. "No action needed" is recorded as done at once.
// Those who run the campaign decide plans.
func (s *Service) SetPlan(ctx context.Context, a *linli.Actor, findingID int64, in PlanInput) (Plan, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		f, err := s.finding(ctx, tx, findingID)
		if err != nil {
			return err
		}
		c, err := s.managed(ctx, tx, a, f.CampaignID)
		if linli.ErrorCode(err) == linli.ENotFound {
			return errFindingNotFound()
		}
		if err != nil {
			return err
		}
		if f.Status != StatusCurrent || !f.Hazard {
			return linli.Errorf(linli.EConflict, "只有有隐患的现行记录才需整改方案 / only a finding in force with a hazard gets a plan")
		}
		p, err := checkPlan(c, in)
		if err != nil {
			return err
		}
		old, exists, err := s.PlanOf(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		if exists && old.State == PlanDone {
			return linli.Errorf(linli.EConflict, "整改方案已完成 / the plan is done")
		}
		now := s.now()
		state, doneAt, doneBy, doneNote := PlanOpen, int64(0), int64(0), ""
		if p.Kind == PlanNone {
			state, doneAt, doneBy, doneNote = PlanDone, ms(now), a.AccountID, "无需处理 / no action needed"
		}
		if exists {
			id = old.ID
			_, err = tx.Exec(ctx, `UPDATE campaign_plans SET kind = ?, guidance = ?, demo_day = ?, notice_day = ?, wait_days = ?, due_day = ?, assignee_id = ?,
				assignee_name = ?, state = ?, done_at = ?, done_by = ?, done_note = ?, updated_at = ? WHERE id = ?`,
				p.Kind, p.Guidance, p.DemoOn, p.NoticeOn, p.WaitDays, p.DueOn, p.AssigneeID, p.AssigneeName, state, doneAt, doneBy, doneNote, ms(now), id)
		} else {
			id, err = tx.Insert(ctx, `INSERT INTO campaign_plans (campaign_id, finding_id, household_id, path, kind, guidance, demo_day, notice_day, wait_days,
				due_day, assignee_id, assignee_name, state, done_at, done_by, done_note, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.ID, f.ID, f.HouseholdID, f.Path, p.Kind, p.Guidance, p.DemoOn, p.NoticeOn, p.WaitDays, p.DueOn, p.AssigneeID, p.AssigneeName,
				state, doneAt, doneBy, doneNote, a.AccountID, ms(now), ms(now))
		}
		if err != nil {
			return err
		}
		var before any
		if exists {
			before = old
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_plan.set", Entity: "campaign_plan", EntityID: id, ScopePath: f.Path,
			Summary: "整改方案（" + p.Kind.Label() + "）：" + f.Label, Before: before, After: in})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, a, id)
}

// ClosePlan records the re-inspection that closes a plan: a photo is
// required. A removal cannot be recorded before the notice's waiting
// period ends. Those who run the campaign and its task group re-inspect.
func (s *Service) ClosePlan(ctx context.Context, a *linli.Actor, id int64, in CloseInput, photos []attach.Checked) (Plan, error) {
	p, c, x, err := s.planFor(ctx, a, id)
	if err != nil {
		return Plan{}, err
	}
	if p.State != PlanOpen {
		return Plan{}, linli.Errorf(linli.EConflict, "整改方案已完成 / the plan is done")
	}
	if !x.manage && !x.member {
		return Plan{}, errPlanNotFound()
	}
	if p.Kind == PlanRemove && s.today() < p.RemovableOn() {
		return Plan{}, linli.Errorf(linli.EConflict, "告知期未满，%s起方可拆除 / the waiting period after notice has not ended: removal from %s",
			p.RemovableOn().Chinese(), p.RemovableOn())
	}
	var v linli.Validation
	in.Note = strings.TrimSpace(in.Note)
	if len(photos) == 0 {
		v.Add("photo", "复查须拍照 / the re-inspection needs a photo")
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		v.Add("note", "不超过1000字 / at most 1000 characters")
	}
	if err := v.Err(); err != nil {
		return Plan{}, err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, `UPDATE campaign_plans SET state = ?, done_at = ?, done_by = ?, done_note = ?, updated_at = ? WHERE id = ? AND state = ?`,
			PlanDone, ms(now), a.AccountID, in.Note, ms(now), id, PlanOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return linli.Errorf(linli.EConflict, "整改方案已完成 / the plan is done")
		}
		if _, err := attach.Save(ctx, tx, PlanPhotoOwner, id, 0, a.AccountID, photos, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_plan.close", Entity: "campaign_plan", EntityID: id, ScopePath: p.Path,
			Summary: "复查销号（" + p.Kind.Label() + "）：" + p.Label, After: in})
	})
	if err != nil {
		return Plan{}, err
	}
	_ = c
	return s.Plan(ctx, a, id)
}

// Escalate opens a case for a hazard that needs a department, through
// cases.Service.Open (source inspection, source_ref "campaign:<id>"),
// located at the household (or building), and links campaign → case (rel
// "hazard") with the case's id on the plan. Open commits on its own, so
// it is called with an idempotency key naming the plan: a retry after an
// interrupted attempt adopts the case it opened.
func (s *Service) Escalate(ctx context.Context, a *linli.Actor, planID int64, in EscalateInput) (Plan, error) {
	p, c, x, err := s.planFor(ctx, a, planID)
	if err != nil {
		return Plan{}, err
	}
	if !x.manage {
		return Plan{}, errForbidden()
	}
	if p.CaseID != 0 {
		return Plan{}, linli.Errorf(linli.EConflict, "已转为案件 %d / already a case (%d)", p.CaseID, p.CaseID)
	}
	if in.Category == "" {
		in.Category = DefaultCaseCategory
	}
	f, err := s.finding(ctx, s.db, p.FindingID)
	if err != nil {
		return Plan{}, err
	}
	desc := strings.TrimSpace(in.Description)
	if desc == "" {
		desc = fmt.Sprintf("专项排查「%s」发现%s隐患（%s）：%s", c.Title, c.HazardType, f.Severity.Label(), f.Label)
	}
	loc := f.BuildingID // a roof or an unclaimed device; a household locates itself
	if f.HouseholdID != 0 {
		loc = 0
	}
	nc := cases.NewCase{Category: in.Category, Title: firstRunes(c.HazardType+"隐患："+f.Label, 80), Description: desc, Source: cases.SourceInspection,
		SourceRef: fmt.Sprintf("%s:%d", KindCampaign, c.ID), LocationID: loc, HouseholdID: f.HouseholdID,
		IdempotencyKey: fmt.Sprintf("campaign-plan:%d", p.ID)}
	if f.Lat != nil {
		nc.Lat, nc.Lon = *f.Lat, *f.Lng
	}
	if f.Severity == Major {
		nc.Priority = cases.Urgent
	}
	cs, err := s.cs.Open(ctx, a, nc)
	if err != nil {
		return Plan{}, err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaign_plans SET case_id = ?, updated_at = ? WHERE id = ?`, cs.ID, ms(now), p.ID); err != nil {
			return err
		}
		if err := links.Add(ctx, tx, links.Ref{Kind: KindCampaign, ID: c.ID}, links.Ref{Kind: links.KindCase, ID: cs.ID}, "hazard", now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_plan.case", Entity: "campaign_plan", EntityID: p.ID, ScopePath: p.Path,
			Summary: fmt.Sprintf("隐患转案件 %s：%s", cs.Number, p.Label), After: map[string]int64{"case_id": cs.ID}})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, a, planID)
}

// firstRunes is s cut to n characters.
func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// OpenHazardHouseholds lists the households under the given places with
// an open hazard plan (any campaign), for notices' audience
// "campaign_hazard_open" (issue 11, contract 3). No permission check: the
// caller (notices) has checked the places against its actor.
func (s *Service) OpenHazardHouseholds(ctx context.Context, q storage.Querier, nodeIDs []int64) ([]int64, error) {
	if len(nodeIDs) == 0 {
		return []int64{}, nil
	}
	ns, err := s.reg.NodesAt(ctx, q, nodeIDs)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, n := range ns {
		paths = append(paths, n.Path)
	}
	cond, args := storage.ScopeFilter("path", paths)
	ids, err := storage.Scalars[int64](ctx, q, `SELECT DISTINCT household_id FROM campaign_plans WHERE state = 'open' AND household_id <> 0 AND `+cond+
		` ORDER BY household_id`, args...)
	if ids == nil {
		ids = []int64{}
	}
	return ids, err
}
