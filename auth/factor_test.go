package auth_test

import (
	"fmt"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/storage"
	"linli/storage/storagetest"
)

// The second factor through the service, on every engine, with the demo
// accounts and the fake clock: the default policy requires it of street
// staff and administrators.

// login logs in with the password and, when a challenge follows, returns it.
func (w *world) challenge(t *testing.T, login string) auth.Session {
	t.Helper()
	s, err := w.auth.Login(w.ctx, login, demoPassword, "127.0.0.1", "test")
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return s
}

func (w *world) code(t *testing.T, s auth.Session, code string) (auth.Session, []string, error) {
	t.Helper()
	return w.auth.LoginCode(w.ctx, s.Challenge, code, "127.0.0.1", "test")
}

func (w *world) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.db.QueryRow(w.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSecondFactor(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		// The clock on a step boundary, so "the next step" is 30 s away.
		w.clock.Set(time.Unix(totpEpoch, 0))

		// street must have a factor and has none: the password opens an
		// enrolment step, not a session.
		s := w.challenge(t, "street")
		if s.Token != "" || s.Challenge == "" || !s.Enrol {
			t.Fatalf("street's login: %+v", s)
		}
		if n := w.count(t, `SELECT COUNT(*) FROM sessions`); n != 0 {
			t.Fatalf("%d sessions before the code", n)
		}
		e, err := w.auth.ChallengeEnrolment(w.ctx, s.Challenge)
		if err != nil || e.Secret == "" || e.URI == "" {
			t.Fatalf("enrolment %+v %v", e, err)
		}
		// A wrong code is a 422 on the code field and a failure counted.
		street := w.actor(t, "street")
		key := "account:" + itoa(street.AccountID)
		if _, _, err := w.code(t, s, "000000"); linli.ErrorCode(err) != linli.EInvalid || linli.ErrorFields(err)[0].Field != "code" {
			t.Fatalf("wrong code: %v", err)
		}
		if w.failures(t, key) != 1 {
			t.Errorf("wrong code not counted")
		}
		// The right code confirms the factor, opens the session, gives ten
		// recovery codes and clears the failures.
		first := auth.TOTPCode(e.Secret, w.clock.Now())
		sess, recovery, err := w.code(t, s, first)
		if err != nil || sess.Token == "" || len(recovery) != auth.RecoveryCodes {
			t.Fatalf("enrol: %+v %v %v", sess, recovery, err)
		}
		if n := w.count(t, `SELECT COUNT(*) FROM login_failures WHERE login = ?`, key); n != 0 {
			t.Errorf("failures kept after the login")
		}
		if n := w.count(t, `SELECT COUNT(*) FROM account_recovery_codes WHERE account_id = ? AND code_hash <> ?`, street.AccountID, recovery[0]); n != 10 {
			t.Errorf("%d hashed recovery codes stored", n)
		}
		// The challenge is spent.
		if _, _, err := w.code(t, s, first); linli.ErrorCode(err) != linli.EUnauthorized {
			t.Errorf("challenge reused: %v", err)
		}

		// The next login asks for a code; the same code again (same step)
		// is refused: no code is accepted twice.
		s = w.challenge(t, "street")
		if s.Enrol || s.Challenge == "" {
			t.Fatalf("second login %+v", s)
		}
		if _, _, err := w.code(t, s, first); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("a code accepted twice: %v", err)
		}
		// A code two steps ahead is outside the window; the next step's
		// code (a phone a little fast) is in it, and then 30 s later that
		// same code is still refused.
		if _, _, err := w.code(t, s, auth.TOTPCode(e.Secret, w.clock.Now().Add(60*time.Second))); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("a code two steps ahead: %v", err)
		}
		ahead := auth.TOTPCode(e.Secret, w.clock.Now().Add(30*time.Second))
		if _, _, err := w.code(t, s, ahead); err != nil {
			t.Fatalf("next step's code: %v", err)
		}
		w.clock.Advance(30 * time.Second)
		s = w.challenge(t, "street")
		if _, _, err := w.code(t, s, ahead); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("the code of a used step accepted: %v", err)
		}
		// A recovery code works once, typed loosely.
		if _, _, err := w.code(t, s, " "+recovery[3][:5]+" "+recovery[3][6:]); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		s = w.challenge(t, "street")
		if _, _, err := w.code(t, s, recovery[3]); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("recovery code used twice: %v", err)
		}
		st, err := w.auth.FactorState(w.ctx, street)
		if err != nil || !st.Enrolled || !st.Required || st.RecoveryLeft != 9 {
			t.Errorf("state %+v %v", st, err)
		}

		// Wrong codes lock the account like wrong passwords: after the
		// policy's failures even the right code is a 429, until the
		// lockout ends.
		w.clock.Advance(time.Hour)
		s = w.challenge(t, "street")
		for range 5 {
			if _, _, err := w.code(t, s, "999999"); linli.ErrorCode(err) == "" {
				t.Fatal("a wrong code accepted")
			}
		}
		if _, _, err := w.code(t, s, auth.TOTPCode(e.Secret, w.clock.Now())); linli.ErrorCode(err) != linli.ETooMany {
			t.Errorf("locked account took the code: %v", err)
		}
		if _, err := w.auth.Login(w.ctx, "street", demoPassword, "", ""); linli.ErrorCode(err) != linli.ETooMany {
			t.Errorf("locked account took the password: %v", err)
		}
		w.clock.Advance(16 * time.Minute)
		s = w.challenge(t, "street")
		if _, _, err := w.code(t, s, auth.TOTPCode(e.Secret, w.clock.Now())); err != nil {
			t.Errorf("after the lockout: %v", err)
		}

		// A challenge lasts five minutes.
		s = w.challenge(t, "street")
		w.clock.Advance(6 * time.Minute)
		if _, _, err := w.code(t, s, auth.TOTPCode(e.Secret, w.clock.Now())); linli.ErrorCode(err) != linli.EUnauthorized {
			t.Errorf("expired challenge: %v", err)
		}

		// street cannot turn its required factor off; the administrator
		// resets it (audited) and the next login enrols again. Community
		// staff cannot reset a street account (out of its view).
		if err := w.auth.RemoveOwnFactor(w.ctx, street, auth.TOTPCode(e.Secret, w.clock.Now())); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("required factor removed: %v", err)
		}
		if err := w.auth.ResetFactor(w.ctx, w.actor(t, "xueyuan"), street.AccountID); err == nil {
			t.Error("community staff reset street's factor")
		}
		if err := w.auth.ResetFactor(w.ctx, w.actor(t, "admin"), street.AccountID); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'account.factor.reset' AND entity_id = ?`, street.AccountID); n != 1 {
			t.Errorf("reset audited %d times", n)
		}
		if s := w.challenge(t, "street"); !s.Enrol {
			t.Errorf("after the reset: %+v", s)
		}

		// A resident need not have a factor: the password alone opens a
		// session. Enrolling on the account page makes the next login ask.
		res := w.actor(t, "resident")
		if s := w.challenge(t, "resident"); s.Token == "" || s.Challenge != "" {
			t.Fatalf("resident's login %+v", s)
		}
		en, err := w.auth.BeginFactor(w.ctx, res)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.auth.ConfirmFactor(w.ctx, res, "123456"); linli.ErrorCode(err) != linli.EInvalid && auth.TOTPCode(en.Secret, w.clock.Now()) != "123456" {
			t.Errorf("confirmed with a wrong code: %v", err)
		}
		codes, err := w.auth.ConfirmFactor(w.ctx, res, auth.TOTPCode(en.Secret, w.clock.Now()))
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %v %v", codes, err)
		}
		if s := w.challenge(t, "resident"); s.Challenge == "" || s.Enrol {
			t.Fatalf("enrolled resident's login %+v", s)
		}
		// Turning it off takes a fresh code (the confirming one is spent).
		if err := w.auth.RemoveOwnFactor(w.ctx, res, auth.TOTPCode(en.Secret, w.clock.Now())); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("removed with a spent code: %v", err)
		}
		w.clock.Advance(30 * time.Second)
		if err := w.auth.RemoveOwnFactor(w.ctx, res, auth.TOTPCode(en.Secret, w.clock.Now())); err != nil {
			t.Fatal(err)
		}
		if s := w.challenge(t, "resident"); s.Token == "" {
			t.Errorf("after removal %+v", s)
		}
	})
}

// totpEpoch is a time on a 30-second step boundary.
const totpEpoch = 1_796_000_010

func itoa(n int64) string { return fmt.Sprint(n) }
