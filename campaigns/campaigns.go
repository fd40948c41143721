package campaigns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

// ---- templates ----

const templateColumns = `t.id, t.path, t.title, t.hazard_type, t.items, t.created_by, t.created_at, t.updated_at`

func scanTemplate(r scanner) (Template, error) {
	var t Template
	var items string
	var cr, up int64
	if err := r.Scan(&t.ID, &t.Path, &t.Title, &t.HazardType, &items, &t.CreatedBy, &cr, &up); err != nil {
		return t, err
	}
	t.CreatedAt, t.UpdatedAt = storage.FromMillis(cr), storage.FromMillis(up)
	return t, json.Unmarshal([]byte(items), &t.Items)
}

func (s *Service) template(ctx context.Context, q storage.Querier, id int64) (Template, error) {
	t, err := scanTemplate(q.QueryRow(ctx, `SELECT `+templateColumns+` FROM campaign_templates t WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, linli.Errorf(linli.ENotFound, "检查表模板不存在 / checklist template not found")
	}
	return t, err
}

// templateVisible: a template kept at a place is offered to those who run
// projects at, above or below it (a street's template serves its
// communities).
func templateVisible(a *linli.Actor, path string) bool {
	for _, sc := range a.Scopes(linli.PermProjectsManage) {
		if linli.Within(path, sc) || linli.Within(sc, path) {
			return true
		}
	}
	return false
}

// Template returns one checklist template the actor may use.
func (s *Service) Template(ctx context.Context, a *linli.Actor, id int64) (Template, error) {
	t, err := s.template(ctx, s.db, id)
	if err != nil {
		return t, err
	}
	if !templateVisible(a, t.Path) {
		return Template{}, linli.Errorf(linli.ENotFound, "检查表模板不存在 / checklist template not found")
	}
	return t, nil
}

// Templates lists the checklist templates the actor may use, newest first.
func (s *Service) Templates(ctx context.Context, a *linli.Actor) ([]Template, error) {
	all, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Template, error) { return scanTemplate(r) },
		`SELECT `+templateColumns+` FROM campaign_templates t ORDER BY t.id DESC LIMIT 500`)
	if err != nil {
		return nil, err
	}
	out := []Template{}
	for _, t := range all {
		if templateVisible(a, t.Path) {
			out = append(out, t)
		}
	}
	return out, nil
}

// CreateTemplate keeps a reusable checklist at a place the actor runs
// projects in (community staff and above).
func (s *Service) CreateTemplate(ctx context.Context, a *linli.Actor, in TemplateInput) (Template, error) {
	var v linli.Validation
	in.Title, in.HazardType = strings.TrimSpace(in.Title), strings.TrimSpace(in.HazardType)
	if in.Title == "" {
		v.Add("title", "必填 / required")
	} else if utf8.RuneCountInString(in.Title) > 80 {
		v.Add("title", "不超过80字 / at most 80 characters")
	}
	items, err := CheckChecklist(in.Items)
	if err := v.AddErr(err); err != nil {
		return Template{}, err
	}
	path := ""
	if in.NodeID != 0 {
		n, err := s.reg.NodeByID(ctx, in.NodeID)
		if err != nil || !a.Can(linli.PermProjectsManage, n.Path) {
			v.Add("node_id", "地点不存在或无权管理 / no such place, or not yours to run")
		} else {
			path = n.Path
		}
	} else if sc := a.Scopes(linli.PermProjectsManage); len(sc) > 0 {
		path = sc[0]
	} else {
		return Template{}, errForbidden()
	}
	if err := v.Err(); err != nil {
		return Template{}, err
	}
	body, _ := json.Marshal(items)
	now := s.now()
	t := Template{Path: path, Title: in.Title, HazardType: in.HazardType, Items: items, CreatedBy: a.AccountID, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		id, err := tx.Insert(ctx, `INSERT INTO campaign_templates (path, title, hazard_type, items, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, path, t.Title, t.HazardType, string(body), a.AccountID, ms(now), ms(now))
		if err != nil {
			return err
		}
		t.ID = id
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_template.create", Entity: "campaign_template", EntityID: id,
			ScopePath: path, Summary: "新建检查表模板「" + t.Title + "」", After: t})
	})
	return t, err
}

// ---- campaigns ----

// expandScope turns picked places into the campaign's scope: estates and
// buildings as they are, a community or grid as its estates (the 26
// estates of 郇阳社区 in one step). A building inside a picked estate is
// dropped. All must lie in one community the actor runs projects in.
func (s *Service) expandScope(ctx context.Context, q storage.Querier, a *linli.Actor, ids []int64) ([]registry.Node, registry.Node, error) {
	bad := func(reason string) error {
		return linli.Invalid("排查范围有误 / invalid scope", linli.FieldError{Field: "scope_ids", Reason: reason})
	}
	if len(ids) == 0 {
		return nil, registry.Node{}, bad("请选择社区、小区或楼栋 / pick a community, estates or buildings")
	}
	var comm registry.Node
	var out []registry.Node
	for _, id := range ids {
		n, err := s.reg.NodeByID(ctx, id)
		if linli.ErrorCode(err) == linli.ENotFound || (err == nil && !a.Can(linli.PermProjectsManage, n.Path)) {
			return nil, comm, bad("地点不存在或无权管理 / no such place, or not yours to run")
		}
		if err != nil {
			return nil, comm, err
		}
		c, err := s.communityOf(ctx, q, id)
		if err != nil {
			return nil, comm, err
		}
		if comm.ID != 0 && c.ID != comm.ID {
			return nil, comm, bad("一次排查限一个社区 / one campaign covers one community")
		}
		comm = c
		switch n.Kind {
		case registry.KindEstate, registry.KindBuilding:
			out = append(out, n)
		case registry.KindCommunity, registry.KindGrid:
			es, err := s.reg.NodesUnder(ctx, q, n.Path, registry.KindEstate)
			if err != nil {
				return nil, comm, err
			}
			out = append(out, es...)
		default:
			return nil, comm, bad("请选择社区、网格、小区或楼栋 / pick a community, grid, estate or building")
		}
	}
	slices.SortFunc(out, func(x, y registry.Node) int { return strings.Compare(x.Path, y.Path) })
	var kept []registry.Node
	for _, n := range out {
		if len(kept) > 0 && linli.Within(n.Path, kept[len(kept)-1].Path) {
			continue // the same place again, or a building of a picked estate
		}
		kept = append(kept, n)
	}
	if len(kept) == 0 {
		return nil, comm, bad("所选地点下没有小区 / no estates under the places picked")
	}
	return kept, comm, nil
}

// checkMembers resolves the task group: accounts working in the
// community (a grant at, above or below it, not as a resident) with a
// valid role. Field errors name "members[i].…".
func (s *Service) checkMembers(ctx context.Context, q storage.Querier, communityPath string, in []MemberInput) ([]Member, error) {
	var v linli.Validation
	ids := make([]int64, 0, len(in))
	for _, m := range in {
		ids = append(ids, m.AccountID)
	}
	hs, err := s.au.HoldersAt(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	var out []Member
	seen := map[int64]bool{}
	for i, m := range in {
		if !m.Role.Valid() {
			v.Add(fmt.Sprintf("members[%d].role", i), "应为 staff、grid_worker、volunteer 或 contractor / must be staff, grid_worker, volunteer or contractor")
			continue
		}
		h, ok := hs[m.AccountID]
		works := false
		for _, g := range h.Grants {
			if g.Role != linli.RoleResident && (linli.Within(g.NodePath, communityPath) || linli.Within(communityPath, g.NodePath)) {
				works = true
			}
		}
		if !ok || h.Disabled || !works {
			v.Add(fmt.Sprintf("members[%d].account_id", i), "账号不存在或不在本社区工作 / no such account working in this community")
			continue
		}
		if seen[m.AccountID] {
			continue
		}
		seen[m.AccountID] = true
		out = append(out, Member{AccountID: h.ID, Role: m.Role, Name: h.Name})
	}
	return out, v.Err()
}

// Create starts a campaign as a draft. Needs PermProjectsManage on every
// place of the scope (community staff and above).
func (s *Service) Create(ctx context.Context, a *linli.Actor, in CampaignInput) (Campaign, error) {
	if !a.CanAny(linli.PermProjectsManage) {
		return Campaign{}, errForbidden()
	}
	var v linli.Validation
	in.Title, in.HazardType, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.HazardType), strings.TrimSpace(in.Note)
	if in.Title == "" {
		v.Add("title", "必填 / required")
	} else if utf8.RuneCountInString(in.Title) > 80 {
		v.Add("title", "不超过80字 / at most 80 characters")
	}
	if in.HazardType == "" {
		v.Add("hazard_type", "必填，如：太阳能热水器 / required, e.g. solar water heaters")
	}
	starts, ok1 := ParseDay(in.StartsOn)
	if !ok1 {
		v.Add("starts_on", "日期格式 2026-12-06 / a date such as 2026-12-06")
	}
	deadline, ok2 := ParseDay(in.Deadline)
	if !ok2 {
		v.Add("deadline", "日期格式 2026-12-06 / a date such as 2026-12-06")
	} else if ok1 && deadline < starts {
		v.Add("deadline", "不早于开始日期 / not before the start")
	}
	if in.TemplateID != 0 {
		if _, err := s.Template(ctx, a, in.TemplateID); err != nil {
			v.Add("template_id", "模板不存在 / no such template")
		}
	}
	scope, comm, err := s.expandScope(ctx, s.db, a, in.ScopeIDs)
	if err := v.AddErr(err); err != nil {
		return Campaign{}, err
	}
	var members []Member
	if comm.ID != 0 {
		members, err = s.checkMembers(ctx, s.db, comm.Path, in.Members)
		if err := v.AddErr(err); err != nil {
			return Campaign{}, err
		}
	}
	if err := v.Err(); err != nil {
		return Campaign{}, err
	}
	path := scope[0].Path
	for _, n := range scope[1:] {
		path = linli.CommonPath(path, n.Path)
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO campaigns (community_id, path, title, hazard_type, template_id, starts_day, deadline_day, state, note, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, comm.ID, path, in.Title, in.HazardType, in.TemplateID, starts, deadline, Draft, in.Note, a.AccountID, ms(now), ms(now))
		if err != nil {
			return err
		}
		for _, n := range scope {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_scope (campaign_id, node_id, path) VALUES (?, ?, ?)`, id, n.ID, n.Path); err != nil {
				return err
			}
		}
		if err := insertMembers(ctx, tx, id, members); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign.create", Entity: "campaign", EntityID: id, ScopePath: path,
			Summary: fmt.Sprintf("新建专项排查「%s」（%d处）", in.Title, len(scope)), After: in})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.full(ctx, id)
}

func insertMembers(ctx context.Context, tx *storage.Tx, id int64, ms []Member) error {
	for _, m := range ms {
		q := `INSERT INTO campaign_members (campaign_id, account_id, role, name) VALUES (?, ?, ?, ?)
			ON CONFLICT (campaign_id, account_id) DO UPDATE SET role = excluded.role`
		if _, err := tx.Exec(ctx, q, id, m.AccountID, m.Role, m.Name); err != nil {
			return err
		}
	}
	return nil
}

// Get returns a campaign the actor may read (404 otherwise).
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Campaign, error) {
	c, _, err := s.campaignFor(ctx, s.db, a, id)
	if err != nil {
		return c, err
	}
	return c, s.countCampaign(ctx, s.db, &c)
}

// List returns the campaigns the actor may read: those in its
// projects.read scopes and those whose task group it is in, newest first.
func (s *Service) List(ctx context.Context, a *linli.Actor) ([]Campaign, error) {
	out := []Campaign{}
	if a == nil {
		return out, nil
	}
	cond, args := storage.ScopeFilter("c.path", a.Scopes(linli.PermProjectsRead))
	q := `SELECT ` + campaignColumns + ` FROM campaigns c WHERE c.id IN (SELECT campaign_id FROM campaign_members WHERE account_id = ?)`
	args = append([]any{a.AccountID}, args...)
	if cond != "" {
		q += ` OR ` + cond
	}
	cs, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Campaign, error) { return scanCampaign(r) }, q+` ORDER BY c.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if err := s.countCampaign(ctx, s.db, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// AddMembers adds accounts to the task group (draft or active).
func (s *Service) AddMembers(ctx context.Context, a *linli.Actor, id int64, in []MemberInput) (Campaign, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.State == Closed {
			return errState(c, "调整人员 / change the task group")
		}
		comm, err := s.reg.NodeByID(ctx, c.CommunityID)
		if err != nil {
			return err
		}
		ms, err := s.checkMembers(ctx, tx, comm.Path, in)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return linli.Invalid("请选择人员 / pick someone", linli.FieldError{Field: "members", Reason: "必填 / required"})
		}
		if err := insertMembers(ctx, tx, id, ms); err != nil {
			return err
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.Name)
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "campaign.members", Entity: "campaign", EntityID: id, ScopePath: c.Path,
			Summary: "排查工作组加入：" + strings.Join(names, "、"), After: ms})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.full(ctx, id)
}

// Activate starts the inspections: the campaign needs a checklist
// template with items, and its items are copied into the campaign.
func (s *Service) Activate(ctx context.Context, a *linli.Actor, id int64) (Campaign, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.State != Draft {
			return errState(c, "启动 / start it")
		}
		if c.TemplateID == 0 || len(c.Checklist) == 0 {
			return linli.Invalid("请先选择检查表 / choose a checklist first", linli.FieldError{Field: "template_id", Reason: "必填 / required"})
		}
		body, _ := json.Marshal(c.Checklist)
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaigns SET state = ?, checklist = ?, activated_at = ?, updated_at = ? WHERE id = ?`,
			Active, string(body), ms(now), ms(now), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign.activate", Entity: "campaign", EntityID: id, ScopePath: c.Path,
			Summary: "启动专项排查「" + c.Title + "」", After: c.Checklist})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.full(ctx, id)
}

// SetTemplate chooses a draft's checklist template.
func (s *Service) SetTemplate(ctx context.Context, a *linli.Actor, id, templateID int64) (Campaign, error) {
	if _, err := s.Template(ctx, a, templateID); err != nil {
		return Campaign{}, linli.Invalid("模板不存在 / no such template", linli.FieldError{Field: "template_id", Reason: "模板不存在 / no such template"})
	}
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.State != Draft {
			return errState(c, "更换检查表 / change the checklist")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaigns SET template_id = ?, updated_at = ? WHERE id = ?`, templateID, ms(now), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign.template", Entity: "campaign", EntityID: id, ScopePath: c.Path,
			Summary: "更换检查表模板", Before: c.TemplateID, After: templateID})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.full(ctx, id)
}

// Close ends a campaign (draft or active). Open plans stay open: closing
// stops new findings, not the work on the hazards found.
func (s *Service) Close(ctx context.Context, a *linli.Actor, id int64) (Campaign, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.State == Closed {
			return errState(c, "结束 / close it")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaigns SET state = ?, closed_at = ?, closed_by = ?, updated_at = ? WHERE id = ?`,
			Closed, ms(now), a.AccountID, ms(now), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign.close", Entity: "campaign", EntityID: id, ScopePath: c.Path,
			Summary: "结束专项排查「" + c.Title + "」"})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.full(ctx, id)
}
