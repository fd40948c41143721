package gb28181

import (
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
)

// FuzzDigestAuthorization: a device's Authorization header (RFC 2617
// digest, parsed by a library) never panics the parser or verify, and is
// accepted only with the response the password gives. "NONCE" in the
// input is replaced by a nonce of this process, so the fuzzer reaches the
// checks behind the nonce.
func FuzzDigestAuthorization(f *testing.F) {
	const uri = "sip:34020000002000000001@3402000000"
	for _, qop := range [][]string{{"auth"}, nil} {
		c, err := digest.Digest(&digest.Challenge{Realm: testRealm, Nonce: "NONCE", QOP: qop, Algorithm: "MD5"},
			digest.Options{Method: "REGISTER", URI: uri, Username: testDevice, Password: testPassword, Count: 1})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.String())
	}
	for _, h := range []string{"", "Basic dXNlcjpwYXNz", `Digest username="a", nc=zz`, `Digest realm="3402000000", nonce="NONCE", qop=auth-int`, `Digest nc=00000000000000001, qop=auth`} {
		f.Add(h)
	}
	nn, err := newNonces()
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 13, 30, 0, 0, time.UTC)
	nonce := nn.issue(now)
	f.Fuzz(func(t *testing.T, header string) {
		c, ok := parseCredentials(strings.ReplaceAll(header, "NONCE", nonce))
		if !ok {
			return
		}
		if verify(c, "REGISTER", testPassword, nn, testRealm, now) != verdictOK {
			return
		}
		var qop []string
		if c.QOP != "" {
			qop = []string{c.QOP}
		}
		want, err := digest.Digest(&digest.Challenge{Realm: testRealm, Nonce: c.Nonce, Algorithm: c.Algorithm, QOP: qop},
			digest.Options{Method: "REGISTER", URI: c.URI, Username: c.Username, Password: testPassword, Cnonce: c.Cnonce, Count: c.Nc})
		if err != nil || !strings.EqualFold(c.Response, want.Response) || c.Realm != testRealm {
			t.Fatalf("accepted %q without the password's response", header)
		}
	})
}
