package notices

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"linli"
	"linli/auth"
	"linli/capability"
	"linli/cases"
	"linli/jobs"
	"linli/registry"
	"linli/storage"
)

// JobPublish is the timer that publishes a notice at its time (key: the
// notice's id).
const JobPublish = "notice.publish"

// Service is the notices capability.
type Service struct {
	db    *storage.DB
	clock linli.Clock
	loc   *time.Location
	reg   *registry.Service
	au    *auth.Service
	cases *cases.Service // the bell: opening a notice marks its notification read

	mu        sync.RWMutex
	audiences map[string]Audience
}

// New builds the notices capability.
func New(d capability.Deps) *Service {
	return &Service{db: d.DB, clock: d.Clock, loc: d.Zone, reg: d.Registry, au: d.Auth, cases: d.Cases, audiences: map[string]Audience{}}
}

// Parts are the capability's templates, routes, timer and home panel.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "notices", Pages: Pages(), Routes: s.Routes,
		Jobs: map[string]jobs.Handler{JobPublish: s.publishJob}, Home: s.HomePanels}
}

// RegisterAudience adds a kind of people other capabilities define
// (contract 3 of issue 11): campaigns registers "campaign_hazard_open".
// It is called while the server is wired, before requests arrive; a key
// registered twice replaces the first.
func (s *Service) RegisterAudience(key string, a Audience) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audiences[key] = a
}

func (s *Service) audience(key string) (Audience, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.audiences[key]
	return a, ok
}

// AudienceChoice is a registered audience as the form offers it.
type AudienceChoice struct {
	Key, LabelZH, LabelEN string
}

// Audiences lists the registered audiences by key.
func (s *Service) Audiences() []AudienceChoice {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]AudienceChoice, 0, len(s.audiences))
	for k, a := range s.audiences {
		out = append(out, AudienceChoice{Key: k, LabelZH: a.LabelZH, LabelEN: a.LabelEN})
	}
	slices.SortFunc(out, func(x, y AudienceChoice) int { return strings.Compare(x.Key, y.Key) })
	return out
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

func errNotFound() error { return linli.Errorf(linli.ENotFound, "通知不存在 / notice not found") }

// publisherRoles publish notices: community staff and above.
var publisherRoles = []linli.Role{linli.RoleAdmin, linli.RoleStreetStaff, linli.RoleCommunityStaff}

// mayPublish reports whether the actor publishes on the node at path.
func mayPublish(a *linli.Actor, path string) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if slices.Contains(publisherRoles, g.Role) && linli.Within(path, g.NodePath) {
			return true
		}
	}
	return false
}

// publishScopes are the node paths on which the actor publishes.
func publishScopes(a *linli.Actor) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, g := range a.Grants {
		if slices.Contains(publisherRoles, g.Role) {
			out = append(out, g.NodePath)
		}
	}
	return out
}

// MayPublish reports whether the actor publishes anywhere (the navigation
// and the list offer 发布通知 only then).
func MayPublish(a *linli.Actor) bool { return len(publishScopes(a)) > 0 }

// followScopes are the grants of people who follow recipients up (grid
// workers, building and unit heads, and staff): visits.write.
func followScopes(a *linli.Actor) []string { return a.Scopes(linli.PermVisitsWrite) }

// commonPath is the lowest node path above every one of paths.
func commonPath(paths []string) string {
	if len(paths) == 0 {
		return "/"
	}
	p := paths[0]
	for _, q := range paths[1:] {
		for !strings.HasPrefix(q, p) {
			i := strings.LastIndex(strings.TrimSuffix(p, "/"), "/")
			if i < 0 {
				return "/"
			}
			p = p[:i+1]
		}
	}
	return p
}

// overlaps reports whether two node paths lie one within the other.
func overlaps(a, b string) bool { return linli.Within(a, b) || linli.Within(b, a) }

// access is what an actor may do with a notice.
type access struct {
	manage bool     // publishes on the notice's path: everything
	follow []string // their follow-up scopes meeting a target node
	mine   bool     // a recipient
}

// within reports whether a recipient at path is one the actor follows.
func (x access) within(path string) bool {
	if x.manage {
		return true
	}
	for _, sc := range x.follow {
		if linli.Within(path, sc) {
			return true
		}
	}
	return false
}

func (s *Service) accessTo(ctx context.Context, q storage.Querier, a *linli.Actor, n Notice) (access, error) {
	x := access{manage: mayPublish(a, n.Path)}
	if a == nil {
		return x, nil
	}
	if !x.manage {
		for _, sc := range followScopes(a) {
			for _, t := range n.Targets {
				if t.path != "" && overlaps(t.path, sc) {
					x.follow = append(x.follow, sc)
					break
				}
			}
		}
	}
	if n.State == Published {
		ids, err := s.myRecipients(ctx, q, a, n.ID)
		if err != nil {
			return x, err
		}
		x.mine = len(ids) > 0
	}
	return x, nil
}

// myRecipients are the recipient rows of the notice that are the actor:
// its account, or one of its households.
func (s *Service) myRecipients(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) ([]int64, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	hs := residentHouseholds(a)
	where, args := "account_id = ?", []any{id, a.AccountID}
	if len(hs) > 0 {
		where += " OR (account_id = 0 AND household_id IN (" + storage.Placeholders(len(hs)) + "))"
		args = append(args, storage.Args(hs)...)
	}
	return storage.Scalars[int64](ctx, q, `SELECT id FROM notice_recipients WHERE notice_id = ? AND (`+where+`)`, args...)
}

// residentHouseholds are the households of the actor's resident grants.
func residentHouseholds(a *linli.Actor) []int64 {
	var out []int64
	if a == nil {
		return nil
	}
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			out = append(out, g.HouseholdID)
		}
	}
	return out
}

const noticeColumns = `id, community_id, path, title, body, urgency, valid_from, valid_until, publish_at, expires_at,
	ack_required, public, state, published_at, author, created_by, created_at`

func scanNotice(r interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var vf, vu, pa, ea, pub, cr int64
	var ack, public int
	err := r.Scan(&n.ID, &n.CommunityID, &n.Path, &n.Title, &n.Body, &n.Urgency, &vf, &vu, &pa, &ea,
		&ack, &public, &n.State, &pub, &n.Author, &n.CreatedBy, &cr)
	n.ValidFrom, n.ValidUntil, n.PublishAt, n.ExpiresAt = storage.FromMillis(vf), storage.FromMillis(vu), storage.FromMillis(pa), storage.FromMillis(ea)
	n.PublishedAt, n.CreatedAt = storage.FromMillis(pub), storage.FromMillis(cr)
	n.AckRequired, n.Public = ack != 0, public != 0
	return n, err
}

// get loads a notice and its targets without permission checks.
func (s *Service) get(ctx context.Context, q storage.Querier, id int64, forUpdate bool) (Notice, error) {
	qs := `SELECT ` + noticeColumns + ` FROM notices WHERE id = ?`
	if forUpdate && s.db.Dialect == storage.Postgres {
		qs += ` FOR UPDATE`
	}
	n, err := scanNotice(q.QueryRow(ctx, qs, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, errNotFound()
	}
	if err != nil {
		return n, err
	}
	n.Targets, err = s.targets(ctx, q, id)
	return n, err
}

// targets reads a notice's target, node by node.
func (s *Service) targets(ctx context.Context, q storage.Querier, id int64) ([]Target, error) {
	type row struct {
		node int64
		kind string
	}
	rows, err := storage.Select(ctx, q, func(r *sql.Rows) (row, error) {
		var x row
		err := r.Scan(&x.node, &x.kind)
		return x, err
	}, `SELECT node_id, kind FROM notice_targets WHERE notice_id = ? ORDER BY node_id, kind`, id)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, x := range rows {
		if !slices.Contains(ids, x.node) {
			ids = append(ids, x.node)
		}
	}
	nodes, err := s.reg.NodesAt(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	var out []Target
	for _, x := range rows {
		if len(out) == 0 || out[len(out)-1].NodeID != x.node {
			nd := nodes[x.node]
			out = append(out, Target{NodeID: x.node, Name: nd.Name, path: nd.Path})
		}
		out[len(out)-1].Kinds = append(out[len(out)-1].Kinds, x.kind)
	}
	return out, nil
}

// readable loads a notice the actor may see: publishers and followers in
// scope; recipients and — when public — anyone once it is published.
func (s *Service) readable(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) (Notice, access, error) {
	n, err := s.get(ctx, q, id, false)
	if err != nil {
		return n, access{}, err
	}
	x, err := s.accessTo(ctx, q, a, n)
	if err != nil {
		return n, x, err
	}
	if x.manage || len(x.follow) > 0 || x.mine || (n.Public && n.State == Published) {
		return n, x, nil
	}
	return Notice{}, x, errNotFound()
}
