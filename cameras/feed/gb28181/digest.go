package gb28181

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"

	"github.com/icholy/digest"
)

// nonceLifetime is how long a challenge may be answered. A device answers
// within a second; an older nonce is "stale" (RFC 2617 §3.2.1) and the
// device is challenged again without being refused.
const nonceLifetime = 5 * time.Minute

// nonces issues and checks the nonces of digest challenges without keeping
// them: a nonce is its issue time and an HMAC of it under a key drawn at
// start, so a flood of unanswered REGISTERs costs no memory. After a
// restart old nonces fail the HMAC and the device is simply challenged
// again.
type nonces struct{ key []byte }

func newNonces() (nonces, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nonces{}, err
	}
	return nonces{key: key}, nil
}

func (n nonces) issue(now time.Time) string {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(now.UnixNano()))
	return hex.EncodeToString(ts[:]) + hex.EncodeToString(n.mac(ts[:]))
}

func (n nonces) mac(ts []byte) []byte {
	m := hmac.New(sha256.New, n.key)
	m.Write(ts)
	return m.Sum(nil)[:16]
}

// check says whether nonce was issued here (genuine) and, if so, whether
// it is still within its lifetime (fresh).
func (n nonces) check(nonce string, now time.Time) (genuine, fresh bool) {
	raw, err := hex.DecodeString(nonce)
	if err != nil || len(raw) != 8+16 {
		return false, false
	}
	if !hmac.Equal(raw[8:], n.mac(raw[:8])) {
		return false, false
	}
	issued := time.Unix(0, int64(binary.BigEndian.Uint64(raw[:8])))
	age := now.Sub(issued)
	return true, age >= -time.Minute && age <= nonceLifetime
}

// challenge is the WWW-Authenticate value: MD5 with qop=auth offered
// (RFC 2617 §3.2.1; GB/T 28181 §9.1 uses it for device registration).
func challenge(realm, nonce string, stale bool) string {
	c := digest.Challenge{Realm: realm, Nonce: nonce, Algorithm: "MD5", QOP: []string{"auth"}, Stale: stale}
	return c.String()
}

// verdict is what a REGISTER's Authorization header comes to.
type verdict int

const (
	verdictBad       verdict = iota // unreadable, or asks for what was not offered: 400
	verdictChallenge                // not ours (other realm, forged or old nonce): challenge afresh
	verdictStale                    // right password, expired nonce: challenge with stale=true
	verdictWrong                    // wrong password or user name: 403
	verdictOK
)

// credentials is a parsed Authorization header.
type credentials = digest.Credentials

func parseCredentials(header string) (*credentials, bool) {
	c, err := digest.ParseCredentials(header)
	if err != nil {
		return nil, false
	}
	return c, true
}

// verify checks a response computed as RFC 2617 §3.2.2.1 says, with or
// without qop=auth (devices of the RFC 2069 kind send none).
func verify(c *credentials, method, password string, nn nonces, realm string, now time.Time) verdict {
	switch strings.ToUpper(c.Algorithm) {
	case "", "MD5":
	default:
		return verdictBad
	}
	var qop []string
	switch c.QOP {
	case "":
	case "auth":
		if c.Cnonce == "" || c.Nc <= 0 {
			return verdictBad
		}
		qop = []string{"auth"}
	default:
		return verdictBad
	}
	if c.Realm != realm {
		return verdictChallenge
	}
	genuine, fresh := nn.check(c.Nonce, now)
	if !genuine {
		return verdictChallenge
	}
	want, err := digest.Digest(&digest.Challenge{Realm: realm, Nonce: c.Nonce, Algorithm: c.Algorithm, QOP: qop},
		digest.Options{Method: method, URI: c.URI, Username: c.Username, Password: password, Cnonce: c.Cnonce, Count: c.Nc})
	if err != nil {
		return verdictBad
	}
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(c.Response)), []byte(want.Response)) != 1 {
		return verdictWrong
	}
	if !fresh {
		return verdictStale
	}
	return verdictOK
}
