package auth

import (
	"strings"
	"time"
)

// TOTPCode is the 6-digit code of a base32 secret at t, for the tests
// (what the person's authenticator app shows).
func TOTPCode(secret string, t time.Time) string {
	key, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil {
		panic(err)
	}
	return totpCode(key, totpStepAt(t), totpDigits)
}
