package auth

// Resident self-registration (注册): a phone number, a 6-digit code sent to
// it through the outbox, then a name and a password make an account with
// no role; claiming a household (claims.go) makes it a resident's.
//
// The code is kept only as a salted hash; it lives 10 minutes, is used
// once, and takes SignupLimits.MaxAttempts tries in all (the right one
// included), each claimed with one conditional UPDATE before the code is
// compared, so parallel guesses cannot pass the limit. Sending is limited
// per phone (one a minute, a few an hour) and per client address; a limit
// reached is a 429. Only the newest code of a phone counts.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/registry/ledger"
	"linli/storage"
)

// SignupLimits bound the registration codes.
type SignupLimits struct {
	CodeTTL      time.Duration // a code expires this long after it was sent
	MaxAttempts  int           // tries per code, the right one included
	PhoneGap     time.Duration // at most one code per phone this often
	PhonePerHour int           // codes per phone per hour
	IPPerHour    int           // codes per client address per hour
}

// DefaultSignupLimits: 10 minutes, 5 tries, one code a minute and 5 an
// hour per phone, 20 an hour per address.
func DefaultSignupLimits() SignupLimits {
	return SignupLimits{CodeTTL: 10 * time.Minute, MaxAttempts: 5, PhoneGap: time.Minute, PhonePerHour: 5, IPPerHour: 20}
}

// Signup registers residents by phone. Outbox queues the code's text
// message (cases.Service.SendSMS, wired by capability.Core); Demo shows the
// code on the page instead of needing an SMS gateway (`linli demo` only).
type Signup struct {
	*Service
	Outbox func(ctx context.Context, kind, phone, text string) error
	Demo   bool
	Limits SignupLimits
}

// SentCode is what the sender learns: when the code expires, and in the
// demo the code itself.
type SentCode struct {
	Phone     string    `json:"phone"`
	ExpiresAt time.Time `json:"expires_at"`
	DemoCode  string    `json:"demo_code,omitempty"`
}

func phoneOf(s string) (string, error) {
	p := ledger.NormalizePhone(s)
	if p == "" {
		return "", linli.Invalid("请输入手机号 / phone is required", linli.FieldError{Field: "phone", Reason: "必填 / required"})
	}
	if !ledger.ValidPhone(p) {
		return "", linli.Invalid("手机号无效 / not a valid phone number", linli.FieldError{Field: "phone", Reason: "手机号无效 / not a valid phone number"})
	}
	return p, nil
}

func codeHash(salt, phone, code string) string {
	sum := sha256.Sum256([]byte(salt + ":" + phone + ":" + code))
	return hex.EncodeToString(sum[:])
}

func tooMany(zh, en string) error {
	return &linli.Error{Code: linli.ETooMany, Message: zh + " / " + en, Fields: []linli.FieldError{{Field: "phone", Reason: zh + " / " + en}}}
}

// SendCode sends a new code to phone, within the limits.
func (s *Signup) SendCode(ctx context.Context, phone, ip string) (SentCode, error) {
	p, err := phoneOf(phone)
	if err != nil {
		return SentCode{}, err
	}
	lim := s.Limits
	now := s.now()
	n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
	code := fmt.Sprintf("%06d", n.Int64())
	saltB := make([]byte, 16)
	_, _ = rand.Read(saltB)
	salt := hex.EncodeToString(saltB)
	out := SentCode{Phone: p, ExpiresAt: now.Add(lim.CodeTTL)}
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		hour := storage.Millis(now.Add(-time.Hour))
		var perPhone, perIP int
		var last sql.NullInt64
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), MAX(created_at) FROM signup_codes WHERE phone = ? AND created_at > ?`, p, hour).Scan(&perPhone, &last); err != nil {
			return err
		}
		if last.Valid && now.Sub(storage.FromMillis(last.Int64)) < lim.PhoneGap {
			wait := int((lim.PhoneGap - now.Sub(storage.FromMillis(last.Int64))).Seconds()) + 1
			return tooMany(fmt.Sprintf("验证码已发送，请%d秒后再试", wait), fmt.Sprintf("a code was just sent, try again in %d s", wait))
		}
		if perPhone >= lim.PhonePerHour {
			return tooMany("该手机号验证码发送过于频繁，请一小时后再试", "too many codes for this phone, try again in an hour")
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM signup_codes WHERE ip = ? AND created_at > ?`, ip, hour).Scan(&perIP); err != nil {
			return err
		}
		if perIP >= lim.IPPerHour {
			return tooMany("请求过于频繁，请稍后再试", "too many requests from this address, try again later")
		}
		_, err := tx.Exec(ctx, `INSERT INTO signup_codes (phone, ip, salt, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			p, truncate(ip, 64), salt, codeHash(salt, p, code), storage.Millis(now), storage.Millis(out.ExpiresAt))
		return err
	})
	if err != nil {
		return SentCode{}, err
	}
	if s.Outbox != nil {
		text := fmt.Sprintf("【邻里】您的注册验证码是%s，%d分钟内有效。如非本人操作请忽略。", code, int(lim.CodeTTL.Minutes()))
		if err := s.Outbox(ctx, "signup_code", p, text); err != nil {
			return SentCode{}, err
		}
	}
	if s.Demo {
		out.DemoCode = code
	}
	return out, nil
}

// RegisterInput completes a registration.
type RegisterInput struct {
	Phone       string `json:"phone"`
	Code        string `json:"code"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
}

var errCodeGone = linli.Invalid("验证码已失效，请重新获取 / the code has expired, ask for a new one",
	linli.FieldError{Field: "code", Reason: "验证码已失效，请重新获取 / the code has expired, ask for a new one"})

// Register checks the code and creates the account (username: the phone,
// no role yet), then logs it in. The name and password are checked before
// the code, so a typo there costs no try.
func (s *Signup) Register(ctx context.Context, in RegisterInput, ip, userAgent string) (Session, error) {
	var v linli.Validation
	p, err := phoneOf(in.Phone)
	if err != nil {
		return Session{}, err
	}
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if in.DisplayName == "" {
		v.Add("display_name", "姓名必填 / name is required")
	} else if utf8.RuneCountInString(in.DisplayName) > 40 {
		v.Add("display_name", "姓名不超过40字 / at most 40 characters")
	}
	if err := CheckPolicy(in.Password, p, p); err != nil {
		v.Fields = append(v.Fields, linli.ErrorFields(err)...)
	}
	code := strings.TrimSpace(in.Code)
	if len(code) != 6 {
		v.Add("code", "请输入6位验证码 / enter the 6-digit code")
	}
	if err := v.Err(); err != nil {
		return Session{}, err
	}
	now := s.now()
	var id int64
	var salt, hash string
	var expires, used int64
	err = s.DB.QueryRow(ctx, `SELECT id, salt, code_hash, expires_at, used_at FROM signup_codes WHERE phone = ? ORDER BY id DESC LIMIT 1`, p).
		Scan(&id, &salt, &hash, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (used != 0 || expires <= storage.Millis(now))) {
		return Session{}, errCodeGone
	}
	if err != nil {
		return Session{}, err
	}
	// Claim one try before comparing: a try past the limit is refused
	// whatever it says.
	var tried bool
	if err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE signup_codes SET attempts = attempts + 1 WHERE id = ? AND attempts < ? AND used_at = 0`, id, s.Limits.MaxAttempts)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		tried = n == 1
		return err
	}); err != nil {
		return Session{}, err
	}
	if !tried {
		return Session{}, &linli.Error{Code: linli.ETooMany, Message: "验证码错误次数过多，请重新获取 / too many wrong codes, ask for a new one",
			Fields: []linli.FieldError{{Field: "code", Reason: "验证码错误次数过多，请重新获取 / too many wrong codes, ask for a new one"}}}
	}
	if subtle.ConstantTimeCompare([]byte(codeHash(salt, p, code)), []byte(hash)) != 1 {
		return Session{}, linli.Invalid("验证码错误 / wrong code", linli.FieldError{Field: "code", Reason: "验证码错误 / wrong code"})
	}
	pw := s.Hash.Hash(in.Password)
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE signup_codes SET used_at = ? WHERE id = ? AND used_at = 0`, storage.Millis(now), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err == nil {
				err = errCodeGone
			}
			return err
		}
		ms := storage.Millis(now)
		acc, err := tx.Insert(ctx, `INSERT INTO accounts (username, phone, display_name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			p, p, in.DisplayName, pw, ms, ms)
		if storage.IsUnique(err) {
			msg := "该手机号已注册，请直接登录 / this phone is registered already: log in"
			return &linli.Error{Code: linli.EConflict, Message: msg, Fields: []linli.FieldError{{Field: "phone", Reason: msg}}}
		}
		if err != nil {
			return err
		}
		self := &linli.Actor{AccountID: acc, Username: p, DisplayName: in.DisplayName}
		return audit.Record(ctx, tx, self, now, audit.Change{Action: "account.register", Entity: "account", EntityID: acc, ScopePath: "/",
			Summary: fmt.Sprintf("「%s」以手机号自助注册", in.DisplayName)})
	})
	if err != nil {
		return Session{}, err
	}
	return s.Login(ctx, p, in.Password, ip, userAgent)
}
