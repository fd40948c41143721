package linli

import (
	"context"
	"slices"
	"strings"
)

// Role is a job a person holds on a node of the community tree.
type Role string

// The roles, each held on one node of the place tree: street office
// staff, community secretary/director and staff, grid worker, building
// head, unit head, resident representative, resident (owner or tenant),
// property company (物业), contractor (施工方), functional department
// (职能部门), volunteer and gate guard (门岗/保安); admin runs the deployment.
const (
	RoleAdmin          Role = "admin"
	RoleStreetStaff    Role = "street_staff"
	RoleCommunityStaff Role = "community_staff"
	RoleGridWorker     Role = "grid_worker"
	RoleBuildingHead   Role = "building_head"
	RoleUnitHead       Role = "unit_head"
	RoleResidentRep    Role = "resident_rep"
	RoleResident       Role = "resident"
	RoleProperty       Role = "property"
	RoleContractor     Role = "contractor"
	RoleDepartment     Role = "department"
	RoleVolunteer      Role = "volunteer"
	// RoleGuard is the gate guard (门岗/保安) of an estate, granted on the
	// estate: watches the camera alerts of its gates and handles them.
	RoleGuard Role = "guard"
)

// Roles lists every role, most senior first.
func Roles() []Role {
	return []Role{RoleAdmin, RoleStreetStaff, RoleCommunityStaff, RoleDepartment, RoleGridWorker,
		RoleProperty, RoleBuildingHead, RoleUnitHead, RoleResidentRep, RoleContractor, RoleGuard, RoleVolunteer, RoleResident}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// rank orders roles for delegation: one may grant only roles ranked below
// one's own (admins grant anything).
func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 100
	case RoleStreetStaff:
		return 90
	case RoleCommunityStaff:
		return 80
	case RoleDepartment:
		return 70
	case RoleGridWorker:
		return 60
	case RoleProperty:
		return 50
	case RoleBuildingHead:
		return 48
	case RoleUnitHead:
		return 46
	case RoleResidentRep:
		return 44
	case RoleContractor:
		return 40
	case RoleGuard:
		return 35
	case RoleVolunteer:
		return 30
	case RoleResident:
		return 20
	}
	return 0
}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "系统管理员"
	case RoleStreetStaff:
		return "街道工作人员"
	case RoleCommunityStaff:
		return "社区工作人员"
	case RoleGridWorker:
		return "网格员"
	case RoleBuildingHead:
		return "楼栋长"
	case RoleUnitHead:
		return "单元长"
	case RoleResidentRep:
		return "居民代表"
	case RoleResident:
		return "居民"
	case RoleProperty:
		return "物业公司"
	case RoleContractor:
		return "施工方"
	case RoleDepartment:
		return "职能部门"
	case RoleVolunteer:
		return "志愿者"
	case RoleGuard:
		return "门岗保安"
	}
	return string(r)
}

// LabelEN is the English name of the role.
func (r Role) LabelEN() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleStreetStaff:
		return "Street office staff"
	case RoleCommunityStaff:
		return "Community staff"
	case RoleGridWorker:
		return "Grid worker"
	case RoleBuildingHead:
		return "Building head"
	case RoleUnitHead:
		return "Unit head"
	case RoleResidentRep:
		return "Resident representative"
	case RoleResident:
		return "Resident"
	case RoleProperty:
		return "Property company"
	case RoleContractor:
		return "Contractor"
	case RoleDepartment:
		return "Functional department"
	case RoleVolunteer:
		return "Volunteer"
	case RoleGuard:
		return "Gate guard"
	}
	return string(r)
}

// Permission is something an actor may do within the subtree of a grant.
type Permission string

// Permissions checked by the services.
const (
	PermRegistryRead  Permission = "registry.read"  // places, households and people in scope (masked)
	PermRegistryWrite Permission = "registry.write" // create, edit, move, import
	PermPeopleReveal  Permission = "people.reveal"  // plain phone / ID number, audited
	PermUsersManage   Permission = "users.manage"   // accounts and role grants in scope
	PermAuditRead     Permission = "audit.read"     // the audit log of the scope
	PermCasesRead     Permission = "cases.read"     // cases located in the scope
	PermCasesManage   Permission = "cases.manage"   // register, dispatch, verify, close; configure categories
	// Negotiation and projects (issue 4).
	PermProjectsRead   Permission = "projects.read"    // projects, votes, meetings and visits in the scope
	PermProjectsManage Permission = "projects.manage"  // create and run projects, votes, cost plans, meetings
	PermVisitsWrite    Permission = "visits.write"     // record door-to-door visits; sign people in at meetings
	PermMediate        Permission = "mediation.manage" // people's mediation: disputes, sessions, agreements
	// Gate cameras (issue 12).
	PermCamerasWatch  Permission = "cameras.watch"  // the alerts of the scope's cameras: board, acknowledge, close, snapshots (audited)
	PermCamerasManage Permission = "cameras.manage" // cameras, privacy records, rules, ingest sources
)

// Has reports whether the role carries the permission. Residents read only
// their own household; that is handled by Actor.CanHousehold.
func (r Role) Has(p Permission) bool {
	switch r {
	case RoleAdmin:
		return true
	case RoleStreetStaff, RoleCommunityStaff:
		return true
	case RoleGridWorker:
		// Grid workers visit households: they need the phone, and
		// revealing it is audited.
		return p == PermRegistryRead || p == PermPeopleReveal || p == PermCasesRead ||
			p == PermProjectsRead || p == PermVisitsWrite
	case RoleBuildingHead, RoleUnitHead, RoleResidentRep:
		// Building and unit heads and residents' representatives go door
		// to door with the grid worker.
		return p == PermRegistryRead || p == PermCasesRead || p == PermProjectsRead || p == PermVisitsWrite
	case RoleProperty, RoleDepartment:
		return p == PermRegistryRead || p == PermCasesRead || p == PermProjectsRead
	case RoleContractor:
		// A contractor sees the projects it builds (granted on their scope).
		return p == PermProjectsRead
	case RoleGuard:
		// A gate guard sees and handles the camera alerts of its estate,
		// nothing of the residents' records.
		return p == PermCamerasWatch
	}
	return false
}

// Grant is a role held on a node. NodePath is the materialised path of the
// node ("/1/4/9/"), so a scope check is a prefix test. A resident's grant
// also names the household.
type Grant struct {
	ID          int64  `json:"id"`
	Role        Role   `json:"role"`
	NodeID      int64  `json:"node_id"`
	NodePath    string `json:"node_path"`
	NodeName    string `json:"node_name"`
	HouseholdID int64  `json:"household_id,omitempty"`
}

// Actor is the authenticated user acting on a request.
type Actor struct {
	AccountID   int64
	Username    string
	DisplayName string
	PersonID    int64
	Grants      []Grant
	// Elder is the account's 长辈模式 (elder mode): pages in larger text
	// with more room. A display choice of the account holder, not a right.
	Elder bool
	// ViaToken is set when the actor came from an API token rather than a
	// login: a token acts with its account's rights but does not make
	// further tokens (they would outlive its revocation).
	ViaToken bool
	// ReadOnly is set for a read-only API token: it holds no permission
	// that writes (Permission.Writes), and audit.Record refuses any change
	// it would make (every change of state records one).
	ReadOnly bool
}

// Writes reports whether the permission is one to change records rather
// than read them. A read-only token holds none of these.
func (p Permission) Writes() bool {
	switch p {
	case PermRegistryWrite, PermUsersManage, PermCasesManage, PermProjectsManage, PermVisitsWrite, PermMediate, PermCamerasManage:
		return true
	}
	return false
}

// holds reports whether grant g carries p for the actor: its role has it,
// and a read-only actor holds no permission that writes.
func (a *Actor) holds(g Grant, p Permission) bool {
	return g.Role.Has(p) && !(a.ReadOnly && p.Writes())
}

// Narrowed is the actor of an API token scoped to the subtree at scope
// (a node; zero keeps every grant) and, when readOnly, to reading. A grant
// on or below the scope is kept; a grant above it acts only within the
// scope (its node becomes the scope's); any other grant is dropped. The
// token can do nothing its account cannot, and nothing outside its node.
func (a *Actor) Narrowed(scope Grant, readOnly bool) *Actor {
	n := *a
	n.ReadOnly = a.ReadOnly || readOnly
	if scope.NodePath == "" {
		n.Grants = slices.Clone(a.Grants)
		return &n
	}
	n.Grants = nil
	for _, g := range a.Grants {
		switch {
		case Within(g.NodePath, scope.NodePath):
			n.Grants = append(n.Grants, g)
		case Within(scope.NodePath, g.NodePath) && g.Role != RoleResident:
			g.NodeID, g.NodePath, g.NodeName = scope.NodeID, scope.NodePath, scope.NodeName
			n.Grants = append(n.Grants, g)
		}
	}
	return &n
}

// System is the actor for work Linli does itself (imports from the CLI,
// demo data, timers).
func System() *Actor {
	return &Actor{Username: "system", DisplayName: "系统", Grants: []Grant{{Role: RoleAdmin, NodePath: "/"}}}
}

// Within reports whether path lies in the subtree rooted at scope.
func Within(path, scope string) bool { return strings.HasPrefix(path, scope) }

// Can reports whether the actor holds p on the node at path.
func (a *Actor) Can(p Permission, path string) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if a.holds(g, p) && Within(path, g.NodePath) {
			return true
		}
	}
	return false
}

// CanHousehold is Can for a household record: a resident may read the
// household bound to the grant, and nothing else.
func (a *Actor) CanHousehold(p Permission, path string, householdID int64) bool {
	if a.Can(p, path) {
		return true
	}
	if a == nil || p != PermRegistryRead {
		return false
	}
	for _, g := range a.Grants {
		if g.Role == RoleResident && g.HouseholdID == householdID {
			return true
		}
	}
	return false
}

// CanAny reports whether the actor holds p anywhere.
func (a *Actor) CanAny(p Permission) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if a.holds(g, p) {
			return true
		}
	}
	return false
}

// Scopes returns the node paths on which the actor holds p, for filtering
// lists in SQL (path LIKE scope || '%').
func (a *Actor) Scopes(p Permission) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, g := range a.Grants {
		if a.holds(g, p) {
			out = append(out, g.NodePath)
		}
	}
	return out
}

// ReportScopes are the node paths within which the actor may report a
// problem (我要上报) at any place: where it reads cases (staff, grid
// workers, property companies, departments, building and unit heads) and
// the community it volunteers in (volunteers patrol it) and the estate a
// gate guard watches (a camera alert becomes a case there). Residents report
// in their own community besides (the cases service checks the household);
// contractors and others report nowhere: their complaints about a project
// go through the project.
func (a *Actor) ReportScopes() []string {
	if a == nil {
		return nil
	}
	out := a.Scopes(PermCasesRead)
	for _, g := range a.Grants {
		if g.Role == RoleVolunteer || g.Role == RoleGuard {
			out = append(out, g.NodePath)
		}
	}
	return out
}

// MayReport reports whether the actor may report a problem anywhere: the
// navigation offers 我要上报 and the report form is shown only then, so no
// one fills in a form whose submission would be refused.
func (a *Actor) MayReport() bool {
	if a != nil && a.ReadOnly {
		return false
	}
	if len(a.ReportScopes()) > 0 {
		return true
	}
	return a.HasRole(RoleResident)
}

// CanGrant reports whether the actor may grant role r on the node at path.
func (a *Actor) CanGrant(r Role, path string) bool {
	if a == nil || !r.Valid() {
		return false
	}
	for _, g := range a.Grants {
		if !a.holds(g, PermUsersManage) || !Within(path, g.NodePath) {
			continue
		}
		if g.Role == RoleAdmin || r.rank() < g.Role.rank() {
			return true
		}
	}
	return false
}

// HasRole reports whether the actor holds role r anywhere.
func (a *Actor) HasRole(r Role) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// Primary returns the actor's most senior grant, used to choose a home page.
func (a *Actor) Primary() Grant {
	var best Grant
	for _, g := range a.Grants {
		if g.Role.rank() > best.Role.rank() {
			best = g
		}
	}
	return best
}

type ipKey struct{}

// WithIP remembers the client address of a request, for audit entries.
func WithIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

// IPFrom returns the client address remembered by WithIP.
func IPFrom(ctx context.Context) string {
	s, _ := ctx.Value(ipKey{}).(string)
	return s
}
