package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"linli"
	"linli/audit"
	"linli/storage"
)

// The second factor. Any account may enrol an authenticator app (TOTP);
// Policy.FactorRoles lists the roles whose holders must (by default street
// staff and administrators: the accounts that see whole streets and the
// city). Login is then two steps: the password opens a challenge, not a
// session; the code (or a recovery code) turns the challenge into a
// session. An account that must have a factor and has none enrols at that
// step: the page shows the QR code and the first code confirms it. Wrong
// codes count towards the same lockout as wrong passwords (the account's
// login_failures row). API tokens are not touched: a token is created by a
// logged-in owner (after the code) and authenticates on its own.

// challengeTTL is how long the step between password and code lasts.
const challengeTTL = 5 * time.Minute

var (
	errBadCode = linli.Invalid("验证码错误 / wrong code",
		linli.FieldError{Field: "code", Reason: "验证码错误或已使用 / wrong or already used code"})
	errChallengeGone = linli.Errorf(linli.EUnauthorized, "验证已过期，请重新登录 / the login step expired, log in again")
)

// FactorRequired reports whether the policy requires a second factor of an
// account with these grants.
func (p Policy) FactorRequired(grants []linli.Grant) bool {
	for _, g := range grants {
		if slices.Contains(p.FactorRoles, g.Role) {
			return true
		}
	}
	return false
}

// Enrolment is a factor waiting for its first code: the secret to type
// and the otpauth:// URI the QR code carries.
type Enrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"otpauth_uri"`
}

// FactorState is what the account page says about the factor.
type FactorState struct {
	Enrolled     bool `json:"enrolled"`
	Required     bool `json:"required"`
	RecoveryLeft int  `json:"recovery_codes_left"`
}

// factorRow reads an account's factor; ok is false when it has none.
func factorRow(ctx context.Context, q storage.Querier, accountID int64) (secret string, confirmed, lastStep int64, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT secret, confirmed_at, last_step FROM account_factors WHERE account_id = ?`, accountID).Scan(&secret, &confirmed, &lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, 0, false, nil
	}
	return secret, confirmed, lastStep, err == nil, err
}

// pendingFactor returns the account's unconfirmed secret, drawing one if
// it has none; a confirmed factor is a conflict.
func (s *Service) pendingFactor(ctx context.Context, tx *storage.Tx, accountID int64) (string, error) {
	secret, confirmed, _, ok, err := factorRow(ctx, tx, accountID)
	if err != nil {
		return "", err
	}
	if ok && confirmed != 0 {
		return "", linli.Errorf(linli.EConflict, "已启用两步验证 / the second factor is already on")
	}
	if ok {
		return secret, nil
	}
	secret = newTOTPSecret()
	_, err = tx.Exec(ctx, `INSERT INTO account_factors (account_id, secret, created_at) VALUES (?, ?, ?)`, accountID, secret, storage.Millis(s.now()))
	return secret, err
}

// FactorState says whether the actor has a factor and must have one.
func (s *Service) FactorState(ctx context.Context, a *linli.Actor) (FactorState, error) {
	_, confirmed, _, ok, err := factorRow(ctx, s.DB, a.AccountID)
	if err != nil {
		return FactorState{}, err
	}
	st := FactorState{Enrolled: ok && confirmed != 0, Required: s.Policy.FactorRequired(a.Grants)}
	if st.Enrolled {
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM account_recovery_codes WHERE account_id = ? AND used_at = 0`, a.AccountID).Scan(&st.RecoveryLeft)
	}
	return st, err
}

// BeginFactor starts the actor's own enrolment (or shows the one started):
// the secret is kept unconfirmed until ConfirmFactor gets a code from it.
func (s *Service) BeginFactor(ctx context.Context, a *linli.Actor) (Enrolment, error) {
	if a == nil || a.AccountID == 0 {
		return Enrolment{}, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	var secret string
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		secret, err = s.pendingFactor(ctx, tx, a.AccountID)
		return err
	})
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URI: otpauthURI(a.Username, secret)}, nil
}

// ConfirmFactor turns the actor's pending secret into the factor when code
// is its current code, and returns the ten recovery codes (shown once).
func (s *Service) ConfirmFactor(ctx context.Context, a *linli.Actor, code string) ([]string, error) {
	var codes []string
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		codes, err = s.confirm(ctx, tx, a, a.AccountID, code, "account.factor.enrol")
		return err
	})
	return codes, err
}

// confirm checks code against accountID's pending secret, marks the
// factor confirmed with that step used, stores fresh recovery codes and
// writes the audit row, in tx.
func (s *Service) confirm(ctx context.Context, tx *storage.Tx, a *linli.Actor, accountID int64, code, action string) ([]string, error) {
	secret, confirmed, _, ok, err := factorRow(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, linli.Errorf(linli.EConflict, "请先开始启用两步验证 / start the enrolment first")
	}
	if confirmed != 0 {
		return nil, linli.Errorf(linli.EConflict, "已启用两步验证 / the second factor is already on")
	}
	now := s.now()
	step, match := matchTOTP(secret, normalizeCode(code), now)
	if !match {
		return nil, errBadCode
	}
	if _, err := tx.Exec(ctx, `UPDATE account_factors SET confirmed_at = ?, last_step = ? WHERE account_id = ?`, storage.Millis(now), step, accountID); err != nil {
		return nil, err
	}
	codes, err := s.storeRecoveryCodes(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	return codes, audit.Record(ctx, tx, a, now, audit.Change{Action: action, Entity: "account", EntityID: accountID, ScopePath: "/",
		Summary: "启用两步验证", SummaryEN: "Turned on the second factor"})
}

// storeRecoveryCodes replaces an account's recovery codes with ten new
// ones and returns them in plain text (the only time they exist so).
func (s *Service) storeRecoveryCodes(ctx context.Context, tx *storage.Tx, accountID int64) ([]string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM account_recovery_codes WHERE account_id = ?`, accountID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := tx.Exec(ctx, `INSERT INTO account_recovery_codes (account_id, code_hash) VALUES (?, ?)`, accountID, hashRecovery(codes[i])); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// RemoveOwnFactor turns the actor's own factor off, with a current code as
// proof; refused while the policy requires one of the actor's roles.
func (s *Service) RemoveOwnFactor(ctx context.Context, a *linli.Actor, code string) error {
	if s.Policy.FactorRequired(a.Grants) {
		return linli.Errorf(linli.EForbidden, "您的角色必须使用两步验证 / your role requires the second factor")
	}
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		ok, err := s.checkCode(ctx, tx, a.AccountID, code)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode
		}
		if err := s.dropFactor(ctx, tx, a.AccountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "account.factor.remove", Entity: "account", EntityID: a.AccountID, ScopePath: "/",
			Summary: "关闭两步验证", SummaryEN: "Turned off the second factor"})
	})
}

// ResetFactor removes the factor of an account the actor manages (a lost
// phone): its next login enrols again where the policy requires a factor.
// Audited with the account's name.
func (s *Service) ResetFactor(ctx context.Context, a *linli.Actor, accountID int64) error {
	acc, err := s.managed(ctx, s.DB, a, accountID, "无权重置该账号的两步验证 / not allowed")
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, confirmed, _, had, err := factorRow(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := s.dropFactor(ctx, tx, accountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "account.factor.reset", Entity: "account", EntityID: accountID, ScopePath: "/",
			Summary: "重置「" + acc.Username + "」的两步验证", SummaryEN: "Reset the second factor of “" + acc.Username + "”",
			Before: map[string]bool{"enrolled": had && confirmed != 0}})
	})
}

func (s *Service) dropFactor(ctx context.Context, tx *storage.Tx, accountID int64) error {
	for _, q := range []string{`DELETE FROM account_factors WHERE account_id = ?`, `DELETE FROM account_recovery_codes WHERE account_id = ?`,
		`DELETE FROM login_challenges WHERE account_id = ?`} {
		if _, err := tx.Exec(ctx, q, accountID); err != nil {
			return err
		}
	}
	return nil
}

// checkCode accepts a current TOTP code of a confirmed factor whose step
// is later than any accepted before, or an unused recovery code, and
// spends it in tx. It reports the kind used ("" for none).
func (s *Service) checkCode(ctx context.Context, tx *storage.Tx, accountID int64, code string) (bool, error) {
	kind, err := s.spendCode(ctx, tx, accountID, code)
	return kind != "", err
}

func (s *Service) spendCode(ctx context.Context, tx *storage.Tx, accountID int64, code string) (string, error) {
	code = normalizeCode(code)
	secret, confirmed, last, ok, err := factorRow(ctx, tx, accountID)
	if err != nil || !ok || confirmed == 0 || code == "" {
		return "", err
	}
	if step, match := matchTOTP(secret, code, s.now()); match {
		// Only a step later than the last accepted one: a code seen once
		// (over a shoulder, in a log) does not open a second login. The
		// condition is in the statement so two logins racing with one
		// code cannot both pass.
		res, err := tx.Exec(ctx, `UPDATE account_factors SET last_step = ? WHERE account_id = ? AND last_step < ?`, step, accountID, step)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 1 && step > last {
			return "totp", nil
		}
		return "", nil
	}
	res, err := tx.Exec(ctx, `UPDATE account_recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at = 0`,
		storage.Millis(s.now()), accountID, hashRecovery(code))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return "recovery", nil
	}
	return "", nil
}

// newChallenge opens the step between password and code for an account,
// in tx, and returns its token. Expired challenges of the account go.
func (s *Service) newChallenge(ctx context.Context, tx *storage.Tx, accountID int64, enrol bool, now time.Time) (string, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM login_challenges WHERE account_id = ? AND expires_at < ?`, accountID, storage.Millis(now)); err != nil {
		return "", err
	}
	tok := newToken("")
	_, err := tx.Exec(ctx, `INSERT INTO login_challenges (id, account_id, created_at, expires_at, enrol) VALUES (?, ?, ?, ?, ?)`,
		hashToken(tok), accountID, storage.Millis(now), storage.Millis(now.Add(challengeTTL)), storage.Int(enrol))
	return tok, err
}

// challengeOf reads a live challenge.
func (s *Service) challengeOf(ctx context.Context, q storage.Querier, challenge string, now time.Time) (accountID int64, enrol bool, err error) {
	if challenge == "" {
		return 0, false, errChallengeGone
	}
	var expires, e int64
	err = q.QueryRow(ctx, `SELECT account_id, expires_at, enrol FROM login_challenges WHERE id = ?`, hashToken(challenge)).Scan(&accountID, &expires, &e)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && expires < storage.Millis(now)) {
		return 0, false, errChallengeGone
	}
	return accountID, e != 0, err
}

// ChallengeEnrolment is the enrolment an account must finish at the code
// step (the policy requires a factor it does not have yet): the secret and
// URI for the QR code. Not enrolling: a 409.
func (s *Service) ChallengeEnrolment(ctx context.Context, challenge string) (Enrolment, error) {
	id, enrol, err := s.challengeOf(ctx, s.DB, challenge, s.now())
	if err != nil {
		return Enrolment{}, err
	}
	if !enrol {
		return Enrolment{}, linli.Errorf(linli.EConflict, "该账号已启用两步验证 / the account has its factor")
	}
	var username string
	if err := s.DB.QueryRow(ctx, `SELECT username FROM accounts WHERE id = ?`, id).Scan(&username); err != nil {
		return Enrolment{}, err
	}
	var secret string
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		secret, err = s.pendingFactor(ctx, tx, id)
		return err
	})
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URI: otpauthURI(username, secret)}, nil
}

// LoginCode finishes a login with the code from the authenticator app (or
// a recovery code) and opens the session. At an enrolment step the code
// confirms the new factor and the recovery codes come back too. A wrong
// code counts as a failed login of the account (lockout, 429).
func (s *Service) LoginCode(ctx context.Context, challenge, code, ip, userAgent string) (Session, []string, error) {
	now := s.now()
	id, enrol, err := s.challengeOf(ctx, s.DB, challenge, now)
	if err != nil {
		return Session{}, nil, err
	}
	key := failureKey(id, "")
	if err := s.checkLock(ctx, s.DB, key, now); err != nil {
		return Session{}, nil, err
	}
	if normalizeCode(code) == "" {
		return Session{}, nil, linli.Invalid("请输入验证码 / the code is required", linli.FieldError{Field: "code", Reason: "必填 / required"})
	}
	var sess Session
	var codes []string
	bad := false
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		if err := s.checkLock(ctx, tx, key, now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM login_challenges WHERE id = ? AND expires_at >= ?`, hashToken(challenge), storage.Millis(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errChallengeGone
		}
		self, err := s.actor(ctx, tx, id)
		if err != nil {
			return err
		}
		var kind string
		if enrol {
			if codes, err = s.confirm(ctx, tx, self, id, code, "account.factor.enrol"); err != nil {
				if err == errBadCode {
					bad = true
				}
				return err
			}
			kind = "totp"
		} else if kind, err = s.spendCode(ctx, tx, id, code); err != nil {
			return err
		} else if kind == "" {
			bad = true
			return errBadCode
		}
		sess, err = s.openSession(ctx, tx, id, key, now, ip, userAgent, kind)
		return err
	})
	if bad {
		// The challenge stays (the delete rolled back): the person may try
		// again until the lockout.
		if err := s.fail(ctx, key, now); err != errBadLogin {
			return Session{}, nil, err
		}
		return Session{}, nil, errBadCode
	}
	if err != nil {
		return Session{}, nil, err
	}
	return sess, codes, nil
}
