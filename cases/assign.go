package cases

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

// Assignee kinds: who a case is dispatched to.
const (
	AssignGrid       = "grid"       // the grid workers of a grid node
	AssignProperty   = "property"   // the property company of an estate node
	AssignDepartment = "department" // a functional department
	AssignCommunity  = "community"  // the community staff (no grid)
)

// route picks the assignee: the one asked for, or the category's rule —
// the grid of the location; the estate's property company (the grid when
// the estate has none, as in estates without property management); or a
// department by code.
func (s *Service) route(ctx context.Context, tx storage.Querier, c Case, cat Category, kind string, id int64) (string, int64, string, error) {
	p, err := s.locate(ctx, tx, c.LocationID)
	if err != nil {
		return "", 0, "", err
	}
	if kind == "" {
		switch {
		case cat.Route == AssignProperty && p.Estate.ID != 0 && p.Estate.PropertyCompany != "":
			return AssignProperty, p.Estate.ID, p.Estate.PropertyCompany, nil
		case strings.HasPrefix(cat.Route, "department:"):
			// Categories are city-wide; a department serves its area only.
			// Outside it the case goes to the grid, as with no department.
			d, err := s.departmentByCode(ctx, tx, strings.TrimPrefix(cat.Route, "department:"))
			if err == nil && s.serves(ctx, d, p) {
				return AssignDepartment, d.ID, d.Name, nil
			}
		}
		if p.Grid.ID != 0 {
			return AssignGrid, p.Grid.ID, p.Community.Name + p.Grid.Name, nil
		}
		return AssignCommunity, p.Community.ID, p.Community.Name, nil
	}
	bad := func(r string) error {
		return linli.Invalid(r, linli.FieldError{Field: "assignee_id", Reason: r})
	}
	switch kind {
	case AssignGrid, AssignCommunity, AssignProperty:
		n, err := s.Registry.NodeByID(ctx, id)
		if err != nil {
			return "", 0, "", bad("承办对象不存在 / assignee not found")
		}
		if !linli.Within(n.Path, p.Community.Path) {
			return "", 0, "", bad("只能派给本社区的网格、物业 / assign within the case's community")
		}
		switch {
		case kind == AssignGrid && n.Kind == registry.KindGrid:
			return kind, n.ID, p.Community.Name + n.Name, nil
		case kind == AssignCommunity && n.Kind == registry.KindCommunity:
			return kind, n.ID, n.Name, nil
		case kind == AssignProperty && n.Kind == registry.KindEstate && n.PropertyCompany != "":
			return kind, n.ID, n.PropertyCompany, nil
		}
		return "", 0, "", bad("承办对象类型不符 / the assignee does not match its kind")
	case AssignDepartment:
		d, err := s.department(ctx, tx, id)
		if err != nil {
			return "", 0, "", bad("部门不存在 / department not found")
		}
		if !s.serves(ctx, d, p) {
			return "", 0, "", bad(errNotServed)
		}
		return kind, id, d.Name, nil
	}
	return "", 0, "", linli.Invalid("承办类型应为 grid、property、department 或 community / unknown assignee kind",
		linli.FieldError{Field: "assignee_kind", Reason: "未知类型 / unknown kind"})
}

// Department is a functional department.
type Department struct {
	ID     int64  `json:"id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"` // "" shows the Chinese name on English pages
	NodeID int64  `json:"node_id"`
}

// NameIn is the department's name in the language.
func (d Department) NameIn(lang string) string { return pick(lang, d.Name, d.NameEN) }

// errNotServed is the answer for a department given a case outside the
// area it serves.
const errNotServed = "该部门不负责本案所在区域 / the department does not serve the case's area"

// serves reports whether the department serves the place: a department
// serves an area (its node, a district or a street) and is dispatched,
// whistled or added as co-handler only for cases inside it. Its members
// read the whole case and may reveal the reporter's phone, so a
// department of another district must never be made its handler.
func (s *Service) serves(ctx context.Context, d Department, p place) bool {
	n, err := s.Registry.NodeByID(ctx, d.NodeID)
	return err == nil && linli.Within(p.Location.Path, n.Path)
}

func (s *Service) department(ctx context.Context, q storage.Querier, id int64) (Department, error) {
	var d Department
	err := q.QueryRow(ctx, `SELECT id, code, name, name_en, node_id FROM departments WHERE id = ?`, id).Scan(&d.ID, &d.Code, &d.Name, &d.NameEN, &d.NodeID)
	return d, err
}

func (s *Service) departmentByCode(ctx context.Context, q storage.Querier, code string) (Department, error) {
	var d Department
	err := q.QueryRow(ctx, `SELECT id, code, name, name_en, node_id FROM departments WHERE code = ?`, code).Scan(&d.ID, &d.Code, &d.Name, &d.NameEN, &d.NodeID)
	return d, err
}

// Departments lists the departments.
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	return storage.Select(ctx, s.DB, func(rows *sql.Rows) (Department, error) {
		var d Department
		err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.NameEN, &d.NodeID)
		return d, err
	}, `SELECT id, code, name, name_en, node_id FROM departments ORDER BY id`)
}

// DepartmentsServing lists the departments that serve a case's place:
// the ones its dispatch, whistle and co-handler forms offer.
func (s *Service) DepartmentsServing(ctx context.Context, c Case) ([]Department, error) {
	p, err := s.locate(ctx, s.DB, c.LocationID)
	if err != nil {
		return nil, err
	}
	all, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, d := range all {
		if s.serves(ctx, d, p) {
			out = append(out, d)
		}
	}
	return out, nil
}

// CreateDepartment adds a department serving an area (admins only).
func (s *Service) CreateDepartment(ctx context.Context, a *linli.Actor, code, name string, nodeID int64, members []int64) (Department, error) {
	if !a.HasRole(linli.RoleAdmin) {
		return Department{}, linli.Errorf(linli.EForbidden, "只有管理员可以设置部门 / only administrators configure departments")
	}
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	var v linli.Validation
	if code == "" {
		v.Add("code", "代码必填 / code is required")
	}
	if name == "" {
		v.Add("name", "名称必填 / name is required")
	}
	if err := v.Err(); err != nil {
		return Department{}, err
	}
	d := Department{Code: code, Name: name, NodeID: nodeID}
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		d.ID, err = tx.Insert(ctx, `INSERT INTO departments (code, name, node_id, created_at) VALUES (?, ?, ?, ?)`, code, name, nodeID, storage.Millis(s.now()))
		if storage.IsUnique(err) {
			return linli.Errorf(linli.EConflict, "部门代码已存在 / department code exists")
		}
		if storage.IsForeignKey(err) {
			return linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "node_id", Reason: "地点不存在 / place not found"})
		}
		if err != nil {
			return err
		}
		for _, m := range members {
			if _, err := tx.Exec(ctx, `INSERT INTO department_members (department_id, account_id) VALUES (?, ?)`, d.ID, m); err != nil {
				return err
			}
		}
		return nil
	})
	return d, err
}

// DepartmentInput renames a department; NameEN is its name on English
// pages ("" shows the Chinese).
type DepartmentInput struct {
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// UpdateDepartment changes a department's names (administrators and street
// staff, as for the categories that route to it). Cases keep the name they
// were dispatched under; English pages read name_en live.
func (s *Service) UpdateDepartment(ctx context.Context, a *linli.Actor, id int64, in DepartmentInput) (Department, error) {
	if !a.HasRole(linli.RoleAdmin) && !a.HasRole(linli.RoleStreetStaff) {
		return Department{}, linli.Errorf(linli.EForbidden, "只有管理员和街道可以设置部门 / only administrators and street staff configure departments")
	}
	before, err := s.department(ctx, s.DB, id)
	if err != nil {
		return Department{}, linli.Errorf(linli.ENotFound, "部门不存在 / department not found")
	}
	// Street staff hold their street: a department whose area is not
	// theirs (another street's, or the district's above them) is not
	// theirs to rename, and looks to them as if it did not exist.
	area, err := s.Registry.NodeByID(ctx, before.NodeID)
	if err != nil {
		return Department{}, err
	}
	if !a.HasRole(linli.RoleAdmin) && !a.Can(linli.PermCasesManage, area.Path) {
		return Department{}, linli.Errorf(linli.ENotFound, "部门不存在 / department not found")
	}
	in.Name, in.NameEN = strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEN)
	var v linli.Validation
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 60 {
		v.Add("name", "名称必填，不超过60字 / name is required, at most 60 characters")
	}
	if utf8.RuneCountInString(in.NameEN) > 120 {
		v.Add("name_en", "英文名称不超过120字 / English name at most 120 characters")
	}
	if err := v.Err(); err != nil {
		return Department{}, err
	}
	out := before
	out.Name, out.NameEN = in.Name, in.NameEN
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE departments SET name = ?, name_en = ? WHERE id = ?`, in.Name, in.NameEN, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "department.update", Entity: "department", EntityID: id, ScopePath: area.Path,
			Summary: "修改部门「" + in.Name + "」", SummaryEN: "Changed the department “" + in.Name + "”", Before: before, After: out})
	})
	return out, err
}

// isAssignee reports whether the actor works the case: a grid worker of
// its grid, the property company of its estate, a member of its
// department, staff of its community (kind community), or a co-handler.
func (s *Service) isAssignee(ctx context.Context, q storage.Querier, a *linli.Actor, c Case) (bool, error) {
	if a == nil || c.AssigneeKind == "" {
		return false, nil
	}
	if ok, err := s.holds(ctx, q, a, c.AssigneeKind, c.AssigneeID); ok || err != nil {
		return ok, err
	}
	type ref struct {
		kind string
		id   int64
	}
	refs, err := storage.Select(ctx, q, func(rows *sql.Rows) (ref, error) {
		var r ref
		err := rows.Scan(&r.kind, &r.id)
		return r, err
	}, `SELECT kind, ref_id FROM case_cohandlers WHERE case_id = ?`, c.ID)
	if err != nil {
		return false, err
	}
	for _, r := range refs {
		if ok, err := s.holds(ctx, q, a, r.kind, r.id); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// holds reports whether the actor acts for (kind, id).
func (s *Service) holds(ctx context.Context, q storage.Querier, a *linli.Actor, kind string, id int64) (bool, error) {
	if kind == AssignDepartment {
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM department_members WHERE department_id = ? AND account_id = ?`, id, a.AccountID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	role := map[string]linli.Role{AssignGrid: linli.RoleGridWorker, AssignProperty: linli.RoleProperty, AssignCommunity: linli.RoleCommunityStaff,
		"street": linli.RoleStreetStaff, "district": linli.RoleStreetStaff}[kind]
	for _, g := range a.Grants {
		if g.NodeID == id && (g.Role == role || (kind != AssignGrid && kind != AssignProperty && g.Role == linli.RoleAdmin)) {
			return true, nil
		}
	}
	// A grant higher up the tree also covers the node (a grid worker
	// granted on a community covers its grids; street staff cover their
	// communities).
	line, err := s.Registry.Lineage(ctx, s.DB, id)
	if err != nil {
		return false, nil
	}
	n := line[len(line)-1]
	for _, g := range a.Grants {
		if g.Role == role && linli.Within(n.Path, g.NodePath) {
			return true, nil
		}
		if (kind == AssignCommunity || kind == "street") && (g.Role == linli.RoleStreetStaff || g.Role == linli.RoleAdmin) && linli.Within(n.Path, g.NodePath) {
			return true, nil
		}
	}
	return false, nil
}

// authorize checks who may take an action: staff manage (register,
// dispatch, verify, close, merge, shelve, extensions); the assignee works
// (acknowledge, start, handle, ask for more time, blow the whistle); only
// the reporter rates.
func (s *Service) authorize(ctx context.Context, tx storage.Querier, a *linli.Actor, c Case, act Action) error {
	staff := a.Can(linli.PermCasesManage, c.Path)
	switch act {
	case ActAccept, ActReject, ActDispatch, ActTransfer, ActVerify, ActSendBack, ActClose, ActMerge, ActShelve, ActResume, ActDecideExtension, ActAddCoHandler:
		if staff {
			return nil
		}
	case ActAcknowledge, ActStart, ActHandle, ActRequestExtension:
		ok, err := s.isAssignee(ctx, tx, a, c)
		if err != nil || ok {
			return err
		}
		if staff && c.AssigneeKind == AssignCommunity {
			return nil
		}
	case ActWhistle, ActNote:
		if staff {
			return nil
		}
		ok, err := s.isAssignee(ctx, tx, a, c)
		if err != nil || ok {
			return err
		}
	case ActRate:
		if a.AccountID != 0 && a.AccountID == c.ReporterID {
			return nil
		}
		return linli.Errorf(linli.EForbidden, "只有反映人可以评价 / only the reporter rates the case")
	case ActReopen:
		return nil // checked with the rating
	case ActReportIn:
		return nil // checked against the whistle's target
	}
	return errForbidden()
}
