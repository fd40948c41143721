package mediation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/jobs"
	"linli/storage"
)

func key(id int64) string { return strconv.FormatInt(id, 10) }

// AddSession records a mediation session (调解记录); the first one moves
// an accepted dispute to mediating.
func (s *Service) AddSession(ctx context.Context, a *linli.Actor, id int64, in SessionInput) (Session, error) {
	var v linli.Validation
	in.Place, in.Participants, in.Record = strings.TrimSpace(in.Place), strings.TrimSpace(in.Participants), strings.TrimSpace(in.Record)
	held := s.now()
	if strings.TrimSpace(in.HeldAt) != "" {
		t, ok := parseMoment(in.HeldAt, s.zone())
		switch {
		case !ok:
			v.Add("held_at", "时间格式应为 2026-11-27T14:30 / time must look like 2026-11-27T14:30")
		case t.After(s.now().Add(time.Hour)):
			v.Add("held_at", "不能记录将来的调解 / a session cannot be in the future")
		default:
			held = t
		}
	}
	if in.Place == "" {
		v.Add("place", "请填写调解地点 / the place is required")
	}
	if in.Participants == "" {
		v.Add("participants", "请填写参加人员 / who took part is required")
	}
	if in.Record == "" {
		v.Add("record", "请填写调解情况 / the record is required")
	}
	tooLong(&v, "place", in.Place, 100)
	tooLong(&v, "participants", in.Participants, 500)
	tooLong(&v, "record", in.Record, 8000)
	if err := v.Err(); err != nil {
		return Session{}, err
	}
	var out Session
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if !d.State.Open() {
			return audit.Change{}, errState(d, "再记录调解 / no more sessions can be recorded")
		}
		if held.Before(d.AcceptedAt.Add(-24 * time.Hour)) {
			return audit.Change{}, linli.Invalid("调解不能早于受理 / a session cannot precede acceptance",
				linli.FieldError{Field: "held_at", Reason: "调解不能早于受理 / before the dispute was accepted"})
		}
		sid, err := tx.Insert(ctx, `INSERT INTO dispute_sessions (dispute_id, held_at, place, participants, record, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, storage.Millis(held), in.Place, in.Participants, in.Record, a.AccountID, storage.Millis(now))
		if err != nil {
			return audit.Change{}, err
		}
		if d.State == Accepted {
			if _, err := tx.Exec(ctx, `UPDATE disputes SET state = ? WHERE id = ?`, Mediating, id); err != nil {
				return audit.Change{}, err
			}
		}
		out = Session{ID: sid, HeldAt: storage.FromMillis(storage.Millis(held)), Place: in.Place, Participants: in.Participants, Record: in.Record,
			CreatedAt: storage.FromMillis(storage.Millis(now))}
		return audit.Change{Action: "dispute.session", Summary: fmt.Sprintf("记录调解 %s：%s %s", d.Number, held.In(s.zone()).Format("2006-01-02 15:04"), in.Place),
			After: out}, nil
	})
	return out, err
}

// SaveAgreement saves the agreement editor's content (a draft may lack
// anything) and returns it with what is still missing. A signed agreement
// cannot be changed.
func (s *Service) SaveAgreement(ctx context.Context, a *linli.Actor, id int64, in AgreementInput) (Agreement, error) {
	zone := s.zone()
	today := Day(s.now(), zone)
	var v linli.Validation
	in.Facts, in.Matters, in.Responsibilities = strings.TrimSpace(in.Facts), strings.TrimSpace(in.Matters), strings.TrimSpace(in.Responsibilities)
	in.Performance, in.CopiesHeldBy = strings.TrimSpace(in.Performance), strings.TrimSpace(in.CopiesHeldBy)
	tooLong(&v, "facts", in.Facts, 4000)
	tooLong(&v, "matters", in.Matters, 2000)
	tooLong(&v, "responsibilities", in.Responsibilities, 2000)
	tooLong(&v, "performance", in.Performance, 2000)
	tooLong(&v, "copies_held_by", in.CopiesHeldBy, 200)
	if in.Copies < 0 || in.Copies > 20 {
		v.Add("copies", "份数应在1到20之间 / copies must be 1 to 20")
	}
	var terms []Term
	for i, t := range in.Terms {
		f := fmt.Sprintf("terms[%d]", i+1)
		t.What, t.How, t.Deadline = strings.TrimSpace(t.What), strings.TrimSpace(t.How), strings.TrimSpace(t.Deadline)
		if t.What == "" && t.How == "" && t.Deadline == "" && t.AmountFen == 0 {
			continue // a blank row of the form
		}
		day, ok := parseDay(t.Deadline, zone)
		if !ok {
			v.Add(f+".deadline", "日期格式应为 2026-12-04 / date must look like 2026-12-04")
		}
		if t.AmountFen < 0 {
			v.Add(f+".amount_fen", "金额不能为负 / the amount cannot be negative")
		}
		tooLong(&v, f+".what", t.What, 1000)
		tooLong(&v, f+".how", t.How, 500)
		terms = append(terms, Term{What: t.What, How: t.How, Deadline: day, AmountFen: t.AmountFen})
	}
	if len(terms) > 30 {
		v.Add("terms", "协议条款不超过30项 / at most 30 terms")
	}
	signDay := func(field string, signed bool, s string) time.Time {
		if !signed {
			return time.Time{}
		}
		if strings.TrimSpace(s) == "" {
			return today
		}
		t, ok := parseDay(s, zone)
		if !ok {
			v.Add(field, "日期格式应为 2026-12-04 / date must look like 2026-12-04")
		} else if t.After(today) {
			v.Add(field, "签署日期不能晚于今天 / a signature cannot be dated in the future")
		}
		return t
	}
	agreedOn := signDay("agreed_on", in.Oral, in.AgreedOn)
	for i := range in.Parties {
		pi := &in.Parties[i]
		f := fmt.Sprintf("parties[%d].", i+1)
		pi.Sex, pi.Ethnicity, pi.Occupation, pi.BirthDate = strings.TrimSpace(pi.Sex), strings.TrimSpace(pi.Ethnicity), strings.TrimSpace(pi.Occupation), strings.TrimSpace(pi.BirthDate)
		if pi.Sex != "" && SexLabel(pi.Sex) == "" {
			v.Add(f+"sex", "性别应为 male（男）或 female（女） / sex must be male or female")
		}
		if pi.BirthDate != "" {
			if b, ok := parseDay(pi.BirthDate, zone); !ok {
				v.Add(f+"birth_date", "日期格式应为 1970-05-01 / date must look like 1970-05-01")
			} else if b.After(today) {
				v.Add(f+"birth_date", "出生日期不能晚于今天 / a date of birth cannot be in the future")
			}
		}
		if pi.Age < 0 || pi.Age > 150 {
			v.Add(f+"age", "年龄应在0到150之间 / age must be 0 to 150")
		}
		tooLong(&v, f+"ethnicity", pi.Ethnicity, 20)
		tooLong(&v, f+"occupation", pi.Occupation, 60)
	}
	medOn := signDay("mediator_signed_on", in.MediatorSigned, in.MediatorSignedOn)
	sealOn := signDay("sealed_on", in.Sealed, in.SealedOn)
	type sig struct {
		signed bool
		on     time.Time
	}
	sigs := map[int64]sig{}
	for i, ps := range in.PartySignatures {
		sigs[ps.PartyID] = sig{ps.Signed, signDay(fmt.Sprintf("party_signatures[%d].on", i+1), ps.Signed, ps.On)}
	}
	if err := v.Err(); err != nil {
		return Agreement{}, err
	}
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if !d.State.Open() {
			return audit.Change{}, errState(d, "修改协议书 / the agreement can no longer be changed")
		}
		known := map[int64]bool{}
		for _, p := range d.Parties {
			known[p.ID] = true
		}
		for i, pi := range in.Parties {
			if !known[pi.PartyID] {
				return audit.Change{}, linli.Invalid("当事人不属于本案 / unknown party",
					linli.FieldError{Field: fmt.Sprintf("parties[%d].party_id", i+1), Reason: "当事人不属于本案 / not a party of this dispute"})
			}
		}
		for i, ps := range in.PartySignatures {
			if !known[ps.PartyID] {
				return audit.Change{}, linli.Invalid("当事人不属于本案 / unknown party",
					linli.FieldError{Field: fmt.Sprintf("party_signatures[%d].party_id", i+1), Reason: "当事人不属于本案 / not a party of this dispute"})
			}
		}
		// Nothing is signed for a dispute before it was accepted.
		accepted := Day(d.AcceptedAt, zone)
		var early linli.Validation
		const tooEarly = "签署日期不能早于受理日期 / a signature cannot be dated before the dispute was accepted"
		if in.Oral && agreedOn.Before(accepted) {
			early.Add("agreed_on", "协议日期不能早于受理日期 / an agreement cannot be dated before the dispute was accepted")
		}
		if in.MediatorSigned && medOn.Before(accepted) {
			early.Add("mediator_signed_on", tooEarly)
		}
		if in.Sealed && sealOn.Before(accepted) {
			early.Add("sealed_on", tooEarly)
		}
		for i, ps := range in.PartySignatures {
			if ps.Signed && sigs[ps.PartyID].on.Before(accepted) {
				early.Add(fmt.Sprintf("party_signatures[%d].on", i+1), tooEarly)
			}
		}
		if err := early.Err(); err != nil {
			return audit.Change{}, err
		}
		before, err := s.agreement(ctx, tx, d)
		if err != nil {
			return audit.Change{}, err
		}
		copies := in.Copies
		if copies == 0 {
			copies = len(d.Parties) + 1
		}
		held := in.CopiesHeldBy
		if held == "" {
			held = DefaultCopiesHeldBy
		}
		ms := storage.Millis(now)
		if _, err := tx.Exec(ctx, `DELETE FROM dispute_agreements WHERE dispute_id = ?`, id); err != nil {
			return audit.Change{}, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO dispute_agreements (dispute_id, facts, matters, responsibilities, performance, copies, copies_held_by,
			mediator_signed, mediator_signed_on, sealed, sealed_on, oral, agreed_on, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, in.Facts, in.Matters, in.Responsibilities, in.Performance, copies, held,
			storage.Int(in.MediatorSigned), storage.Millis(medOn), storage.Int(in.Sealed), storage.Millis(sealOn),
			storage.Int(in.Oral), storage.Millis(agreedOn), ms); err != nil {
			return audit.Change{}, err
		}
		for _, pi := range in.Parties {
			if _, err := tx.Exec(ctx, `UPDATE dispute_parties SET sex = ?, ethnicity = ?, birth_date = ?, age = ?, occupation = ?, organisation = ? WHERE id = ? AND dispute_id = ?`,
				pi.Sex, pi.Ethnicity, pi.BirthDate, pi.Age, pi.Occupation, storage.Int(pi.Organisation), pi.PartyID, id); err != nil {
				return audit.Change{}, err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM dispute_terms WHERE dispute_id = ?`, id); err != nil {
			return audit.Change{}, err
		}
		for i, t := range terms {
			if _, err := tx.Exec(ctx, `INSERT INTO dispute_terms (dispute_id, sort, what, how, deadline, amount_fen) VALUES (?, ?, ?, ?, ?, ?)`,
				id, i+1, t.What, t.How, storage.Millis(t.Deadline), t.AmountFen); err != nil {
				return audit.Change{}, err
			}
		}
		for pid, sg := range sigs {
			if _, err := tx.Exec(ctx, `UPDATE dispute_parties SET signed = ?, signed_on = ? WHERE id = ? AND dispute_id = ?`,
				storage.Int(sg.signed), storage.Millis(sg.on), pid, id); err != nil {
				return audit.Change{}, err
			}
		}
		before.Missing = nil
		after := in
		return audit.Change{Action: "dispute.agreement", Summary: "编辑调解协议书 " + d.Number, Before: before, After: after}, nil
	})
	if err != nil {
		return Agreement{}, err
	}
	det, err := s.Get(ctx, a, id)
	return det.Agreement, err
}

// MarkSigned records that the agreement was signed by every party and the
// mediator and sealed by the committee. It refuses (422) while any
// statutory content is missing, listing every missing item. The dispute
// is then agreed, the one-month timer stops, and a timer reminds the
// mediators before the 30-day court-confirmation window ends.
func (s *Service) MarkSigned(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if !d.State.Open() {
			return audit.Change{}, errState(d, "标记签署 / it cannot be marked signed")
		}
		ag, err := s.agreement(ctx, tx, d)
		if err != nil {
			return audit.Change{}, err
		}
		if len(ag.Missing) > 0 {
			return audit.Change{}, linli.Invalid(fmt.Sprintf("调解协议书缺少%d项法定内容，不能标记为已签署 / the agreement lacks %d statutory items", len(ag.Missing), len(ag.Missing)), ag.Missing...)
		}
		zone := s.zone()
		eff := EffectiveOn(d.Parties, ag)
		cal, err := s.workCalendar()
		if err != nil {
			return audit.Change{}, err
		}
		deadline := CourtDeadline(eff, zone, cal)
		if _, err := tx.Exec(ctx, `UPDATE dispute_agreements SET signed_at = ?, effective_on = ?, court_deadline = ? WHERE dispute_id = ?`,
			storage.Millis(now), storage.Millis(eff), storage.Millis(deadline), id); err != nil {
			return audit.Change{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE disputes SET state = ?, ended_at = ? WHERE id = ?`, Agreed, storage.Millis(now), id); err != nil {
			return audit.Change{}, err
		}
		if err := jobs.Cancel(ctx, tx, JobDue, key(id)); err != nil {
			return audit.Change{}, err
		}
		// An agreement signed late in its window is reminded of at once;
		// one whose window has passed needs no reminder.
		if !Day(now, zone).After(deadline) {
			at := ReminderAt(eff, zone)
			if at.Before(now) {
				at = now
			}
			if err := jobs.Schedule(ctx, tx, JobCourtReminder, key(id), at, nil); err != nil {
				return audit.Change{}, err
			}
		}
		return audit.Change{Action: "dispute.sign", Summary: fmt.Sprintf("调解协议书 %s 已签署，%s生效", d.Number, eff.In(zone).Format("2006-01-02")),
			Before: map[string]any{"state": d.State}, After: map[string]any{"state": Agreed, "effective_on": eff, "court_deadline": deadline}}, nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// Fail ends mediation without agreement (调解不成): the reason and the
// advice given (e.g. to sue in a people's court) are recorded.
func (s *Service) Fail(ctx context.Context, a *linli.Actor, id int64, in FailInput) (Detail, error) {
	in.Reason, in.Advice = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Advice)
	var v linli.Validation
	if in.Reason == "" {
		v.Add("reason", "请说明调解不成的原因 / the reason is required")
	}
	if in.Advice == "" {
		in.Advice = "告知当事人可依法向人民法院提起诉讼或向有关部门申请处理"
	}
	tooLong(&v, "reason", in.Reason, 2000)
	tooLong(&v, "advice", in.Advice, 1000)
	if err := v.Err(); err != nil {
		return Detail{}, err
	}
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if !d.State.Open() {
			return audit.Change{}, errState(d, "终止调解 / mediation cannot be ended")
		}
		if _, err := tx.Exec(ctx, `UPDATE disputes SET state = ?, failed_reason = ?, failed_advice = ?, ended_at = ? WHERE id = ?`,
			Failed, in.Reason, in.Advice, storage.Millis(now), id); err != nil {
			return audit.Change{}, err
		}
		if err := jobs.Cancel(ctx, tx, JobDue, key(id)); err != nil {
			return audit.Change{}, err
		}
		return audit.Change{Action: "dispute.fail", Summary: "调解不成 " + d.Number + "：" + in.Reason,
			Before: map[string]any{"state": d.State}, After: map[string]any{"state": Failed, "reason": in.Reason, "advice": in.Advice}}, nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// RecordCourtChoice records whether the parties applied for judicial
// confirmation (人民调解法 art. 33); the reminder is then not needed.
func (s *Service) RecordCourtChoice(ctx context.Context, a *linli.Actor, id int64, in CourtInput) (Detail, error) {
	if CourtLabel(in.Choice) == "" {
		return Detail{}, linli.Invalid("输入有误 / invalid input",
			linli.FieldError{Field: "choice", Reason: "应为 applied（已申请）或 not_applying（不申请） / choice must be applied or not_applying"})
	}
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if d.State != Agreed && d.State != Closed {
			return audit.Change{}, errState(d, "记录司法确认 / judicial confirmation follows a signed agreement")
		}
		if _, err := tx.Exec(ctx, `UPDATE dispute_agreements SET court_choice = ?, court_choice_at = ? WHERE dispute_id = ?`, in.Choice, storage.Millis(now), id); err != nil {
			return audit.Change{}, err
		}
		if err := jobs.Cancel(ctx, tx, JobCourtReminder, key(id)); err != nil {
			return audit.Change{}, err
		}
		return audit.Change{Action: "dispute.court", Summary: d.Number + "：" + CourtLabel(in.Choice), After: in}, nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// AddFollowUp records a follow-up visit (回访) on a signed agreement; the
// committee supervises performance (art. 31). A visit that finds the
// agreement fully performed closes the dispute.
func (s *Service) AddFollowUp(ctx context.Context, a *linli.Actor, id int64, in FollowUpInput) (FollowUp, error) {
	zone := s.zone()
	var v linli.Validation
	on := Day(s.now(), zone)
	if strings.TrimSpace(in.VisitedOn) != "" {
		t, ok := parseDay(in.VisitedOn, zone)
		switch {
		case !ok:
			v.Add("visited_on", "日期格式应为 2026-12-04 / date must look like 2026-12-04")
		case t.After(on):
			v.Add("visited_on", "回访日期不能晚于今天 / a visit cannot be in the future")
		default:
			on = t
		}
	}
	if PerformanceLabel(in.Performance) == "" {
		v.Add("performance", "应为 full、partial 或 none / performance must be full, partial or none")
	}
	if SatisfactionLabel(in.Satisfaction) == "" {
		v.Add("satisfaction", "应为 satisfied、basic 或 unsatisfied / satisfaction must be satisfied, basic or unsatisfied")
	}
	if RiskLabel(in.Risk) == "" {
		v.Add("risk", "应为 none、low 或 high / risk must be none, low or high")
	}
	in.Notes = strings.TrimSpace(in.Notes)
	tooLong(&v, "notes", in.Notes, 2000)
	if err := v.Err(); err != nil {
		return FollowUp{}, err
	}
	var out FollowUp
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if d.State != Agreed {
			return audit.Change{}, errState(d, "回访 / follow-up visits are for signed agreements not yet performed")
		}
		name := a.DisplayName
		if name == "" {
			name = a.Username
		}
		fid, err := tx.Insert(ctx, `INSERT INTO dispute_followups (dispute_id, visited_on, performance, satisfaction, risk, notes, visitor_id, visitor_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, storage.Millis(on), in.Performance, in.Satisfaction, in.Risk, in.Notes, a.AccountID, name, storage.Millis(now))
		if err != nil {
			return audit.Change{}, err
		}
		summary := fmt.Sprintf("回访 %s：%s，%s，剩余风险%s", d.Number, PerformanceLabel(in.Performance), SatisfactionLabel(in.Satisfaction), RiskLabel(in.Risk))
		if in.Performance == PerfFull {
			if _, err := tx.Exec(ctx, `UPDATE disputes SET state = ?, closed_at = ? WHERE id = ?`, Closed, storage.Millis(now), id); err != nil {
				return audit.Change{}, err
			}
			summary += "，结案"
		}
		out = FollowUp{ID: fid, VisitedOn: storage.FromMillis(storage.Millis(on)), Performance: in.Performance, Satisfaction: in.Satisfaction,
			Risk: in.Risk, Notes: in.Notes, VisitorName: name, CreatedAt: storage.FromMillis(storage.Millis(now))}
		return audit.Change{Action: "dispute.followup", Summary: summary, After: out}, nil
	})
	return out, err
}
