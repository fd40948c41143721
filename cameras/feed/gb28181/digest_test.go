package gb28181

import (
	"testing"
	"time"

	"github.com/icholy/digest"
)

func TestVerify(t *testing.T) {
	nn, err := newNonces()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newNonces() // another process's key: its nonces are not ours
	now := time.Date(2026, 12, 6, 13, 30, 0, 0, time.UTC)
	const uri = "sip:34020000002000000001@3402000000"
	// answer computes a device's answer to a challenge with nonce.
	answer := func(nonce, realm, password string, qop []string, algorithm string) *credentials {
		c, err := digest.Digest(&digest.Challenge{Realm: realm, Nonce: nonce, QOP: qop, Algorithm: algorithm},
			digest.Options{Method: "REGISTER", URI: uri, Username: testDevice, Password: password, Count: 1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	fresh := nn.issue(now)
	auth := []string{"auth"}
	for _, tc := range []struct {
		name string
		cred *credentials
		at   time.Time
		want verdict
	}{
		{"qop=auth", answer(fresh, testRealm, testPassword, auth, "MD5"), now, verdictOK},
		{"no qop (RFC 2069 devices)", answer(fresh, testRealm, testPassword, nil, ""), now, verdictOK},
		{"wrong password", answer(fresh, testRealm, "nope", auth, "MD5"), now, verdictWrong},
		{"wrong password, stale nonce", answer(fresh, testRealm, "nope", auth, "MD5"), now.Add(nonceLifetime + time.Second), verdictWrong},
		{"stale nonce", answer(fresh, testRealm, testPassword, auth, "MD5"), now.Add(nonceLifetime + time.Second), verdictStale},
		{"at the end of its lifetime", answer(fresh, testRealm, testPassword, auth, "MD5"), now.Add(nonceLifetime), verdictOK},
		{"nonce from another key", answer(other.issue(now), testRealm, testPassword, auth, "MD5"), now, verdictChallenge},
		{"made-up nonce", answer("0123456789abcdef", testRealm, testPassword, auth, "MD5"), now, verdictChallenge},
		{"other realm", answer(fresh, "4401000000", testPassword, auth, "MD5"), now, verdictChallenge},
		{"auth-int", func() *credentials {
			c := answer(fresh, testRealm, testPassword, auth, "MD5")
			c.QOP = "auth-int"
			return c
		}(), now, verdictBad},
		{"SHA-256", answer(fresh, testRealm, testPassword, auth, "SHA-256"), now, verdictBad},
		{"qop without cnonce", func() *credentials { c := answer(fresh, testRealm, testPassword, auth, "MD5"); c.Cnonce = ""; return c }(), now, verdictBad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := verify(tc.cred, "REGISTER", testPassword, nn, testRealm, tc.at); got != tc.want {
				t.Fatalf("verdict %d, want %d", got, tc.want)
			}
		})
	}
}

func TestParseCredentialsRefusesGarbage(t *testing.T) {
	for _, h := range []string{"", "Basic dXNlcjpwYXNz", `Digest username="a", nc=zz`} {
		if _, ok := parseCredentials(h); ok {
			t.Errorf("%q accepted", h)
		}
	}
}
