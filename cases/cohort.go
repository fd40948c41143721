package cases

import (
	"context"
	"time"

	"linli/storage"
)

// The rates of the statistics page are each taken over one cohort of
// cases, so the numerator is always part of the denominator (package stats
// states the definitions). The counters of a cohort are dated by the
// deadline that defines it, and a case joins its cohort only once its
// outcome is known — the moment it meets the deadline, or the moment the
// deadline passes without it (the response and resolution timers):
//
//	response cohort  (once per case): response_due, responded_on_time
//	due cohort (per handling round):  due, due_closed, closed_on_time, due_extended
//
// cases.stat_response_day and cases.stat_due_day remember the day a case
// was counted on (0: not yet), so the ack, the close, the timers, a late
// timer and an extension decided after the deadline each count it once.

func (s *Service) statMarks(ctx context.Context, tx *storage.Tx, id int64) (resp, due int, err error) {
	err = tx.QueryRow(ctx, `SELECT stat_response_day, stat_due_day FROM cases WHERE id = ?`, id).Scan(&resp, &due)
	return resp, due, err
}

// countResponse puts the case into its response cohort, if it is not in
// it yet: on the first acknowledgement (responded true, at now) or when
// the response deadline passed without one.
func (s *Service) countResponse(ctx context.Context, tx *storage.Tx, c Case, responded bool, now time.Time) error {
	if c.ResponseDue.IsZero() {
		return nil
	}
	mark, _, err := s.statMarks(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	day := mark
	if mark == 0 {
		day = s.day(c.ResponseDue)
		if err := s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "response_due", 1); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE cases SET stat_response_day = ? WHERE id = ?`, day, c.ID); err != nil {
			return err
		}
	}
	if responded && !now.After(c.ResponseDue) {
		return s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "responded_on_time", 1)
	}
	return nil
}

// countDue puts the current handling round into its due cohort, if it is
// not in it yet, dated by its resolution deadline: when the case closes
// (closed true, at now) or when the deadline passes.
func (s *Service) countDue(ctx context.Context, tx *storage.Tx, c Case, closed bool, now time.Time) error {
	if c.ResolveDue.IsZero() {
		return nil
	}
	_, mark, err := s.statMarks(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	day := mark
	if mark == 0 {
		day = s.day(c.ResolveDue)
		if err := s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "due", 1); err != nil {
			return err
		}
		if c.Extensions > 0 {
			if err := s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "due_extended", 1); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE cases SET stat_due_day = ? WHERE id = ?`, day, c.ID); err != nil {
			return err
		}
	}
	if !closed {
		return nil
	}
	if err := s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "due_closed", 1); err != nil {
		return err
	}
	if !now.After(c.ResolveDue) {
		return s.bump(ctx, tx, day, c.CommunityID, c.GridID, c.CategoryID, "closed_on_time", 1)
	}
	return nil
}

// uncountDue takes a round out of its due cohort again: an extension
// approved after the deadline passed gives the round a new deadline, on
// whose day it will be counted. c is the case before the extension.
func (s *Service) uncountDue(ctx context.Context, tx *storage.Tx, c Case) error {
	_, mark, err := s.statMarks(ctx, tx, c.ID)
	if err != nil || mark == 0 {
		return err
	}
	if err := s.bump(ctx, tx, mark, c.CommunityID, c.GridID, c.CategoryID, "due", -1); err != nil {
		return err
	}
	if c.Extensions > 0 {
		if err := s.bump(ctx, tx, mark, c.CommunityID, c.GridID, c.CategoryID, "due_extended", -1); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `UPDATE cases SET stat_due_day = 0 WHERE id = ?`, c.ID)
	return err
}
