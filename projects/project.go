package projects

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/votes"
)

// validate checks a project input and resolves its scope: every node a
// unit, building or estate inside the community. It returns the community
// and the scope nodes. A place the actor does not see (registry.Sees) is
// answered like one that does not exist, so the answer never tells which
// ids exist in other communities.
func (s *Service) validate(ctx context.Context, a *linli.Actor, in *ProjectInput) (registry.Node, []registry.Node, error) {
	var v linli.Validation
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Kind = strings.TrimSpace(in.Kind)
	if in.Title == "" {
		v.Add("title", "请填写项目名称 / title is required")
	} else if utf8.RuneCountInString(in.Title) > 80 {
		v.Add("title", "名称不超过80字 / title is at most 80 characters")
	}
	if KindLabel(in.Kind) == "" {
		v.Add("kind", "请选择项目类型 / choose a kind: "+strings.Join(Kinds(), ", "))
	}
	if utf8.RuneCountInString(in.Description) > 4000 {
		v.Add("description", "说明不超过4000字 / description is at most 4000 characters")
	}
	if in.BudgetFen < 0 {
		v.Add("budget_fen", "预算不能为负 / budget cannot be negative")
	}
	var community registry.Node
	var scope []registry.Node
	if in.CommunityID == 0 {
		v.Add("community_id", "请选择社区 / community is required")
	} else if n, err := s.reg.NodeByID(ctx, in.CommunityID); err != nil || n.Kind != registry.KindCommunity || !registry.Sees(a, n.Path) {
		v.Add("community_id", "不是社区 / not a community")
	} else {
		community = n
	}
	if len(in.Scope) == 0 {
		v.Add("scope", "请选择项目范围（单元、楼栋或小区） / choose the units, buildings or estates covered")
	}
	seen := map[int64]bool{}
	for i, id := range in.Scope {
		field := fmt.Sprintf("scope[%d]", i)
		n, err := s.reg.NodeByID(ctx, id)
		switch {
		case err != nil || !registry.Sees(a, n.Path):
			v.Add(field, "地点不存在 / no such place")
		case n.Kind != registry.KindUnit && n.Kind != registry.KindBuilding && n.Kind != registry.KindEstate:
			v.Add(field, "范围只能是单元、楼栋或小区 / the scope holds units, buildings or estates")
		case community.ID != 0 && !linli.Within(n.Path, community.Path):
			v.Add(field, "不在本社区内 / not inside the community")
		case seen[id]:
			v.Add(field, "重复 / listed twice")
		default:
			seen[id] = true
			scope = append(scope, n)
		}
	}
	return community, scope, v.Err()
}

// Create starts a project in its proposal phase. Staff holding
// projects.manage on the community create.
func (s *Service) Create(ctx context.Context, a *linli.Actor, in ProjectInput) (Project, error) {
	community, scope, err := s.validate(ctx, a, &in)
	if community.ID != 0 && !a.Can(linli.PermProjectsManage, community.Path) {
		if !registry.Sees(a, community.Path) {
			// A community the actor cannot see is answered like one
			// that does not exist.
			return Project{}, linli.Invalid("不是社区 / not a community", linli.FieldError{Field: "community_id", Reason: "不是社区 / not a community"})
		}
		return Project{}, errForbidden()
	}
	if err != nil {
		return Project{}, err
	}
	now := s.now()
	ms := storage.Millis(now)
	var id int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO projects (community_id, path, title, kind, description, budget_fen, public, phase, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, community.ID, community.Path, in.Title, in.Kind, in.Description, in.BudgetFen,
			storage.Int(in.Public), Proposal, a.AccountID, ms, ms)
		if err != nil {
			return err
		}
		for _, n := range scope {
			if _, err := tx.Exec(ctx, `INSERT INTO project_scope (project_id, node_id, path) VALUES (?, ?, ?)`, id, n.ID, n.Path); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_phases (project_id, phase, entered_at, by_id, by_name) VALUES (?, ?, ?, ?, ?)`,
			id, Proposal, ms, a.AccountID, actorName(a)); err != nil {
			return err
		}
		p := Project{ID: id, Path: community.Path}
		return s.record(ctx, tx, a, now, p, "create", "新建项目："+in.Title, nil, in)
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, a, id)
}

// Update edits a project's title, kind, description, budget, public flag
// and scope (within its community).
func (s *Service) Update(ctx context.Context, a *linli.Actor, id int64, in ProjectInput) (Project, error) {
	before, err := s.manage(ctx, a, id)
	if err != nil {
		return before, err
	}
	if in.CommunityID == 0 {
		in.CommunityID = before.CommunityID
	}
	if in.CommunityID != before.CommunityID {
		return Project{}, linli.Invalid("项目不能移到其他社区 / a project cannot move to another community",
			linli.FieldError{Field: "community_id", Reason: "不能更改 / cannot change"})
	}
	_, scope, err := s.validate(ctx, a, &in)
	if err != nil {
		return Project{}, err
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE projects SET title = ?, kind = ?, description = ?, budget_fen = ?, public = ?, updated_at = ? WHERE id = ?`,
			in.Title, in.Kind, in.Description, in.BudgetFen, storage.Int(in.Public), storage.Millis(now), id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM project_scope WHERE project_id = ?`, id); err != nil {
			return err
		}
		for _, n := range scope {
			if _, err := tx.Exec(ctx, `INSERT INTO project_scope (project_id, node_id, path) VALUES (?, ?, ?)`, id, n.ID, n.Path); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, now, before, "update", "修改项目："+in.Title, before, in)
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, a, id)
}

// Filter narrows List.
type Filter struct {
	CommunityID int64
	Phase       Phase
}

// List returns the projects the actor may read, newest first.
func (s *Service) List(ctx context.Context, a *linli.Actor, f Filter) ([]Project, error) {
	if a == nil {
		return nil, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in")
	}
	if f.Phase != "" && !f.Phase.Valid() {
		return nil, linli.Invalid("阶段无效 / unknown phase", linli.FieldError{Field: "phase", Reason: "阶段无效 / unknown phase"})
	}
	// A first cut in SQL: projects in a community the actor works in or
	// above, or lives in; canRead decides.
	var or []string
	var args []any
	for _, g := range a.Grants {
		or = append(or, "path LIKE ?", "path = ?")
		args = append(args, g.NodePath+"%", communityPath(g.NodePath))
	}
	if len(or) == 0 {
		return []Project{}, nil
	}
	where := []string{"(" + strings.Join(or, " OR ") + ")"}
	if f.CommunityID != 0 {
		where = append(where, "community_id = ?")
		args = append(args, f.CommunityID)
	}
	if f.Phase != "" {
		where = append(where, "phase = ?")
		args = append(args, f.Phase)
	}
	ps, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (Project, error) { return scanProject(rows) },
		`SELECT `+projectColumns+` FROM projects WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	out := []Project{}
	for _, p := range ps {
		if err := s.fill(ctx, s.db, &p); err != nil {
			return nil, err
		}
		if canRead(a, p, p.scopePaths) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Detail loads everything a project page shows.
func (s *Service) Detail(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	p, err := s.view(ctx, a, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Project: p, CanManage: canManage(a, p)}
	for _, ph := range Phases() {
		st := "todo"
		switch {
		case ph.Index() < p.Phase.Index():
			st = "done"
		case ph == p.Phase:
			st = "current"
		}
		if ph == InService && p.Phase == InService {
			st = "done"
		}
		d.Steps = append(d.Steps, Step{Phase: ph, State: st})
	}
	if d.Phases, err = s.phases(ctx, id); err != nil {
		return d, err
	}
	if p.Phase != InService {
		g, err := s.gate(ctx, p, AdvanceInput{})
		if err != nil {
			return d, err
		}
		d.Missing = Missing(p.Phase, g)
	}
	ms, err := s.milestones(ctx, s.db, id)
	if err != nil {
		return d, err
	}
	d.Milestones, _ = ComputeProgress(ms)
	if d.People, err = s.people(ctx, id); err != nil {
		return d, err
	}
	if d.Hours, err = s.hoursHistory(ctx, id); err != nil {
		return d, err
	}
	if d.Complaints, err = s.complaints(ctx, a, id); err != nil {
		return d, err
	}
	if d.Updates, err = s.updates(ctx, id); err != nil {
		return d, err
	}
	if d.Photos, err = s.photos(ctx, id); err != nil {
		return d, err
	}
	if d.Thanks, err = s.thanks(ctx, id); err != nil {
		return d, err
	}
	if d.Satisfaction, err = s.satisfaction(ctx, id, a.AccountID); err != nil {
		return d, err
	}
	d.MyBills = []votes.HouseholdBill{}
	if s.votes != nil {
		if d.MyBills, err = s.votes.HouseholdBills(ctx, a, id); err != nil {
			return d, err
		}
	}
	d.CanRate = p.Phase == InService && d.Satisfaction.Mine == "" && isResidentOf(a, p.Path)
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM project_followers WHERE project_id = ?`, id).Scan(&d.Followers); err != nil {
		return d, err
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM project_followers WHERE project_id = ? AND account_id = ?`, id, a.AccountID).Scan(&n); err != nil {
		return d, err
	}
	d.Following = n > 0
	if d.Links, err = s.lk.Items(ctx, a, links.Ref{Kind: links.KindProject, ID: id}); err != nil {
		return d, err
	}
	// The complaints have their own section; door-to-door visits (one
	// per household, a hundred for a building) are counted, not listed.
	kept := []links.Item{}
	for _, it := range d.Links {
		switch {
		case it.Rel == "complaint" && it.Ref.Kind == links.KindCase:
		case it.Ref.Kind == links.KindVisit:
			d.Visits++
		default:
			kept = append(kept, it)
		}
	}
	d.Links = kept
	if d.Missing == nil {
		d.Missing = []linli.FieldError{}
	}
	return d, nil
}

// phases returns the phase history, oldest first.
func (s *Service) phases(ctx context.Context, id int64) ([]PhaseRecord, error) {
	out, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (PhaseRecord, error) {
		var r PhaseRecord
		var in, left int64
		err := rows.Scan(&r.ID, &r.Phase, &in, &left, &r.Outcome, &r.ByID, &r.By)
		r.EnteredAt, r.LeftAt = storage.FromMillis(in), storage.FromMillis(left)
		return r, err
	}, `SELECT id, phase, entered_at, left_at, outcome, by_id, by_name FROM project_phases WHERE project_id = ? ORDER BY id`, id)
	if out == nil {
		out = []PhaseRecord{}
	}
	return out, err
}

// updates returns the update feed, newest first.
func (s *Service) updates(ctx context.Context, id int64) ([]Update, error) {
	out, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (Update, error) {
		var u Update
		var at int64
		err := rows.Scan(&u.ID, &at, &u.Kind, &u.Text, &u.By)
		u.At = storage.FromMillis(at)
		return u, err
	}, `SELECT id, at, kind, text, by_name FROM project_updates WHERE project_id = ? ORDER BY id DESC LIMIT 200`, id)
	if out == nil {
		out = []Update{}
	}
	return out, err
}
