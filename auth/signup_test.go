package auth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/audit"
	"linli/auth"
	"linli/registry/ledger"
	"linli/storage"
	"linli/storage/storagetest"
)

// sms is a stand-in outbox: the texts sent, by phone.
type sms map[string][]string

func (m sms) send(_ context.Context, kind, phone, text string) error {
	m[phone] = append(m[phone], kind+": "+text)
	return nil
}

func signup(w *world, out sms, demo bool) *auth.Signup {
	return &auth.Signup{Service: w.auth, Outbox: out.send, Demo: demo, Limits: auth.DefaultSignupLimits()}
}

// ownerPhone finds a household of 荟萃花园南区 whose owner's phone no
// account uses yet.
func ownerPhone(t *testing.T, w *world) (int64, string) {
	t.Helper()
	n, err := w.reg.NodeByID(w.ctx, w.node(t, "学苑社区", "第一网格", "荟萃花园南区", "1号楼"))
	if err != nil {
		t.Fatal(err)
	}
	hs, err := w.reg.HouseholdsUnder(w.ctx, w.db, n.Path)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, a := range w.data.Accounts {
		used[ledger.NormalizePhone(a.Phone)] = true
	}
	for _, h := range hs {
		os, err := w.reg.OwnerContacts(w.ctx, w.db, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range os {
			if p := ledger.NormalizePhone(o.Phone); p != "" && !used[p] {
				return h.ID, p
			}
		}
	}
	t.Fatal("no owner with a free phone in 1号楼")
	return 0, ""
}

func register(t *testing.T, w *world, su *auth.Signup, out sms, phone, name string) *linli.Actor {
	t.Helper()
	sent, err := su.SendCode(w.ctx, phone, "10.0.0.1")
	if err != nil {
		t.Fatalf("send to %s: %v", phone, err)
	}
	texts := out[sent.Phone]
	if sent.DemoCode == "" || len(texts) == 0 || !strings.Contains(texts[len(texts)-1], sent.DemoCode) {
		t.Fatalf("the code %q was not queued for %s: %q", sent.DemoCode, phone, texts)
	}
	sess, err := su.Register(w.ctx, auth.RegisterInput{Phone: phone, Code: sent.DemoCode, DisplayName: name, Password: "Neighbour-2026"}, "10.0.0.1", "test")
	if err != nil {
		t.Fatalf("register %s: %v %v", phone, err, linli.ErrorFields(err))
	}
	return sess.Actor
}

func code(err error) string { return linli.ErrorCode(err) }

// A resident registers with the code sent to their phone, then claims
// their home: an owner whose phone is in the register gets the resident
// role at once; a tenant waits for the owner (or staff); someone who says
// they own a home the register does not give their phone waits for staff,
// who may refuse; staff of another community see nothing of it.
func TestSignupAndClaims(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		out := sms{}
		su := signup(w, out, true)
		hh, phone := ownerPhone(t, w)

		// A wrong code is refused beside its field; the right one creates
		// the account, logged in, with no role.
		sent, err := su.SendCode(w.ctx, phone, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		wrong := "000000"
		if sent.DemoCode == wrong {
			wrong = "111111"
		}
		_, err = su.Register(w.ctx, auth.RegisterInput{Phone: phone, Code: wrong, DisplayName: "新业主", Password: "Neighbour-2026"}, "10.0.0.1", "")
		if code(err) != linli.EInvalid || linli.ErrorFields(err)[0].Field != "code" {
			t.Fatalf("wrong code: %v %v", err, linli.ErrorFields(err))
		}
		var stored string
		if err := w.db.QueryRow(w.ctx, `SELECT code_hash FROM signup_codes WHERE phone = ? ORDER BY id DESC LIMIT 1`, phone).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, sent.DemoCode) || len(stored) != 64 {
			t.Errorf("the code is not hashed at rest: %q", stored)
		}
		sess, err := su.Register(w.ctx, auth.RegisterInput{Phone: phone, Code: sent.DemoCode, DisplayName: "新业主", Password: "Neighbour-2026"}, "10.0.0.1", "")
		if err != nil {
			t.Fatalf("register: %v %v", err, linli.ErrorFields(err))
		}
		owner := sess.Actor
		if len(owner.Grants) != 0 || owner.DisplayName != "新业主" {
			t.Fatalf("a new account: %+v", owner)
		}
		if _, err := su.Register(w.ctx, auth.RegisterInput{Phone: phone, Code: sent.DemoCode, DisplayName: "又一个", Password: "Neighbour-2026"}, "10.0.0.1", ""); code(err) != linli.EInvalid {
			t.Errorf("a code used twice: %v", err)
		}

		// The owner's claim passes by itself.
		c, err := w.auth.ClaimHousehold(w.ctx, owner, auth.ClaimInput{HouseholdID: hh, Relation: auth.ClaimOwner})
		if err != nil {
			t.Fatalf("claim: %v %v", err, linli.ErrorFields(err))
		}
		if c.State != auth.ClaimApproved || !c.Automatic {
			t.Fatalf("owner's claim: %+v", c)
		}
		owner = w.actor(t, phone)
		if len(owner.Grants) != 1 || owner.Grants[0].Role != linli.RoleResident || owner.Grants[0].HouseholdID != hh || owner.PersonID == 0 {
			t.Fatalf("owner after the claim: %+v", owner)
		}

		// A tenant waits; the owner approves.
		tenant := register(t, w, su, out, "13912340001", "租客")
		c, err = w.auth.ClaimHousehold(w.ctx, tenant, auth.ClaimInput{HouseholdID: hh, Relation: auth.ClaimTenant})
		if err != nil || c.State != auth.ClaimPending {
			t.Fatalf("tenant's claim: %+v %v", c, err)
		}
		if _, err := w.auth.ClaimHousehold(w.ctx, tenant, auth.ClaimInput{HouseholdID: hh, Relation: auth.ClaimTenant}); code(err) != linli.EConflict {
			t.Errorf("a second pending claim: %v", err)
		}
		pending := func(a *linli.Actor) []int64 {
			cs, err := w.auth.PendingClaims(w.ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return ids
		}
		jixiang, xueyuan := w.actor(t, "jixiang"), w.actor(t, "xueyuan")
		if got := pending(owner); len(got) != 1 || got[0] != c.ID {
			t.Errorf("the owner's pending claims: %v", got)
		}
		if got := pending(xueyuan); len(got) != 1 {
			t.Errorf("学苑社区's pending claims: %v", got)
		}
		if got := pending(jixiang); len(got) != 0 {
			t.Errorf("吉祥社区 sees 学苑社区's claims: %v", got)
		}
		if _, err := w.auth.DecideClaim(w.ctx, jixiang, c.ID, auth.Decision{Approve: true}); code(err) != linli.ENotFound {
			t.Errorf("another community decides: %v", err)
		}
		if _, err := w.auth.DecideClaim(w.ctx, tenant, c.ID, auth.Decision{Approve: true}); code(err) != linli.ENotFound {
			t.Errorf("the claimant approves themself: %v", err)
		}
		if c, err = w.auth.DecideClaim(w.ctx, owner, c.ID, auth.Decision{Approve: true, Note: "是我的租客"}); err != nil || c.State != auth.ClaimApproved {
			t.Fatalf("owner approves: %+v %v", c, err)
		}
		if tn := w.actor(t, "13912340001"); len(tn.Grants) != 1 || tn.Grants[0].HouseholdID != hh {
			t.Errorf("the tenant's grants: %+v", tn.Grants)
		}
		if _, err := w.auth.DecideClaim(w.ctx, xueyuan, c.ID, auth.Decision{}); code(err) != linli.EConflict {
			t.Errorf("deciding twice: %v", err)
		}

		// Someone claiming to own it, whose phone the register does not
		// give: staff decide; the owner may not; staff refuse, audited.
		other := register(t, w, su, out, "13912340002", "冒认者")
		c, err = w.auth.ClaimHousehold(w.ctx, other, auth.ClaimInput{HouseholdID: hh, Relation: auth.ClaimOwner})
		if err != nil || c.State != auth.ClaimPending {
			t.Fatalf("a non-owner's owner claim: %+v %v", c, err)
		}
		if _, err := w.auth.DecideClaim(w.ctx, owner, c.ID, auth.Decision{Approve: true}); code(err) != linli.ENotFound {
			t.Errorf("an owner decides another owner's claim: %v", err)
		}
		if c, err = w.auth.DecideClaim(w.ctx, xueyuan, c.ID, auth.Decision{Note: "与登记不符"}); err != nil || c.State != auth.ClaimRefused {
			t.Fatalf("staff refuse: %+v %v", c, err)
		}
		if o := w.actor(t, "13912340002"); len(o.Grants) != 0 {
			t.Errorf("a refused claim granted %+v", o.Grants)
		}
		es, err := (&audit.Log{DB: w.db}).List(w.ctx, xueyuan, audit.Filter{Action: "claim.refuse", Entity: "household_claim", EntityID: c.ID})
		if err != nil || len(es) != 1 || es[0].AccountID != xueyuan.AccountID {
			t.Errorf("the refusal is not audited: %+v %v", es, err)
		}
		mine, err := w.auth.MyClaims(w.ctx, other)
		if err != nil || len(mine) != 1 || mine[0].State != auth.ClaimRefused || mine[0].Note != "与登记不符" {
			t.Errorf("the claimant's claims: %+v %v", mine, err)
		}
	})
}

// Codes expire after 10 minutes, take 5 tries in all, and are sent at most
// once a minute and 5 times an hour per phone and 20 times an hour per
// address: beyond, 429. The fake clock moves time.
func TestSignupLimits(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		out := sms{}
		su := signup(w, out, true)
		in := func(phone, code string) auth.RegisterInput {
			return auth.RegisterInput{Phone: phone, Code: code, DisplayName: "居民", Password: "Neighbour-2026"}
		}
		other := func(c string) string {
			if c == "123456" {
				return "654321"
			}
			return "123456"
		}

		// Expiry.
		sent, err := su.SendCode(w.ctx, "13912340010", "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(10*time.Minute + time.Second)
		if _, err := su.Register(w.ctx, in("13912340010", sent.DemoCode), "", ""); code(err) != linli.EInvalid {
			t.Errorf("an expired code: %v", err)
		}

		// Lockout: 5 tries, then even the right code is refused.
		sent, err = su.SendCode(w.ctx, "13912340011", "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			if _, err := su.Register(w.ctx, in("13912340011", other(sent.DemoCode)), "", ""); code(err) != linli.EInvalid {
				t.Fatalf("wrong try %d: %v", i+1, err)
			}
		}
		if _, err := su.Register(w.ctx, in("13912340011", sent.DemoCode), "", ""); code(err) != linli.ETooMany {
			t.Errorf("the right code after 5 wrong ones: %v", err)
		}
		// A bad password costs no try.
		w.clock.Advance(time.Minute)
		sent, err = su.SendCode(w.ctx, "13912340011", "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			bad := in("13912340011", sent.DemoCode)
			bad.Password = "short"
			if _, err := su.Register(w.ctx, bad, "", ""); code(err) != linli.EInvalid || linli.ErrorFields(err)[0].Field != "password" {
				t.Fatalf("bad password: %v", err)
			}
		}
		if _, err := su.Register(w.ctx, in("13912340011", sent.DemoCode), "", ""); err != nil {
			t.Errorf("the new code after the lockout: %v", err)
		}

		// Per phone: once a minute, 5 an hour.
		const p = "13912340012"
		if _, err := su.SendCode(w.ctx, p, "10.0.0.3"); err != nil {
			t.Fatal(err)
		}
		if _, err := su.SendCode(w.ctx, p, "10.0.0.3"); code(err) != linli.ETooMany {
			t.Errorf("a second code within the minute: %v", err)
		}
		for i := 0; i < 4; i++ {
			w.clock.Advance(61 * time.Second)
			if _, err := su.SendCode(w.ctx, p, "10.0.0.3"); err != nil {
				t.Fatalf("code %d: %v", i+2, err)
			}
		}
		w.clock.Advance(61 * time.Second)
		if _, err := su.SendCode(w.ctx, p, "10.0.0.3"); code(err) != linli.ETooMany {
			t.Errorf("a sixth code within the hour: %v", err)
		}
		w.clock.Advance(time.Hour)
		if _, err := su.SendCode(w.ctx, p, "10.0.0.3"); err != nil {
			t.Errorf("an hour later: %v", err)
		}

		// Per address: 20 an hour, whatever the phones.
		for i := 0; i < 20; i++ {
			if _, err := su.SendCode(w.ctx, fmt.Sprintf("1391235%04d", i), "10.0.0.4"); err != nil {
				t.Fatalf("address code %d: %v", i+1, err)
			}
		}
		if _, err := su.SendCode(w.ctx, "13912359999", "10.0.0.4"); code(err) != linli.ETooMany {
			t.Errorf("a 21st code from one address: %v", err)
		}
		if _, err := su.SendCode(w.ctx, "13912359999", "10.0.0.5"); err != nil {
			t.Errorf("another address: %v", err)
		}
		if n := len(out["13912340012"]); n != 6 {
			t.Errorf("texts queued for %s: %d, want 6", p, n)
		}
	})
}
