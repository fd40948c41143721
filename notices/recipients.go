package notices

import (
	"cmp"
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
	"linli/registry"
	"linli/storage"
)

// status is a recipient's furthest step (a rule, no I/O).
func (r RecipientRow) status() Status {
	switch {
	case !r.AckedAt.IsZero():
		return Acknowledged
	case !r.ReadAt.IsZero():
		return Read
	case !r.DeliveredAt.IsZero():
		return Delivered
	case !r.SentAt.IsZero():
		return Sent
	case r.Channel == "none":
		return Unsent
	}
	return Pending
}

// reached reports whether the notice has reached the recipient: read
// (acknowledged, where that is required), or told by a call.
func reached(r RecipientRow, ackRequired bool) bool {
	if !r.callAt.IsZero() {
		return true
	}
	if ackRequired {
		return !r.AckedAt.IsZero()
	}
	return !r.ReadAt.IsZero() || !r.AckedAt.IsZero()
}

// rows reads the recipients of a notice the access covers, with their
// delivery and calls, in building and room order.
func (s *Service) rows(ctx context.Context, q storage.Querier, n Notice, x access, withCalls bool) ([]RecipientRow, error) {
	rs, err := storage.Select(ctx, q, func(r *sql.Rows) (RecipientRow, error) {
		var x RecipientRow
		var sent, read, acked, call int64
		err := r.Scan(&x.ID, &x.AccountID, &x.HouseholdID, &x.path, &x.Name, &x.phone, &x.Channel, &x.outboxID, &x.Building, &x.Room,
			&sent, &read, &acked, &call)
		x.SentAt, x.ReadAt, x.AckedAt, x.callAt = storage.FromMillis(sent), storage.FromMillis(read), storage.FromMillis(acked), storage.FromMillis(call)
		return x, err
	}, `SELECT id, account_id, household_id, path, name, phone, channel, outbox_id, building, room, sent_at, read_at, acked_at, reached_by_call
		FROM notice_recipients WHERE notice_id = ? ORDER BY building, room, id`, n.ID)
	if err != nil {
		return nil, err
	}
	rs = slices.DeleteFunc(rs, func(r RecipientRow) bool { return !x.within(r.path) })
	var outbox []int64
	for i := range rs {
		if rs[i].Channel == "app" {
			rs[i].DeliveredAt = rs[i].SentAt // in-app: on the bell at once
		}
		if rs[i].outboxID != 0 {
			outbox = append(outbox, rs[i].outboxID)
		}
	}
	sent, err := deliveredAt(ctx, q, outbox)
	if err != nil {
		return nil, err
	}
	var calls map[int64][]Call
	accountPhones := map[int64]string{}
	if withCalls { // the follow-up lists: calls, and the masked number of accounts to call
		if calls, err = s.calls(ctx, q, n.ID); err != nil {
			return nil, err
		}
		var accs []int64
		for _, r := range rs {
			if r.phone == "" && r.AccountID != 0 {
				accs = append(accs, r.AccountID)
			}
		}
		hs, err := s.au.HoldersAt(ctx, q, accs)
		if err != nil {
			return nil, err
		}
		for id, h := range hs {
			accountPhones[id] = h.Phone
		}
	}
	for i := range rs {
		r := &rs[i]
		if at, ok := sent[r.outboxID]; ok && r.outboxID != 0 {
			r.DeliveredAt = at
		}
		r.Status, r.Reached, r.Calls = r.status(), reached(*r, n.AckRequired), calls[r.ID]
		if ph := cmp.Or(r.phone, accountPhones[r.AccountID]); ph != "" {
			r.PhoneMasked = registry.MaskPhone(ph)
		}
	}
	return rs, nil
}

// calls reads the call log of a notice by recipient, oldest first.
func (s *Service) calls(ctx context.Context, q storage.Querier, noticeID int64) (map[int64][]Call, error) {
	out := map[int64][]Call{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		var c Call
		var rid, at int64
		if err := r.Scan(&c.ID, &rid, &c.Outcome, &c.Note, &c.By, &at); err != nil {
			return err
		}
		c.At = storage.FromMillis(at)
		out[rid] = append(out[rid], c)
		return nil
	}, `SELECT id, recipient_id, outcome, note, by_name, at FROM notice_calls WHERE notice_id = ? ORDER BY at, id`, noticeID)
	return out, err
}

// reachOf counts rows by status.
func reachOf(rs []RecipientRow) Reach {
	var r Reach
	for _, x := range rs {
		r.Total++
		st := x.status()
		if st != Unsent && st != Pending {
			r.Sent++
		}
		if st == Delivered || st == Read || st == Acknowledged {
			r.Delivered++
		}
		if st == Read || st == Acknowledged {
			r.Read++
		}
		if st == Acknowledged {
			r.Acknowledged++
		}
		if x.Reached {
			r.Reached++
		}
		if !x.callAt.IsZero() {
			r.Called++
		}
	}
	return r
}

// Get returns a notice the actor may see. A recipient opening it is
// marked as having read it.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	n, x, err := s.readable(ctx, s.db, a, id)
	if err != nil {
		return Detail{}, err
	}
	if x.mine {
		if err := s.markRead(ctx, a, n); err != nil {
			return Detail{}, err
		}
	}
	return s.detail(ctx, a, n, x)
}

func (s *Service) detail(ctx context.Context, a *linli.Actor, n Notice, x access) (Detail, error) {
	d := Detail{Notice: n, CanManage: x.manage, CanFollow: x.manage || len(x.follow) > 0}
	var err error
	if d.Files, err = attach.List(ctx, s.db, "notice", n.ID); err != nil {
		return d, err
	}
	if d.CanFollow {
		rs, err := s.rows(ctx, s.db, n, x, false)
		if err != nil {
			return d, err
		}
		r := reachOf(rs)
		d.Reach = &r
	}
	if x.mine {
		mine, err := s.rows(ctx, s.db, n, access{manage: true}, false)
		if err != nil {
			return d, err
		}
		ids, err := s.myRecipients(ctx, s.db, a, n.ID)
		if err != nil {
			return d, err
		}
		for _, r := range mine {
			if slices.Contains(ids, r.ID) && (d.Mine == nil || r.Status.rank() > d.Mine.rank()) {
				st := r.Status
				d.Mine = &st
			}
		}
		d.MustAck = n.AckRequired && d.Mine != nil && *d.Mine != Acknowledged
	}
	return d, nil
}

// markRead records that the actor opened the notice (the first time
// only), and marks their bell notification about it read.
func (s *Service) markRead(ctx context.Context, a *linli.Actor, n Notice) error {
	ids, err := s.myRecipients(ctx, s.db, a, n.ID)
	if err != nil || len(ids) == 0 {
		return err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE notice_recipients SET read_at = ? WHERE read_at = 0 AND id IN (`+storage.Placeholders(len(ids))+`)`,
			append([]any{storage.Millis(s.now())}, storage.Args(ids)...)...)
		return err
	})
	if err != nil || s.cases == nil {
		return err
	}
	return s.cases.MarkRefRead(ctx, a, "notice", n.ID)
}

// Acknowledge records the actor's 我已知晓 on a notice that asks for it.
func (s *Service) Acknowledge(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	var n Notice
	var x access
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if n, x, err = s.readable(ctx, tx, a, id); err != nil {
			return err
		}
		if !x.mine {
			return linli.Errorf(linli.EForbidden, "您不是这条通知的接收人 / you are not a recipient of this notice")
		}
		if !n.AckRequired {
			return linli.Errorf(linli.EConflict, "这条通知无需确认 / this notice asks for no acknowledgement")
		}
		ids, err := s.myRecipients(ctx, tx, a, id)
		if err != nil {
			return err
		}
		now := storage.Millis(s.now())
		args := append([]any{now, now}, storage.Args(ids)...)
		res, err := tx.Exec(ctx, `UPDATE notice_recipients SET acked_at = ?, read_at = CASE WHEN read_at = 0 THEN ? ELSE read_at END
			WHERE acked_at = 0 AND id IN (`+storage.Placeholders(len(ids))+`)`, args...)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil // acknowledged before: nothing changes, nothing recorded
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "notice.ack", Entity: "notice", EntityID: id, ScopePath: n.Path,
			Summary: fmt.Sprintf("确认知晓通知「%s」", n.Title)})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, a, n, x)
}

// followed loads a notice for following up: 404 unless the actor
// publishes on it or follows people it targets.
func (s *Service) followed(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) (Notice, access, error) {
	n, x, err := s.readable(ctx, q, a, id)
	if err != nil {
		return n, x, err
	}
	if !x.manage && len(x.follow) == 0 {
		return Notice{}, x, errNotFound()
	}
	return n, x, nil
}

// Recipients lists the recipients the actor follows, with the counts.
func (s *Service) Recipients(ctx context.Context, a *linli.Actor, id int64) ([]RecipientRow, Reach, error) {
	n, x, err := s.followed(ctx, s.db, a, id)
	if err != nil {
		return nil, Reach{}, err
	}
	rs, err := s.rows(ctx, s.db, n, x, true)
	if err != nil {
		return nil, Reach{}, err
	}
	return rs, reachOf(rs), nil
}

// Unreached is the 未触达 list: by building, the recipients the notice has
// not reached, with each building's total and reached counts.
func (s *Service) Unreached(ctx context.Context, a *linli.Actor, id int64) (Notice, []Group, error) {
	n, x, err := s.followed(ctx, s.db, a, id)
	if err != nil {
		return n, nil, err
	}
	rs, err := s.rows(ctx, s.db, n, x, true)
	if err != nil {
		return n, nil, err
	}
	return n, groupUnreached(rs), nil
}

// groupUnreached groups rows by building, keeping only the buildings with
// someone to reach; staff (no building) come last.
func groupUnreached(rs []RecipientRow) []Group {
	var gs []Group
	idx := map[string]int{}
	for _, r := range rs {
		i, ok := idx[r.Building]
		if !ok {
			i = len(gs)
			idx[r.Building] = i
			gs = append(gs, Group{Building: r.Building})
		}
		g := &gs[i]
		g.Total++
		if r.Reached {
			g.Reached++
		} else {
			g.Rows = append(g.Rows, r)
		}
	}
	gs = slices.DeleteFunc(gs, func(g Group) bool { return len(g.Rows) == 0 })
	slices.SortStableFunc(gs, func(x, y Group) int {
		if (x.Building == "") != (y.Building == "") {
			if x.Building == "" {
				return 1
			}
			return -1
		}
		return cmp.Compare(x.Building, y.Building)
	})
	return gs
}

// recipient loads one recipient row of a notice the actor follows; a row
// outside their scope is a 404.
func (s *Service) recipient(ctx context.Context, q storage.Querier, a *linli.Actor, id, rid int64) (Notice, RecipientRow, error) {
	n, x, err := s.followed(ctx, q, a, id)
	if err != nil {
		return n, RecipientRow{}, err
	}
	rs, err := s.rows(ctx, q, n, x, false)
	if err != nil {
		return n, RecipientRow{}, err
	}
	for _, r := range rs {
		if r.ID == rid {
			return n, r, nil
		}
	}
	return n, RecipientRow{}, linli.Errorf(linli.ENotFound, "接收人不存在 / recipient not found")
}

// LogCall records a phone call to a recipient (电话告知). A call that
// reached them (已接通, 表示会处理) counts the recipient as reached.
func (s *Service) LogCall(ctx context.Context, a *linli.Actor, id, rid int64, in CallInput) (Call, error) {
	var v linli.Validation
	in.Note = strings.TrimSpace(in.Note)
	if !in.Outcome.Valid() {
		v.Add("outcome", "请选择通话结果：已接通、无人接听、号码错误或表示会处理 / choose reached, no_answer, wrong_number or will_fix")
	}
	if len(in.IdempotencyKey) > 100 {
		v.Add("idempotency_key", "不超过100个字符 / at most 100 characters")
	}
	if utf8.RuneCountInString(in.Note) > maxNote {
		v.Add("note", fmt.Sprintf("备注不超过%d字 / at most %d characters", maxNote, maxNote))
	}
	if err := v.Err(); err != nil {
		return Call{}, err
	}
	c := Call{Outcome: in.Outcome, Note: in.Note, By: a.DisplayName, At: s.now()}
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		n, r, err := s.recipient(ctx, tx, a, id, rid)
		if err != nil {
			return err
		}
		if n.State != Published {
			return linli.Errorf(linli.EConflict, "通知尚未发布 / the notice is not published yet")
		}
		if !a.Can(linli.PermVisitsWrite, r.path) && !mayPublish(a, n.Path) {
			return linli.Errorf(linli.EForbidden, "无权记录电话告知 / not allowed to log calls")
		}
		if in.IdempotencyKey != "" {
			var seen Call
			var at, seenRid int64
			err := tx.QueryRow(ctx, `SELECT id, recipient_id, outcome, note, by_name, at FROM notice_calls WHERE by_account = ? AND idempotency_key = ?`,
				a.AccountID, in.IdempotencyKey).Scan(&seen.ID, &seenRid, &seen.Outcome, &seen.Note, &seen.By, &at)
			if err == nil {
				if seenRid != rid {
					return linli.Errorf(linli.EConflict, "这个提交编号已用于另一位接收人 / this idempotency key was used for another recipient")
				}
				seen.At, seen.Replayed = storage.FromMillis(at), true
				c = seen
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		at := storage.Millis(c.At)
		if c.ID, err = tx.Insert(ctx, `INSERT INTO notice_calls (notice_id, recipient_id, outcome, note, by_account, by_name, at, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, rid, string(in.Outcome), in.Note, a.AccountID, c.By, at, in.IdempotencyKey); err != nil {
			return err
		}
		if in.Outcome.Reaches() {
			if _, err := tx.Exec(ctx, `UPDATE notice_recipients SET reached_by_call = ? WHERE id = ? AND reached_by_call = 0`, at, rid); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, c.At, audit.Change{Action: "notice.call", Entity: "notice", EntityID: id, ScopePath: r.path,
			Summary: fmt.Sprintf("电话告知「%s」%s %s：%s", n.Title, r.Building, r.Room, in.Outcome.Label()), After: in})
	})
	return c, err
}

// RevealPhone returns a recipient's full number to someone who must call
// them (people.reveal where the recipient is) and records the reading.
func (s *Service) RevealPhone(ctx context.Context, a *linli.Actor, id, rid int64) (string, error) {
	var phone string
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		n, r, err := s.recipient(ctx, tx, a, id, rid)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermPeopleReveal, r.path) {
			return linli.Errorf(linli.EForbidden, "无权查看完整手机号 / not allowed to see the full number")
		}
		phone = r.phone
		if phone == "" && r.AccountID != 0 {
			h, err := s.au.HolderAt(ctx, tx, r.AccountID)
			if err != nil {
				return err
			}
			phone = h.Phone
		}
		if phone == "" {
			return linli.Errorf(linli.ENotFound, "没有登记电话 / no phone number on file")
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "notice.reveal_phone", Read: true, Entity: "notice", EntityID: n.ID, ScopePath: r.path,
			Summary: fmt.Sprintf("为电话告知查看「%s」%s %s的完整手机号", r.Name, r.Building, r.Room)})
	})
	return phone, err
}
