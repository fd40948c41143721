package votes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/links"
	"linli/storage"
)

// canFollow reports whether the actor may record ballots and follow
// objections on the vote at path.
func canFollow(a *linli.Actor, path string) bool {
	return a.Can(linli.PermProjectsManage, path) || a.Can(linli.PermVisitsWrite, path)
}

// objectionFor loads an objection of the vote for a change, checking the
// actor.
func (s *Service) objectionFor(ctx context.Context, tx *storage.Tx, a *linli.Actor, voteID, objectionID int64) (Vote, bool, error) {
	v, err := s.vote(ctx, tx, voteID)
	if err != nil {
		return v, false, err
	}
	if !s.canRead(ctx, a, v.Path) {
		return v, false, errNotFound()
	}
	if !canFollow(a, v.Path) {
		return v, false, linli.Errorf(linli.EForbidden, "无权跟进异议 / not allowed to follow objections here")
	}
	var resolved int64
	err = tx.QueryRow(ctx, `SELECT resolved_at FROM vote_objections WHERE id = ? AND vote_id = ?`, objectionID, voteID).Scan(&resolved)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, linli.Errorf(linli.ENotFound, "异议不存在 / objection not found")
	}
	return v, resolved == 0, err
}

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	var v linli.Validation
	switch {
	case note == "":
		v.Add("note", "请填写跟进情况 / write what was done")
	case utf8.RuneCountInString(note) > 1000:
		v.Add("note", "不超过1000字 / at most 1000 characters")
	}
	return note, v.Err()
}

// AddObjectionNote records a follow-up on an objection ("看了施工图纸，了解
// 墙体加固方案"). Staff, grid workers, building and unit heads and
// residents' representatives in the scope may add one.
func (s *Service) AddObjectionNote(ctx context.Context, a *linli.Actor, voteID, objectionID int64, note string) (Objection, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		v, _, err := s.objectionFor(ctx, tx, a, voteID, objectionID)
		if err != nil {
			return err
		}
		if note, err = checkNote(note); err != nil {
			return err
		}
		return s.addNote(ctx, tx, a, v, objectionID, note)
	})
	if err != nil {
		return Objection{}, err
	}
	return s.objection(ctx, a, voteID, objectionID)
}

// ResolveObjection closes an objection by hand, with a note saying how it
// was settled: a staff decision, so the actor needs projects.manage (a
// grid worker, building or unit head or residents' representative may add
// notes, not close the owner's objection). An objection is also resolved
// by the owner's own online agree ballot, or staff's agree paper ballot
// with a reason (CastBallot).
func (s *Service) ResolveObjection(ctx context.Context, a *linli.Actor, voteID, objectionID int64, note string) (Objection, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		v, open, err := s.objectionFor(ctx, tx, a, voteID, objectionID)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermProjectsManage, v.Path) {
			return linli.Errorf(linli.EForbidden, "只有社区工作人员可以认定异议已解决 / only community staff may resolve an objection")
		}
		if note, err = checkNote(note); err != nil {
			return err
		}
		if !open {
			return linli.Errorf(linli.EConflict, "异议已解决 / the objection is already resolved")
		}
		return s.resolve(ctx, tx, a, v, objectionID, note, s.now())
	})
	if err != nil {
		return Objection{}, err
	}
	return s.objection(ctx, a, voteID, objectionID)
}

func (s *Service) addNote(ctx context.Context, tx *storage.Tx, a *linli.Actor, v Vote, objectionID int64, note string) error {
	now := s.now()
	id, err := tx.Insert(ctx, `INSERT INTO vote_objection_notes (objection_id, note, author, account_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		objectionID, note, actorName(a), accountID(a), storage.Millis(now))
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, a, now, audit.Change{Action: "vote.objection.note", Entity: "vote_objection", EntityID: objectionID, ScopePath: v.Path,
		Summary: "跟进异议：" + note, After: map[string]any{"note_id": id, "note": note}})
}

func (s *Service) resolve(ctx context.Context, tx *storage.Tx, a *linli.Actor, v Vote, objectionID int64, resolution string, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE vote_objections SET resolved_at = ?, resolution = ?, resolved_by = ? WHERE id = ? AND resolved_at = 0`,
		storage.Millis(at), resolution, actorName(a), objectionID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, a, at, audit.Change{Action: "vote.objection.resolve", Entity: "vote_objection", EntityID: objectionID, ScopePath: v.Path,
		Summary: fmt.Sprintf("异议已解决：%s", resolution)})
}

// objection returns one objection with its notes and visits.
func (s *Service) objection(ctx context.Context, a *linli.Actor, voteID, objectionID int64) (Objection, error) {
	v, err := s.Vote(ctx, a, voteID)
	if err != nil {
		return Objection{}, err
	}
	os, err := s.objections(ctx, a, v)
	if err != nil {
		return Objection{}, err
	}
	for _, o := range os {
		if o.ID == objectionID {
			return o, nil
		}
	}
	return Objection{}, linli.Errorf(linli.ENotFound, "异议不存在 / objection not found")
}

// objections lists a vote's objections, open ones first, with their notes
// and the household's visits about the matter, for those who may record
// ballots and follow objections (canFollow). A resident sees only those of
// the own household; other readers none.
func (s *Service) objections(ctx context.Context, a *linli.Actor, v Vote) ([]Objection, error) {
	staff := canFollow(a, v.Path)
	own := map[int64]bool{}
	for _, h := range s.ownHouseholdsUnder(ctx, a, v.Path) {
		own[h] = true
	}
	var all []Objection
	err := storage.Each(ctx, s.db, func(r *sql.Rows) error {
		o := Objection{VoteID: v.ID, Notes: []ObjectionNote{}, Visits: []links.Item{}}
		var opened, resolved int64
		if err := r.Scan(&o.ID, &o.HouseholdID, &o.BallotID, &o.Reason, &opened, &resolved, &o.Resolution, &o.ResolvedBy); err != nil {
			return err
		}
		o.OpenedAt, o.ResolvedAt = storage.FromMillis(opened), storage.FromMillis(resolved)
		if staff || own[o.HouseholdID] {
			all = append(all, o)
		}
		return nil
	}, `SELECT id, household_id, ballot_id, reason, opened_at, resolved_at, resolution, resolved_by
		FROM vote_objections WHERE vote_id = ? ORDER BY CASE WHEN resolved_at = 0 THEN 0 ELSE 1 END, id`, v.ID)
	if err != nil {
		return nil, err
	}
	// The households' labels in one read; an objection of a household
	// the register no longer holds is left out.
	ids := make([]int64, len(all))
	for i, o := range all {
		ids[i] = o.HouseholdID
	}
	hs, err := s.registry.HouseholdsAt(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	out := []Objection{}
	for _, o := range all {
		if h, ok := hs[o.HouseholdID]; ok {
			o.Household = h.Label()
			out = append(out, o)
		}
	}
	// The notes of all the vote's objections in one query (not one per
	// objection), given to the objections the actor sees.
	byID := make(map[int64]*Objection, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	if len(out) > 0 {
		err := storage.Each(ctx, s.db, func(r *sql.Rows) error {
			var n ObjectionNote
			var oid, at int64
			if err := r.Scan(&oid, &n.ID, &n.Note, &n.Author, &at); err != nil {
				return err
			}
			n.At = storage.FromMillis(at)
			if o := byID[oid]; o != nil {
				o.Notes = append(o.Notes, n)
			}
			return nil
		}, `SELECT n.objection_id, n.id, n.note, n.author, n.created_at
			FROM vote_objection_notes n JOIN vote_objections o ON o.id = n.objection_id
			WHERE o.vote_id = ? ORDER BY n.objection_id, n.id`, v.ID)
		if err != nil {
			return nil, err
		}
	}
	subject := visitSubject(v)
	for i := range out {
		if s.visits != nil {
			vs, err := s.visits.ForHousehold(ctx, a, subject, out[i].HouseholdID)
			if err != nil {
				return nil, err
			}
			if vs != nil {
				out[i].Visits = vs
			}
		}
	}
	return out, nil
}

// visitSubject is what a door-to-door visit about a vote's objection is
// about: the project the vote is held for, or the vote itself.
func visitSubject(v Vote) links.Ref {
	if v.ProjectID > 0 {
		return links.Ref{Kind: links.KindProject, ID: v.ProjectID}
	}
	return links.Ref{Kind: links.KindVote, ID: v.ID}
}
