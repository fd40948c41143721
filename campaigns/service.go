package campaigns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"linli"
	"linli/auth"
	"linli/capability"
	"linli/cases"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// KindCampaign is the links kind of a campaign ("campaign:12").
const KindCampaign = "campaign"

// Service is the campaigns capability; New builds it and nothing changes
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

// New builds the campaigns capability and registers its link resolver and
// its building-view layer.
func New(d capability.Deps) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, reg: d.Registry, au: d.Auth, cs: d.Cases, lk: d.Links}
	if s.lk != nil {
		s.lk.Register(KindCampaign, s.resolveLinks)
	}
	if s.reg != nil {
		s.reg.RegisterLayer(LayerKind, layerSource{s})
	}
	return s
}

// Parts are the capability's templates, routes and home panels; campaigns
// need no timers (overdue plans are worked out when shown).
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "campaigns", Pages: Pages(), Routes: s.Routes, Home: s.HomePanels}
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// today is the date now in the deployment's zone.
func (s *Service) today() Day { return DayOf(s.now().In(s.zone())) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ms(t time.Time) int64 { return storage.Millis(t) }

func errNotFound() error {
	return linli.Errorf(linli.ENotFound, "排查不存在 / campaign not found")
}

func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权管理此排查 / not allowed to run this campaign")
}

func errState(c Campaign, what string) error {
	return linli.Errorf(linli.EConflict, "排查%s，不能%s / the campaign is %s: cannot %s", c.State.Label(), what, c.State, what)
}

// access is what an actor may do with one campaign.
type access struct {
	manage bool       // PermProjectsManage on the campaign's place: create, split, assign, plan, close
	read   bool       // manage, the task group, or PermProjectsRead on the place
	member bool       // in the task group
	role   MemberRole // the member's part
}

func (s *Service) accessOf(ctx context.Context, q storage.Querier, a *linli.Actor, c Campaign) (access, error) {
	var x access
	if a == nil {
		return x, nil
	}
	x.manage = a.Can(linli.PermProjectsManage, c.Path)
	if a.AccountID != 0 {
		var role string
		err := q.QueryRow(ctx, `SELECT role FROM campaign_members WHERE campaign_id = ? AND account_id = ?`, c.ID, a.AccountID).Scan(&role)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return x, err
		}
		x.member, x.role = err == nil, MemberRole(role)
	}
	x.read = x.manage || x.member || a.Can(linli.PermProjectsRead, c.Path)
	return x, nil
}

// campaignFor loads a campaign the actor may read (404 otherwise) and what
// the actor may do with it.
func (s *Service) campaignFor(ctx context.Context, q storage.Querier, a *linli.Actor, id int64) (Campaign, access, error) {
	c, err := s.get(ctx, q, id, false)
	if err != nil {
		return c, access{}, err
	}
	x, err := s.accessOf(ctx, q, a, c)
	if err != nil {
		return c, x, err
	}
	if !x.read {
		return Campaign{}, x, errNotFound()
	}
	return c, x, nil
}

// managed loads a campaign the actor runs, locked in tx: 404 when the
// actor may not read it, 403 when it may read but not run it.
func (s *Service) managed(ctx context.Context, tx *storage.Tx, a *linli.Actor, id int64) (Campaign, error) {
	c, err := s.get(ctx, tx, id, true)
	if err != nil {
		return c, err
	}
	x, err := s.accessOf(ctx, tx, a, c)
	if err != nil {
		return c, err
	}
	if !x.read {
		return Campaign{}, errNotFound()
	}
	if !x.manage {
		return Campaign{}, errForbidden()
	}
	return c, nil
}

type scanner interface{ Scan(...any) error }

const campaignColumns = `c.id, c.community_id, c.path, c.title, c.hazard_type, c.template_id, c.checklist, c.starts_day, c.deadline_day,
	c.state, c.note, c.created_by, c.activated_at, c.closed_at, c.created_at, c.updated_at`

func scanCampaign(r scanner) (Campaign, error) {
	var c Campaign
	var checklist string
	var act, closed, cr, up int64
	err := r.Scan(&c.ID, &c.CommunityID, &c.Path, &c.Title, &c.HazardType, &c.TemplateID, &checklist, &c.StartsOn, &c.Deadline,
		&c.State, &c.Note, &c.CreatedBy, &act, &closed, &cr, &up)
	if err != nil {
		return c, err
	}
	if checklist != "" {
		if err := json.Unmarshal([]byte(checklist), &c.Checklist); err != nil {
			return c, err
		}
	}
	c.ActivatedAt, c.ClosedAt = storage.FromMillis(act), storage.FromMillis(closed)
	c.CreatedAt, c.UpdatedAt = storage.FromMillis(cr), storage.FromMillis(up)
	return c, nil
}

// get loads a campaign with its scope and task group, without permission
// checks; a draft's checklist is its template's current items. In a
// transaction on PostgreSQL the row is locked.
func (s *Service) get(ctx context.Context, q storage.Querier, id int64, forUpdate bool) (Campaign, error) {
	c, err := s.row(ctx, q, id, forUpdate)
	if err != nil {
		return c, err
	}
	if c.State == Draft && c.TemplateID != 0 {
		if t, err := s.template(ctx, q, c.TemplateID); err == nil {
			c.Checklist = t.Items
		}
	}
	if c.Checklist == nil {
		c.Checklist = Checklist{}
	}
	if c.Scope, err = s.scopeOf(ctx, q, c.ID); err != nil {
		return c, err
	}
	c.Members, err = storage.Select(ctx, q, func(r *sql.Rows) (Member, error) {
		var m Member
		return m, r.Scan(&m.AccountID, &m.Role, &m.Name)
	}, `SELECT account_id, role, name FROM campaign_members WHERE campaign_id = ? ORDER BY account_id`, c.ID)
	if err != nil {
		return c, err
	}
	if c.Members == nil {
		c.Members = []Member{}
	}
	return c, nil
}

// full is a campaign with its counts, for answers that show them.
func (s *Service) full(ctx context.Context, id int64) (Campaign, error) {
	c, err := s.get(ctx, s.db, id, false)
	if err != nil {
		return c, err
	}
	return c, s.countCampaign(ctx, s.db, &c)
}

// row loads a campaign's own row only: no scope, task group or template
// (cheap, for recording a finding; an active campaign carries its
// checklist).
func (s *Service) row(ctx context.Context, q storage.Querier, id int64, forUpdate bool) (Campaign, error) {
	qs := `SELECT ` + campaignColumns + ` FROM campaigns c WHERE c.id = ?`
	if forUpdate && s.db.Dialect == storage.Postgres {
		qs += ` FOR UPDATE`
	}
	c, err := scanCampaign(q.QueryRow(ctx, qs, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errNotFound()
	}
	return c, err
}

// scopeOf lists a campaign's places, with their names and kinds.
func (s *Service) scopeOf(ctx context.Context, q storage.Querier, id int64) ([]Place, error) {
	ids, err := storage.Scalars[int64](ctx, q, `SELECT node_id FROM campaign_scope WHERE campaign_id = ? ORDER BY path`, id)
	if err != nil {
		return nil, err
	}
	ns, err := s.reg.NodesAt(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Place, 0, len(ids))
	for _, nid := range ids {
		n := ns[nid]
		out = append(out, Place{ID: nid, Kind: string(n.Kind), Name: n.Name, Path: n.Path})
	}
	return out, nil
}

// countCampaign fills the campaign's counts.
func (s *Service) countCampaign(ctx context.Context, q storage.Querier, c *Campaign) error {
	return q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM campaign_tasks WHERE campaign_id = ?),
		(SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND status = 'current'),
		(SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND status = 'current' AND hazard = 1),
		(SELECT COUNT(*) FROM campaign_plans WHERE campaign_id = ? AND state = 'open')`, c.ID, c.ID, c.ID, c.ID).
		Scan(&c.Tasks, &c.Findings, &c.Hazards, &c.OpenPlans)
}

// communityOf is the community holding the node.
func (s *Service) communityOf(ctx context.Context, q storage.Querier, nodeID int64) (registry.Node, error) {
	line, err := s.reg.Lineage(ctx, q, nodeID)
	if err != nil {
		return registry.Node{}, err
	}
	for _, n := range line {
		if n.Kind == registry.KindCommunity {
			return n, nil
		}
	}
	return registry.Node{}, linli.Invalid("地点不在社区内 / the place is in no community",
		linli.FieldError{Field: "scope_ids", Reason: "请选择社区、网格、小区或楼栋 / pick a community, grid, estate or building"})
}

// resolveLinks describes campaigns for the links registry: those the actor
// may read.
func (s *Service) resolveLinks(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		c, _, err := s.campaignFor(ctx, s.db, a, id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = links.Item{Title: c.Title, URL: "/campaigns/" + itoa(id), State: c.State.Label()}
	}
	return out, nil
}
