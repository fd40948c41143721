package projects

import (
	"strings"
	"time"

	"linli"
)

// Phase is where a project stands. The order is fixed: a livelihood project
// is proposed, talked through with the residents, put to the owners'
// consent vote (Civil Code art. 278), filed for approval, built, accepted
// and put into service.
type Phase string

// The phases, in order.
const (
	Proposal     Phase = "proposal"     // 提议
	Consultation Phase = "consultation" // 协商
	ConsentVote  Phase = "consent_vote" // 表决
	Approval     Phase = "approval"     // 申请与审批
	Construction Phase = "construction" // 施工
	Acceptance   Phase = "acceptance"   // 验收
	InService    Phase = "in_service"   // 投用
)

// Phases lists the phases in order.
func Phases() []Phase {
	return []Phase{Proposal, Consultation, ConsentVote, Approval, Construction, Acceptance, InService}
}

// Index is the position of p in the order, -1 for an unknown phase.
func (p Phase) Index() int {
	for i, x := range Phases() {
		if x == p {
			return i
		}
	}
	return -1
}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return p.Index() >= 0 }

// Next is the phase after p ("" after in_service).
func (p Phase) Next() Phase {
	ps := Phases()
	if i := p.Index(); i >= 0 && i+1 < len(ps) {
		return ps[i+1]
	}
	return ""
}

// Label is the Chinese name of the phase.
func (p Phase) Label() string {
	switch p {
	case Proposal:
		return "提议"
	case Consultation:
		return "协商"
	case ConsentVote:
		return "表决"
	case Approval:
		return "申请与审批"
	case Construction:
		return "施工"
	case Acceptance:
		return "验收"
	case InService:
		return "投用"
	}
	return ""
}

// Gate is what the rule for leaving a phase looks at: the outcome the
// person advancing gives (AdvanceInput) and what is already known about the
// project (construction settings, the vote gate's answer, open complaints).
type Gate struct {
	In AdvanceInput
	// VoteMissing is what the votes capability says is still missing
	// (empty: the consent vote is valid). NoVoteGate: there is no votes
	// capability to ask, so no vote can have been held.
	VoteMissing []string
	NoVoteGate  bool
	// Contractor and schedule as currently set (SetConstruction).
	Contractor         string
	StartDate, EndDate string
	// OpenComplaints are the numbers of linked complaint cases not yet
	// closed.
	OpenComplaints []string
}

// Missing says what is missing before a project may leave phase from, as
// field errors (the field of AdvanceInput, or "vote", "contractor",
// "schedule", "complaints" for what is set elsewhere). Nothing missing: nil.
// It is a pure function so the rules are tested as a table.
func Missing(from Phase, g Gate) []linli.FieldError {
	var out []linli.FieldError
	miss := func(field, reason string) { out = append(out, linli.FieldError{Field: field, Reason: reason}) }
	in := g.In
	switch from {
	case Proposal:
		// Who proposed what: the record of the residents' request.
		if strings.TrimSpace(in.Proposer) == "" {
			miss("proposer", "须写明提议人 / who proposed it is required")
		}
		if strings.TrimSpace(in.Outcome) == "" {
			miss("outcome", "须写明提议内容 / what was proposed is required")
		}
	case Consultation:
		if strings.TrimSpace(in.Outcome) == "" {
			miss("outcome", "须写明协商结果（如召开的协调会） / the outcome of the consultation (e.g. meetings held) is required")
		}
	case ConsentVote:
		if g.NoVoteGate {
			miss("vote", "尚未发起表决 / no consent vote yet")
		}
		for _, m := range g.VoteMissing {
			miss("vote", m)
		}
	case Approval:
		if strings.TrimSpace(in.ApprovalNumber) == "" {
			miss("approval_number", "须填写批准文号 / the approval document number is required")
		}
		if strings.TrimSpace(in.ApprovalDepartment) == "" && in.ApprovalDepartmentID == 0 {
			miss("approval_department", "须填写审批部门 / the approving department is required")
		}
		if strings.TrimSpace(in.ApprovalDate) == "" {
			miss("approval_date", "须填写批准日期 / the approval date is required")
		}
	case Construction:
		if strings.TrimSpace(g.Contractor) == "" {
			miss("contractor", "须登记施工单位 / the contractor is not set")
		}
		if g.StartDate == "" || g.EndDate == "" {
			miss("schedule", "须登记工期（开工、完工日期） / the schedule (start and end dates) is not set")
		}
		for _, n := range g.OpenComplaints {
			miss("complaints", "施工投诉 "+n+" 尚未办结 / complaint "+n+" is still open")
		}
	case Acceptance:
		if strings.TrimSpace(in.AcceptanceDate) == "" {
			miss("acceptance_date", "须填写验收日期 / the acceptance date is required")
		}
		if !in.AcceptancePassed {
			miss("acceptance_passed", "验收须为合格 / the acceptance must have passed")
		}
		if strings.TrimSpace(in.AcceptanceParticipants) == "" {
			miss("acceptance_participants", "须写明参加验收的单位和人员 / who took part in the acceptance is required")
		}
	case InService:
		miss("to", "项目已投用，没有下一阶段 / the project is in service; there is no next phase")
	}
	return out
}

// validDate reports whether s is a date written 2006-01-02.
func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// checkAdvance is the whole decision for moving from the current phase to
// to: a 422 for input that cannot be read, a 409 for a skipped phase or a
// missing outcome, naming every missing item.
func checkAdvance(cur Phase, to Phase, g Gate) error {
	var v linli.Validation
	if !to.Valid() {
		v.Add("to", "阶段无效 / unknown phase")
	}
	for _, f := range []struct{ name, val string }{{"approval_date", g.In.ApprovalDate}, {"acceptance_date", g.In.AcceptanceDate}} {
		if f.val != "" && !validDate(f.val) {
			v.Add(f.name, "日期格式应为 2006-01-02 / date must be YYYY-MM-DD")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	next := cur.Next()
	if to.Index() <= cur.Index() {
		return linli.Errorf(linli.EConflict, "项目已在「%s」阶段，只能进入下一阶段「%s」 / the project is already past %s", cur.Label(), next.Label(), to)
	}
	missing := Missing(cur, g)
	if to != next {
		// Name the phases skipped, and what the current one still lacks.
		var skipped []string
		for _, p := range Phases()[cur.Index()+1 : to.Index()] {
			skipped = append(skipped, p.Label())
			missing = append(missing, linli.FieldError{Field: "to", Reason: "须先完成「" + p.Label() + "」阶段 / phase " + string(p) + " must come first"})
		}
		return &linli.Error{Code: linli.EConflict, Fields: missing,
			Message: "不能跳过「" + strings.Join(skipped, "」「") + "」：" + reasons(missing) + " / phases cannot be skipped"}
	}
	if len(missing) > 0 {
		return &linli.Error{Code: linli.EConflict, Fields: missing,
			Message: "「" + cur.Label() + "」阶段尚缺：" + reasons(missing) + " / cannot leave " + string(cur) + " yet"}
	}
	return nil
}

// reasons joins the Chinese halves of field reasons.
func reasons(fs []linli.FieldError) string {
	var out []string
	for _, f := range fs {
		zh, _, _ := strings.Cut(f.Reason, " / ")
		out = append(out, zh)
	}
	return strings.Join(out, "；")
}
