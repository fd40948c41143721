package meetings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/auth"
	"linli/capability"
	"linli/cases"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// Service is the meetings capability; New builds it and nothing changes
// it afterwards.
type Service struct {
	db    *storage.DB
	clock linli.Clock
	loc   *time.Location
	reg   *registry.Service
	au    *auth.Service
	cs    *cases.Service
	lk    *links.Registry
}

// New builds the meetings capability and registers its link resolver.
func New(d capability.Deps) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, reg: d.Registry, au: d.Auth, cs: d.Cases, lk: d.Links}
	if s.lk != nil {
		s.lk.Register(links.KindMeeting, s.ResolveLinks)
	}
	return s
}

// Parts are the capability's templates and routes. Meetings need no
// timers: an overdue task is worked out when it is shown.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "meetings", Pages: Pages(), Routes: s.Routes, Home: s.HomePanels}
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func errNotFound() error { return linli.Errorf(linli.ENotFound, "会议不存在 / meeting not found") }

func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权管理此会议 / not allowed to run this meeting")
}

func errState(m Meeting, what string) error {
	return linli.Errorf(linli.EConflict, "会议%s，不能%s / the meeting is %s: cannot %s", m.State.Label(), what, m.State, what)
}

type scanner interface{ Scan(...any) error }

const meetingColumns = `m.id, m.community_id, m.scope_id, m.path, m.subject_kind, m.subject_id, m.kind, m.title, m.starts_at, m.ends_at,
	m.place, m.host, m.state, m.minutes, m.recorder, m.cancel_reason, m.held_at, m.published_at, m.cancelled_at, m.created_by,
	m.created_at, m.updated_at,
	(SELECT COUNT(*) FROM meeting_invitees i WHERE i.meeting_id = m.id AND i.account_id <> 0),
	(SELECT COUNT(*) FROM meeting_invitees i WHERE i.meeting_id = m.id AND i.household_id <> 0),
	(SELECT COUNT(*) FROM meeting_attendance t WHERE t.meeting_id = m.id)`

func scanMeeting(r scanner) (Meeting, error) {
	var m Meeting
	var sk string
	var sid, st, en, held, pub, canc, cr, up int64
	err := r.Scan(&m.ID, &m.CommunityID, &m.ScopeID, &m.Path, &sk, &sid, &m.Kind, &m.Title, &st, &en,
		&m.Place, &m.Host, &m.State, &m.Minutes, &m.Recorder, &m.CancelReason, &held, &pub, &canc, &m.CreatedBy,
		&cr, &up, &m.InvitedAccounts, &m.InvitedHouseholds, &m.Attended)
	if sk != "" && sid != 0 {
		m.Subject = &links.Ref{Kind: sk, ID: sid}
	}
	m.StartsAt, m.EndsAt = storage.FromMillis(st), storage.FromMillis(en)
	m.HeldAt, m.PublishedAt, m.CancelledAt = storage.FromMillis(held), storage.FromMillis(pub), storage.FromMillis(canc)
	m.CreatedAt, m.UpdatedAt = storage.FromMillis(cr), storage.FromMillis(up)
	return m, err
}

// get loads a meeting without permission checks; in a transaction on
// PostgreSQL the row is locked so state changes do not race.
func (s *Service) get(ctx context.Context, q storage.Querier, id int64, forUpdate bool) (Meeting, error) {
	qs := `SELECT ` + meetingColumns + ` FROM meetings m WHERE m.id = ?`
	if forUpdate && s.db.Dialect == storage.Postgres {
		qs += ` FOR UPDATE OF m`
	}
	m, err := scanMeeting(q.QueryRow(ctx, qs, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, errNotFound()
	}
	if err != nil {
		return m, err
	}
	m.Scope = s.scopeLabel(ctx, q, m.ScopeID)
	return m, nil
}

// scopeLabel names a place the way people say it: the community for a
// community, else estate + building + unit ("荟萃花园南区1号楼3单元").
func (s *Service) scopeLabel(ctx context.Context, q storage.Querier, nodeID int64) string {
	line, err := s.reg.Lineage(ctx, q, nodeID)
	if err != nil || len(line) == 0 {
		return ""
	}
	var names []string
	for _, n := range line {
		switch n.Kind {
		case registry.KindEstate, registry.KindBuilding, registry.KindUnit:
			names = append(names, n.Name)
		}
	}
	if len(names) == 0 {
		return line[len(line)-1].Name
	}
	return strings.Join(names, "")
}

// access is what an actor may do with one meeting.
type access struct {
	full    bool // projects.read in the meeting's scope: everything recorded
	manage  bool // projects.manage in scope: create and run
	signIn  bool // sign others in (projects.manage or visits.write in scope)
	account bool // the actor's account is invited
	// households are the actor's own households that are invited.
	households []int64
}

func (x access) read() bool    { return x.full || x.account || len(x.households) > 0 }
func (x access) invited() bool { return x.account || len(x.households) > 0 }

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

func (s *Service) accessTo(ctx context.Context, q storage.Querier, a *linli.Actor, m Meeting) (access, error) {
	x := access{full: a.Can(linli.PermProjectsRead, m.Path), manage: a.Can(linli.PermProjectsManage, m.Path)}
	x.signIn = x.manage || a.Can(linli.PermVisitsWrite, m.Path)
	if a == nil {
		return x, nil
	}
	if a.AccountID != 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_invitees WHERE meeting_id = ? AND account_id = ?`, m.ID, a.AccountID).Scan(&n); err != nil {
			return x, err
		}
		x.account = n > 0
	}
	for _, h := range residentHouseholds(a) {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_invitees WHERE meeting_id = ? AND household_id = ?`, m.ID, h).Scan(&n); err != nil {
			return x, err
		}
		if n > 0 {
			x.households = append(x.households, h)
		}
	}
	return x, nil
}

// seeMinutes: the minutes, decisions and actions are seen by those who read
// the scope once the meeting is held, and by invitees once published.
func (x access) seeMinutes(m Meeting) bool {
	if x.full {
		return m.State == Held || m.State == Published
	}
	return x.invited() && m.State == Published
}

// readable loads a meeting the actor may see; anything else is 404 so the
// existence of meetings elsewhere does not leak.
func (s *Service) readable(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) (Meeting, access, error) {
	m, err := s.get(ctx, q, id, false)
	if err != nil {
		return m, access{}, err
	}
	x, err := s.accessTo(ctx, q, a, m)
	if err != nil {
		return m, x, err
	}
	if !x.read() {
		return Meeting{}, x, errNotFound()
	}
	return m, x, nil
}

// managed loads and locks a meeting the actor runs, inside tx: 404 when the
// actor may not see it, 403 when they see but may not run it.
func (s *Service) managed(ctx context.Context, tx *storage.Tx, a *linli.Actor, id int64) (Meeting, error) {
	m, err := s.get(ctx, tx, id, true)
	if err != nil {
		return m, err
	}
	x, err := s.accessTo(ctx, tx, a, m)
	if err != nil {
		return m, err
	}
	if !x.manage {
		if x.read() {
			return m, errForbidden()
		}
		return m, errNotFound()
	}
	return m, nil
}

// touch bumps the meeting's updated_at.
func (s *Service) touch(ctx context.Context, tx *storage.Tx, id int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE meetings SET updated_at = ? WHERE id = ?`, storage.Millis(at), id)
	return err
}

// record writes the audit entry of a change to a meeting.
func record(ctx context.Context, tx *storage.Tx, a *linli.Actor, at time.Time, m Meeting, action, summary string, before, after any) error {
	return audit.Record(ctx, tx, a, at, audit.Change{Action: "meeting." + action, Entity: "meeting", EntityID: m.ID, ScopePath: m.Path,
		Summary: summary, Before: before, After: after})
}

// ResolveLinks describes linked meetings the actor may see (a links.Resolver).
func (s *Service) ResolveLinks(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		m, _, err := s.readable(ctx, s.db, a, id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = links.Item{Title: m.Kind.Label() + "：" + m.Title, URL: fmt.Sprintf("/meetings/%d", id), State: m.State.Label(), At: m.StartsAt}
	}
	return out, nil
}

// community returns the community node above (or at) a place, and the place.
func (s *Service) community(ctx context.Context, q storage.Querier, nodeID int64) (registry.Node, registry.Node, error) {
	line, err := s.reg.Lineage(ctx, q, nodeID)
	if err != nil {
		return registry.Node{}, registry.Node{}, err
	}
	for _, n := range line {
		if n.Kind == registry.KindCommunity {
			return n, line[len(line)-1], nil
		}
	}
	return registry.Node{}, line[len(line)-1], linli.Invalid("地点须在社区内 / the place must be inside a community",
		linli.FieldError{Field: "scope_id", Reason: "请选择社区或社区以下的地点 / pick a community or a place inside one"})
}
