package projects

import (
	"context"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/storage"
)

// Follow subscribes the actor to a project's updates (in-app). Anyone who
// may see the project may follow it; following twice is not an error.
func (s *Service) Follow(ctx context.Context, a *linli.Actor, projectID int64) error {
	p, err := s.view(ctx, a, projectID)
	if err != nil {
		return err
	}
	if a.AccountID == 0 {
		return linli.Errorf(linli.EForbidden, "只有账号可以关注 / only accounts can follow")
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM project_followers WHERE project_id = ? AND account_id = ?`, p.ID, a.AccountID).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_followers (project_id, account_id, created_at) VALUES (?, ?, ?)`, p.ID, a.AccountID, storage.Millis(now)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "follow", actorName(a)+" 关注了项目", nil, nil)
	})
}

// Unfollow ends the subscription.
func (s *Service) Unfollow(ctx context.Context, a *linli.Actor, projectID int64) error {
	p, err := s.view(ctx, a, projectID)
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM project_followers WHERE project_id = ? AND account_id = ?`, p.ID, a.AccountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.record(ctx, tx, a, now, p, "unfollow", actorName(a)+" 取消关注项目", nil, nil)
	})
}

// PostUpdate adds a note to the update feed ("1单元电梯井道开挖完成") and
// tells the followers.
func (s *Service) PostUpdate(ctx context.Context, a *linli.Actor, projectID int64, text string) (Update, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Update{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 500 {
		return Update{}, linli.Invalid("请填写动态内容（不超过500字） / text is required, at most 500 characters",
			linli.FieldError{Field: "text", Reason: "必填，不超过500字 / required, at most 500 characters"})
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if err := s.post(ctx, tx, a, p, "note", text, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "update", "项目动态："+text, nil, nil)
	})
	if err != nil {
		return Update{}, err
	}
	us, err := s.updates(ctx, p.ID)
	if err != nil || len(us) == 0 {
		return Update{}, err
	}
	return us[0], nil
}
