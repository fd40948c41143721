package projects

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/storage"
)

func (s *Service) milestones(ctx context.Context, q storage.Querier, projectID int64) ([]Milestone, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (Milestone, error) {
		var m Milestone
		var done int64
		err := rows.Scan(&m.ID, &m.ProjectID, &m.ParentID, &m.Title, &m.Weight, &m.Progress, &m.Sort, &done, &m.Due)
		m.DoneAt = storage.FromMillis(done)
		return m, err
	}, `SELECT id, project_id, parent_id, title, weight, progress, sort, done_at, due FROM project_milestones
		WHERE project_id = ? AND deleted_at = 0 ORDER BY sort, id`, projectID)
}

func errNoMilestone() error {
	return linli.Errorf(linli.ENotFound, "里程碑不存在 / milestone not found")
}

func (s *Service) milestone(ctx context.Context, q storage.Querier, projectID, id int64) (Milestone, error) {
	var m Milestone
	var done int64
	err := q.QueryRow(ctx, `SELECT id, project_id, parent_id, title, weight, progress, sort, done_at, due FROM project_milestones WHERE id = ? AND project_id = ? AND deleted_at = 0`,
		id, projectID).Scan(&m.ID, &m.ProjectID, &m.ParentID, &m.Title, &m.Weight, &m.Progress, &m.Sort, &done, &m.Due)
	if errors.Is(err, sql.ErrNoRows) {
		return m, errNoMilestone()
	}
	m.DoneAt = storage.FromMillis(done)
	return m, err
}

func (in *MilestoneInput) check() (int, error) {
	var v linli.Validation
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		v.Add("title", "请填写里程碑名称 / title is required")
	} else if utf8.RuneCountInString(in.Title) > 80 {
		v.Add("title", "名称不超过80字 / title is at most 80 characters")
	}
	w := 1
	if in.Weight != nil {
		w = *in.Weight
	}
	if w < 0 || w > 1000000 {
		v.Add("weight", "权重应为0到1000000的整数 / weight is an integer from 0 to 1000000")
	}
	in.Due = strings.TrimSpace(in.Due)
	if _, err := time.Parse("2006-01-02", in.Due); in.Due != "" && err != nil {
		v.Add("due", "日期格式如 2026-05-01 / a date like 2026-05-01")
	}
	return w, v.Err()
}

// AddMilestone adds a milestone, under ParentID when set.
func (s *Service) AddMilestone(ctx context.Context, a *linli.Actor, projectID int64, in MilestoneInput) (Milestone, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Milestone{}, err
	}
	w, err := in.check()
	if err != nil {
		return Milestone{}, err
	}
	if in.ParentID != 0 {
		if _, err := s.milestone(ctx, s.db, projectID, in.ParentID); err != nil {
			return Milestone{}, linli.Invalid("上级里程碑不存在 / parent not found", linli.FieldError{Field: "parent_id", Reason: "不存在 / not found"})
		}
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO project_milestones (project_id, parent_id, title, weight, sort, due, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			projectID, in.ParentID, in.Title, w, in.Sort, in.Due, storage.Millis(now), storage.Millis(now))
		if err != nil {
			return err
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "milestone.add", "新增里程碑："+in.Title, nil, map[string]any{"id": id, "parent_id": in.ParentID, "title": in.Title, "weight": w, "due": in.Due})
	})
	if err != nil {
		return Milestone{}, err
	}
	return s.milestoneView(ctx, projectID, id)
}

// UpdateMilestone renames, reweighs or re-sorts a milestone (its parent
// stays).
func (s *Service) UpdateMilestone(ctx context.Context, a *linli.Actor, projectID, id int64, in MilestoneInput) (Milestone, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Milestone{}, err
	}
	before, err := s.milestone(ctx, s.db, projectID, id)
	if err != nil {
		return before, err
	}
	w, err := in.check()
	if err != nil {
		return Milestone{}, err
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE project_milestones SET title = ?, weight = ?, sort = ?, due = ?, updated_at = ? WHERE id = ?`,
			in.Title, w, in.Sort, in.Due, storage.Millis(now), id); err != nil {
			return err
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "milestone.update", "修改里程碑："+in.Title, before, map[string]any{"title": in.Title, "weight": w, "sort": in.Sort, "due": in.Due})
	})
	if err != nil {
		return Milestone{}, err
	}
	return s.milestoneView(ctx, projectID, id)
}

// UndoWindow is how long a deleted milestone can be restored (the page's
// 撤销): the delete is kept, not erased, for that long at least.
const UndoWindow = 15 * time.Minute

// DeleteMilestone removes a milestone without children. The row is kept
// (deleted_at), so RestoreMilestone can undo it within UndoWindow.
func (s *Service) DeleteMilestone(ctx context.Context, a *linli.Actor, projectID, id int64) error {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return err
	}
	m, err := s.milestone(ctx, s.db, projectID, id)
	if err != nil {
		return err
	}
	var kids int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM project_milestones WHERE parent_id = ? AND project_id = ? AND deleted_at = 0`, id, projectID).Scan(&kids); err != nil {
		return err
	}
	if kids > 0 {
		return linli.Errorf(linli.EConflict, "请先删除下级里程碑 / delete its children first")
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE project_milestones SET deleted_at = ?, updated_at = ? WHERE id = ?`, storage.Millis(now), storage.Millis(now), id); err != nil {
			return err
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "milestone.delete", "删除里程碑："+m.Title, m, nil)
	})
}

// DeletedMilestones lists the project's milestones deleted within
// UndoWindow, newest first, for those who manage it (the undo buttons).
func (s *Service) DeletedMilestones(ctx context.Context, a *linli.Actor, projectID int64) ([]Milestone, error) {
	if _, err := s.manage(ctx, a, projectID); err != nil {
		return nil, err
	}
	return storage.Select(ctx, s.db, func(rows *sql.Rows) (Milestone, error) {
		var m Milestone
		var done int64
		err := rows.Scan(&m.ID, &m.ProjectID, &m.ParentID, &m.Title, &m.Weight, &m.Progress, &m.Sort, &done)
		m.DoneAt = storage.FromMillis(done)
		return m, err
	}, `SELECT id, project_id, parent_id, title, weight, progress, sort, done_at FROM project_milestones
		WHERE project_id = ? AND deleted_at >= ? ORDER BY deleted_at DESC, id DESC`, projectID, storage.Millis(s.now().Add(-UndoWindow)))
}

// RestoreMilestone undoes a deletion within UndoWindow. Its parent must
// be live (restore the parent first); later it is a 409.
func (s *Service) RestoreMilestone(ctx context.Context, a *linli.Actor, projectID, id int64) (Milestone, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Milestone{}, err
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var parent, deleted int64
		var title string
		err := tx.QueryRow(ctx, `SELECT parent_id, deleted_at, title FROM project_milestones WHERE id = ? AND project_id = ?`, id, projectID).Scan(&parent, &deleted, &title)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoMilestone()
		}
		if err != nil {
			return err
		}
		if deleted == 0 {
			return linli.Errorf(linli.EConflict, "里程碑没有被删除 / the milestone is not deleted")
		}
		if deleted < storage.Millis(now.Add(-UndoWindow)) {
			return linli.Errorf(linli.EConflict, "已超过撤销时限（%d分钟） / too late to undo (%d minutes)", int(UndoWindow.Minutes()), int(UndoWindow.Minutes()))
		}
		if parent != 0 {
			if _, err := s.milestone(ctx, tx, projectID, parent); err != nil {
				return linli.Errorf(linli.EConflict, "请先恢复上级里程碑 / restore its parent first")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE project_milestones SET deleted_at = 0, updated_at = ? WHERE id = ?`, storage.Millis(now), id); err != nil {
			return err
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "milestone.restore", "恢复里程碑："+title, nil, map[string]any{"id": id})
	})
	if err != nil {
		return Milestone{}, err
	}
	return s.milestoneView(ctx, projectID, id)
}

// SetProgress sets a leaf milestone's progress (0–100). When it reaches
// 100, it and every ancestor completed by it are posted to the update
// feed. The followers are notified only when a top-level milestone
// completes ("3单元电梯" done, not each of its dozen steps): a building's
// project carries hundreds of small steps, and a bell that rings for each
// of them is soon ignored, drowning the phase changes, the changed
// working hours and the answers to complaints that residents need to see.
// Progress short of 100 is not posted at all.
func (s *Service) SetProgress(ctx context.Context, a *linli.Actor, projectID, id int64, progress int) (Milestone, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Milestone{}, err
	}
	if progress < 0 || progress > 100 {
		return Milestone{}, linli.Invalid("进度应为0到100 / progress is 0 to 100", linli.FieldError{Field: "progress", Reason: "应为0到100 / 0 to 100"})
	}
	m, err := s.milestone(ctx, s.db, projectID, id)
	if err != nil {
		return m, err
	}
	all, err := s.milestones(ctx, s.db, projectID)
	if err != nil {
		return m, err
	}
	for _, x := range all {
		if x.ParentID == id {
			return m, linli.Errorf(linli.EConflict, "上级里程碑的进度由下级加权计算，不能直接设置 / a parent's progress comes from its children")
		}
	}
	beforeTree, _ := ComputeProgress(all)
	for i := range all {
		if all[i].ID == id {
			all[i].Progress = progress
		}
	}
	afterTree, _ := ComputeProgress(all)
	before, after := computedByID(beforeTree), computedByID(afterTree)
	var completed []Milestone
	for _, x := range Flatten(afterTree) {
		if after[x.ID] == 100 && before[x.ID] < 100 {
			completed = append(completed, x)
		}
	}
	now := s.now()
	ms := storage.Millis(now)
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE project_milestones SET progress = ?, updated_at = ? WHERE id = ?`, progress, ms, id); err != nil {
			return err
		}
		// done_at follows the computed value, for parents too.
		for mid, v := range after {
			if v == 100 && before[mid] < 100 {
				if _, err := tx.Exec(ctx, `UPDATE project_milestones SET done_at = ? WHERE id = ?`, ms, mid); err != nil {
					return err
				}
			} else if v < 100 && before[mid] == 100 {
				if _, err := tx.Exec(ctx, `UPDATE project_milestones SET done_at = 0 WHERE id = ?`, mid); err != nil {
					return err
				}
			}
		}
		// Every completion goes onto the feed; only a top-level one rings
		// the followers' bell (see SetProgress).
		for _, c := range completed {
			text := "里程碑完成：" + c.Title
			var err error
			if c.ParentID == 0 {
				err = s.post(ctx, tx, a, p, "milestone", text, now)
			} else {
				err = s.addUpdate(ctx, tx, a, p, "milestone", text, now)
			}
			if err != nil {
				return err
			}
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "milestone.progress", fmt.Sprintf("里程碑「%s」进度 %d%% → %d%%", m.Title, m.Progress, progress),
			map[string]any{"progress": m.Progress}, map[string]any{"progress": progress})
	})
	if err != nil {
		return Milestone{}, err
	}
	return s.milestoneView(ctx, projectID, id)
}

func computedByID(tree []Milestone) map[int64]int {
	out := map[int64]int{}
	for _, m := range Flatten(tree) {
		out[m.ID] = m.Computed
	}
	return out
}

// milestoneView returns a milestone as the page shows it: computed
// progress and its subtree.
func (s *Service) milestoneView(ctx context.Context, projectID, id int64) (Milestone, error) {
	all, err := s.milestones(ctx, s.db, projectID)
	if err != nil {
		return Milestone{}, err
	}
	tree, _ := ComputeProgress(all)
	var find func(ms []Milestone) (Milestone, bool)
	find = func(ms []Milestone) (Milestone, bool) {
		for _, m := range ms {
			if m.ID == id {
				return m, true
			}
			if x, ok := find(m.Children); ok {
				return x, true
			}
		}
		return Milestone{}, false
	}
	if m, ok := find(tree); ok {
		return m, nil
	}
	return Milestone{}, errNoMilestone()
}
