package projects

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	"linli/votes"
)

// Service is the projects capability; New builds it and nothing changes
// it afterwards.
type Service struct {
	db    *storage.DB
	clock linli.Clock
	loc   *time.Location
	reg   *registry.Service
	cs    *cases.Service
	lk    *links.Registry
	au    *auth.Service // the people picker's choices; nil: none offered
	votes VoteGate      // nil: there is no votes capability
}

// VoteGate is what projects reads of the votes capability (which is
// one): what is missing before a project may leave its consent-vote phase
// (nothing: the project's votes are valid), and what the project's cost
// plans ask of the reader's own households (nobody else's: the votes
// capability decides whose lines a reader gets).
type VoteGate interface {
	ProjectGate(ctx context.Context, projectID int64) (missing []string, err error)
	HouseholdBills(ctx context.Context, a *linli.Actor, projectID int64) ([]votes.HouseholdBill, error)
}

// New builds the projects capability and registers its link resolver: a
// case page lists the project its complaint belongs to, a vote or meeting
// page its project.
func New(d capability.Deps, gate VoteGate) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, reg: d.Registry, cs: d.Cases, lk: d.Links, au: d.Auth, votes: gate}
	if s.lk != nil {
		s.lk.Register(links.KindProject, s.ResolveLinks)
	}
	if s.cs != nil {
		s.cs.RegisterNotificationEnglish("project_update", notificationEN)
	}
	return s
}

// Parts are the capability's templates and routes (no timers yet).
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "projects", Pages: Pages(), Routes: s.Routes, Home: s.HomePanels}
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

func errNotFound() error { return linli.Errorf(linli.ENotFound, "项目不存在 / project not found") }

func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权管理此项目 / not allowed to manage this project")
}

func actorName(a *linli.Actor) string {
	if a == nil {
		return "系统"
	}
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

const projectColumns = `id, community_id, path, title, kind, description, budget_fen, public, phase, contractor, start_date, end_date,
	work_hours, quiet_hours, approval_number, approval_department, approval_department_id, approval_date, acceptance_date,
	acceptance_passed, acceptance_participants, completed_at, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanProject(r scanner) (Project, error) {
	var p Project
	var pub, passed, done, cr, up int64
	var work, quiet string
	err := r.Scan(&p.ID, &p.CommunityID, &p.Path, &p.Title, &p.Kind, &p.Description, &p.BudgetFen, &pub, &p.Phase, &p.Contractor,
		&p.StartDate, &p.EndDate, &work, &quiet, &p.ApprovalNumber, &p.ApprovalDepartment, &p.ApprovalDepartmentID, &p.ApprovalDate,
		&p.AcceptanceDate, &passed, &p.AcceptanceParticipants, &done, &cr, &up)
	p.Public, p.AcceptancePassed = storage.Bool(pub), storage.Bool(passed)
	p.CompletedAt, p.CreatedAt, p.UpdatedAt = storage.FromMillis(done), storage.FromMillis(cr), storage.FromMillis(up)
	p.WorkHours, p.QuietHours = splitHours(work), splitHours(quiet)
	return p, err
}

// load reads a project with its scope, without a permission check.
func (s *Service) load(ctx context.Context, q storage.Querier, id int64) (Project, error) {
	p, err := scanProject(q.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNotFound()
	}
	if err != nil {
		return p, err
	}
	return p, s.fill(ctx, q, &p)
}

// fill adds the scope, the community's name and the progress.
func (s *Service) fill(ctx context.Context, q storage.Querier, p *Project) error {
	var ids []int64
	err := storage.Each(ctx, q, func(rows *sql.Rows) error {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return err
		}
		ids = append(ids, id)
		p.scopePaths = append(p.scopePaths, path)
		return nil
	}, `SELECT node_id, path FROM project_scope WHERE project_id = ? ORDER BY node_id`, p.ID)
	if err != nil {
		return err
	}
	p.Scope = make([]ScopeNode, 0, len(ids))
	var places []string
	for _, id := range ids {
		line, err := s.reg.Lineage(ctx, q, id)
		if err != nil {
			return err
		}
		n := line[len(line)-1]
		var full, place []string
		for _, x := range line {
			switch x.Kind {
			case registry.KindEstate, registry.KindBuilding:
				full = append(full, x.Name)
				place = append(place, x.Name)
			case registry.KindUnit:
				full = append(full, x.Name)
			}
		}
		p.Scope = append(p.Scope, ScopeNode{ID: n.ID, Kind: string(n.Kind), Label: strings.Join(full, "")})
		// The public place names no unit: the estate and the building.
		if pl := strings.Join(place, " "); pl != "" && !contains(places, pl) {
			places = append(places, pl)
		}
	}
	p.Place = strings.Join(places, "、")
	if n, err := s.reg.NodeByID(ctx, p.CommunityID); err == nil {
		p.Community = n.Name
	}
	ms, err := s.milestones(ctx, q, p.ID)
	if err != nil {
		return err
	}
	_, p.Progress = ComputeProgress(ms)
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// communityPath cuts a node path to its community: the tree is
// city/district/street/community.
func communityPath(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 4 {
		return path
	}
	return "/" + strings.Join(parts[:4], "/") + "/"
}

// canManage: staff holding projects.manage on the community.
func canManage(a *linli.Actor, p Project) bool { return a.Can(linli.PermProjectsManage, p.Path) }

// canRead: managers; holders of projects.read on the community, on a scope
// node, or inside a scope node (a building head whose building the estate
// project covers); residents of a household inside the scope (the project
// is about their home, public or not); residents of the community for
// public projects, and its volunteers.
func canRead(a *linli.Actor, p Project, scope []string) bool {
	if a == nil {
		return false
	}
	if canManage(a, p) || a.Can(linli.PermProjectsRead, p.Path) {
		return true
	}
	for _, sp := range scope {
		if a.Can(linli.PermProjectsRead, sp) {
			return true
		}
		for _, g := range a.Grants {
			if g.Role.Has(linli.PermProjectsRead) && linli.Within(g.NodePath, sp) {
				return true
			}
		}
	}
	return livesInProjectScope(a, scope) || (p.Public && (isResidentOf(a, p.Path) || isVolunteerOf(a, p.Path)))
}

// livesInProjectScope reports whether the actor is a resident of a
// household inside one of the scope nodes (a resident's grant sits on the
// household's unit).
func livesInProjectScope(a *linli.Actor, scope []string) bool {
	for _, g := range a.Grants {
		if g.Role != linli.RoleResident || g.HouseholdID == 0 {
			continue
		}
		for _, sp := range scope {
			if linli.Within(g.NodePath, sp) {
				return true
			}
		}
	}
	return false
}

// isResidentOf reports whether the actor is a resident of a household in
// the community.
func isResidentOf(a *linli.Actor, community string) bool {
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 && linli.Within(g.NodePath, community) {
			return true
		}
	}
	return false
}

// isVolunteerOf reports whether the actor volunteers in the community (or
// around it): volunteers patrol it, and the happiness list invites them to
// follow its public projects like its residents.
func isVolunteerOf(a *linli.Actor, community string) bool {
	for _, g := range a.Grants {
		if g.Role == linli.RoleVolunteer && (linli.Within(g.NodePath, community) || linli.Within(community, g.NodePath)) {
			return true
		}
	}
	return false
}

// view loads a project the actor may read; others get a 404, so the
// existence of projects elsewhere does not leak.
func (s *Service) view(ctx context.Context, a *linli.Actor, id int64) (Project, error) {
	p, err := s.load(ctx, s.db, id)
	if err != nil {
		return p, err
	}
	if !canRead(a, p, p.scopePaths) {
		return Project{}, errNotFound()
	}
	return p, nil
}

// manage loads a project the actor manages: 404 when it may not even see
// it, 403 when it sees but may not manage.
func (s *Service) manage(ctx context.Context, a *linli.Actor, id int64) (Project, error) {
	p, err := s.view(ctx, a, id)
	if err != nil {
		return p, err
	}
	if !canManage(a, p) {
		return Project{}, errForbidden()
	}
	return p, nil
}

// Get returns one project the actor may read.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Project, error) {
	return s.view(ctx, a, id)
}

// record writes the audit entry of a change in tx.
func (s *Service) record(ctx context.Context, tx *storage.Tx, a *linli.Actor, at time.Time, p Project, action, summary string, before, after any) error {
	return audit.Record(ctx, tx, a, at, audit.Change{Action: "project." + action, Entity: "project", EntityID: p.ID, ScopePath: p.Path,
		Summary: summary, Before: before, After: after})
}

// touch bumps the project's updated_at.
func touch(ctx context.Context, tx *storage.Tx, id int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE projects SET updated_at = ? WHERE id = ?`, storage.Millis(at), id)
	return err
}

// post adds an update to the feed and tells the followers in-app, in tx.
// The bell links to /projects/{id}.
func (s *Service) post(ctx context.Context, tx *storage.Tx, a *linli.Actor, p Project, kind, text string, at time.Time) error {
	if err := s.addUpdate(ctx, tx, a, p, kind, text, at); err != nil {
		return err
	}
	return s.notifyFollowers(ctx, tx, a, p, cases.Text{ZH: text, EN: feedTextEN(kind, text)}, at)
}

// addUpdate adds an update to the feed only: the project page shows it,
// nobody's bell rings.
func (s *Service) addUpdate(ctx context.Context, tx *storage.Tx, a *linli.Actor, p Project, kind, text string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO project_updates (project_id, at, kind, text, by_name) VALUES (?, ?, ?, ?, ?)`,
		p.ID, storage.Millis(at), kind, text, actorName(a))
	return err
}

// notifyFollowers tells the project's followers, except the one who made
// the change, in tx.
func (s *Service) notifyFollowers(ctx context.Context, tx *storage.Tx, a *linli.Actor, p Project, text cases.Text, at time.Time) error {
	followers, err := storage.Scalars[int64](ctx, tx, `SELECT account_id FROM project_followers WHERE project_id = ? ORDER BY account_id`, p.ID)
	if err != nil {
		return err
	}
	var accs []int64
	for _, id := range followers {
		if a == nil || id != a.AccountID { // not the one who made the change
			accs = append(accs, id)
		}
	}
	// The feed's own steps have their English (feed.go); a note staff
	// typed is the same in both.
	return s.cs.NotifyAbout(ctx, tx, accs, "project_update", links.Ref{Kind: links.KindProject, ID: p.ID},
		cases.Text{ZH: fmt.Sprintf("%s：%s", p.Title, text.ZH), EN: p.Title + ": " + text.EN}, at)
}

// ResolveLinks describes linked projects the actor may read (a
// links.Resolver).
func (s *Service) ResolveLinks(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		p, err := s.view(ctx, a, id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = links.Item{Title: p.Title, URL: fmt.Sprintf("/projects/%d", id), State: p.Phase.Label(), At: p.CreatedAt, Path: p.Path}
	}
	return out, nil
}
