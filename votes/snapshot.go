package votes

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"linli"
	"linli/audit"
	"linli/jobs"
	"linli/registry/ledger"
	"linli/storage"
	"linli/webhooks"
)

// A closed vote is a legal record: its tally, and the bills of a cost plan
// made from it, must not move when the register changes afterwards (an
// area corrected, a household added, owners changed). So when a vote
// closes its electorate is frozen into vote_snapshot_households, and a
// closed vote is always counted from there.
//
// The freeze happens once, in a transaction, whichever comes first:
//   - CloseVote (a manager ends the vote early);
//   - the "votes.close" timer, scheduled at closes_at by CreateVote;
//   - the first read of the vote after closes_at (complete): the timer may
//     not have run yet (the server was down, or the demo story made the
//     vote in the past), and a reader must never count a closed vote from
//     the live register.
//
// Readers of a vote therefore may write. A caller holding a write
// transaction must pass it (the storage.Querier) rather than read through s.db:
// on SQLite a second write transaction would wait for the first forever.

// CloseJob is the kind of the timer that freezes a vote's electorate at
// its closing time; its key is the vote id.
const CloseJob = "votes.close"

// freezeVia freezes v's electorate in q when q is a transaction, else in a
// transaction of its own. It returns when the electorate was frozen.
func (s *Service) freezeVia(ctx context.Context, q storage.Querier, a *linli.Actor, v Vote) (time.Time, error) {
	if tx, ok := q.(*storage.Tx); ok {
		return s.freeze(ctx, tx, a, v)
	}
	var at time.Time
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		at, err = s.freeze(ctx, tx, a, v)
		return err
	})
	return at, err
}

// freeze stores the electorate of v as the register holds it now, unless
// it is stored already (then it returns the earlier time): idempotent,
// and safe when two readers race to it (the snapshot row is claimed with
// ON CONFLICT DO NOTHING, the loser stores nothing).
func (s *Service) freeze(ctx context.Context, tx *storage.Tx, a *linli.Actor, v Vote) (time.Time, error) {
	now := s.now()
	res, err := tx.Exec(ctx, `INSERT INTO vote_snapshots (vote_id, taken_at, households, area_centi) VALUES (?, ?, 0, 0)
		ON CONFLICT (vote_id) DO NOTHING`, v.ID, storage.Millis(now))
	if err != nil {
		return time.Time{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return time.Time{}, err
	} else if n == 0 {
		var at int64
		if err := tx.QueryRow(ctx, `SELECT taken_at FROM vote_snapshots WHERE vote_id = ?`, v.ID).Scan(&at); err != nil {
			return time.Time{}, err
		}
		return storage.FromMillis(at), nil
	}
	hs, err := s.electorateOf(ctx, tx, v.Path)
	if err != nil {
		return time.Time{}, err
	}
	owners, err := s.registry.OwnersUnder(ctx, tx, v.Path)
	if err != nil {
		return time.Time{}, err
	}
	hs = withOwners(hs, owners)
	required := map[int64]bool{}
	for _, h := range v.Required {
		required[h] = true
	}
	var area int64
	for i, h := range hs {
		area += h.AreaCenti
		if _, err := tx.Exec(ctx, `INSERT INTO vote_snapshot_households (vote_id, household_id, seq, path, building, unit, room, floor, area_centi, owners, required, owner_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, h.ID, i, h.Path, h.Building, h.Unit, h.Room, h.Floor, h.AreaCenti,
			len(owners[h.ID]), storage.Int(required[h.ID]), h.OwnerKey); err != nil {
			return time.Time{}, err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE vote_snapshots SET households = ?, area_centi = ? WHERE vote_id = ?`, len(hs), area, v.ID); err != nil {
		return time.Time{}, err
	}
	if err := jobs.Cancel(ctx, tx, CloseJob, strconv.FormatInt(v.ID, 10)); err != nil {
		return time.Time{}, err
	}
	at := storage.FromMillis(storage.Millis(now))
	closed := now
	if !v.ClosesAt.IsZero() && v.ClosesAt.Before(now) {
		closed = v.ClosesAt // the timer, or the first read after it
	}
	// The event carries the tally over the electorate just frozen, counted
	// only when a subscription wants it.
	err = webhooks.EmitFunc(ctx, tx, webhooks.VoteClosed, func() (webhooks.Event, error) {
		choices, err := currentChoices(ctx, tx, v.ID)
		if err != nil {
			return webhooks.Event{}, err
		}
		return webhooks.Event{At: now, Path: v.Path, CommunityID: v.CommunityID, Subject: fmt.Sprintf("vote:%d", v.ID),
			Data: webhooks.VoteData{VoteID: v.ID, Title: v.Title, CommunityID: v.CommunityID, ScopeID: v.ScopeID, ProjectID: v.ProjectID,
				ClosedAt: closed.UTC(), Tally: webhookTally(evaluate(v, hs, choices))}}, nil
	})
	if err != nil {
		return time.Time{}, err
	}
	return at, audit.Record(ctx, tx, a, now, audit.Change{Action: "vote.snapshot", Entity: "vote", EntityID: v.ID, ScopePath: v.Path,
		Summary: fmt.Sprintf("表决「%s」结束，冻结表决名册：%d户，专有面积%s㎡", v.Title, len(hs), ledger.FormatArea(area)),
		After:   map[string]any{"households": len(hs), "area_centi": area, "taken_at": at}})
}

// webhookTally is a tally as the vote.closed event carries it: counts,
// areas and shares, no household named.
func webhookTally(t Tally) webhooks.VoteTally {
	return webhooks.VoteTally{Households: t.Households, For: t.Agree, Against: t.Disagree, Abstain: t.Abstain,
		NoBallot:    t.Households - t.Agree - t.Disagree - t.Abstain,
		TotalOwners: t.TotalOwners, ParticipatingOwners: t.ParticipatingOwners, AgreeOwners: t.AgreeOwners,
		TotalAreaCenti: t.TotalAreaCenti, ParticipatingAreaCenti: t.ParticipatingAreaCenti, AgreeAreaCenti: t.AgreeAreaCenti,
		ParticipationAreaShare:  webhooks.Share(t.ParticipatingAreaCenti, t.TotalAreaCenti),
		ParticipationOwnerShare: webhooks.Share(t.ParticipatingOwners, t.TotalOwners),
		ApprovalAreaShare:       webhooks.Share(t.AgreeAreaCenti, t.ParticipatingAreaCenti),
		ApprovalOwnerShare:      webhooks.Share(t.AgreeOwners, t.ParticipatingOwners),
		Passed:                  t.Valid}
}

// snapshotOf reads the frozen electorate of a vote, in register order,
// with who owned each household when it closed (owner_key: the households
// of one owner count as one in the headcount). The owners and required
// columns are part of the record (what the register said when the vote
// closed); the count does not need them: a household is one owner
// however many co-own it, and the required households are the vote's.
func snapshotOf(ctx context.Context, q storage.Querier, voteID int64) ([]electorate, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (electorate, error) {
		var e electorate
		err := r.Scan(&e.ID, &e.Path, &e.Unit, &e.Building, &e.Floor, &e.Room, &e.AreaCenti, &e.OwnerKey)
		return e, err
	}, `SELECT household_id, path, unit, building, floor, room, area_centi, owner_key
		FROM vote_snapshot_households WHERE vote_id = ? ORDER BY seq`, voteID)
}

// voters is the electorate a vote is counted over, with who owns each
// household: the frozen one once the vote is closed (complete froze it),
// the register's while it is pending or open.
func (s *Service) voters(ctx context.Context, q storage.Querier, v Vote) ([]electorate, error) {
	if !v.SnapshotAt.IsZero() {
		return snapshotOf(ctx, q, v.ID)
	}
	hs, err := s.electorateOf(ctx, q, v.Path)
	if err != nil {
		return nil, err
	}
	owners, err := s.registry.OwnersUnder(ctx, q, v.Path)
	if err != nil {
		return nil, err
	}
	return withOwners(hs, owners), nil
}

// closeJob is the "votes.close" timer: it freezes the vote's electorate
// (complete does, reading the closed vote in the job's transaction).
func (s *Service) closeJob(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return nil // not a vote id: nothing to freeze
	}
	v, err := s.vote(ctx, tx, id)
	if linli.ErrorCode(err) == linli.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if v.State != StateClosed { // run early (clocks apart): try again at the closing time
		return jobs.Schedule(ctx, tx, CloseJob, j.Key, v.ClosesAt, nil)
	}
	return nil
}
