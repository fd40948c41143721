package mediation

import (
	"context"
	"fmt"
	"strconv"

	"linli"
	"linli/audit"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/storage"
)

func mediatorIDs(d Dispute) []int64 {
	var out []int64
	for _, m := range d.Mediators {
		out = append(out, m.AccountID)
	}
	return out
}

// handleDue marks a dispute overdue when the one-month target has passed
// and it is still being mediated, and tells its mediators.
func (s *Service) handleDue(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return fmt.Errorf("mediation.due: bad key %q", j.Key)
	}
	d, err := s.load(ctx, tx, id, true)
	if linli.ErrorCode(err) == linli.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if !d.State.Open() || d.Overdue {
		return nil
	}
	now := s.now()
	if _, err := tx.Exec(ctx, `UPDATE disputes SET overdue = 1, updated_at = ? WHERE id = ?`, storage.Millis(now), id); err != nil {
		return err
	}
	text := cases.Text{ZH: fmt.Sprintf("人民调解 %s「%s」已超过一个月调解期限（%s），请尽快调结或终止调解", d.Number, d.Title, d.DueDate.In(s.zone()).Format("2006年1月2日")),
		EN: fmt.Sprintf("Mediation %s “%s” is past its one-month limit (%s): settle or end it soon", d.Number, d.Title, d.DueDate.In(s.zone()).Format("2 January 2006"))}
	if err := s.cs.NotifyAbout(ctx, tx, mediatorIDs(d), "mediation", links.Ref{Kind: links.KindDispute, ID: id}, text, now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, linli.System(), now, audit.Change{Action: "dispute.overdue", Entity: "dispute", EntityID: id, ScopePath: d.path,
		Summary: "调解超期 " + d.Number})
}

// handleCourtReminder tells the mediators that the court-confirmation
// window of a signed agreement is closing, unless the parties' choice is
// already recorded or the dispute is no longer agreed.
func (s *Service) handleCourtReminder(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return fmt.Errorf("mediation.court_reminder: bad key %q", j.Key)
	}
	d, err := s.load(ctx, tx, id, true)
	if linli.ErrorCode(err) == linli.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if d.State != Agreed {
		return nil
	}
	ag, err := s.agreement(ctx, tx, d)
	if err != nil || ag.CourtChoice != "" || ag.CourtDeadline.IsZero() {
		return err
	}
	now := s.now()
	text := cases.Text{ZH: fmt.Sprintf("调解协议 %s 的司法确认申请期限将于%s届满，请询问双方当事人是否共同申请司法确认", d.Number, ag.CourtDeadline.In(s.zone()).Format("2006年1月2日")),
		EN: fmt.Sprintf("The time to apply for court confirmation of agreement %s ends on %s: ask both parties whether they apply together", d.Number, ag.CourtDeadline.In(s.zone()).Format("2 January 2006"))}
	if err := s.cs.NotifyAbout(ctx, tx, mediatorIDs(d), "mediation", links.Ref{Kind: links.KindDispute, ID: id}, text, now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE dispute_agreements SET reminded_at = ? WHERE dispute_id = ?`, storage.Millis(now), id); err != nil {
		return err
	}
	return audit.Record(ctx, tx, linli.System(), now, audit.Change{Action: "dispute.court_reminder", Entity: "dispute", EntityID: id, ScopePath: d.path,
		Summary: "提醒司法确认申请期限 " + d.Number})
}
