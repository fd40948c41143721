package linli_test

import (
	"testing"

	"linli"
)

func TestActorScope(t *testing.T) {
	grid := &linli.Actor{Grants: []linli.Grant{{Role: linli.RoleGridWorker, NodePath: "/1/2/3/4/5/"}}}
	staff := &linli.Actor{Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/2/3/4/"}}}
	resident := &linli.Actor{Grants: []linli.Grant{{Role: linli.RoleResident, NodePath: "/1/2/3/4/5/6/7/8/", HouseholdID: 42}}}
	tests := []struct {
		name string
		a    *linli.Actor
		p    linli.Permission
		path string
		want bool
	}{
		{"grid reads own grid", grid, linli.PermRegistryRead, "/1/2/3/4/5/6/", true},
		{"grid reads sibling grid", grid, linli.PermRegistryRead, "/1/2/3/4/9/", false},
		{"grid reads other community", grid, linli.PermRegistryRead, "/1/2/3/40/5/", false},
		{"prefix is by whole ids", grid, linli.PermRegistryRead, "/1/2/3/4/55/", false},
		{"grid cannot write", grid, linli.PermRegistryWrite, "/1/2/3/4/5/6/", false},
		{"grid reveals in grid", grid, linli.PermPeopleReveal, "/1/2/3/4/5/6/", true},
		{"staff writes community", staff, linli.PermRegistryWrite, "/1/2/3/4/5/", true},
		{"staff not the street", staff, linli.PermRegistryWrite, "/1/2/3/", false},
		{"resident no registry read", resident, linli.PermRegistryRead, "/1/2/3/4/5/6/7/8/", false},
		{"nil actor", nil, linli.PermRegistryRead, "/", false},
	}
	for _, tt := range tests {
		if got := tt.a.Can(tt.p, tt.path); got != tt.want {
			t.Errorf("%s: Can = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !resident.CanHousehold(linli.PermRegistryRead, "/1/2/3/4/5/6/7/8/", 42) {
		t.Error("resident cannot read own household")
	}
	if resident.CanHousehold(linli.PermRegistryRead, "/1/2/3/4/5/6/7/8/", 43) {
		t.Error("resident reads a neighbour's household")
	}
	if resident.CanHousehold(linli.PermRegistryWrite, "/1/2/3/4/5/6/7/8/", 42) {
		t.Error("resident may write own household")
	}
}

func TestCanGrant(t *testing.T) {
	staff := &linli.Actor{Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/2/3/4/"}}}
	admin := &linli.Actor{Grants: []linli.Grant{{Role: linli.RoleAdmin, NodePath: "/1/"}}}
	tests := []struct {
		a    *linli.Actor
		r    linli.Role
		path string
		want bool
	}{
		{staff, linli.RoleGridWorker, "/1/2/3/4/5/", true},
		{staff, linli.RoleResident, "/1/2/3/4/5/6/", true},
		{staff, linli.RoleCommunityStaff, "/1/2/3/4/", false}, // not one's own rank
		{staff, linli.RoleStreetStaff, "/1/2/3/", false},
		{staff, linli.RoleAdmin, "/1/2/3/4/", false},
		{staff, linli.RoleGridWorker, "/1/2/3/9/", false}, // another community
		{admin, linli.RoleAdmin, "/1/2/", true},
		{admin, linli.Role("mayor"), "/1/", false},
	}
	for _, tt := range tests {
		if got := tt.a.CanGrant(tt.r, tt.path); got != tt.want {
			t.Errorf("%v grants %s on %s = %v, want %v", tt.a.Grants[0].Role, tt.r, tt.path, got, tt.want)
		}
	}
}

func TestRolesAreLabelled(t *testing.T) {
	for _, r := range linli.Roles() {
		if !r.Valid() || r.Label() == string(r) || r.LabelEN() == string(r) {
			t.Errorf("role %s lacks a rank or a label", r)
		}
	}
}

// Who may report a problem (我要上报): the navigation, the report form and
// the cases service follow MayReport and ReportScopes.
func TestMayReport(t *testing.T) {
	on := func(r linli.Role, path string) *linli.Actor {
		return &linli.Actor{Grants: []linli.Grant{{Role: r, NodePath: path, HouseholdID: map[bool]int64{true: 42}[r == linli.RoleResident]}}}
	}
	for _, tc := range []struct {
		a      *linli.Actor
		may    bool
		scopes int
	}{
		{on(linli.RoleCommunityStaff, "/1/2/"), true, 1},
		{on(linli.RoleGridWorker, "/1/2/5/"), true, 1},
		{on(linli.RoleProperty, "/1/2/5/7/"), true, 1},
		{on(linli.RoleVolunteer, "/1/2/"), true, 1}, // volunteers patrol their community
		{on(linli.RoleGuard, "/1/2/5/7/"), true, 1}, // a guard escalates a camera alert in its estate
		{on(linli.RoleResident, "/1/2/5/7/8/9/"), true, 0},
		{on(linli.RoleContractor, "/1/2/5/7/"), false, 0},
		{&linli.Actor{}, false, 0},
		{nil, false, 0},
	} {
		name := "nobody"
		if tc.a != nil && len(tc.a.Grants) > 0 {
			name = string(tc.a.Grants[0].Role)
		}
		if got := tc.a.MayReport(); got != tc.may {
			t.Errorf("%s: MayReport %v, want %v", name, got, tc.may)
		}
		if got := len(tc.a.ReportScopes()); got != tc.scopes {
			t.Errorf("%s: %d report scopes, want %d", name, got, tc.scopes)
		}
	}
}

// A gate guard watches and handles the camera alerts of its estate and
// reads nothing of the residents' records.
func TestGuardWatchesCamerasOnly(t *testing.T) {
	g := linli.RoleGuard
	if !g.Valid() || g.Label() == string(g) || g.LabelEN() == string(g) {
		t.Fatalf("guard: valid %v, labels %q %q", g.Valid(), g.Label(), g.LabelEN())
	}
	if !g.Has(linli.PermCamerasWatch) || g.Has(linli.PermCamerasManage) || g.Has(linli.PermRegistryRead) || g.Has(linli.PermCasesRead) {
		t.Fatal("guard: wrong permissions")
	}
	staff := &linli.Actor{Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/2/"}}}
	if !staff.CanGrant(g, "/1/2/5/") {
		t.Fatal("community staff cannot grant the guard role")
	}
}

// A token narrowed to a place keeps the grants on or below it, acts within
// it through a grant above it, and loses every other; read-only drops the
// permissions that write, and reading stays.
func TestNarrowed(t *testing.T) {
	staff := &linli.Actor{AccountID: 7, Grants: []linli.Grant{
		{Role: linli.RoleCommunityStaff, NodeID: 4, NodePath: "/1/2/3/4/", NodeName: "学苑社区"},
		{Role: linli.RoleGridWorker, NodeID: 40, NodePath: "/1/2/3/9/40/", NodeName: "吉祥第一网格"},
		{Role: linli.RoleResident, NodeID: 8, NodePath: "/1/2/3/4/5/6/7/8/", HouseholdID: 3},
	}}
	grid := linli.Grant{NodeID: 5, NodePath: "/1/2/3/4/5/", NodeName: "学苑第一网格"}
	n := staff.Narrowed(grid, false)
	if len(n.Grants) != 2 || n.Grants[0].NodePath != grid.NodePath || n.Grants[0].NodeID != 5 || n.Grants[0].Role != linli.RoleCommunityStaff || n.Grants[1].Role != linli.RoleResident {
		t.Fatalf("narrowed grants %+v", n.Grants)
	}
	for _, tc := range []struct {
		path string
		p    linli.Permission
		want bool
	}{
		{"/1/2/3/4/5/77/", linli.PermCasesManage, true},     // inside the grid
		{"/1/2/3/4/", linli.PermCasesRead, false},           // the community above it
		{"/1/2/3/4/66/", linli.PermCasesRead, false},        // another grid of the community
		{"/1/2/3/9/40/41/", linli.PermCasesRead, false},     // the other community's grid
		{"/1/2/3/4/5/6/7/8/", linli.PermRegistryRead, true}, // the resident's unit lies inside
	} {
		if got := n.Can(tc.p, tc.path); got != tc.want {
			t.Errorf("Can(%s, %s) = %v, want %v", tc.p, tc.path, got, tc.want)
		}
	}
	if len(staff.Grants) != 3 || staff.Grants[0].NodePath != "/1/2/3/4/" {
		t.Errorf("narrowing changed the account's actor: %+v", staff.Grants)
	}
	if all := staff.Narrowed(linli.Grant{}, false); len(all.Grants) != 3 || all.ReadOnly {
		t.Errorf("no scope: %+v", all)
	}

	ro := staff.Narrowed(linli.Grant{}, true)
	for _, p := range []linli.Permission{linli.PermRegistryWrite, linli.PermUsersManage, linli.PermCasesManage, linli.PermProjectsManage, linli.PermVisitsWrite, linli.PermMediate, linli.PermCamerasManage} {
		if ro.Can(p, "/1/2/3/4/5/") || ro.CanAny(p) || len(ro.Scopes(p)) != 0 {
			t.Errorf("read-only holds %s", p)
		}
	}
	for _, p := range []linli.Permission{linli.PermRegistryRead, linli.PermCasesRead, linli.PermProjectsRead, linli.PermAuditRead, linli.PermPeopleReveal} {
		if !ro.Can(p, "/1/2/3/4/5/") {
			t.Errorf("read-only lost %s", p)
		}
	}
	if ro.CanGrant(linli.RoleGridWorker, "/1/2/3/4/5/") || ro.MayReport() {
		t.Error("read-only grants roles or reports problems")
	}
}
