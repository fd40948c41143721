package campaigns

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"linli"
	"linli/audit"
	"linli/storage"
)

// CompleteInput is the inspector's word that a task was walked: how many
// of the households without a finding were not met (absent) and how many
// have no device to inspect. Households left over need a note.
type CompleteInput struct {
	Absent   int    `json:"absent"`
	NoDevice int    `json:"no_device"`
	Note     string `json:"note"`
}

// maxCompletionNote bounds the note (a few lines on a phone).
const maxCompletionNote = 500

// checkCompletion checks in against the task's households: counts not
// negative, absent and without a device no more than the households
// without a finding, and a note when some are left unaccounted for.
func checkCompletion(t Task, in CompleteInput) error {
	var fe []linli.FieldError
	left := max(t.Households-t.Inspected, 0)
	switch {
	case in.Absent < 0:
		fe = append(fe, linli.FieldError{Field: "absent", Reason: "不能为负数 / must not be negative"})
	case in.NoDevice < 0:
		fe = append(fe, linli.FieldError{Field: "no_device", Reason: "不能为负数 / must not be negative"})
	case in.Absent > left || in.NoDevice > left-in.Absent:
		// Compared without adding: two huge counts would wrap around to a
		// small (negative) sum and pass.
		sum := strconv.FormatUint(uint64(in.Absent)+uint64(in.NoDevice), 10)
		fe = append(fe, linli.FieldError{Field: "no_device",
			Reason: fmt.Sprintf("未遇和无设备合计 %s 户，多于未查的 %d 户 / absent and without a device add up to %s, more than the %d households not inspected", sum, left, sum, left)})
	case in.Absent+in.NoDevice < left && strings.TrimSpace(in.Note) == "":
		fe = append(fe, linli.FieldError{Field: "note",
			Reason: fmt.Sprintf("还有 %d 户既未查也未说明，请写明情况 / %d households are neither inspected nor accounted for: say why", left-in.Absent-in.NoDevice, left-in.Absent-in.NoDevice)})
	}
	if len([]rune(in.Note)) > maxCompletionNote {
		fe = append(fe, linli.FieldError{Field: "note", Reason: fmt.Sprintf("最多 %d 字 / at most %d characters", maxCompletionNote, maxCompletionNote)})
	}
	if len(fe) > 0 {
		return linli.Invalid("请核对完成情况 / check the completion", fe...)
	}
	return nil
}

// CompleteTask marks a task walked, for the people on it and those who
// run the campaign, while the campaign is active. The board counts a place
// done when every task walking it is complete (or every household has a
// finding). Completing again replaces the counts; audited.
func (s *Service) CompleteTask(ctx context.Context, a *linli.Actor, taskID int64, in CompleteInput) (Task, error) {
	in.Note = strings.TrimSpace(in.Note)
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		t, err := s.walkersTask(ctx, tx, a, taskID, taskColumns, "完成任务 / complete a task")
		if err != nil {
			return err
		}
		if err := checkCompletion(t, in); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaign_tasks SET completed_at = ?, completed_by = ?, absent = ?, no_device = ?, completion_note = ?, updated_at = ? WHERE id = ?`,
			ms(now), a.AccountID, in.Absent, in.NoDevice, in.Note, ms(now), taskID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_task.complete", Entity: "campaign_task", EntityID: taskID, ScopePath: t.Path,
			Summary:   fmt.Sprintf("任务「%s」已走完：已查 %d 户，未遇 %d 户，无设备 %d 户", t.Title, t.Inspected, in.Absent, in.NoDevice),
			SummaryEN: fmt.Sprintf("Task %q walked: %d households inspected, %d absent, %d without a device", t.Title, t.Inspected, in.Absent, in.NoDevice),
			After:     in})
	})
	if err != nil {
		return Task{}, err
	}
	return s.task(ctx, s.db, taskID)
}

// ReopenTask takes a task's completion back (the same people may), while
// the campaign is active; audited.
func (s *Service) ReopenTask(ctx context.Context, a *linli.Actor, taskID int64) (Task, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		t, err := s.walkersTask(ctx, tx, a, taskID, taskLightColumns, "重开任务 / reopen a task")
		if err != nil {
			return err
		}
		if t.CompletedAt == nil {
			return linli.Errorf(linli.EConflict, "任务尚未完成 / the task is not complete")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaign_tasks SET completed_at = 0, completed_by = 0, absent = 0, no_device = 0, completion_note = '', updated_at = ? WHERE id = ?`,
			ms(now), taskID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_task.reopen", Entity: "campaign_task", EntityID: taskID, ScopePath: t.Path,
			Summary: "任务「" + t.Title + "」重新打开", SummaryEN: fmt.Sprintf("Task %q reopened", t.Title),
			Before: CompleteInput{Absent: t.Absent, NoDevice: t.NoDevice, Note: t.CompletionNote}})
	})
	if err != nil {
		return Task{}, err
	}
	return s.task(ctx, s.db, taskID)
}

// walkersTask loads a task for those who walk it or run the campaign,
// while the campaign is active (what names the refused action).
func (s *Service) walkersTask(ctx context.Context, q storage.Querier, a *linli.Actor, id int64, columns, what string) (Task, error) {
	t, c, x, err := s.taskFor(ctx, q, a, id, columns)
	if err != nil {
		return t, err
	}
	if !x.manage && !t.onTask(a.AccountID) {
		return t, linli.Errorf(linli.EForbidden, "这不是您的任务 / this task is not yours")
	}
	if c.State != Active {
		return t, errState(c, what)
	}
	return t, nil
}
