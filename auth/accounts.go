package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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
	// SecondFactor: the account logs in with a code (TOTP) too.
	SecondFactor bool `json:"second_factor"`

	// homePath is the place a role-less account belongs to (see sees);
	// empty means administrators only.
	homePath string
}

// AccountInput creates an account.
type AccountInput struct {
	Username    string `json:"username"`
	Phone       string `json:"phone"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	PersonID    int64  `json:"person_id"`
	// Grant, when given, is the account's first role, granted in the same
	// transaction: creating an account and saying where it belongs is one
	// step.
	Grant *GrantInput `json:"grant,omitempty"`
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

// CreateAccount adds an account, with its first role when in.Grant is set
// (the actor must be allowed to grant it there). The actor needs
// users.manage somewhere. An account created without a role belongs to the
// creator's (first) user-management scope until it gets one: staff of
// other places cannot see it.
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
			ok, err := s.personInScope(ctx, tx, a, in.PersonID)
			if err != nil {
				return err
			}
			if !ok {
				return linli.Invalid("人员不存在 / person not found", linli.FieldError{Field: "person_id", Reason: "人员不存在 / person not found"})
			}
			person = in.PersonID
		}
		if in.Phone != "" {
			phone = in.Phone
		}
		var home any
		if n := homeOf(a); n != 0 {
			home = n
		}
		id, err := tx.Insert(ctx, `INSERT INTO accounts (username, phone, display_name, person_id, password_hash, home_node_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Username, phone, in.DisplayName, person, hash, home, now, now)
		if storage.IsUnique(err) {
			field, msg := "username", "用户名已被使用 / username already taken"
			if strings.Contains(storage.DriverMessage(err), "phone") {
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
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "account.create", Entity: "account", EntityID: id, ScopePath: "/",
			Summary: fmt.Sprintf("创建账号「%s」", in.Username), After: acc}); err != nil {
			return err
		}
		if in.Grant == nil {
			return nil
		}
		node, err := s.grant(ctx, tx, a, acc, *in.Grant)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET home_node_id = ? WHERE id = ?`, node, id); err != nil {
			return err
		}
		acc, err = s.account(ctx, tx, id)
		return err
	})
	if err != nil {
		return Account{}, err
	}
	return acc, nil
}

// personInScope reports whether the person lives in a household where the
// actor manages users (administrators: any person, also one with no
// household). Others are answered like people that do not exist, so a
// person id from another community tells nothing.
func (s *Service) personInScope(ctx context.Context, q storage.Querier, a *linli.Actor, personID int64) (bool, error) {
	p, err := s.Registry.Person(ctx, q, personID)
	if linli.ErrorCode(err) == linli.ENotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if a.HasRole(linli.RoleAdmin) {
		return true, nil
	}
	hs, err := s.Registry.HouseholdsAt(ctx, q, p.Households)
	if err != nil {
		return false, err
	}
	for _, h := range hs {
		if a.Can(linli.PermUsersManage, h.Path) {
			return true, nil
		}
	}
	return false, nil
}

// homeOf is the node a role-less account created by a belongs to: the
// node of a's first user-management grant (0 for the system actor, whose
// accounts only administrators see until they get a role).
func homeOf(a *linli.Actor) int64 {
	for _, g := range a.Grants {
		if g.Role.Has(linli.PermUsersManage) {
			return g.NodeID
		}
	}
	return 0
}

func (s *Service) account(ctx context.Context, q storage.Querier, id int64) (Account, error) {
	var acc Account
	var phone sql.NullString
	var person sql.NullInt64
	var home sql.NullInt64
	var disabled, last, created int64
	err := q.QueryRow(ctx, `SELECT id, username, phone, display_name, person_id, disabled, last_login_at, created_at, home_node_id
		FROM accounts WHERE id = ?`, id).
		Scan(&acc.ID, &acc.Username, &phone, &acc.DisplayName, &person, &disabled, &last, &created, &home)
	if errors.Is(err, sql.ErrNoRows) {
		return acc, linli.Errorf(linli.ENotFound, "账号不存在 / account not found")
	}
	if err != nil {
		return acc, err
	}
	if phone.String != "" {
		acc.Phone = registry.MaskPhone(phone.String)
	}
	if home.Valid {
		ns, err := s.Registry.NodesAt(ctx, q, []int64{home.Int64})
		if err != nil {
			return acc, err
		}
		acc.homePath = ns[home.Int64].Path
	}
	acc.PersonID, acc.Disabled = person.Int64, disabled != 0
	acc.LastLoginAt, acc.CreatedAt = storage.FromMillis(last), storage.FromMillis(created)
	_, confirmed, _, enrolled, err := factorRow(ctx, q, id)
	if err != nil {
		return acc, err
	}
	acc.SecondFactor = enrolled && confirmed != 0
	act, err := s.actorGrants(ctx, q, id)
	acc.Grants = act
	return acc, err
}

// actorGrants returns an account's grants in the order given, with the
// path and name of each grant's node.
func (s *Service) actorGrants(ctx context.Context, q storage.Querier, id int64) ([]linli.Grant, error) {
	grants, err := storage.Select(ctx, q, func(r *sql.Rows) (linli.Grant, error) {
		var g linli.Grant
		err := r.Scan(&g.ID, &g.Role, &g.NodeID, &g.HouseholdID)
		return g, err
	}, `SELECT id, role, node_id, household_id FROM grants WHERE account_id = ? ORDER BY id`, id)
	if err != nil || len(grants) == 0 {
		return grants, err
	}
	nodeIDs := make([]int64, len(grants))
	for i, g := range grants {
		nodeIDs[i] = g.NodeID
	}
	hs := map[int64]Holder{id: {Grants: grants}}
	if err := s.placeGrants(ctx, q, hs, nodeIDs); err != nil {
		return nil, err
	}
	return hs[id].Grants, nil
}

// sees reports whether an account is in the actor's view: the actor's
// own; one holding a role on a node where the actor manages users; or,
// with no role, one whose home (the place that created it or last held
// it) is such a node. Administrators also see every role-less account.
// An account out of view is answered like one that does not exist (404),
// so its id tells nothing.
func sees(a *linli.Actor, acc Account) bool {
	if a == nil {
		return false
	}
	if acc.ID == a.AccountID && a.AccountID != 0 {
		return true
	}
	if len(acc.Grants) == 0 {
		return a.HasRole(linli.RoleAdmin) || (acc.homePath != "" && a.Can(linli.PermUsersManage, acc.homePath))
	}
	for _, g := range acc.Grants {
		if a.Can(linli.PermUsersManage, g.NodePath) {
			return true
		}
	}
	return false
}

// manages reports whether the actor may manage an account: it must hold
// users.manage over every node the account has a role on, and outrank
// each of those roles. An account with no role is managed by
// administrators and by whoever manages users at its home.
func manages(a *linli.Actor, acc Account) bool {
	if !a.CanAny(linli.PermUsersManage) {
		return false
	}
	if len(acc.Grants) == 0 {
		return a.HasRole(linli.RoleAdmin) || (acc.homePath != "" && a.Can(linli.PermUsersManage, acc.homePath))
	}
	for _, g := range acc.Grants {
		if !a.CanGrant(g.Role, g.NodePath) {
			return false
		}
	}
	return true
}

func errNoAccount() error {
	return linli.Errorf(linli.ENotFound, "账号不存在 / account not found")
}

// managed loads an account the actor is to change: 404 when it is out of
// the actor's view, 403 when in view but not the actor's to manage.
func (s *Service) managed(ctx context.Context, q storage.Querier, a *linli.Actor, id int64, forbidden string) (Account, error) {
	acc, err := s.account(ctx, q, id)
	if err != nil {
		return Account{}, err
	}
	if !sees(a, acc) {
		return Account{}, errNoAccount()
	}
	if !manages(a, acc) {
		return Account{}, linli.Errorf(linli.EForbidden, "%s", forbidden)
	}
	return acc, nil
}

// Account returns one account in the actor's view (or the actor's own).
func (s *Service) Account(ctx context.Context, a *linli.Actor, id int64) (Account, error) {
	acc, err := s.account(ctx, s.DB, id)
	if err != nil {
		return acc, err
	}
	if !sees(a, acc) {
		return Account{}, errNoAccount()
	}
	return acc, nil
}

// ListAccounts lists the accounts in the actor's view (see sees): those
// holding a role within the actor's user-management scopes and the
// role-less ones at home there (admins see every role-less account).
func (s *Service) ListAccounts(ctx context.Context, a *linli.Actor, query string) ([]Account, error) {
	scopes := a.Scopes(linli.PermUsersManage)
	if len(scopes) == 0 {
		return nil, linli.Errorf(linli.EForbidden, "无权管理账号 / not allowed to manage accounts")
	}
	// The places that hold a grant or an account's home and lie under the
	// actor's scopes, by id: grants and homes there are in view. (Only
	// places some account names, not every place under the scopes, so the
	// list stays as short as the accounts are few.)
	held, err := storage.Scalars[int64](ctx, s.DB, `SELECT node_id FROM grants UNION SELECT home_node_id FROM accounts WHERE home_node_id IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	places, err := s.Registry.NodesAt(ctx, s.DB, held)
	if err != nil {
		return nil, err
	}
	var nodes []int64
	for id, n := range places {
		if registry.Within(n.Path, scopes) {
			nodes = append(nodes, id)
		}
	}
	grantIn, homeIn := "1 = 0", "1 = 0"
	var args, homeArgs []any
	if len(nodes) > 0 {
		slices.Sort(nodes)
		marks := storage.Placeholders(len(nodes))
		grantIn, homeIn = "g.node_id IN ("+marks+")", "a.home_node_id IN ("+marks+")"
		args, homeArgs = storage.Args(nodes), storage.Args(nodes)
	}
	q := `SELECT DISTINCT a.id FROM accounts a LEFT JOIN grants g ON g.account_id = a.id WHERE (` + grantIn
	if a.HasRole(linli.RoleAdmin) {
		q += " OR g.id IS NULL"
	} else {
		q += " OR (g.id IS NULL AND " + homeIn + ")"
		args = append(args, homeArgs...)
	}
	q += ")"
	if query = strings.TrimSpace(query); query != "" {
		q += " AND (a.username LIKE ? OR a.display_name LIKE ?)"
		args = append(args, "%"+query+"%", "%"+query+"%")
	}
	ids, err := storage.Scalars[int64](ctx, s.DB, q+" ORDER BY a.id LIMIT 500", args...)
	if err != nil {
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

// Grant gives an account a role on a node. The account must be in the
// actor's view (404 otherwise) and the actor must be allowed to grant that
// role there (linli.Actor.CanGrant) and to manage the account.
func (s *Service) Grant(ctx context.Context, a *linli.Actor, accountID int64, in GrantInput) (Account, error) {
	var acc Account
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		target, err := s.account(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !sees(a, target) {
			return errNoAccount()
		}
		if _, err := s.grant(ctx, tx, a, target, in); err != nil {
			return err
		}
		acc, err = s.account(ctx, tx, accountID)
		return err
	})
	return acc, err
}

// grant checks and writes one grant with its audit row, in tx; it returns
// the node the role was granted on.
func (s *Service) grant(ctx context.Context, tx *storage.Tx, a *linli.Actor, target Account, in GrantInput) (int64, error) {
	if !in.Role.Valid() {
		return 0, linli.Invalid("角色无效 / unknown role", linli.FieldError{Field: "role", Reason: "角色无效 / unknown role"})
	}
	if !a.CanAny(linli.PermUsersManage) {
		return 0, linli.Errorf(linli.EForbidden, "无权授予该角色 / not allowed to grant this role here")
	}
	// A household or place the actor does not see (registry.Sees) answers
	// exactly like one that does not exist: a 403 there would tell an
	// attacker which ids exist in other communities.
	nodeID := in.NodeID
	if in.Role == linli.RoleResident {
		if in.HouseholdID == 0 {
			return 0, linli.Invalid("居民角色须绑定住户 / a resident is bound to a household", linli.FieldError{Field: "household_id", Reason: "必填 / required"})
		}
		hs, err := s.Registry.HouseholdsAt(ctx, tx, []int64{in.HouseholdID})
		if err != nil {
			return 0, err
		}
		h, ok := hs[in.HouseholdID]
		if !ok || !registry.Sees(a, h.Path) {
			return 0, linli.Invalid("住户不存在 / household not found", linli.FieldError{Field: "household_id", Reason: "住户不存在 / household not found"})
		}
		nodeID = h.UnitID
	} else {
		in.HouseholdID = 0
	}
	ns, err := s.Registry.NodesAt(ctx, tx, []int64{nodeID})
	if err != nil {
		return 0, err
	}
	n, ok := ns[nodeID]
	if !ok || !registry.Sees(a, n.Path) {
		return 0, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "node_id", Reason: "地点不存在 / place not found"})
	}
	path := n.Path
	if !a.CanGrant(in.Role, path) || (target.ID != a.AccountID && !manages(a, target)) {
		return 0, linli.Errorf(linli.EForbidden, "无权授予该角色 / not allowed to grant this role here")
	}
	id, err := tx.Insert(ctx, `INSERT INTO grants (account_id, role, node_id, household_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
		target.ID, in.Role, nodeID, in.HouseholdID, storage.Millis(s.now()), a.AccountID)
	if storage.IsUnique(err) {
		return 0, linli.Errorf(linli.EConflict, "该账号已有此角色 / the account already has this role here")
	}
	if err != nil {
		return 0, err
	}
	if err := s.accountsChanged(ctx, tx); err != nil {
		return 0, err
	}
	return nodeID, audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "grant.create", Entity: "account", EntityID: target.ID, ScopePath: path,
		Summary: fmt.Sprintf("授予「%s」%s角色", target.Username, in.Role.Label()), After: map[string]any{"grant_id": id, "role": in.Role, "node_id": nodeID, "household_id": in.HouseholdID}})
}

// Revoke removes a grant. Revoking an account's last role makes that
// role's node the account's home, so it stays with the place that last
// held it instead of falling open to every community's staff.
func (s *Service) Revoke(ctx context.Context, a *linli.Actor, accountID, grantID int64) (Account, error) {
	var acc Account
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		target, err := s.account(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !sees(a, target) {
			return errNoAccount()
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
		if len(target.Grants) == 1 {
			if _, err := tx.Exec(ctx, `UPDATE accounts SET home_node_id = ? WHERE id = ?`, g.NodeID, accountID); err != nil {
				return err
			}
		}
		if acc, err = s.account(ctx, tx, accountID); err != nil {
			return err
		}
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "grant.revoke", Entity: "account", EntityID: accountID, ScopePath: g.NodePath,
			Summary: fmt.Sprintf("撤销「%s」的%s角色", target.Username, g.Role.Label()), Before: g})
	})
	return acc, err
}

// ResetPassword sets a new password for an account the actor manages. It
// ends the account's sessions and revokes its API tokens: whoever held the
// old credentials, in a browser or a script, is out.
func (s *Service) ResetPassword(ctx context.Context, a *linli.Actor, accountID int64, password string) error {
	acc, err := s.managed(ctx, s.DB, a, accountID, "无权重置该账号密码 / not allowed")
	if err != nil {
		return err
	}
	return s.setPassword(ctx, a, acc, password, "account.password.reset", "重置密码", signOut{tokens: true})
}

// PasswordChange is the owner's change of their own password.
type PasswordChange struct {
	Old      string `json:"old_password"`
	Password string `json:"password"`
	// SignOutEverywhere also ends the session making the change and
	// revokes every API token of the account. Without it the other
	// sessions end and this one and the tokens stay.
	SignOutEverywhere bool `json:"sign_out_everywhere"`
}

// ChangePassword lets a user change their own password. session is the
// cookie of the session making the change ("" for none); it is kept unless
// in.SignOutEverywhere.
func (s *Service) ChangePassword(ctx context.Context, a *linli.Actor, session string, in PasswordChange) error {
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, a.AccountID).Scan(&hash); err != nil {
		return err
	}
	if !CheckPassword(hash, in.Old) {
		return linli.Invalid("原密码错误 / current password is wrong", linli.FieldError{Field: "old_password", Reason: "原密码错误 / current password is wrong"})
	}
	acc, err := s.account(ctx, s.DB, a.AccountID)
	if err != nil {
		return err
	}
	out := signOut{tokens: in.SignOutEverywhere}
	if !in.SignOutEverywhere && session != "" {
		out.keep = hashToken(session)
	}
	return s.setPassword(ctx, a, acc, in.Password, "account.password.change", "修改密码", out)
}

// SetElder records the account holder's 长辈模式 (elder mode) choice for
// every later session. It is one's own display preference, like the
// language, and changes nothing anyone else sees or may do: not audited.
func (s *Service) SetElder(ctx context.Context, a *linli.Actor, on bool) error {
	if a == nil || a.AccountID == 0 {
		return linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	v := 0
	if on {
		v = 1
	}
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE accounts SET elder_mode = ? WHERE id = ?`, v, a.AccountID)
		if err == nil {
			err = s.accountsChanged(ctx, tx)
		}
		return err
	})
}

// signOut says what a password change ends besides the old password:
// every session but keep (the hash of one to leave open, or ""), and the
// API tokens too when tokens is set.
type signOut struct {
	keep   string
	tokens bool
}

func (s *Service) setPassword(ctx context.Context, a *linli.Actor, acc Account, password, action, summary string, out signOut) error {
	var phone sql.NullString
	if err := s.DB.QueryRow(ctx, `SELECT phone FROM accounts WHERE id = ?`, acc.ID).Scan(&phone); err != nil {
		return err
	}
	if err := CheckPolicy(password, acc.Username, phone.String); err != nil {
		return err
	}
	hash := s.Hash.Hash(password)
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		now := storage.Millis(s.now())
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, now, acc.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ? AND id <> ?`, acc.ID, out.keep); err != nil {
			return err
		}
		after := map[string]any{"sessions_kept": out.keep != "", "tokens_revoked": int64(0)}
		if out.tokens {
			n, err := s.revokeTokens(ctx, tx, acc.ID, now)
			if err != nil {
				return err
			}
			after["tokens_revoked"] = n
		}
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: action, Entity: "account", EntityID: acc.ID, ScopePath: "/", Summary: summary + "「" + acc.Username + "」", After: after})
	})
}

// revokeTokens revokes every live API token of an account, in tx.
func (s *Service) revokeTokens(ctx context.Context, tx *storage.Tx, accountID, now int64) (int64, error) {
	res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at = 0`, now, accountID)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// SetDisabled enables or disables an account the actor manages. Disabling
// ends its sessions and revokes its API tokens, so enabling it again does
// not bring back credentials handed out before (an integration needs a new
// token).
func (s *Service) SetDisabled(ctx context.Context, a *linli.Actor, accountID int64, disabled bool) (Account, error) {
	acc, err := s.managed(ctx, s.DB, a, accountID, "无权停用该账号 / not allowed")
	if err != nil {
		return acc, err
	}
	if accountID == a.AccountID {
		return Account{}, linli.Errorf(linli.EForbidden, "无权停用该账号 / not allowed")
	}
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		now := storage.Millis(s.now())
		if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled = ?, updated_at = ? WHERE id = ?`, storage.Int(disabled), now, accountID); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID); err != nil {
				return err
			}
			if _, err := s.revokeTokens(ctx, tx, accountID, now); err != nil {
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
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
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
