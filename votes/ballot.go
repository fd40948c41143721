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
	"linli/auth"
	"linli/cases"
	"linli/consent"
	"linli/links"
	"linli/registry"
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
// An owner's own online ballot is the owner's to change: once a household
// has voted online, a paper ballot for it is refused (409 on household_id)
// unless staff (projects.manage) record it as an override with a reason
// (override_reason; 409 on that field without one), and then the owner is
// told in the app. Before opens_at, at or after closes_at, or once the
// vote is closed: 409. A disagree ballot with a reason opens an objection;
// it closes on the owner's own online agree ballot or a staff decision
// with a reason (followObjection, ResolveObjection), never on a proxy's
// paper ballot.
func (s *Service) CastBallot(ctx context.Context, a *linli.Actor, voteID int64, in BallotInput) (Ballot, error) {
	var out Ballot
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		v, err := s.vote(ctx, tx, voteID)
		if err != nil {
			return err
		}
		if !s.canRead(ctx, a, v.Path) {
			return errNotFound()
		}
		in.Reason = strings.TrimSpace(in.Reason)
		in.Collector = strings.TrimSpace(in.Collector)
		in.OverrideReason = strings.TrimSpace(in.OverrideReason)
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
			if utf8.RuneCountInString(in.OverrideReason) > 500 {
				val.Add("override_reason", "理由不超过500字 / reason is at most 500 characters")
			}
		case MethodOnline:
			in.Collector, in.OverrideReason = "", ""
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
			if label, err = s.householdIn(ctx, tx, in.HouseholdID, v.Path); err != nil {
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
				v.OpensAt.In(s.loc).Format("2006-01-02 15:04"), v.OpensAt.In(s.loc).Format("2006-01-02 15:04"))
		case !now.Before(v.ClosesAt):
			return linli.Errorf(linli.EConflict, "表决已于%s截止 / the vote closed at %s",
				v.ClosesAt.In(s.loc).Format("2006-01-02 15:04"), v.ClosesAt.In(s.loc).Format("2006-01-02 15:04"))
		}
		if err := val.Err(); err != nil {
			return err
		}
		override := false
		if in.Method == MethodPaper {
			if override, err = s.checkOverride(ctx, tx, a, v, in); err != nil {
				return err
			}
			if !override {
				in.OverrideReason = ""
			}
		}
		id, err := tx.Insert(ctx, `INSERT INTO vote_ballots (vote_id, household_id, choice, reason, method, collector, account_id, recorded_by, cast_at, override_reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, in.HouseholdID, string(in.Choice), in.Reason, in.Method, in.Collector, accountID(a), actorName(a), storage.Millis(now),
			in.OverrideReason)
		if err != nil {
			return err
		}
		out = Ballot{ID: id, VoteID: v.ID, HouseholdID: in.HouseholdID, Choice: in.Choice, Reason: in.Reason, Method: in.Method,
			Collector: in.Collector, RecordedBy: actorName(a), OverrideReason: in.OverrideReason, CastAt: storage.FromMillis(storage.Millis(now))}
		how := "网上投票 / online"
		if in.Method == MethodPaper {
			how = "纸质票，收票人" + in.Collector + " / paper, collected by " + in.Collector
		}
		if override {
			how += "；代业主更改其网上投票，理由：" + in.OverrideReason + " / overriding the owner's online ballot: " + in.OverrideReason
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "vote.ballot", Entity: "vote", EntityID: v.ID, ScopePath: v.Path,
			Summary: fmt.Sprintf("%s户对「%s」投%s（%s）", label, v.Title, choiceLabel(in.Choice), how), After: out}); err != nil {
			return err
		}
		if override {
			notice, err := s.ownerAccounts(ctx, tx, in.HouseholdID)
			if err != nil {
				return err
			}
			text := cases.Text{ZH: fmt.Sprintf("工作人员%s将您家%s在「%s」中的网上投票更改为%s，理由：%s。如有异议请联系社区。",
				actorName(a), label, v.Title, choiceLabel(in.Choice), in.OverrideReason),
				EN: fmt.Sprintf("Staff (%s) changed your household's online ballot in “%s” to %s: %s. Contact the community if you disagree.",
					actorName(a), v.Title, string(in.Choice), in.OverrideReason)}
			if err := s.cases.NotifyAbout(ctx, tx, notice, "vote.override", links.Ref{Kind: links.KindVote, ID: v.ID}, text, now); err != nil {
				return err
			}
		}
		return s.followObjection(ctx, tx, a, v, out, label)
	})
	return out, err
}

// checkOverride decides whether a paper ballot may be recorded over the
// household's online ballot. Any online ballot of the household in this
// vote makes its ballot the owner's: a proxy (grid worker, building or
// unit head, residents' representative) may not change it (409 on
// household_id); staff (projects.manage) may, with a reason (409 on
// override_reason without one). It reports whether the ballot overrides.
func (s *Service) checkOverride(ctx context.Context, tx *storage.Tx, a *linli.Actor, v Vote, in BallotInput) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM vote_ballots WHERE vote_id = ? AND household_id = ? AND method = ?`,
		v.ID, in.HouseholdID, MethodOnline).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	if !a.Can(linli.PermProjectsManage, v.Path) {
		return false, &linli.Error{Code: linli.EConflict, Message: "该户业主已在网上投票，只有业主本人可以更改 / the owner has voted online; only the owner may change the ballot",
			Fields: []linli.FieldError{{Field: "household_id", Reason: "业主已在网上投票，纸质票不能覆盖，请业主本人在网上更改或由社区工作人员说明理由后更改 / the owner voted online: a paper ballot cannot replace it; the owner changes it online, or community staff with a reason"}}}
	}
	if in.OverrideReason == "" {
		return false, &linli.Error{Code: linli.EConflict, Message: "该户业主已在网上投票，代为更改须填写理由 / the owner has voted online; give a reason to change it",
			Fields: []linli.FieldError{{Field: "override_reason", Reason: "请填写代业主更改网上投票的理由，系统将通知业主 / give the reason for changing the owner's online ballot; the owner will be told"}}}
	}
	return true, nil
}

// ownerAccounts are the accounts that may vote online for a household
// (disabled ones too: they are told): a resident grant on it, bound to a
// registered owner member (ownsVia).
func (s *Service) ownerAccounts(ctx context.Context, q storage.Querier, householdID int64) ([]int64, error) {
	holders, err := s.auth.Holders(ctx, q, auth.HolderQuery{Households: []int64{householdID}, IncludeDisabled: true})
	if err != nil || len(holders) == 0 {
		return nil, err
	}
	owners, err := s.registry.OwnerContacts(ctx, q, householdID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, h := range holders {
		if ownsVia(h, owners) {
			out = append(out, h.ID)
		}
	}
	return out, nil
}

// ownsVia reports whether the account is one of the owner members: bound
// to the member's person, or else sharing the member's phone number — the
// demo and most imports bind accounts to people that way.
func ownsVia(h auth.Holder, owners []registry.OwnerContact) bool {
	for _, o := range owners {
		if (h.PersonID != 0 && o.PersonID == h.PersonID) || (h.Phone != "" && o.Phone == h.Phone) {
			return true
		}
	}
	return false
}

// householdIn is the label of a household when it lies under path (the
// vote's scope), "" when it does not or does not exist. It reads that one
// household (by id, its path under the scope's), not the whole electorate:
// the check costs the same for a unit and a building. A ballot is only
// taken while the vote is open, when the electorate is the register's.
func (s *Service) householdIn(ctx context.Context, q storage.Querier, id int64, path string) (string, error) {
	hs, err := s.registry.HouseholdsAt(ctx, q, []int64{id})
	if err != nil {
		return "", err
	}
	h, ok := hs[id]
	if !ok || !linli.Within(h.Path, path) {
		return "", nil
	}
	return h.Label(), nil
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
	h, err := s.auth.HolderAt(ctx, q, a.AccountID)
	if linli.ErrorCode(err) == linli.ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	owners, err := s.registry.OwnerContacts(ctx, q, householdID)
	if err != nil {
		return false, err
	}
	return ownsVia(h, owners), nil
}

// followObjection opens an objection for a reasoned disagreement and
// resolves the household's open objection when its owner now agrees: an
// online agree ballot (the owner's own change), or an agree paper ballot
// that staff (projects.manage) recorded with a reason (a staff decision;
// the reason is the ballot's override reason, else its reason). A proxy's
// agree paper ballot does not close the objection: it is noted on it, and
// staff close it by hand (ResolveObjection) once they have checked.
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
	case b.Choice == consent.Agree && openID != 0 && b.Method == MethodOnline:
		return s.resolve(ctx, tx, a, v, openID, ResolutionAgreed, at)
	case b.Choice == consent.Agree && openID != 0 && staffReason(a, v, b) != "":
		return s.resolve(ctx, tx, a, v, openID, ResolutionStaffAgreed+"："+staffReason(a, v, b), at)
	case b.Choice == consent.Agree && openID != 0:
		return s.addNote(ctx, tx, a, v, openID, fmt.Sprintf("纸质票改为同意（收票人%s，%s登记），异议待业主本人网上确认或社区工作人员核实后解决 / a paper ballot changed to agree (collected by %s, recorded by %s); the objection stays open until the owner confirms online or staff check",
			b.Collector, actorName(a), b.Collector, actorName(a)))
	}
	return nil
}

// staffReason is the reason of a staff decision carried by a paper
// ballot: its override reason, else its reason, when staff
// (projects.manage) recorded it; "" otherwise.
func staffReason(a *linli.Actor, v Vote, b Ballot) string {
	if b.Method != MethodPaper || !a.Can(linli.PermProjectsManage, v.Path) {
		return ""
	}
	if b.OverrideReason != "" {
		return b.OverrideReason
	}
	return b.Reason
}
