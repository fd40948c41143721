package auth

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
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
)

// Account is a login as the user-management pages show it.
type Account struct {
	ID          int64         `json:"id"`
	Username    string        `json:"username"`
	Phone       string        `json:"phone,omitempty"` // masked
	DisplayName string        `json:"display_name"`
	PersonID    int64         `json:"person_id,omitempty"`
	Disabled    bool          `json:"disabled"`
	LastLoginAt time.Time     `json:"last_login_at"`
	CreatedAt   time.Time     `json:"created_at"`
	Grants      []linli.Grant `json:"grants"`
}

// AccountInput creates an account.
type AccountInput struct {
	Username    string `json:"username"`
	Phone       string `json:"phone"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	PersonID    int64  `json:"person_id"`
}

func (in *AccountInput) validate() error {
	var v linli.Validation
	in.Username = strings.TrimSpace(in.Username)
	in.Phone = ledger.NormalizePhone(in.Phone)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if !validUsername(in.Username) {
		v.Add("username", "用户名为3到32位字母、数字、点、下划线或连字符 / username: 3-32 letters, digits, . _ -")
	}
	if in.Phone != "" && !ledger.ValidPhone(in.Phone) {
		v.Add("phone", "手机号无效 / not a valid phone number")
	}
	if in.DisplayName == "" {
		v.Add("display_name", "姓名必填 / display name is required")
	} else if utf8.RuneCountInString(in.DisplayName) > 40 {
		v.Add("display_name", "姓名不超过40字 / at most 40 characters")
	}
	if err := CheckPolicy(in.Password, in.Username, in.Phone); err != nil {
		v.Fields = append(v.Fields, linli.ErrorFields(err)...)
	}
	return v.Err()
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// CreateAccount adds an account. The actor needs users.manage somewhere;
// roles are granted separately (Grant), within the actor's scope.
func (s *Service) CreateAccount(ctx context.Context, a *linli.Actor, in AccountInput) (Account, error) {
	if !a.CanAny(linli.PermUsersManage) {
		return Account{}, linli.Errorf(linli.EForbidden, "无权管理账号 / not allowed to manage accounts")
	}
	if err := in.validate(); err != nil {
		return Account{}, err
	}
	var acc Account
	hash := s.Hash.Hash(in.Password)
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		now := storage.Millis(s.now())
		var person, phone any
		if in.PersonID != 0 {
			person = in.PersonID
		}
		if in.Phone != "" {
			phone = in.Phone
		}
		id, err := tx.Insert(ctx, `INSERT INTO accounts (username, phone, display_name, person_id, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.Username, phone, in.DisplayName, person, hash, now, now)
		if storage.IsUnique(err) {
			field, msg := "username", "用户名已被使用 / username already taken"
			if strings.Contains(err.Error(), "phone") {
				field, msg = "phone", "手机号已绑定其他账号 / phone already used by another account"
			}
			return &linli.Error{Code: linli.EConflict, Message: msg, Fields: []linli.FieldError{{Field: field, Reason: msg}}}
		}
		if storage.IsForeignKey(err) {
			return linli.Invalid("人员不存在 / person not found", linli.FieldError{Field: "person_id", Reason: "人员不存在 / person not found"})
		}
		if err != nil {
			return err
		}
		if acc, err = s.account(ctx, tx, id); err != nil {
			return err
		}
		tx.AfterCommit(s.tokens.clear)
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "account.create", Entity: "account", EntityID: id, ScopePath: "/",
			Summary: fmt.Sprintf("创建账号「%s」", in.Username), After: acc})
	})
	return acc, err
}

func (s *Service) account(ctx context.Context, q storage.Querier, id int64) (Account, error) {
	var acc Account
	var phone sql.NullString
	var person sql.NullInt64
	var disabled, last, created int64
	err := q.QueryRow(ctx, `SELECT id, username, phone, display_name, person_id, disabled, last_login_at, created_at FROM accounts WHERE id = ?`, id).
		Scan(&acc.ID, &acc.Username, &phone, &acc.DisplayName, &person, &disabled, &last, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return acc, linli.Errorf(linli.ENotFound, "账号不存在 / account not found")
	}
	if err != nil {
		return acc, err
	}
	if phone.String != "" {
		acc.Phone = registry.MaskPhone(phone.String)
	}
	acc.PersonID, acc.Disabled = person.Int64, disabled != 0
	acc.LastLoginAt, acc.CreatedAt = storage.FromMillis(last), storage.FromMillis(created)
	act, err := s.actorGrants(ctx, q, id)
	acc.Grants = act
	return acc, err
}

func (s *Service) actorGrants(ctx context.Context, q storage.Querier, id int64) ([]linli.Grant, error) {
	rows, err := q.Query(ctx, `SELECT g.id, g.role, g.node_id, n.path, n.name, g.household_id FROM grants g JOIN nodes n ON n.id = g.node_id WHERE g.account_id = ? ORDER BY g.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []linli.Grant
	for rows.Next() {
		var g linli.Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.NodeID, &g.NodePath, &g.NodeName, &g.HouseholdID); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// manages reports whether the actor may manage an account: it must hold
// users.manage over every node the account has a role on, and outrank
// each of those roles. An account with no roles yet is managed by anyone
// who manages users.
func manages(a *linli.Actor, acc Account) bool {
	if !a.CanAny(linli.PermUsersManage) {
		return false
	}
	for _, g := range acc.Grants {
		if !a.CanGrant(g.Role, g.NodePath) {
			return false
		}
	}
	return true
}

// Account returns one account the actor manages (or the actor's own).
func (s *Service) Account(ctx context.Context, a *linli.Actor, id int64) (Account, error) {
	acc, err := s.account(ctx, s.DB, id)
	if err != nil {
		return acc, err
	}
	if id != a.AccountID && !manages(a, acc) {
		return Account{}, linli.Errorf(linli.EForbidden, "无权访问 / not allowed")
	}
	return acc, nil
}

// ListAccounts lists the accounts holding a role within the actor's
// user-management scopes (admins also see accounts with no role).
func (s *Service) ListAccounts(ctx context.Context, a *linli.Actor, query string) ([]Account, error) {
	scopes := a.Scopes(linli.PermUsersManage)
	if len(scopes) == 0 {
		return nil, linli.Errorf(linli.EForbidden, "无权管理账号 / not allowed to manage accounts")
	}
	var or []string
	var args []any
	for _, sc := range scopes {
		or = append(or, "n.path LIKE ?")
		args = append(args, sc+"%")
	}
	q := `SELECT DISTINCT a.id FROM accounts a LEFT JOIN grants g ON g.account_id = a.id LEFT JOIN nodes n ON n.id = g.node_id WHERE (` + strings.Join(or, " OR ")
	if a.HasRole(linli.RoleAdmin) {
		q += " OR g.id IS NULL"
	}
	q += ")"
	if query = strings.TrimSpace(query); query != "" {
		q += " AND (a.username LIKE ? OR a.display_name LIKE ?)"
		args = append(args, "%"+query+"%", "%"+query+"%")
	}
	rows, err := s.DB.Query(ctx, q+" ORDER BY a.id LIMIT 500", args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	var out []Account
	for _, id := range ids {
		acc, err := s.account(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, acc)
	}
	return out, nil
}

// GrantInput grants a role on a node; residents also name their household.
type GrantInput struct {
	Role        linli.Role `json:"role"`
	NodeID      int64      `json:"node_id"`
	HouseholdID int64      `json:"household_id"`
}

// Grant gives an account a role on a node. The actor must be allowed to
// grant that role there (linli.Actor.CanGrant).
func (s *Service) Grant(ctx context.Context, a *linli.Actor, accountID int64, in GrantInput) (Account, error) {
	var acc Account
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		target, err := s.account(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !in.Role.Valid() {
			return linli.Invalid("角色无效 / unknown role", linli.FieldError{Field: "role", Reason: "角色无效 / unknown role"})
		}
		nodeID := in.NodeID
		if in.Role == linli.RoleResident {
			if in.HouseholdID == 0 {
				return linli.Invalid("居民角色须绑定住户 / a resident is bound to a household", linli.FieldError{Field: "household_id", Reason: "必填 / required"})
			}
			var unitID int64
			err := tx.QueryRow(ctx, `SELECT unit_id FROM households WHERE id = ?`, in.HouseholdID).Scan(&unitID)
			if errors.Is(err, sql.ErrNoRows) {
				return linli.Invalid("住户不存在 / household not found", linli.FieldError{Field: "household_id", Reason: "住户不存在 / household not found"})
			}
			if err != nil {
				return err
			}
			nodeID = unitID
		} else {
			in.HouseholdID = 0
		}
		var path string
		err = tx.QueryRow(ctx, `SELECT path FROM nodes WHERE id = ?`, nodeID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) {
			return linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "node_id", Reason: "地点不存在 / place not found"})
		}
		if err != nil {
			return err
		}
		if !a.CanGrant(in.Role, path) || (target.ID != a.AccountID && !manages(a, target)) {
			return linli.Errorf(linli.EForbidden, "无权授予该角色 / not allowed to grant this role here")
		}
		id, err := tx.Insert(ctx, `INSERT INTO grants (account_id, role, node_id, household_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
			accountID, in.Role, nodeID, in.HouseholdID, storage.Millis(s.now()), a.AccountID)
		if storage.IsUnique(err) {
			return linli.Errorf(linli.EConflict, "该账号已有此角色 / the account already has this role here")
		}
		if err != nil {
			return err
		}
		if acc, err = s.account(ctx, tx, accountID); err != nil {
			return err
		}
		tx.AfterCommit(s.tokens.clear)
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "grant.create", Entity: "account", EntityID: accountID, ScopePath: path,
			Summary: fmt.Sprintf("授予「%s」%s角色", target.Username, in.Role.Label()), After: map[string]any{"grant_id": id, "role": in.Role, "node_id": nodeID, "household_id": in.HouseholdID}})
	})
	return acc, err
}

// Revoke removes a grant.
func (s *Service) Revoke(ctx context.Context, a *linli.Actor, accountID, grantID int64) (Account, error) {
	var acc Account
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		target, err := s.account(ctx, tx, accountID)
		if err != nil {
			return err
		}
		var g *linli.Grant
		for i := range target.Grants {
			if target.Grants[i].ID == grantID {
				g = &target.Grants[i]
			}
		}
		if g == nil {
			return linli.Errorf(linli.ENotFound, "授权不存在 / grant not found")
		}
		if !a.CanGrant(g.Role, g.NodePath) {
			return linli.Errorf(linli.EForbidden, "无权撤销该角色 / not allowed to revoke this role")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM grants WHERE id = ?`, grantID); err != nil {
			return err
		}
		if acc, err = s.account(ctx, tx, accountID); err != nil {
			return err
		}
		tx.AfterCommit(s.tokens.clear)
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "grant.revoke", Entity: "account", EntityID: accountID, ScopePath: g.NodePath,
			Summary: fmt.Sprintf("撤销「%s」的%s角色", target.Username, g.Role.Label()), Before: g})
	})
	return acc, err
}

// ResetPassword sets a new password for an account the actor manages and
// ends its sessions.
func (s *Service) ResetPassword(ctx context.Context, a *linli.Actor, accountID int64, password string) error {
	acc, err := s.account(ctx, s.DB, accountID)
	if err != nil {
		return err
	}
	if !manages(a, acc) {
		return linli.Errorf(linli.EForbidden, "无权重置该账号密码 / not allowed")
	}
	return s.setPassword(ctx, a, acc, password, "account.password.reset", "重置密码")
}

// ChangePassword lets a user change their own password.
func (s *Service) ChangePassword(ctx context.Context, a *linli.Actor, old, password string) error {
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, a.AccountID).Scan(&hash); err != nil {
		return err
	}
	if !CheckPassword(hash, old) {
		return linli.Invalid("原密码错误 / current password is wrong", linli.FieldError{Field: "old_password", Reason: "原密码错误 / current password is wrong"})
	}
	acc, err := s.account(ctx, s.DB, a.AccountID)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, a, acc, password, "account.password.change", "修改密码")
}

func (s *Service) setPassword(ctx context.Context, a *linli.Actor, acc Account, password, action, summary string) error {
	var phone sql.NullString
	if err := s.DB.QueryRow(ctx, `SELECT phone FROM accounts WHERE id = ?`, acc.ID).Scan(&phone); err != nil {
		return err
	}
	if err := CheckPolicy(password, acc.Username, phone.String); err != nil {
		return err
	}
	hash := s.Hash.Hash(password)
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, storage.Millis(s.now()), acc.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, acc.ID); err != nil {
			return err
		}
		tx.AfterCommit(s.tokens.clear)
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: action, Entity: "account", EntityID: acc.ID, ScopePath: "/", Summary: summary + "「" + acc.Username + "」"})
	})
}

// SetDisabled enables or disables an account the actor manages.
func (s *Service) SetDisabled(ctx context.Context, a *linli.Actor, accountID int64, disabled bool) (Account, error) {
	acc, err := s.account(ctx, s.DB, accountID)
	if err != nil {
		return acc, err
	}
	if !manages(a, acc) || accountID == a.AccountID {
		return Account{}, linli.Errorf(linli.EForbidden, "无权停用该账号 / not allowed")
	}
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled = ?, updated_at = ? WHERE id = ?`, storage.Int(disabled), storage.Millis(s.now()), accountID); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID); err != nil {
				return err
			}
		}
		if acc, err = s.account(ctx, tx, accountID); err != nil {
			return err
		}
		word := "启用"
		if disabled {
			word = "停用"
		}
		tx.AfterCommit(s.tokens.clear)
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "account.disable", Entity: "account", EntityID: accountID, ScopePath: "/", Summary: word + "账号「" + acc.Username + "」", After: map[string]bool{"disabled": disabled}})
	})
	return acc, err
}

// FindAccount returns the id of an account by username (CLI use).
func (s *Service) FindAccount(ctx context.Context, username string) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ? OR phone = ?`, username, username).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, linli.Errorf(linli.ENotFound, "账号「%s」不存在 / account not found", username)
	}
	return id, err
}

// ActorByUsername loads the actor of an account (CLI, demo and tests).
func (s *Service) ActorByUsername(ctx context.Context, username string) (*linli.Actor, error) {
	id, err := s.FindAccount(ctx, username)
	if err != nil {
		return nil, err
	}
	return s.actor(ctx, s.DB, id)
}
