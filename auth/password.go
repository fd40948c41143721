package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"linli"
)

// HashParams are the argon2id cost settings. Defaults follow the OWASP
// minimum (19 MiB, 2 passes); tests use Cheap.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHash is used in production.
var defaultHash = HashParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// DefaultHashParams returns the production cost.
func DefaultHashParams() HashParams { return defaultHash }

// CheapHashParams is for tests and the demo loader: still argon2id, fast.
func CheapHashParams() HashParams { return HashParams{Memory: 64, Time: 1, Threads: 1} }

// Hash returns an encoded argon2id hash of password.
func (p HashParams) Hash(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches the encoded hash.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// CheckPolicy enforces the minimum password policy: at least 10
// characters, letters and digits, not the login name itself.
func CheckPolicy(password, username, phone string) error {
	var v linli.Validation
	var letter, digit bool
	for _, r := range password {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	switch {
	case utf8.RuneCountInString(password) < 10:
		v.Add("password", "密码至少10位 / password needs at least 10 characters")
	case utf8.RuneCountInString(password) > 128:
		v.Add("password", "密码不超过128位 / password is at most 128 characters")
	case !letter || !digit:
		v.Add("password", "密码须同时包含字母和数字 / password needs letters and digits")
	case strings.EqualFold(password, username) || (phone != "" && strings.Contains(password, phone)):
		v.Add("password", "密码不能与用户名或手机号相同 / password must differ from the login name")
	}
	return v.Err()
}
