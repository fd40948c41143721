package notices

import (
	"context"
	"fmt"
	"strconv"

	"linli"
	"linli/audit"
	"linli/jobs"
	"linli/storage"
)

// Withdraw takes back a scheduled notice before its time: its publication
// timer is cancelled, so it never reaches anyone. Only who may publish on
// the notice's places withdraws it; a published notice has reached people
// already and cannot be taken back (409).
func (s *Service) Withdraw(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	var n Notice
	var x access
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if n, x, err = s.readable(ctx, tx, a, id); err != nil {
			return err
		}
		if !x.manage {
			return linli.Errorf(linli.EForbidden, "无权撤回这条通知 / not allowed to withdraw this notice")
		}
		// Locked before the state is read, so the timer cannot publish it
		// between the check and the update.
		if n, err = s.get(ctx, tx, id, true); err != nil {
			return err
		}
		if n.State != Scheduled {
			return linli.Errorf(linli.EConflict, "只能撤回尚未发布的通知 / only a notice not yet published can be withdrawn")
		}
		if _, err := tx.Exec(ctx, `UPDATE notices SET state = ? WHERE id = ? AND state = ?`, string(Withdrawn), id, string(Scheduled)); err != nil {
			return err
		}
		if err := jobs.Cancel(ctx, tx, JobPublish, strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		n.State = Withdrawn
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "notice.withdraw", Entity: "notice", EntityID: id, ScopePath: n.Path,
			Summary: fmt.Sprintf("撤回定时通知「%s」", n.Title)})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, a, n, x)
}
