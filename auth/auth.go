// Package auth holds accounts, their passwords (argon2id), server-side
// sessions, API tokens and the roles granted on nodes of the community
// tree. It turns a session cookie or bearer token into the linli.Actor
// every service checks permissions against.
//
// Who sees an account: its owner; staff who manage users (users.manage)
// on a node where it holds a role; for an account with no role, staff who
// manage users at its home — the place whose staff created it, or that
// held its last role when that was revoked — and administrators. To
// everyone else every account route answers 404, exactly as for an id that
// does not exist, so ids cannot be probed. Changing an account needs more:
// users.manage over all its roles' nodes and a rank above each (403 when
// the account is in view but senior).
//
// Failed logins are counted per account (key "account:<id>"), whether the
// username or the phone was typed, and per name for names no account has
// ("name:<name>"), with one INSERT … ON CONFLICT statement so failures at
// the same moment all count. Credentials given by someone else end with a
// reset: sessions and API tokens. Disabling does the same.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Policy holds the session and lockout settings.
type Policy struct {
	SessionIdle     time.Duration // a session unused this long ends
	SessionMax      time.Duration // a session ends this long after login regardless
	MaxFailures     int           // failed logins within FailureWindow before a lockout
	FailureWindow   time.Duration
	LockoutDuration time.Duration
	// FactorRoles are the roles whose holders must log in with a second
	// factor (TOTP); empty: none must (anyone may still enrol).
	FactorRoles []linli.Role
}

// DefaultPolicy: 2 hours idle, 7 days at most, 5 failures in 15 minutes
// lock the login name for 15 minutes; street staff and administrators
// must have a second factor.
func DefaultPolicy() Policy {
	return Policy{SessionIdle: 2 * time.Hour, SessionMax: 7 * 24 * time.Hour, MaxFailures: 5, FailureWindow: 15 * time.Minute, LockoutDuration: 15 * time.Minute,
		FactorRoles: DefaultFactorRoles()}
}

// DefaultFactorRoles are the roles that must have a second factor unless
// configured otherwise (--totp-required).
func DefaultFactorRoles() []linli.Role { return []linli.Role{linli.RoleStreetStaff, linli.RoleAdmin} }

// Service is the account store.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Registry *registry.Service
	Hash     HashParams
	Policy   Policy
	dummy    string // a hash checked for unknown logins so timing does not tell
	tokens   tokenCache
}

// New builds the service.
func New(db *storage.DB, clock linli.Clock, reg *registry.Service, hash HashParams, p Policy) *Service {
	if clock == nil {
		clock = linli.SystemClock{}
	}
	s := &Service{DB: db, Clock: clock, Registry: reg, Hash: hash, Policy: p, dummy: hash.Hash("not-a-password-0")}
	if db != nil {
		db.Subscribe(ChannelAccounts, func(string) { s.tokens.clear() })
		db.OnResync(s.tokens.clear)
	}
	return s
}

func (s *Service) now() time.Time { return s.Clock.Now() }

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func newToken(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Session is a logged-in browser.
type Session struct {
	Token string // the cookie value; only its hash is stored
	Actor *linli.Actor
	// Challenge is set instead of Token when the password was right and a
	// second-factor code must follow (LoginCode): the token of that step.
	// Enrol says the account must first enrol its factor there.
	Challenge string
	Enrol     bool
}

var errBadLogin = linli.Errorf(linli.EUnauthorized, "用户名或密码错误 / wrong login or password")

// failureKey is the row of login_failures a login attempt counts against:
// the account's, whichever of its names (username or phone) was typed, so
// the phone number is not a second set of attempts for a locked username;
// a name no account has gets its own row.
func failureKey(accountID int64, login string) string {
	if accountID != 0 {
		return fmt.Sprintf("account:%d", accountID)
	}
	return "name:" + strings.ToLower(login)
}

// Login checks a login name (username or phone) and password and opens a
// session. Failed attempts are counted per account (per name for names no
// account has); too many lock it for a while (429).
func (s *Service) Login(ctx context.Context, login, password, ip, userAgent string) (Session, error) {
	login = strings.TrimSpace(login)
	now := s.now()
	if login == "" || password == "" {
		return Session{}, linli.Invalid("请输入用户名和密码 / login and password are required",
			linli.FieldError{Field: "login", Reason: "必填 / required"})
	}
	var id int64
	var hash string
	var disabled int64
	err := s.DB.QueryRow(ctx, `SELECT id, password_hash, disabled FROM accounts WHERE username = ? OR phone = ?`, login, login).Scan(&id, &hash, &disabled)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Session{}, err
	}
	key := failureKey(id, login)
	if err := s.checkLock(ctx, s.DB, key, now); err != nil {
		return Session{}, err
	}
	if id == 0 {
		CheckPassword(s.dummy, password)
		return Session{}, s.fail(ctx, key, now)
	}
	if !CheckPassword(hash, password) || disabled != 0 {
		return Session{}, s.fail(ctx, key, now)
	}
	var sess Session
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		// A lock set by failures that finished while this password was
		// being checked holds too.
		if err := s.checkLock(ctx, tx, key, now); err != nil {
			return err
		}
		// With a second factor (or one the policy requires), the password
		// opens only the step that asks for the code (LoginCode); the
		// failures counted so far stay until the code is right.
		_, confirmed, _, has, err := factorRow(ctx, tx, id)
		if err != nil {
			return err
		}
		grants, err := s.actorGrants(ctx, tx, id)
		if err != nil {
			return err
		}
		if enrolled := has && confirmed != 0; enrolled || s.Policy.FactorRequired(grants) {
			sess.Enrol = !enrolled
			sess.Challenge, err = s.newChallenge(ctx, tx, id, sess.Enrol, now)
			return err
		}
		sess, err = s.openSession(ctx, tx, id, key, now, ip, userAgent, "")
		return err
	})
	if err != nil {
		return Session{}, err
	}
	return sess, nil
}

// openSession ends a successful login in tx: the failures of key are
// forgotten, the session row written, the login audited (factor: the
// second factor used, "" for none).
func (s *Service) openSession(ctx context.Context, tx *storage.Tx, id int64, key string, now time.Time, ip, userAgent, factor string) (Session, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE login = ?`, key); err != nil {
		return Session{}, err
	}
	tok := newToken("")
	ms := storage.Millis(now)
	if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, account_id, created_at, last_seen_at, expires_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		hashToken(tok), id, ms, ms, storage.Millis(now.Add(s.Policy.SessionMax)), truncate(userAgent, 200), ip); err != nil {
		return Session{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET last_login_at = ? WHERE id = ?`, ms, id); err != nil {
		return Session{}, err
	}
	actor, err := s.actor(ctx, tx, id)
	if err != nil {
		return Session{}, err
	}
	var after any
	if factor != "" {
		after = map[string]string{"factor": factor}
	}
	return Session{Token: tok, Actor: actor}, audit.Record(ctx, tx, actor, now, audit.Change{Action: "account.login", Entity: "account", EntityID: id, ScopePath: "/", Summary: "登录", After: after})
}

// checkLock answers 429 while the key is locked.
func (s *Service) checkLock(ctx context.Context, q storage.Querier, key string, now time.Time) error {
	var lockedUntil int64
	err := q.QueryRow(ctx, `SELECT locked_until FROM login_failures WHERE login = ?`, key).Scan(&lockedUntil)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && lockedUntil <= storage.Millis(now)) {
		return nil
	}
	if err != nil {
		return err
	}
	wait := storage.FromMillis(lockedUntil).Sub(now).Round(time.Minute)
	if wait < time.Minute {
		wait = time.Minute
	}
	return web.TooMany(storage.FromMillis(lockedUntil).Sub(now),
		linli.Errorf(linli.ETooMany, "登录失败次数过多，请%d分钟后再试 / too many failed logins, try again in %d minutes", int(wait.Minutes()), int(wait.Minutes())))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// fail counts a failed login and locks the key when the limit is reached.
// The count is one statement (insert or add one), so failures arriving at
// the same time each count: reading the count and writing it back would
// let parallel guesses overwrite each other's increments. A count older
// than the window starts again at 1.
func (s *Service) fail(ctx context.Context, key string, now time.Time) error {
	ms := storage.Millis(now)
	windowStart := storage.Millis(now.Add(-s.Policy.FailureWindow))
	lockAt := storage.Millis(now.Add(s.Policy.LockoutDuration))
	var first int64
	if s.Policy.MaxFailures <= 1 {
		first = lockAt
	}
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO login_failures (login, failures, first_at, locked_until) VALUES (?, 1, ?, ?)
			ON CONFLICT (login) DO UPDATE SET
				failures = CASE WHEN login_failures.first_at < ? THEN 1 ELSE login_failures.failures + 1 END,
				locked_until = CASE WHEN (CASE WHEN login_failures.first_at < ? THEN 1 ELSE login_failures.failures + 1 END) >= ? THEN ? ELSE login_failures.locked_until END,
				first_at = CASE WHEN login_failures.first_at < ? THEN ? ELSE login_failures.first_at END`,
			key, ms, first, windowStart, windowStart, s.Policy.MaxFailures, lockAt, windowStart, ms)
		return err
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, hashToken(token))
		return err
	})
}

// ActorForSession returns the actor of a live session and marks it used.
// Sessions idle past the policy end.
func (s *Service) ActorForSession(ctx context.Context, token string) (*linli.Actor, error) {
	if token == "" {
		return nil, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	id := hashToken(token)
	var accountID, lastSeen, expires int64
	err := s.DB.QueryRow(ctx, `SELECT account_id, last_seen_at, expires_at FROM sessions WHERE id = ?`, id).Scan(&accountID, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, linli.Errorf(linli.EUnauthorized, "登录已失效，请重新登录 / session ended, please log in again")
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if storage.Millis(now) > expires || now.Sub(storage.FromMillis(lastSeen)) > s.Policy.SessionIdle {
		_ = s.Logout(ctx, token)
		return nil, linli.Errorf(linli.EUnauthorized, "登录已超时，请重新登录 / session timed out, please log in again")
	}
	// Touch at most once a minute: idle timeout needs no finer grain and
	// every page view would otherwise be a write.
	if now.Sub(storage.FromMillis(lastSeen)) > time.Minute {
		if err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, storage.Millis(now), id)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return s.actor(ctx, s.DB, accountID)
}

// ActorForToken returns the actor of an API bearer token.
//
// Integrations call with the same token many times a second, so the actor
// is kept for tokenTTL; a change to accounts, roles or tokens clears the
// cache of every replica at once (ChannelAccounts).
func (s *Service) ActorForToken(ctx context.Context, token string) (*linli.Actor, error) {
	h := hashToken(token)
	if a, ok := s.tokens.get(h); ok {
		return a, nil
	}
	var accountID, revoked, scopeID, readOnly int64
	err := s.DB.QueryRow(ctx, `SELECT account_id, revoked_at, scope_node_id, read_only FROM api_tokens WHERE token_hash = ?`, h).Scan(&accountID, &revoked, &scopeID, &readOnly)
	if errors.Is(err, sql.ErrNoRows) || revoked != 0 {
		return nil, linli.Errorf(linli.EUnauthorized, "令牌无效 / invalid token")
	}
	if err != nil {
		return nil, err
	}
	a, err := s.actor(ctx, s.DB, accountID)
	if err != nil {
		return nil, err
	}
	// A scoped or read-only token acts with its account's rights narrowed
	// (linli.Actor.Narrowed): every permission check of every service sees
	// only the token's subtree, and no permission that writes.
	var scope linli.Grant
	if scopeID != 0 {
		ns, err := s.Registry.NodesAt(ctx, s.DB, []int64{scopeID})
		if err != nil {
			return nil, err
		}
		n, ok := ns[scopeID]
		if !ok {
			// The place was removed: the token acts nowhere.
			n.Path = "/deleted/"
		}
		scope = linli.Grant{NodeID: scopeID, NodePath: n.Path, NodeName: n.Name}
	}
	a = a.Narrowed(scope, readOnly != 0)
	a.ViaToken = true
	s.tokens.put(h, a)
	return a, nil
}

// actor loads an enabled account with its grants.
func (s *Service) actor(ctx context.Context, q storage.Querier, accountID int64) (*linli.Actor, error) {
	a := &linli.Actor{AccountID: accountID}
	var person sql.NullInt64
	var disabled, elder int64
	err := q.QueryRow(ctx, `SELECT username, display_name, person_id, disabled, elder_mode FROM accounts WHERE id = ?`, accountID).Scan(&a.Username, &a.DisplayName, &person, &disabled, &elder)
	if errors.Is(err, sql.ErrNoRows) || disabled != 0 {
		return nil, linli.Errorf(linli.EUnauthorized, "账号不可用 / account unavailable")
	}
	if err != nil {
		return nil, err
	}
	a.PersonID, a.Elder = person.Int64, elder != 0
	a.Grants, err = s.actorGrants(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// TokenInput names a new API token and may narrow it: NodeID to the
// subtree of one place where the account holds a role (0: everywhere it
// acts), ReadOnly to reading.
type TokenInput struct {
	Name     string `json:"name"`
	NodeID   int64  `json:"node_id,omitempty"`
	ReadOnly bool   `json:"read_only,omitempty"`
}

// CreateToken issues an API bearer token for the actor's own account,
// acting with all of the account's rights.
func (s *Service) CreateToken(ctx context.Context, a *linli.Actor, name string) (string, error) {
	return s.CreateScopedToken(ctx, a, TokenInput{Name: name})
}

// CreateScopedToken issues an API bearer token for the actor's own
// account, narrowed as in says. The plain token is returned once; only its
// hash is kept.
func (s *Service) CreateScopedToken(ctx context.Context, a *linli.Actor, in TokenInput) (string, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return "", linli.Invalid("请填写令牌名称 / name is required", linli.FieldError{Field: "name", Reason: "必填 / required"})
	}
	if a == nil || a.AccountID == 0 {
		return "", linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	if a.ViaToken {
		// A token that makes tokens survives its own revocation through
		// them: only a login (password, and the second factor where
		// required) makes one.
		return "", linli.Errorf(linli.EForbidden, "API 令牌不能创建令牌，请登录后在账号页创建 / an API token cannot make tokens: log in and make one on the account page")
	}
	scopePath, summary := "/", fmt.Sprintf("创建API令牌「%s」", name)
	if in.NodeID != 0 {
		// A place where the account holds no role answers like one that
		// does not exist.
		ns, err := s.Registry.NodesAt(ctx, s.DB, []int64{in.NodeID})
		if err != nil {
			return "", err
		}
		n, ok := ns[in.NodeID]
		if !ok || len(a.Narrowed(linli.Grant{NodeID: n.ID, NodePath: n.Path}, false).Grants) == 0 {
			return "", linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "node_id", Reason: "地点不存在或您在此没有角色 / no such place among yours"})
		}
		scopePath, summary = n.Path, summary+"，限于「"+n.Name+"」"
	}
	if in.ReadOnly {
		summary += "，只读"
	}
	tok := newToken("lnl_")
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		id, err := tx.Insert(ctx, `INSERT INTO api_tokens (account_id, name, token_hash, created_at, scope_node_id, read_only) VALUES (?, ?, ?, ?, ?, ?)`,
			a.AccountID, name, hashToken(tok), storage.Millis(s.now()), in.NodeID, storage.Int(in.ReadOnly))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "token.create", Entity: "api_token", EntityID: id, ScopePath: scopePath, Summary: summary,
			After: map[string]any{"node_id": in.NodeID, "read_only": in.ReadOnly}})
	})
	return tok, err
}

// Token is an API token as its owner sees it (never the token itself).
type Token struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	NodeID     int64     `json:"node_id,omitempty"` // the place it is narrowed to; 0: none
	NodeName   string    `json:"node_name,omitempty"`
	ReadOnly   bool      `json:"read_only"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	RevokedAt  time.Time `json:"revoked_at"`
}

// Tokens lists the actor's own API tokens.
func (s *Service) Tokens(ctx context.Context, a *linli.Actor) ([]Token, error) {
	out, err := storage.Select(ctx, s.DB, func(rows *sql.Rows) (Token, error) {
		var t Token
		var c, u, r, ro int64
		if err := rows.Scan(&t.ID, &t.Name, &c, &u, &r, &t.NodeID, &ro); err != nil {
			return t, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt, t.ReadOnly = storage.FromMillis(c), storage.FromMillis(u), storage.FromMillis(r), ro != 0
		return t, nil
	}, `SELECT id, name, created_at, last_used_at, revoked_at, scope_node_id, read_only FROM api_tokens WHERE account_id = ? ORDER BY id DESC`, a.AccountID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, t := range out {
		if t.NodeID != 0 {
			ids = append(ids, t.NodeID)
		}
	}
	if len(ids) > 0 {
		ns, err := s.Registry.NodesAt(ctx, s.DB, ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].NodeName = ns[out[i].NodeID].Name
		}
	}
	if out == nil {
		out = []Token{}
	}
	return out, nil
}

// RevokeToken ends one of the actor's own API tokens at once.
func (s *Service) RevokeToken(ctx context.Context, a *linli.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at = 0`, storage.Millis(s.now()), id, a.AccountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return linli.Errorf(linli.ENotFound, "令牌不存在或已撤销 / no such active token")
		}
		if err := s.accountsChanged(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "token.revoke", Entity: "api_token", EntityID: id, ScopePath: "/", Summary: "撤销API令牌"})
	})
}
