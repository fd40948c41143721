package auth

import (
	"net/url"
	"regexp"
	"testing"
	"time"
)

// RFC 6238 appendix B, the SHA-1 rows: the key is the ASCII string
// "12345678901234567890", codes of 8 digits at these Unix times.
var rfc6238 = []struct {
	unix int64
	code string
}{
	{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
	{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
}

var rfcKey = []byte("12345678901234567890")

func TestTOTPTestVectors(t *testing.T) {
	for _, v := range rfc6238 {
		at := time.Unix(v.unix, 0)
		if got := totpCode(rfcKey, totpStepAt(at), 8); got != v.code {
			t.Errorf("T=%d: %s, want %s", v.unix, got, v.code)
		}
		// Six digits are the low six of the same number.
		if got := totpCode(rfcKey, totpStepAt(at), 6); got != v.code[2:] {
			t.Errorf("T=%d (6 digits): %s, want %s", v.unix, got, v.code[2:])
		}
		// And matchTOTP accepts it through the base32 secret.
		if step, ok := matchTOTP(b32.EncodeToString(rfcKey), v.code[2:], at); !ok || step != totpStepAt(at) {
			t.Errorf("T=%d: matchTOTP %d %v", v.unix, step, ok)
		}
	}
}

// A code is good one step either side of now and not two.
func TestTOTPWindow(t *testing.T) {
	secret := b32.EncodeToString(rfcKey)
	now := time.Unix(1234567890, 0)
	cur := totpStepAt(now)
	for d, want := range map[int64]bool{-2: false, -1: true, 0: true, 1: true, 2: false} {
		code := totpCode(rfcKey, cur+d, 6)
		step, ok := matchTOTP(secret, code, now)
		if ok != want || (ok && step != cur+d) {
			t.Errorf("step %+d: ok=%v step=%d, want ok=%v", d, ok, step, want)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := matchTOTP(secret, bad, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestOTPAuthURI(t *testing.T) {
	u, err := url.Parse(otpauthURI("street", "JBSWY3DPEHPK3PXP"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Linli:street" || q.Get("secret") != "JBSWY3DPEHPK3PXP" ||
		q.Get("issuer") != "Linli" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Errorf("uri %s", u)
	}
	if s := newTOTPSecret(); len(s) != 32 { // 160 bits in base32
		t.Errorf("secret %q", s)
	}
}

func TestRecoveryCodes(t *testing.T) {
	re := regexp.MustCompile(`^[` + recoveryAlphabet + `]{5}-[` + recoveryAlphabet + `]{5}$`)
	seen := map[string]bool{}
	for range 100 {
		c := newRecoveryCode()
		if !re.MatchString(c) || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		// Typed in lower case, without the dash or with spaces: the same.
		if hashRecovery(c) != hashRecovery(" "+c[:5]+" "+c[6:]) {
			t.Fatalf("normalisation of %q", c)
		}
	}
}
