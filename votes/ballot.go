package votes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/consent"
	"linli/storage"
)

// CastBallot records a household's ballot. A household may change its
// ballot while the vote is open: the new ballot is added and counted, the
// earlier ones stay as its history.
//
//   - paper: staff (projects.manage) or a grid worker, building or unit head
//     or residents' representative (visits.write) in the scope records a
//     paper ballot collected in person, naming the collector;
//   - online: the owner casts it from an account whose resident grant is on
//     the household and who is registered as an owner member of it.
//
// Before opens_at, at or after closes_at, or once the vote is closed:
// 409. A disagree ballot with a reason opens an objection; an agree ballot
// resolves the household's open objection ("改投同意").
func (s *Service) CastBallot(ctx context.Context, a *linli.Actor, voteID int64, in BallotInput) (Ballot, error) {
	var out Ballot
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		v, err := s.vote(ctx, tx, voteID)
		if err != nil {
			return err
		}
		if !s.canRead(ctx, a, v.Path) {
			return errNotFound()
		}
		in.Reason = strings.TrimSpace(in.Reason)
		in.Collector = strings.TrimSpace(in.Collector)
		var val linli.Validation
		switch in.Method {
		case MethodPaper:
			if !a.Can(linli.PermProjectsManage, v.Path) && !a.Can(linli.PermVisitsWrite, v.Path) {
				return linli.Errorf(linli.EForbidden, "无权登记纸质表决票 / not allowed to record paper ballots here")
			}
			if in.Collector == "" {
				val.Add("collector", "请填写收票人姓名 / name who collected the ballot")
			} else if utf8.RuneCountInString(in.Collector) > 30 {
				val.Add("collector", "收票人姓名不超过30字 / at most 30 characters")
			}
		case MethodOnline:
			in.Collector = ""
			if in.HouseholdID == 0 {
				own := s.ownHouseholdsUnder(ctx, a, v.Path)
				if len(own) == 0 {
					return linli.Errorf(linli.EForbidden, "只有该户登记的业主本人可以网上投票 / only a registered owner of the household may vote online for it")
				}
				if len(own) == 1 {
					in.HouseholdID = own[0]
				}
			}
			if in.HouseholdID != 0 {
				ok, err := s.isOwner(ctx, tx, a, in.HouseholdID)
				if err != nil {
					return err
				}
				if !ok {
					return linli.Errorf(linli.EForbidden, "只有该户登记的业主本人可以网上投票 / only a registered owner of the household may vote online for it")
				}
			}
		default:
			val.Add("method", "投票方式应为paper或online / method must be paper or online")
		}
		switch in.Choice {
		case consent.Agree, consent.Disagree, consent.Abstain:
		default:
			val.Add("choice", "请选择同意、反对或弃权 / choose agree, disagree or abstain")
		}
		if utf8.RuneCountInString(in.Reason) > 500 {
			val.Add("reason", "理由不超过500字 / reason is at most 500 characters")
		}
		var label string
		if in.HouseholdID == 0 {
			val.Add("household_id", "请选择住户 / choose a household")
		} else {
			var err error
			if label, err = householdIn(ctx, tx, in.HouseholdID, v.Path); err != nil {
				return err
			}
			if label == "" {
				val.Add("household_id", "该住户不在表决范围内 / the household is not in the vote's scope")
			}
		}
		// Time is checked before the content: a late ballot is refused
		// whatever it says.
		now := s.now()
		switch {
		case !v.ClosedAt.IsZero():
			return linli.Errorf(linli.EConflict, "表决已结束，不能再投票 / the vote is closed")
		case now.Before(v.OpensAt):
			return linli.Errorf(linli.EConflict, "表决尚未开始（%s开始） / the vote opens at %s",
				v.OpensAt.In(s.Zone).Format("2006-01-02 15:04"), v.OpensAt.In(s.Zone).Format("2006-01-02 15:04"))
		case !now.Before(v.ClosesAt):
			return linli.Errorf(linli.EConflict, "表决已于%s截止 / the vote closed at %s",
				v.ClosesAt.In(s.Zone).Format("2006-01-02 15:04"), v.ClosesAt.In(s.Zone).Format("2006-01-02 15:04"))
		}
		if err := val.Err(); err != nil {
			return err
		}
		id, err := tx.Insert(ctx, `INSERT INTO vote_ballots (vote_id, household_id, choice, reason, method, collector, account_id, recorded_by, cast_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, in.HouseholdID, string(in.Choice), in.Reason, in.Method, in.Collector, accountID(a), actorName(a), storage.Millis(now))
		if err != nil {
			return err
		}
		out = Ballot{ID: id, VoteID: v.ID, HouseholdID: in.HouseholdID, Choice: in.Choice, Reason: in.Reason, Method: in.Method,
			Collector: in.Collector, RecordedBy: actorName(a), CastAt: storage.FromMillis(storage.Millis(now))}
		how := "网上投票 / online"
		if in.Method == MethodPaper {
			how = "纸质票，收票人" + in.Collector + " / paper, collected by " + in.Collector
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "vote.ballot", Entity: "vote", EntityID: v.ID, ScopePath: v.Path,
			Summary: fmt.Sprintf("%s户对「%s」投%s（%s）", label, v.Title, choiceLabel(in.Choice), how), After: out}); err != nil {
			return err
		}
		return s.followObjection(ctx, tx, a, v, out, label)
	})
	return out, err
}

// householdIn is the label of a household when it lies under path (the
// vote's scope), "" when it does not or does not exist. It reads that one
// household (by id, its path under the scope's), not the whole electorate:
// the check costs the same for a unit and a building. A ballot is only
// taken while the vote is open, when the electorate is the register's.
func householdIn(ctx context.Context, q storage.Querier, id int64, path string) (string, error) {
	var e electorate
	err := q.QueryRow(ctx, `SELECT u.name, b.name, h.room FROM households h JOIN nodes u ON u.id = h.unit_id JOIN nodes b ON b.id = u.parent_id
		WHERE h.id = ? AND h.path LIKE ?`, id, path+"%").Scan(&e.Unit, &e.Building, &e.Room)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return e.label(), nil
}

func accountID(a *linli.Actor) int64 {
	if a == nil {
		return 0
	}
	return a.AccountID
}

// choiceLabel is the Chinese word for a choice.
func choiceLabel(c consent.Choice) string {
	switch c {
	case consent.Agree:
		return "同意"
	case consent.Disagree:
		return "反对"
	case consent.Abstain:
		return "弃权"
	}
	return "未投票"
}

// isOwner reports whether the actor may vote online for the household: a
// resident grant on it, and the account is a registered owner member of it
// (household_members.is_owner, the register's mark of 业主). The account is
// matched to the member by its person, or else by its phone number — the
// demo and most imports bind accounts to people that way.
func (s *Service) isOwner(ctx context.Context, q storage.Querier, a *linli.Actor, householdID int64) (bool, error) {
	if a == nil || a.AccountID == 0 {
		return false, nil
	}
	granted := false
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID == householdID {
			granted = true
		}
	}
	if !granted {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM household_members m JOIN people p ON p.id = m.person_id JOIN accounts acc ON acc.id = ?
		WHERE m.household_id = ? AND m.is_owner = 1
		AND (m.person_id = acc.person_id OR (acc.phone IS NOT NULL AND acc.phone <> '' AND p.phone = acc.phone))`, a.AccountID, householdID).Scan(&n)
	return n > 0, err
}

// followObjection opens an objection for a reasoned disagreement and
// resolves the household's open objection when it now agrees.
func (s *Service) followObjection(ctx context.Context, tx *storage.Tx, a *linli.Actor, v Vote, b Ballot, label string) error {
	var openID int64
	err := tx.QueryRow(ctx, `SELECT id FROM vote_objections WHERE vote_id = ? AND household_id = ? AND resolved_at = 0 ORDER BY id DESC LIMIT 1`,
		v.ID, b.HouseholdID).Scan(&openID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	at := b.CastAt
	switch {
	case b.Choice == consent.Disagree && b.Reason != "" && openID == 0:
		id, err := tx.Insert(ctx, `INSERT INTO vote_objections (vote_id, household_id, ballot_id, reason, opened_at) VALUES (?, ?, ?, ?, ?)`,
			v.ID, b.HouseholdID, b.ID, b.Reason, storage.Millis(at))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, at, audit.Change{Action: "vote.objection.open", Entity: "vote_objection", EntityID: id, ScopePath: v.Path,
			Summary: fmt.Sprintf("%s户提出异议：%s", label, b.Reason)})
	case b.Choice == consent.Disagree && b.Reason != "" && openID != 0:
		// Still objecting, perhaps for a new reason: keep it on the record.
		return s.addNote(ctx, tx, a, v, openID, "再次投反对票："+b.Reason)
	case b.Choice == consent.Agree && openID != 0:
		return s.resolve(ctx, tx, a, v, openID, ResolutionAgreed, at)
	}
	return nil
}
