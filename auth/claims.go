package auth

// Claims of a household ("this is my home", 认领房屋). An account claims a
// household by room, as its owner, a family member or a tenant:
//
//   - an owner whose account phone is the phone of an owner of that
//     household in the register (registry.OwnerContacts) gets the resident
//     role at once, and the account is linked to that person;
//   - any other claim waits for community staff (users.manage over the
//     household); a tenant's or family member's also for an owner of the
//     household who holds its resident role.
//
// Filing a claim makes the household's unit the home of a role-less
// account, so the staff of that place see it. The role is granted through
// grant() as the system, after the decider's right was checked here; the
// decision is audited under the decider's name.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
)

// Relations a claim can state.
const (
	ClaimOwner  = "owner"
	ClaimFamily = "family"
	ClaimTenant = "tenant"
)

// Claim states.
const (
	ClaimPending  = "pending"
	ClaimApproved = "approved"
	ClaimRefused  = "refused"
)

var relationLabels = map[string]string{ClaimOwner: "业主", ClaimFamily: "家庭成员", ClaimTenant: "租户"}

// RelationLabel is the Chinese name of a claim's relation.
func RelationLabel(r string) string { return relationLabels[r] }

// Claim is one account's claim of a household.
type Claim struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	Phone       string    `json:"phone"` // masked
	HouseholdID int64     `json:"household_id"`
	Household   string    `json:"household"` // 荟萃花园南区 1号楼3单元602
	Relation    string    `json:"relation"`
	State       string    `json:"state"`
	Note        string    `json:"note,omitempty"`
	Automatic   bool      `json:"automatic"` // approved by the register's owner phone
	CreatedAt   time.Time `json:"created_at"`
	DecidedAt   time.Time `json:"decided_at"`
	path        string
}

// ClaimInput files a claim.
type ClaimInput struct {
	HouseholdID int64  `json:"household_id"`
	Relation    string `json:"relation"`
}

// Decision approves or refuses a claim.
type Decision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

const claimColumns = `c.id, c.account_id, a.display_name, a.phone, c.household_id, c.household_path, c.relation, c.state, c.note, c.created_at, c.decided_at, c.decided_by`

func (s *Service) scanClaims(ctx context.Context, q storage.Querier, where string, args ...any) ([]Claim, error) {
	cs, err := storage.Select(ctx, q, func(r *sql.Rows) (Claim, error) {
		var c Claim
		var phone sql.NullString
		var created, decided, by int64
		err := r.Scan(&c.ID, &c.AccountID, &c.AccountName, &phone, &c.HouseholdID, &c.path, &c.Relation, &c.State, &c.Note, &created, &decided, &by)
		c.Phone = registry.MaskPhone(phone.String)
		c.CreatedAt, c.DecidedAt = storage.FromMillis(created), storage.FromMillis(decided)
		c.Automatic = c.State == ClaimApproved && by == 0
		return c, err
	}, `SELECT `+claimColumns+` FROM household_claims c JOIN accounts a ON a.id = c.account_id WHERE `+where+` ORDER BY c.id DESC LIMIT 200`, args...)
	if err != nil || len(cs) == 0 {
		return cs, err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.HouseholdID
	}
	hs, err := s.Registry.HouseholdsAt(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if h, ok := hs[cs[i].HouseholdID]; ok {
			cs[i].Household = h.Estate + " " + h.Label()
		}
	}
	return cs, nil
}

// ClaimHousehold files the actor's claim of a household, approved at once
// when the actor is an owner by the register's phone.
func (s *Service) ClaimHousehold(ctx context.Context, a *linli.Actor, in ClaimInput) (Claim, error) {
	if a == nil || a.AccountID == 0 {
		return Claim{}, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	if relationLabels[in.Relation] == "" {
		return Claim{}, linli.Invalid("请选择与房屋的关系 / choose how you live there", linli.FieldError{Field: "relation", Reason: "必选 / required"})
	}
	var out Claim
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		hs, err := s.Registry.HouseholdsAt(ctx, tx, []int64{in.HouseholdID})
		if err != nil {
			return err
		}
		h, ok := hs[in.HouseholdID]
		if !ok {
			return linli.Invalid("请选择房屋 / choose the room", linli.FieldError{Field: "household_id", Reason: "房屋不存在 / no such room"})
		}
		for _, g := range a.Grants {
			if g.Role == linli.RoleResident && g.HouseholdID == h.ID {
				return linli.Errorf(linli.EConflict, "您已是该房屋的居民 / you are a resident of this home already")
			}
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM household_claims WHERE account_id = ? AND household_id = ? AND state = ?`, a.AccountID, h.ID, ClaimPending).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return linli.Errorf(linli.EConflict, "该房屋的认领正在审核 / your claim of this home is waiting for approval")
		}
		acc, err := s.account(ctx, tx, a.AccountID)
		if err != nil {
			return err
		}
		var phone sql.NullString
		if err := tx.QueryRow(ctx, `SELECT phone FROM accounts WHERE id = ?`, a.AccountID).Scan(&phone); err != nil {
			return err
		}
		var owner int64 // the register's person whose phone is the account's
		if in.Relation == ClaimOwner && phone.String != "" {
			os, err := s.Registry.OwnerContacts(ctx, tx, h.ID)
			if err != nil {
				return err
			}
			for _, o := range os {
				if ledger.NormalizePhone(o.Phone) == phone.String {
					owner = o.PersonID
					break
				}
			}
		}
		now := s.now()
		state := ClaimPending
		if owner != 0 {
			state = ClaimApproved
		}
		decided := int64(0)
		if owner != 0 {
			decided = storage.Millis(now)
		}
		id, err := tx.Insert(ctx, `INSERT INTO household_claims (account_id, household_id, household_path, relation, state, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			a.AccountID, h.ID, h.Path, in.Relation, state, storage.Millis(now), decided)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("「%s」认领 %s %s（%s）", acc.DisplayName, h.Estate, h.Label(), relationLabels[in.Relation])
		if owner != 0 {
			if _, err := s.grant(ctx, tx, linli.System(), acc, GrantInput{Role: linli.RoleResident, HouseholdID: h.ID}); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE accounts SET person_id = COALESCE(person_id, ?), home_node_id = COALESCE(home_node_id, ?) WHERE id = ?`, owner, h.UnitID, a.AccountID); err != nil {
				return err
			}
			summary += "，手机号与登记的业主一致，自动通过"
		} else if _, err := tx.Exec(ctx, `UPDATE accounts SET home_node_id = COALESCE(home_node_id, ?) WHERE id = ?`, h.UnitID, a.AccountID); err != nil {
			return err
		}
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "claim.create", Entity: "household_claim", EntityID: id, ScopePath: h.Path,
			Summary: summary, After: map[string]any{"household_id": h.ID, "relation": in.Relation, "state": state}}); err != nil {
			return err
		}
		cs, err := s.scanClaims(ctx, tx, `c.id = ?`, id)
		if err == nil && len(cs) == 1 {
			out = cs[0]
		}
		return err
	})
	return out, err
}

// MyClaims lists the actor's own claims, newest first.
func (s *Service) MyClaims(ctx context.Context, a *linli.Actor) ([]Claim, error) {
	if a == nil || a.AccountID == 0 {
		return nil, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	return s.scanClaims(ctx, s.DB, `c.account_id = ?`, a.AccountID)
}

// ownedHouseholds are the households where the actor holds the resident
// role and is one of the register's owners (by person or phone).
func (s *Service) ownedHouseholds(ctx context.Context, q storage.Querier, a *linli.Actor) ([]int64, error) {
	var out []int64
	var phone sql.NullString
	for _, g := range a.Grants {
		if g.Role != linli.RoleResident || g.HouseholdID == 0 {
			continue
		}
		if !phone.Valid {
			if err := q.QueryRow(ctx, `SELECT phone FROM accounts WHERE id = ?`, a.AccountID).Scan(&phone); err != nil {
				return nil, err
			}
			phone.Valid = true
		}
		os, err := s.Registry.OwnerContacts(ctx, q, g.HouseholdID)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			if (a.PersonID != 0 && o.PersonID == a.PersonID) || (phone.String != "" && ledger.NormalizePhone(o.Phone) == phone.String) {
				out = append(out, g.HouseholdID)
				break
			}
		}
	}
	return out, nil
}

// PendingClaims lists the claims waiting for the actor: those under its
// user-management scopes, and the tenants' and family members' of the
// households it owns.
func (s *Service) PendingClaims(ctx context.Context, a *linli.Actor) ([]Claim, error) {
	if a == nil || a.AccountID == 0 {
		return nil, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	var or []string
	args := []any{ClaimPending}
	if scopes := a.Scopes(linli.PermUsersManage); len(scopes) > 0 {
		cond, sargs := storage.ScopeFilter("c.household_path", scopes)
		or = append(or, cond)
		args = append(args, sargs...)
	}
	owned, err := s.ownedHouseholds(ctx, s.DB, a)
	if err != nil {
		return nil, err
	}
	for _, h := range owned {
		or = append(or, "(c.household_id = ? AND c.relation <> ?)")
		args = append(args, h, ClaimOwner)
	}
	if len(or) == 0 {
		return []Claim{}, nil
	}
	cs, err := s.scanClaims(ctx, s.DB, `c.state = ? AND (`+strings.Join(or, " OR ")+`)`, args...)
	if cs == nil {
		cs = []Claim{}
	}
	return cs, err
}

// DecideClaim approves (granting the resident role) or refuses a pending
// claim. Community staff decide any claim in their scope; an owner the
// tenants' and family members' of their household. Others: 404.
func (s *Service) DecideClaim(ctx context.Context, a *linli.Actor, id int64, d Decision) (Claim, error) {
	if a == nil || a.AccountID == 0 {
		return Claim{}, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	var out Claim
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		cs, err := s.scanClaims(ctx, tx, `c.id = ?`, id)
		if err != nil {
			return err
		}
		notFound := linli.Errorf(linli.ENotFound, "认领申请不存在 / claim not found")
		if len(cs) == 0 {
			return notFound
		}
		c := cs[0]
		may := a.Can(linli.PermUsersManage, c.path)
		if !may && c.Relation != ClaimOwner {
			owned, err := s.ownedHouseholds(ctx, tx, a)
			if err != nil {
				return err
			}
			for _, h := range owned {
				may = may || h == c.HouseholdID
			}
		}
		if !may {
			return notFound
		}
		if c.State != ClaimPending {
			return linli.Errorf(linli.EConflict, "该申请已处理 / the claim was decided already")
		}
		now := s.now()
		state := ClaimRefused
		if d.Approve {
			state = ClaimApproved
			acc, err := s.account(ctx, tx, c.AccountID)
			if err != nil {
				return err
			}
			has := false // granted by staff in the meantime
			for _, g := range acc.Grants {
				has = has || (g.Role == linli.RoleResident && g.HouseholdID == c.HouseholdID)
			}
			if !has {
				if _, err := s.grant(ctx, tx, linli.System(), acc, GrantInput{Role: linli.RoleResident, HouseholdID: c.HouseholdID}); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE household_claims SET state = ?, note = ?, decided_at = ?, decided_by = ? WHERE id = ?`,
			state, truncate(strings.TrimSpace(d.Note), 500), storage.Millis(now), a.AccountID, id); err != nil {
			return err
		}
		word := "拒绝"
		if d.Approve {
			word = "通过"
		}
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, now, audit.Change{Action: "claim." + map[bool]string{true: "approve", false: "refuse"}[d.Approve],
			Entity: "household_claim", EntityID: id, ScopePath: c.path,
			Summary: fmt.Sprintf("%s「%s」认领 %s（%s）", word, c.AccountName, c.Household, relationLabels[c.Relation]),
			Before:  map[string]any{"state": c.State}, After: map[string]any{"state": state, "note": d.Note}}); err != nil {
			return err
		}
		cs, err = s.scanClaims(ctx, tx, `c.id = ?`, id)
		if err == nil && len(cs) == 1 {
			out = cs[0]
		}
		return err
	})
	return out, err
}
