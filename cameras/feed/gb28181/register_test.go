package gb28181

import (
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func TestRequestedExpiry(t *testing.T) {
	contact := func(params ...string) *sip.ContactHeader {
		c := &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: testDevice, Host: "127.0.0.1"}}
		for i := 0; i+1 < len(params); i += 2 {
			c.Params.Add(params[i], params[i+1])
		}
		return c
	}
	for _, tc := range []struct {
		name    string
		contact *sip.ContactHeader
		expires string // "" for no Expires header
		want    time.Duration
		ok      bool
	}{
		{"neither: the default", contact(), "", time.Hour, true},
		{"Expires header", contact(), "600", 10 * time.Minute, true},
		{"Contact's expires wins", contact("expires", "120"), "600", 2 * time.Minute, true},
		{"unregister", contact(), "0", 0, true},
		{"wildcard", &sip.ContactHeader{Address: sip.Uri{Wildcard: true}}, "", 0, true},
		{"not a number", contact(), "soon", 0, false},
		{"negative", contact("expires", "-1"), "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: testRealm})
			req.AppendHeader(tc.contact)
			if tc.expires != "" {
				req.AppendHeader(sip.NewHeader("Expires", tc.expires))
			}
			got, ok := requestedExpiry(req)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("= %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
