package projects

import (
	"context"
	"fmt"
	"strings"

	"linli"
	"linli/storage"
	"linli/webhooks"
)

// gate gathers what the phase rules look at besides the input: the vote
// hook's answer (only asked in the consent-vote phase) and the open
// complaint cases (only in construction).
func (s *Service) gate(ctx context.Context, p Project, in AdvanceInput) (Gate, error) {
	g := Gate{In: in, Contractor: p.Contractor, StartDate: p.StartDate, EndDate: p.EndDate}
	switch p.Phase {
	case ConsentVote:
		if s.votes == nil {
			g.NoVoteGate = true
			break
		}
		missing, err := s.votes.ProjectGate(ctx, p.ID)
		if err != nil {
			return g, err
		}
		g.VoteMissing = missing
	case Construction:
		ids, err := s.complaintIDs(ctx, p.ID)
		if err != nil {
			return g, err
		}
		for _, id := range ids {
			// The system reads the case: whether a complaint is still open
			// does not depend on who is advancing.
			c, err := s.cs.Get(ctx, linli.System(), id)
			if linli.ErrorCode(err) == linli.ENotFound {
				continue
			}
			if err != nil {
				return g, err
			}
			if c.State.Open() {
				g.OpenComplaints = append(g.OpenComplaints, c.Number)
			}
		}
	}
	return g, nil
}

// outcomeText is the phase history's outcome line for the phase left.
func outcomeText(from Phase, in AdvanceInput) string {
	var parts []string
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, label+"："+v)
		}
	}
	switch from {
	case Proposal:
		add("提议人", in.Proposer)
		add("提议内容", in.Outcome)
	case ConsentVote:
		add("表决结果", in.Outcome)
		if len(parts) == 0 {
			parts = append(parts, "表决有效")
		}
	case Approval:
		add("批准文号", in.ApprovalNumber)
		add("审批部门", in.ApprovalDepartment)
		add("批准日期", in.ApprovalDate)
		add("说明", in.Outcome)
	case Construction:
		add("说明", in.Outcome)
		if len(parts) == 0 {
			parts = append(parts, "施工完成")
		}
	case Acceptance:
		add("验收日期", in.AcceptanceDate)
		parts = append(parts, "验收合格")
		add("参加人员", in.AcceptanceParticipants)
		add("说明", in.Outcome)
	default:
		add("结果", in.Outcome)
	}
	return strings.Join(parts, "；")
}

// Advance moves a project to the next phase. Only the next phase may be
// entered, and only with the outcome the current phase requires (Missing):
// otherwise a 409 names what is missing. Entering in_service marks the
// project complete. The followers are told.
func (s *Service) Advance(ctx context.Context, a *linli.Actor, projectID int64, in AdvanceInput) (Project, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return p, err
	}
	if in.To == "" {
		in.To = p.Phase.Next()
	}
	if p.Phase == InService {
		return p, linli.Errorf(linli.EConflict, "项目已投用 / the project is already in service")
	}
	if in.ApprovalDepartmentID != 0 && strings.TrimSpace(in.ApprovalDepartment) == "" {
		// A department node: its name is the department.
		// Only a node on the project's line (its community or above, where
		// approving offices sit) or inside it: another place's name is not
		// copied in.
		if n, err := s.reg.NodeByID(ctx, in.ApprovalDepartmentID); err == nil && (linli.Within(p.Path, n.Path) || linli.Within(n.Path, p.Path)) {
			in.ApprovalDepartment = n.Name
		} else {
			return p, linli.Invalid("审批部门不存在 / no such department",
				linli.FieldError{Field: "approval_department_id", Reason: "不存在 / not found"})
		}
	}
	g, err := s.gate(ctx, p, in)
	if err != nil {
		return p, err
	}
	if err := checkAdvance(p.Phase, in.To, g); err != nil {
		return p, err
	}
	from := p.Phase
	now := s.now()
	ms := storage.Millis(now)
	outcome := outcomeText(from, in)
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		set := `phase = ?, updated_at = ?`
		args := []any{in.To, ms}
		switch from {
		case Approval:
			set += `, approval_number = ?, approval_department = ?, approval_department_id = ?, approval_date = ?`
			args = append(args, strings.TrimSpace(in.ApprovalNumber), strings.TrimSpace(in.ApprovalDepartment), in.ApprovalDepartmentID, in.ApprovalDate)
		case Acceptance:
			set += `, acceptance_date = ?, acceptance_passed = 1, acceptance_participants = ?`
			args = append(args, in.AcceptanceDate, strings.TrimSpace(in.AcceptanceParticipants))
		}
		if in.To == InService {
			set += `, completed_at = ?`
			args = append(args, ms)
		}
		// The phase in the WHERE clause: two people advancing at once
		// cannot both move the project.
		res, err := tx.Exec(ctx, `UPDATE projects SET `+set+` WHERE id = ? AND phase = ?`, append(args, p.ID, from)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return linli.Errorf(linli.EConflict, "项目阶段已被他人更改，请刷新 / the phase changed meanwhile; reload")
		}
		if _, err := tx.Exec(ctx, `UPDATE project_phases SET left_at = ?, outcome = ? WHERE project_id = ? AND phase = ? AND left_at = 0`,
			ms, outcome, p.ID, from); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_phases (project_id, phase, entered_at, by_id, by_name) VALUES (?, ?, ?, ?, ?)`,
			p.ID, in.To, ms, a.AccountID, actorName(a)); err != nil {
			return err
		}
		text := fmt.Sprintf("进入「%s」阶段", in.To.Label())
		if in.To == InService {
			text = "项目已投用"
		}
		if outcome != "" {
			text += "（" + from.Label() + "：" + outcome + "）"
		}
		if err := s.post(ctx, tx, a, p, "phase", text, now); err != nil {
			return err
		}
		if err := webhooks.Emit(ctx, tx, webhooks.Event{Type: webhooks.ProjectPhaseChanged, At: now, Path: p.Path, CommunityID: p.CommunityID,
			Subject: fmt.Sprintf("project:%d", p.ID), Data: webhooks.ProjectData{ProjectID: p.ID, Title: p.Title, Kind: p.Kind,
				CommunityID: p.CommunityID, Phase: string(in.To), FromPhase: string(from)}}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "advance", fmt.Sprintf("项目「%s」由%s进入%s", p.Title, from.Label(), in.To.Label()),
			map[string]any{"phase": from}, map[string]any{"phase": in.To, "outcome": outcome})
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, a, p.ID)
}
