package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The second factor is TOTP as RFC 6238 defines it with the parameters
// every authenticator app assumes: HMAC-SHA-1, 6 digits, 30-second steps
// counted from the Unix epoch. A code is accepted one step either side of
// the server's (a phone's clock a little off, a code typed as it turned),
// and never twice: the highest step accepted is stored and only a later
// step passes (acceptStep).
const (
	totpStep   = 30 * time.Second
	totpDigits = 6
	totpWindow = 1 // steps either side
	// totpIssuer names Linli in the authenticator app's list.
	totpIssuer = "Linli"
)

// b32 is the secret's text form (RFC 4648 base32, no padding), as
// otpauth:// URIs and apps that take a typed key expect it.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret draws a 160-bit secret, the key length RFC 4226 recommends.
func newTOTPSecret() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return b32.EncodeToString(b)
}

// hotp is RFC 4226's HOTP: HMAC-SHA-1 of the counter, dynamic truncation,
// the low digits in decimal.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStepAt is the time step of t.
func totpStepAt(t time.Time) int64 { return t.Unix() / int64(totpStep/time.Second) }

// totpCode is the code of a step.
func totpCode(key []byte, step int64, digits int) string { return hotp(key, uint64(step), digits) }

// matchTOTP returns the step whose code is code, looking at now's step and
// the window around it, and whether one matched. Every step is compared in
// constant time so the timing does not tell which one matched.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	key, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil || len(code) != totpDigits {
		return 0, false
	}
	cur := totpStepAt(now)
	var found int64
	ok := false
	for s := cur - totpWindow; s <= cur+totpWindow; s++ {
		if subtle.ConstantTimeCompare([]byte(totpCode(key, s, totpDigits)), []byte(code)) == 1 && !ok {
			found, ok = s, true
		}
	}
	return found, ok
}

// otpauthURI is the Key URI an authenticator app scans: issuer and account
// in the label and parameters, the secret in base32.
func otpauthURI(account, secret string) string {
	label := url.PathEscape(totpIssuer + ":" + account)
	q := url.Values{"secret": {secret}, "issuer": {totpIssuer}, "algorithm": {"SHA1"}, "digits": {fmt.Sprint(totpDigits)}, "period": {fmt.Sprint(int(totpStep / time.Second))}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// normalizeCode takes a code as people type it: spaces and dashes dropped,
// letters in upper case (recovery codes).
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// recoveryAlphabet leaves out letters and digits people confuse (0/O, 1/I/L).
const recoveryAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// RecoveryCodes is how many single-use recovery codes an enrolment gives.
const RecoveryCodes = 10

// newRecoveryCode draws a code of 10 characters (about 50 bits), shown as
// XXXXX-XXXXX. Bytes past the last whole multiple of the alphabet's size
// are drawn again, so every character is equally likely.
func newRecoveryCode() string {
	limit := byte(256 - 256%len(recoveryAlphabet))
	out := make([]byte, 0, 11)
	var b [1]byte
	for len(out) < 11 {
		if len(out) == 5 {
			out = append(out, '-')
			continue
		}
		_, _ = rand.Read(b[:])
		if b[0] < limit {
			out = append(out, recoveryAlphabet[int(b[0])%len(recoveryAlphabet)])
		}
	}
	return string(out)
}

// hashRecovery is the stored form of a recovery code. The codes are drawn
// at random with about 50 bits each and tries are locked out, so a fast
// hash suffices (as for session and API tokens); the plain code is shown
// once and never kept.
func hashRecovery(code string) string {
	sum := sha256.Sum256([]byte("linli-recovery:" + normalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

// TOTPCode is the code of a base32 secret at t, as an authenticator app
// shows it ("" for a secret that is not base32). The server never needs
// it (matchTOTP checks); tests and tools that act as the app do.
func TOTPCode(secret string, t time.Time) string {
	key, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return ""
	}
	return totpCode(key, totpStepAt(t), totpDigits)
}
