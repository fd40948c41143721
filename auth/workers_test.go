package auth_test

import (
	"testing"

	"linli"
	"linli/auth"
)

// WorkerIn (moved here from registry, which may not read auth's tables):
// an account works in a community when it holds a role there or above it,
// is enabled, and its role is not one the caller skips.
func testWorkerIn(t *testing.T, w *world) {
	scope := func(names ...string) string {
		n, err := w.reg.NodeByID(w.ctx, w.node(t, names...))
		if err != nil {
			t.Fatal(err)
		}
		return n.Path
	}
	community := scope("学苑社区")
	id := func(user string) int64 {
		id, err := w.auth.FindAccount(w.ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	for _, tc := range []struct {
		user string
		skip []linli.Role
		want bool
	}{
		{"grid1", nil, true},    // on a grid of the community
		{"xueyuan", nil, true},  // on the community itself
		{"street", nil, true},   // above it
		{"jxgrid", nil, false},  // another community
		{"jixiang", nil, false}, // another community's staff
		{"resident", nil, true},
		{"resident", []linli.Role{linli.RoleResident}, false},
		{"contractor", []linli.Role{linli.RoleResident, linli.RoleProperty, linli.RoleContractor}, false},
	} {
		name, ok, err := auth.WorkerIn(w.ctx, w.reg, w.db, id(tc.user), community, tc.skip...)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.want || (ok && name == "") || (!ok && name != "") {
			t.Errorf("WorkerIn(%s, skip %v) = %q, %v; want ok %v", tc.user, tc.skip, name, ok, tc.want)
		}
	}
	if _, ok, err := w.auth.WorkerIn(w.ctx, w.db, 999999, community); ok || err != nil {
		t.Errorf("unknown account: ok %v, err %v", ok, err)
	}
	// A disabled account works nowhere.
	admin := w.actor(t, "admin")
	contractor := id("contractor")
	if _, ok, _ := w.auth.WorkerIn(w.ctx, w.db, contractor, community); !ok {
		t.Fatal("contractor should work in the community before being disabled")
	}
	if _, err := w.auth.SetDisabled(w.ctx, admin, contractor, true); err != nil {
		t.Fatal(err)
	}
	defer w.auth.SetDisabled(w.ctx, admin, contractor, false)
	if _, ok, _ := w.auth.WorkerIn(w.ctx, w.db, contractor, community); ok {
		t.Error("a disabled account still works in the community")
	}
}
