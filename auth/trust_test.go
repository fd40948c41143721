package auth_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/demo"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// These service tests cover who may see and manage an account, the login
// lockout and what a password change ends. They run on every engine with
// the demo places and accounts.

const demoPassword = "Linli-demo-2026"

type world struct {
	ctx   context.Context
	db    *storage.DB
	clock *linli.FakeClock
	reg   *registry.Service
	auth  *auth.Service
	data  demo.Dataset
}

func newWorld(t *testing.T, db *storage.DB) *world {
	t.Helper()
	ctx := context.Background()
	clock := linli.NewFakeClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	reg := registry.New(db, clock)
	au := auth.New(db, clock, reg, auth.CheapHashParams(), auth.DefaultPolicy())
	d := demo.Build()
	if _, err := demo.Load(ctx, reg, au, d); err != nil {
		t.Fatalf("demo load: %v %v", err, linli.ErrorFields(err))
	}
	return &world{ctx: ctx, db: db, clock: clock, reg: reg, auth: au, data: d}
}

func (w *world) actor(t *testing.T, username string) *linli.Actor {
	t.Helper()
	a, err := w.auth.ActorByUsername(w.ctx, username)
	if err != nil {
		t.Fatalf("actor %s: %v", username, err)
	}
	return a
}

func (w *world) node(t *testing.T, names ...string) int64 {
	t.Helper()
	n, err := w.reg.FindNode(w.ctx, append([]string{"运城市", "盐湖区", "东城街道"}, names...))
	if err != nil {
		t.Fatalf("place %v: %v", names, err)
	}
	return n.ID
}

func (w *world) phone(t *testing.T, username string) string {
	t.Helper()
	for _, a := range w.data.Accounts {
		if a.Username == username {
			return a.Phone
		}
	}
	t.Fatalf("no demo account %s", username)
	return ""
}

// failures is the stored failure count of a login_failures key.
func (w *world) failures(t *testing.T, key string) int {
	t.Helper()
	var n int
	if err := w.db.QueryRow(w.ctx, `SELECT failures FROM login_failures WHERE login = ?`, key).Scan(&n); err != nil {
		t.Fatalf("failures of %s: %v", key, err)
	}
	return n
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := linli.ErrorCode(err); got != code {
		t.Errorf("%s: %v (code %q), want %q", what, err, got, code)
	}
}

// loginCode tries a login and returns its error code ("" on success).
func (w *world) loginCode(login, password string) string {
	_, err := w.auth.Login(w.ctx, login, password, "127.0.0.1", "test")
	if err == nil {
		return ""
	}
	return linli.ErrorCode(err)
}

// TestTrust runs the cases below on one demo world per engine (loading
// the demo is most of the cost). They use different accounts, so their
// order does not matter, except that the lockout cases come first.
func TestTrust(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		for _, tc := range []struct {
			name string
			f    func(*testing.T, *world)
		}{
			{"LockoutConcurrentFailuresAllCount", testLockoutConcurrentFailuresAllCount},
			{"LockoutSharedByUsernameAndPhone", testLockoutSharedByUsernameAndPhone},
			{"LockoutUnknownLogins", testLockoutUnknownLogins},
			{"RolelessAccountScope", testRolelessAccountScope},
			{"CreateAccountWithFirstRole", testCreateAccountWithFirstRole},
			{"ResetAndDisableRevokeTokens", testResetAndDisableRevokeTokens},
			{"ChangePasswordSignOutEverywhere", testChangePasswordSignOutEverywhere},
			{"CreateAccountPersonInScope", testCreateAccountPersonInScope},
			{"WorkerIn", testWorkerIn},
			{"TokenMakesNoTokens", testTokenMakesNoTokens},
			{"GrantOutOfScopeAnswersLikeUnknown", testGrantOutOfScopeAnswersLikeUnknown},
			{"TokenScopes", testTokenScopes},
		} {
			t.Run(tc.name, func(t *testing.T) { tc.f(t, w) })
		}
	})
}

// Twenty wrong passwords at once: each counts (the count used to be read,
// incremented in Go and written back, so parallel failures overwrote each
// other — 20 left a count of 2), and the lock they set holds.
func testLockoutConcurrentFailuresAllCount(t *testing.T, w *world) {
	id, err := w.auth.FindAccount(w.ctx, "volunteer")
	if err != nil {
		t.Fatal(err)
	}
	parallel := func(s *auth.Service, login string, n int) map[string]int {
		var mu sync.Mutex
		codes := map[string]int{}
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Login(w.ctx, login, fmt.Sprintf("Wrong-pass-%d", i), "127.0.0.1", "test")
				mu.Lock()
				codes[linli.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return codes
	}

	// A limit far away: all 20 are counted, exactly.
	loose := auth.DefaultPolicy()
	loose.MaxFailures = 100
	s := auth.New(w.db, w.clock, w.reg, auth.CheapHashParams(), loose)
	codes := parallel(s, "volunteer", 20)
	if codes[linli.EUnauthorized] != 20 {
		t.Errorf("20 parallel wrong passwords answered %v", codes)
	}
	if n := w.failures(t, fmt.Sprintf("account:%d", id)); n != 20 {
		t.Errorf("20 parallel failures counted as %d", n)
	}
	if code := w.loginCode("volunteer", demoPassword); code != "" {
		t.Fatalf("right password under the loose limit: %s", code)
	}

	// The default limit of 5: every failure that was checked counts,
	// at least 5 do, and the lock holds against the right password.
	codes = parallel(w.auth, "grid1", 20)
	gid, _ := w.auth.FindAccount(w.ctx, "grid1")
	if n := w.failures(t, fmt.Sprintf("account:%d", gid)); n != codes[linli.EUnauthorized] || n < 5 || codes[linli.EUnauthorized]+codes[linli.ETooMany] != 20 {
		t.Errorf("20 parallel failures against a limit of 5: answers %v, count %d", codes, n)
	}
	if code := w.loginCode("grid1", demoPassword); code != linli.ETooMany {
		t.Errorf("right password after 20 parallel failures: %q, want too_many", code)
	}
	if code := w.loginCode(w.phone(t, "grid1"), demoPassword); code != linli.ETooMany {
		t.Errorf("right password by phone after 20 parallel failures: %q, want too_many", code)
	}
}

// The lock is the account's: failures by username and by phone add up,
// and a locked username cannot be walked around with the phone number.
func testLockoutSharedByUsernameAndPhone(t *testing.T, w *world) {
	phone := w.phone(t, "building")
	for i := range 5 {
		login := "building"
		if i%2 == 1 {
			login = phone
		}
		if code := w.loginCode(login, "Wrong-pass-1"); code != linli.EUnauthorized {
			t.Fatalf("failure %d as %s: %q", i+1, login, code)
		}
	}
	for _, login := range []string{"building", phone, " building "} {
		if code := w.loginCode(login, demoPassword); code != linli.ETooMany {
			t.Errorf("right password as %q after 5 mixed failures: %q, want too_many", login, code)
		}
	}
	// Locked by the username alone, the phone is locked too.
	phone = w.phone(t, "property")
	for range 5 {
		w.loginCode("property", "Wrong-pass-1")
	}
	if code := w.loginCode(phone, demoPassword); code != linli.ETooMany {
		t.Errorf("phone of a locked username: %q, want too_many", code)
	}
	w.clock.Advance(16 * time.Minute)
	if code := w.loginCode(phone, demoPassword); code != "" {
		t.Errorf("phone after the lockout: %q", code)
	}
}

// Names no account has are counted on their own key: they lock too (so
// guessing names costs the same), and a name spelled like an account key
// locks nothing but itself.
func testLockoutUnknownLogins(t *testing.T, w *world) {
	for range 5 {
		if code := w.loginCode("Nobody.Here", demoPassword); code != linli.EUnauthorized {
			t.Fatalf("unknown name: %q", code)
		}
	}
	if code := w.loginCode("nobody.here", demoPassword); code != linli.ETooMany {
		t.Errorf("unknown name after 5 failures: %q, want too_many", code)
	}
	if n := w.failures(t, "name:nobody.here"); n != 5 {
		t.Errorf("unknown name counted %d", n)
	}
	id, _ := w.auth.FindAccount(w.ctx, "dept")
	key := fmt.Sprintf("account:%d", id)
	for range 6 {
		w.loginCode(key, "Wrong-pass-1")
	}
	if code := w.loginCode("dept", demoPassword); code != "" {
		t.Errorf("typing %q six times locked the account: %q", key, code)
	}
}

// A role-less account belongs to the place that created it (or last held
// it) and to administrators; staff elsewhere get "not found" for every
// action, and do not list it.
func testRolelessAccountScope(t *testing.T, w *world) {
	xueyuan, jixiang, admin, street := w.actor(t, "xueyuan"), w.actor(t, "jixiang"), w.actor(t, "admin"), w.actor(t, "street")
	acc, err := w.auth.CreateAccount(w.ctx, xueyuan, auth.AccountInput{Username: "newcomer", DisplayName: "新同事", Password: "Newcomer-2026"})
	if err != nil {
		t.Fatal(err)
	}
	outsider := func(what string, id int64) {
		t.Helper()
		_, err := w.auth.Account(w.ctx, jixiang, id)
		wantCode(t, what+": read by 吉祥社区", err, linli.ENotFound)
		err = w.auth.ResetPassword(w.ctx, jixiang, id, "Taken-over-2026")
		wantCode(t, what+": reset by 吉祥社区", err, linli.ENotFound)
		_, err = w.auth.SetDisabled(w.ctx, jixiang, id, true)
		wantCode(t, what+": disable by 吉祥社区", err, linli.ENotFound)
		_, err = w.auth.Grant(w.ctx, jixiang, id, auth.GrantInput{Role: linli.RoleGridWorker, NodeID: w.node(t, "吉祥社区", "第一网格")})
		wantCode(t, what+": grant by 吉祥社区", err, linli.ENotFound)
		list, err := w.auth.ListAccounts(w.ctx, jixiang, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.ID == id {
				t.Errorf("%s: 吉祥社区 lists it", what)
			}
		}
	}
	insider := func(what string, who *linli.Actor, id int64) {
		t.Helper()
		if _, err := w.auth.Account(w.ctx, who, id); err != nil {
			t.Errorf("%s: read by %s: %v", what, who.Username, err)
		}
		list, err := w.auth.ListAccounts(w.ctx, who, "")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range list {
			found = found || a.ID == id
		}
		if !found {
			t.Errorf("%s: %s does not list it", what, who.Username)
		}
	}
	outsider("new account", acc.ID)
	for _, who := range []*linli.Actor{xueyuan, street, admin} {
		insider("new account", who, acc.ID)
	}
	if err := w.auth.ResetPassword(w.ctx, xueyuan, acc.ID, "Newcomer-2027"); err != nil {
		t.Errorf("the creating community resets the new account: %v", err)
	}
	if _, err := w.auth.Account(w.ctx, jixiang, acc.ID+100000); linli.ErrorCode(err) != linli.ENotFound {
		t.Errorf("an id that does not exist: %v", err)
	}

	// Granted in 学苑社区, then every role revoked: it stays 学苑社区's.
	grid2 := w.node(t, "学苑社区", "第二网格")
	acc, err = w.auth.Grant(w.ctx, xueyuan, acc.ID, auth.GrantInput{Role: linli.RoleGridWorker, NodeID: grid2})
	if err != nil {
		t.Fatal(err)
	}
	outsider("granted account", acc.ID)
	if acc, err = w.auth.Revoke(w.ctx, xueyuan, acc.ID, acc.Grants[0].ID); err != nil {
		t.Fatal(err)
	}
	outsider("account whose roles were revoked", acc.ID)
	insider("account whose roles were revoked", xueyuan, acc.ID)
	insider("account whose roles were revoked", admin, acc.ID)

	// An account made by the system (CLI) with no role yet: admins only.
	sys, err := w.auth.CreateAccount(w.ctx, linli.System(), auth.AccountInput{Username: "cli-made", DisplayName: "命令行", Password: "Cli-made-2026"})
	if err != nil {
		t.Fatal(err)
	}
	outsider("CLI account", sys.ID)
	_, err = w.auth.Account(w.ctx, xueyuan, sys.ID)
	wantCode(t, "CLI account read by 学苑社区", err, linli.ENotFound)
	insider("CLI account", admin, sys.ID)

	// Out of view is 404 for accounts with roles too (jxgrid works in 吉祥社区).
	jx, _ := w.auth.FindAccount(w.ctx, "jxgrid")
	_, err = w.auth.Account(w.ctx, xueyuan, jx)
	wantCode(t, "吉祥社区's grid worker read by 学苑社区", err, linli.ENotFound)
	err = w.auth.ResetPassword(w.ctx, xueyuan, jx, "Taken-over-2026")
	wantCode(t, "吉祥社区's grid worker reset by 学苑社区", err, linli.ENotFound)
	// In view but senior: 403, as before (street staff are not 学苑社区's to manage).
	st, _ := w.auth.FindAccount(w.ctx, "street")
	err = w.auth.ResetPassword(w.ctx, xueyuan, st, "Taken-over-2026")
	if code := linli.ErrorCode(err); code != linli.EForbidden && code != linli.ENotFound {
		t.Errorf("street staff reset by 学苑社区: %v", err)
	}
}

// Creating an account with its first role is one transaction: a role the
// actor may not grant leaves no account behind.
func testCreateAccountWithFirstRole(t *testing.T, w *world) {
	xueyuan, jixiang := w.actor(t, "xueyuan"), w.actor(t, "jixiang")
	grid2 := w.node(t, "学苑社区", "第二网格")
	acc, err := w.auth.CreateAccount(w.ctx, xueyuan, auth.AccountInput{Username: "grid-new", DisplayName: "新网格员", Password: "Grid-new-2026",
		Grant: &auth.GrantInput{Role: linli.RoleGridWorker, NodeID: grid2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(acc.Grants) != 1 || acc.Grants[0].Role != linli.RoleGridWorker || acc.Grants[0].NodeID != grid2 {
		t.Fatalf("grants of the new account: %+v", acc.Grants)
	}
	if _, err := w.auth.Account(w.ctx, jixiang, acc.ID); linli.ErrorCode(err) != linli.ENotFound {
		t.Errorf("吉祥社区 reads 学苑社区's new grid worker: %v", err)
	}
	for _, tc := range []struct {
		name string
		g    auth.GrantInput
		code string
	}{
		{"grid worker in 吉祥社区 (answers like an unknown place)", auth.GrantInput{Role: linli.RoleGridWorker, NodeID: w.node(t, "吉祥社区", "第一网格")}, linli.EInvalid},
		{"community staff (not below the actor)", auth.GrantInput{Role: linli.RoleCommunityStaff, NodeID: w.node(t, "学苑社区")}, linli.EForbidden},
		{"unknown role", auth.GrantInput{Role: "emperor", NodeID: grid2}, linli.EInvalid},
		{"resident without household", auth.GrantInput{Role: linli.RoleResident, NodeID: grid2}, linli.EInvalid},
	} {
		_, err := w.auth.CreateAccount(w.ctx, xueyuan, auth.AccountInput{Username: "refused", DisplayName: "不该存在", Password: "Refused-2026", Grant: &tc.g})
		wantCode(t, tc.name, err, tc.code)
		if _, err := w.auth.FindAccount(w.ctx, "refused"); linli.ErrorCode(err) != linli.ENotFound {
			t.Fatalf("%s: the account was created anyway (%v)", tc.name, err)
		}
	}
}

// Credentials someone else resets, and a disabled account's, are over:
// sessions end and API tokens are revoked.
func testResetAndDisableRevokeTokens(t *testing.T, w *world) {
	xueyuan := w.actor(t, "xueyuan")
	resident := w.actor(t, "resident")
	sess, err := w.auth.Login(w.ctx, "resident", demoPassword, "", "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := w.auth.CreateToken(w.ctx, resident, "巡查App")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := w.auth.ResetPassword(w.ctx, xueyuan, resident.AccountID, "Reset-by-staff-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); linli.ErrorCode(err) != linli.EUnauthorized {
		t.Errorf("token after an administrator's reset: %v", err)
	}
	if _, err := w.auth.ActorForSession(w.ctx, sess.Token); linli.ErrorCode(err) != linli.EUnauthorized {
		t.Errorf("session after an administrator's reset: %v", err)
	}
	ts, err := w.auth.Tokens(w.ctx, resident)
	if err != nil || len(ts) != 1 || ts[0].RevokedAt.IsZero() {
		t.Errorf("the owner's token list after the reset: %+v %v", ts, err)
	}

	// Disabled and enabled again: the old token stays dead.
	tok, err = w.auth.CreateToken(w.ctx, resident, "夜间同步")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.SetDisabled(w.ctx, xueyuan, resident.AccountID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.SetDisabled(w.ctx, xueyuan, resident.AccountID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); linli.ErrorCode(err) != linli.EUnauthorized {
		t.Errorf("token from before a disable, after enabling: %v", err)
	}
}

// The owner's own change ends the other sessions and keeps this one and
// the tokens; "sign out everywhere" ends this session and the tokens too.
func testChangePasswordSignOutEverywhere(t *testing.T, w *world) {
	a := w.actor(t, "jxgrid")
	login := func() string {
		t.Helper()
		s, err := w.auth.Login(w.ctx, "jxgrid", demoPassword, "", "")
		if err != nil {
			t.Fatal(err)
		}
		return s.Token
	}
	alive := func(tok string) bool {
		_, err := w.auth.ActorForSession(w.ctx, tok)
		return err == nil
	}
	here, there := login(), login()
	tok, err := w.auth.CreateToken(w.ctx, a, "巡查App")
	if err != nil {
		t.Fatal(err)
	}
	err = w.auth.ChangePassword(w.ctx, a, here, auth.PasswordChange{Old: "wrong-old-1", Password: "Changed-once-2026"})
	wantCode(t, "wrong current password", err, linli.EInvalid)
	if err := w.auth.ChangePassword(w.ctx, a, here, auth.PasswordChange{Old: demoPassword, Password: "Changed-once-2026"}); err != nil {
		t.Fatal(err)
	}
	if !alive(here) || alive(there) {
		t.Errorf("after a plain change: this session alive %v (want true), the other %v (want false)", alive(here), alive(there))
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); err != nil {
		t.Errorf("token after a plain change: %v", err)
	}
	if err := w.auth.ChangePassword(w.ctx, a, here, auth.PasswordChange{Old: "Changed-once-2026", Password: "Changed-twice-2026", SignOutEverywhere: true}); err != nil {
		t.Fatal(err)
	}
	if alive(here) {
		t.Errorf("this session after signing out everywhere")
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); linli.ErrorCode(err) != linli.EUnauthorized {
		t.Errorf("token after signing out everywhere: %v", err)
	}
}

// Linking a new account to a person of the register: only a person living
// where the actor manages users; another community's person is "not
// found", like an id that does not exist.
func testCreateAccountPersonInScope(t *testing.T, w *world) {
	xueyuan, admin := w.actor(t, "xueyuan"), w.actor(t, "admin")
	member := func(path ...string) int64 {
		t.Helper()
		unit := w.node(t, path[:len(path)-1]...)
		hid, err := w.reg.HouseholdByRoom(w.ctx, unit, path[len(path)-1])
		if err != nil {
			t.Fatal(err)
		}
		h, err := w.reg.Household(w.ctx, linli.System(), hid)
		if err != nil || len(h.Members) == 0 {
			t.Fatalf("household %v: %v %+v", path, err, h.Members)
		}
		return h.Members[0].PersonID
	}
	own := member("学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元", "602")
	other := member("吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元", "402")
	for i, tc := range []struct {
		who    *linli.Actor
		person int64
		code   string
	}{
		{xueyuan, own, ""}, {xueyuan, other, linli.EInvalid}, {xueyuan, 1 << 40, linli.EInvalid}, {admin, other, ""},
	} {
		_, err := w.auth.CreateAccount(w.ctx, tc.who, auth.AccountInput{Username: fmt.Sprintf("linked%d", i), DisplayName: "关联住户", Password: "Linked-acc-2026", PersonID: tc.person})
		if code := linli.ErrorCode(err); tc.code == "" && err != nil || tc.code != "" && (code != tc.code || !hasField(err, "person_id")) {
			t.Errorf("%s links person %d: %v, want %q on person_id", tc.who.Username, tc.person, err, tc.code)
		}
	}
}

func hasField(err error, field string) bool {
	for _, f := range linli.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

// A token acts with its account's rights but makes no further tokens:
// one made through it would outlive its revocation. A login makes them.
func testTokenMakesNoTokens(t *testing.T, w *world) {
	grid := w.actor(t, "grid1")
	tok, err := w.auth.CreateToken(w.ctx, grid, "巡查App")
	if err != nil {
		t.Fatal(err)
	}
	via, err := w.auth.ActorForToken(w.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := w.auth.Tokens(w.ctx, grid)
	if _, err := w.auth.CreateToken(w.ctx, via, "第二个"); linli.ErrorCode(err) != linli.EForbidden {
		t.Errorf("a token makes a token: %v, want forbidden", err)
	}
	if after, _ := w.auth.Tokens(w.ctx, grid); len(after) != len(before) {
		t.Errorf("tokens %d → %d after the refusal", len(before), len(after))
	}
}

// A place or household outside the actor's user-management scope answers
// a grant exactly like an id that does not exist (the same code, message
// and field, hence the same problem body): 学苑社区's staff cannot probe
// which ids 吉祥社区 has. Within scope, a role above the actor's is still
// a 403: the place is known to the actor.
func testGrantOutOfScopeAnswersLikeUnknown(t *testing.T, w *world) {
	xueyuan := w.actor(t, "xueyuan")
	acc, err := w.auth.CreateAccount(w.ctx, xueyuan, auth.AccountInput{Username: "probe-target", DisplayName: "探测对象", Password: "Probe-target-2026"})
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want error) {
		t.Helper()
		g, _ := got.(*linli.Error)
		wt, _ := want.(*linli.Error)
		if g == nil || wt == nil || wt.Code != linli.EInvalid || !reflect.DeepEqual(*g, *wt) {
			t.Errorf("%s: %#v, an unknown id: %#v", what, got, want)
		}
	}
	grant := func(in auth.GrantInput) error {
		_, err := w.auth.Grant(w.ctx, xueyuan, acc.ID, in)
		return err
	}
	unknownPlace := grant(auth.GrantInput{Role: linli.RoleGridWorker, NodeID: 1 << 40})
	same("another community's grid", grant(auth.GrantInput{Role: linli.RoleGridWorker, NodeID: w.node(t, "吉祥社区", "第一网格")}), unknownPlace)
	same("another community (role above the actor's)", grant(auth.GrantInput{Role: linli.RoleCommunityStaff, NodeID: w.node(t, "吉祥社区")}), unknownPlace)

	hs, err := w.reg.HouseholdsUnder(w.ctx, w.db, "/")
	if err != nil {
		t.Fatal(err)
	}
	jixiang := w.node(t, "吉祥社区")
	var theirs int64
	for _, h := range hs {
		if n, err := w.reg.NodeByID(w.ctx, jixiang); err == nil && linli.Within(h.Path, n.Path) {
			theirs = h.ID
			break
		}
	}
	if theirs == 0 {
		t.Fatal("no household in 吉祥社区")
	}
	unknownHousehold := grant(auth.GrantInput{Role: linli.RoleResident, HouseholdID: 1 << 40})
	same("another community's household", grant(auth.GrantInput{Role: linli.RoleResident, HouseholdID: theirs}), unknownHousehold)

	err = grant(auth.GrantInput{Role: linli.RoleCommunityStaff, NodeID: w.node(t, "学苑社区")})
	wantCode(t, "a role above the actor's in its own community", err, linli.EForbidden)
}

// A token narrowed to a place acts only within it, whatever its account
// holds; a read-only token holds no permission that writes, and the
// registry (a service, without the HTTP layer) refuses its change. A place
// where the account has no role answers like an unknown one. The owner's
// list shows each token's narrowing.
func testTokenScopes(t *testing.T, w *world) {
	xueyuan := w.actor(t, "xueyuan")
	grid1, grid2 := w.node(t, "学苑社区", "第一网格"), w.node(t, "学苑社区", "第二网格")
	tok, err := w.auth.CreateScopedToken(w.ctx, xueyuan, auth.TokenInput{Name: "第一网格对接", NodeID: grid1})
	if err != nil {
		t.Fatal(err)
	}
	via, err := w.auth.ActorForToken(w.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := w.reg.NodeByID(w.ctx, grid1)
	out, _ := w.reg.NodeByID(w.ctx, grid2)
	if !via.Can(linli.PermCasesManage, in.Path) || via.Can(linli.PermCasesRead, out.Path) || via.ReadOnly {
		t.Errorf("scoped token: grants %+v", via.Grants)
	}
	if _, err := w.reg.Node(w.ctx, via, grid2); linli.ErrorCode(err) != linli.ENotFound {
		t.Errorf("the scoped token reads the second grid: %v", err)
	}
	if _, err := w.reg.Node(w.ctx, via, grid1); err != nil {
		t.Errorf("the scoped token reads its grid: %v", err)
	}

	ro, err := w.auth.CreateScopedToken(w.ctx, xueyuan, auth.TokenInput{Name: "只读统计", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	reader, err := w.auth.ActorForToken(w.ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	if !reader.ReadOnly || reader.Can(linli.PermRegistryWrite, in.Path) || !reader.Can(linli.PermRegistryRead, in.Path) {
		t.Errorf("read-only token: %+v", reader)
	}
	if _, err := w.reg.UpdateNode(w.ctx, reader, grid1, registry.NodeInput{Kind: in.Kind, Name: "改名"}); linli.ErrorCode(err) != linli.EForbidden {
		t.Errorf("a read-only token renames a grid: %v", err)
	}
	if n, _ := w.reg.NodeByID(w.ctx, grid1); n.Name != in.Name {
		t.Errorf("renamed to %q", n.Name)
	}

	unknown := func(node int64) error {
		_, err := w.auth.CreateScopedToken(w.ctx, xueyuan, auth.TokenInput{Name: "越权", NodeID: node})
		return err
	}
	got, want := unknown(w.node(t, "吉祥社区")), unknown(1<<40)
	if linli.ErrorCode(want) != linli.EInvalid || fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("a token for 吉祥社区: %#v; for no place: %#v", got, want)
	}
	ts, err := w.auth.Tokens(w.ctx, xueyuan)
	if err != nil || len(ts) != 2 || !ts[0].ReadOnly || ts[0].NodeID != 0 || ts[1].NodeID != grid1 || ts[1].NodeName != "第一网格" || ts[1].ReadOnly {
		t.Errorf("token list %+v %v", ts, err)
	}
}
