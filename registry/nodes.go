package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/storage"
)

// nodeColumns counts the households under a node with a range on the
// materialised path ("/1/4/" up to "/1/40", exclusive): a correlated
// LIKE cannot use the index, a range can ('/' sorts just before '0').
const nodeColumns = `n.id, COALESCE(n.parent_id, 0), n.kind, n.name, COALESCE(n.code, ''), n.path, n.depth, n.sort, n.floors, n.built_year,
	n.address, n.property_company, n.boundary, n.note, n.abbr, n.created_at, n.updated_at,
	(SELECT COUNT(*) FROM nodes c WHERE c.parent_id = n.id),
	(SELECT COUNT(*) FROM households h WHERE h.path >= n.path AND h.path < SUBSTR(n.path, 1, LENGTH(n.path) - 1) || '0')`

type scanner interface{ Scan(...any) error }

func scanNode(r scanner) (Node, error) {
	var n Node
	var created, updated int64
	err := r.Scan(&n.ID, &n.ParentID, &n.Kind, &n.Name, &n.Code, &n.Path, &n.Depth, &n.Sort, &n.Floors, &n.BuiltYear,
		&n.Address, &n.PropertyCompany, &n.Boundary, &n.Note, &n.Abbr, &created, &updated, &n.Children, &n.Households)
	n.CreatedAt, n.UpdatedAt = storage.FromMillis(created), storage.FromMillis(updated)
	return n, err
}

// node loads a node without a permission check.
func (s *Service) node(ctx context.Context, q storage.Querier, id int64) (Node, error) {
	n, err := scanNode(q.QueryRow(ctx, `SELECT `+nodeColumns+` FROM nodes n WHERE n.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, errNotFound("地点", "place")
	}
	return n, err
}

// canSee reports whether the actor may see a node: it lies in a scope where
// the actor reads the registry, or on the way down to one (breadcrumbs), or
// it holds the actor's own household.
func canSee(a *linli.Actor, path string) bool {
	if a.Can(linli.PermRegistryRead, path) {
		return true
	}
	for _, g := range a.Grants {
		if linli.Within(g.NodePath, path) {
			return true
		}
	}
	return false
}

// Node returns one node the actor may see.
func (s *Service) Node(ctx context.Context, a *linli.Actor, id int64) (Node, error) {
	n, err := s.node(ctx, s.DB, id)
	if err != nil {
		return n, err
	}
	if !canSee(a, n.Path) {
		return Node{}, refused(a, n.Path, errNotFound("地点", "place"))
	}
	return n, nil
}

// Ancestors returns the nodes from the root down to the parent of n.
func (s *Service) Ancestors(ctx context.Context, n Node) ([]Node, error) {
	var ids []any
	var marks []string
	for _, p := range strings.Split(strings.Trim(n.Path, "/"), "/") {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id == n.ID {
			continue
		}
		ids = append(ids, id)
		marks = append(marks, "?")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return queryNodes(ctx, s.DB, `SELECT `+nodeColumns+` FROM nodes n WHERE n.id IN (`+strings.Join(marks, ",")+`) ORDER BY n.depth`, ids...)
}

// Children returns the children of a node the actor may see; parentID 0
// returns the actor's own top nodes (the nodes of its grants).
func (s *Service) Children(ctx context.Context, a *linli.Actor, parentID int64) ([]Node, error) {
	if parentID == 0 {
		return s.Roots(ctx, a)
	}
	p, err := s.Node(ctx, a, parentID)
	if err != nil {
		return nil, err
	}
	all, err := queryNodes(ctx, s.DB, `SELECT `+nodeColumns+` FROM nodes n WHERE n.parent_id = ? ORDER BY n.sort, n.id`, p.ID)
	if err != nil {
		return nil, err
	}
	var out []Node
	for _, n := range all {
		if canSee(a, n.Path) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Roots returns the nodes on which the actor holds a registry-reading role
// (the tops of what it may browse), without duplicates or nested ones.
func (s *Service) Roots(ctx context.Context, a *linli.Actor) ([]Node, error) {
	scopes := a.Scopes(linli.PermRegistryRead)
	var out []Node
	seen := map[int64]bool{}
	for _, g := range a.Grants {
		if !g.Role.Has(linli.PermRegistryRead) || seen[g.NodeID] {
			continue
		}
		nested := false
		for _, sc := range scopes {
			if sc != g.NodePath && linli.Within(g.NodePath, sc) {
				nested = true
			}
		}
		if nested {
			continue
		}
		seen[g.NodeID] = true
		var n Node
		var err error
		if g.NodeID == 0 { // the system actor: every root
			return s.topNodes(ctx)
		}
		n, err = s.node(ctx, s.DB, g.NodeID)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (s *Service) topNodes(ctx context.Context) ([]Node, error) {
	return queryNodes(ctx, s.DB, `SELECT `+nodeColumns+` FROM nodes n WHERE n.parent_id IS NULL ORDER BY n.sort, n.id`)
}

// NodeInput is what a user may set on a node.
type NodeInput struct {
	ParentID        int64  `json:"parent_id"`
	Kind            Kind   `json:"kind"`
	Name            string `json:"name"`
	Code            string `json:"code"`
	Sort            int    `json:"sort"`
	Floors          int    `json:"floors"`
	BuiltYear       int    `json:"built_year"`
	Address         string `json:"address"`
	PropertyCompany string `json:"property_company"`
	Boundary        string `json:"boundary"`
	Note            string `json:"note"`
	Abbr            string `json:"abbr"` // communities: case-number prefix, e.g. XY
}

// validate checks a node's own fields against the rules of its level.
// parent is the zero Node for a root.
func (in *NodeInput) validate(parent Node, now int) error {
	var v linli.Validation
	in.Name = strings.TrimSpace(in.Name)
	in.Code = strings.TrimSpace(in.Code)
	switch {
	case in.Name == "":
		v.Add("name", "名称必填 / name is required")
	case utf8.RuneCountInString(in.Name) > 60:
		v.Add("name", "名称不超过60字 / name is at most 60 characters")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "层级无效 / unknown kind")
	} else if parent.ID == 0 && in.Kind != KindCity {
		v.Add("parent_id", "只有市可以作为根节点 / only a city can be a root")
	} else if parent.ID != 0 && parent.Kind.ChildKind() != in.Kind {
		v.Add("kind", fmt.Sprintf("%s下只能建%s / a %s holds %ss", parent.Kind.Label(), parent.Kind.ChildKind().Label(), parent.Kind, parent.Kind.ChildKind()))
	}
	// Streets and communities carry the 12-digit statistical division
	// code (6 county + 3 street + 3 community); a community's first nine
	// digits are its street's.
	switch in.Kind {
	case KindStreet, KindCommunity:
		if !isDigits(in.Code, 12) {
			v.Add("code", "街道、社区须填写12位统计用区划代码 / streets and communities need the 12-digit division code")
		} else if in.Kind == KindCommunity && isDigits(parent.Code, 12) && in.Code[:9] != parent.Code[:9] {
			v.Add("code", "社区代码前9位应与所属街道一致 / the first 9 digits must be the street's ("+parent.Code[:9]+")")
		} else if in.Kind == KindStreet && isDigits(parent.Code, 12) && in.Code[:6] != parent.Code[:6] {
			v.Add("code", "街道代码前6位应与所属区县一致 / the first 6 digits must be the county's ("+parent.Code[:6]+")")
		}
	case KindCity, KindDistrict:
		if in.Code != "" && !isDigits(in.Code, 12) && !isDigits(in.Code, 6) {
			v.Add("code", "区划代码应为6位或12位数字 / the division code has 6 or 12 digits")
		}
	default:
		if utf8.RuneCountInString(in.Code) > 32 {
			v.Add("code", "编码不超过32字 / code is at most 32 characters")
		}
	}
	in.Abbr = strings.ToUpper(strings.TrimSpace(in.Abbr))
	if in.Abbr != "" && (in.Kind != KindCommunity || len(in.Abbr) > 6 || !isUpperAlnum(in.Abbr)) {
		v.Add("abbr", "简称为社区的1到6位大写字母或数字 / abbreviation: 1-6 capital letters or digits, communities only")
	}
	if in.Kind == KindBuilding || in.Kind == KindUnit {
		if in.Floors < 1 || in.Floors > 120 {
			v.Add("floors", "层数应在1到120之间 / floors must be 1 to 120")
		}
	} else {
		in.Floors = 0
	}
	if in.BuiltYear != 0 && (in.BuiltYear < 1900 || in.BuiltYear > now) {
		v.Add("built_year", fmt.Sprintf("建成年份应在1900到%d之间 / built year must be 1900 to %d", now, now))
	}
	if in.Boundary != "" {
		if in.Kind != KindGrid && in.Kind != KindEstate && in.Kind != KindCommunity {
			v.Add("boundary", "只有社区、网格、小区可设边界 / only communities, grids and estates have a boundary")
		} else if err := validPolygon(in.Boundary); err != nil {
			v.Add("boundary", err.Error())
		}
	}
	return v.Err()
}

func isUpperAlnum(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validPolygon accepts a GeoJSON Polygon (or a Feature holding one) whose
// rings are closed and have at least four positions.
func validPolygon(s string) error {
	var g struct {
		Type        string          `json:"type"`
		Geometry    json.RawMessage `json:"geometry"`
		Coordinates [][][2]float64  `json:"coordinates"`
	}
	bad := errors.New("边界应为GeoJSON多边形 / boundary must be a GeoJSON Polygon")
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		return bad
	}
	if g.Type == "Feature" {
		return validPolygon(string(g.Geometry))
	}
	if g.Type != "Polygon" || len(g.Coordinates) == 0 {
		return bad
	}
	for _, ring := range g.Coordinates {
		if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
			return errors.New("边界的每个环至少4个点且首尾相同 / each ring needs 4+ positions and must be closed")
		}
		for _, p := range ring {
			if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
				return errors.New("边界坐标超出经纬度范围 / coordinates out of range")
			}
		}
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// conflictOrErr turns unique violations into a 409 naming the field.
func conflictOrErr(err error, in NodeInput) error {
	if err == nil || !storage.IsUnique(err) {
		return err
	}
	msg := "同级已有同名地点 / a sibling already has this name"
	field := "name"
	if strings.Contains(storage.DriverMessage(err), "code") {
		field, msg = "code", "编码已被使用 / code already in use: "+in.Code
	}
	return &linli.Error{Code: linli.EConflict, Message: msg, Fields: []linli.FieldError{{Field: field, Reason: msg}}}
}

// CreateNode adds a node under in.ParentID (0 for a new city: admins only).
func (s *Service) CreateNode(ctx context.Context, a *linli.Actor, in NodeInput) (Node, error) {
	var created Node
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var parent Node
		parentPath := "/"
		if in.ParentID != 0 {
			p, err := s.node(ctx, tx, in.ParentID)
			if err != nil {
				if linli.ErrorCode(err) == linli.ENotFound {
					return linli.Invalid("上级不存在 / parent not found", linli.FieldError{Field: "parent_id", Reason: "上级不存在 / parent not found"})
				}
				return err
			}
			parent, parentPath = p, p.Path
		}
		if !a.Can(linli.PermRegistryWrite, parentPath) {
			return refused(a, parentPath, linli.Invalid("上级不存在 / parent not found", linli.FieldError{Field: "parent_id", Reason: "上级不存在 / parent not found"}))
		}
		if err := in.validate(parent, s.now().Year()); err != nil {
			return err
		}
		now := storage.Millis(s.now())
		var parentID any
		if parent.ID != 0 {
			parentID = parent.ID
		}
		id, err := tx.Insert(ctx, `INSERT INTO nodes (parent_id, kind, name, code, path, depth, sort, floors, built_year, address, property_company, boundary, note, abbr, created_at, updated_at)
			VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			parentID, in.Kind, in.Name, nullable(in.Code), parent.Depth+1, in.Sort, in.Floors, in.BuiltYear, in.Address, in.PropertyCompany, in.Boundary, in.Note, in.Abbr, now, now)
		if err != nil {
			return conflictOrErr(err, in)
		}
		path := parentPath + strconv.FormatInt(id, 10) + "/"
		if parent.ID == 0 {
			path = "/" + strconv.FormatInt(id, 10) + "/"
		}
		if _, err := tx.Exec(ctx, `UPDATE nodes SET path = ?, depth = ? WHERE id = ?`, path, strings.Count(path, "/")-1, id); err != nil {
			return err
		}
		created, err = s.node(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.Notify(ctx, ChannelTree, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "node.create", Entity: "node", EntityID: id, ScopePath: path,
			Summary: fmt.Sprintf("新建%s「%s」", in.Kind.Label(), in.Name), After: created})
	})
	return created, err
}

// UpdateNode changes a node's own fields (not its place: see MoveNode).
func (s *Service) UpdateNode(ctx context.Context, a *linli.Actor, id int64, in NodeInput) (Node, error) {
	var updated Node
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		before, err := s.node(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, before.Path) {
			return refused(a, before.Path, errNotFound("地点", "place"))
		}
		var parent Node
		if before.ParentID != 0 {
			if parent, err = s.node(ctx, tx, before.ParentID); err != nil {
				return err
			}
		}
		in.Kind, in.ParentID = before.Kind, before.ParentID
		if err := in.validate(parent, s.now().Year()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE nodes SET name = ?, code = ?, sort = ?, floors = ?, built_year = ?, address = ?, property_company = ?, boundary = ?, note = ?, abbr = ?, updated_at = ? WHERE id = ?`,
			in.Name, nullable(in.Code), in.Sort, in.Floors, in.BuiltYear, in.Address, in.PropertyCompany, in.Boundary, in.Note, in.Abbr, storage.Millis(s.now()), id)
		if err != nil {
			return conflictOrErr(err, in)
		}
		if updated, err = s.node(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.Notify(ctx, ChannelTree, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "node.update", Entity: "node", EntityID: id, ScopePath: before.Path,
			Summary: fmt.Sprintf("修改%s「%s」", before.Kind.Label(), updated.Name), Before: before, After: updated})
	})
	return updated, err
}

// MoveNode re-parents a node with its whole subtree and households. The
// actor needs registry.write on the node and on the new parent.
func (s *Service) MoveNode(ctx context.Context, a *linli.Actor, id, newParentID int64) (Node, error) {
	var moved Node
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		n, err := s.node(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, n.Path) {
			return refused(a, n.Path, errNotFound("地点", "place"))
		}
		np, err := s.node(ctx, tx, newParentID)
		if err != nil {
			if linli.ErrorCode(err) == linli.ENotFound {
				return linli.Invalid("新上级不存在 / new parent not found", linli.FieldError{Field: "parent_id", Reason: "新上级不存在 / new parent not found"})
			}
			return err
		}
		if !a.Can(linli.PermRegistryWrite, np.Path) {
			return refused(a, np.Path, linli.Invalid("新上级不存在 / new parent not found", linli.FieldError{Field: "parent_id", Reason: "新上级不存在 / new parent not found"}))
		}
		if linli.Within(np.Path, n.Path) {
			return linli.Invalid("不能移到自己的下级 / cannot move a node under itself", linli.FieldError{Field: "parent_id", Reason: "不能移到自己的下级 / cannot move a node under itself"})
		}
		if np.Kind.ChildKind() != n.Kind {
			r := fmt.Sprintf("%s只能放在%s下 / a %s belongs under a %s", n.Kind.Label(), parentKind(n.Kind).Label(), n.Kind, parentKind(n.Kind))
			return linli.Invalid(r, linli.FieldError{Field: "parent_id", Reason: r})
		}
		newPath := np.Path + strconv.FormatInt(n.ID, 10) + "/"
		delta := strings.Count(newPath, "/") - strings.Count(n.Path, "/")
		// Rewrite the prefix of every path in the subtree.
		cut := len(n.Path) + 1
		if _, err := tx.Exec(ctx, `UPDATE nodes SET path = CAST(? AS TEXT) || SUBSTR(path, CAST(? AS INTEGER)), depth = depth + CAST(? AS INTEGER) WHERE path LIKE ?`, newPath, cut, delta, n.Path+"%"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET path = CAST(? AS TEXT) || SUBSTR(path, CAST(? AS INTEGER)) WHERE path LIKE ?`, newPath, cut, n.Path+"%"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE nodes SET parent_id = ?, updated_at = ? WHERE id = ?`, np.ID, storage.Millis(s.now()), n.ID); err != nil {
			return conflictOrErr(err, NodeInput{})
		}
		if moved, err = s.node(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.Notify(ctx, ChannelTree, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "node.move", Entity: "node", EntityID: id, ScopePath: np.Path,
			Summary: fmt.Sprintf("将%s「%s」移到「%s」下", n.Kind.Label(), n.Name, np.Name), Before: n, After: moved})
	})
	return moved, err
}

func parentKind(k Kind) Kind {
	ks := Kinds()
	for i, x := range ks {
		if x == k && i > 0 {
			return ks[i-1]
		}
	}
	return ""
}

// DeleteNode removes an empty node (no children, no households).
func (s *Service) DeleteNode(ctx context.Context, a *linli.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		n, err := s.node(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, n.Path) {
			return refused(a, n.Path, errNotFound("地点", "place"))
		}
		if n.Children > 0 || n.Households > 0 {
			return linli.Errorf(linli.EConflict, "「%s」下还有%d个下级、%d户，不能删除 / not empty", n.Name, n.Children, n.Households)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM nodes WHERE id = ?`, id); err != nil {
			if storage.IsForeignKey(err) {
				return linli.Errorf(linli.EConflict, "「%s」仍被引用，不能删除 / still referenced", n.Name)
			}
			return err
		}
		if err := tx.Notify(ctx, ChannelTree, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "node.delete", Entity: "node", EntityID: id, ScopePath: n.Path,
			Summary: fmt.Sprintf("删除%s「%s」", n.Kind.Label(), n.Name), Before: n})
	})
}

// FindNode returns the node with this name path from a root ("运城市",
// "盐湖区", …), or not found. Used by the CLI and the demo loader.
func (s *Service) FindNode(ctx context.Context, names []string) (Node, error) {
	var cur Node
	for i, name := range names {
		var row *storage.Row
		if i == 0 {
			row = s.DB.QueryRow(ctx, `SELECT `+nodeColumns+` FROM nodes n WHERE n.parent_id IS NULL AND n.name = ?`, name)
		} else {
			row = s.DB.QueryRow(ctx, `SELECT `+nodeColumns+` FROM nodes n WHERE n.parent_id = ? AND n.name = ?`, cur.ID, name)
		}
		n, err := scanNode(row)
		if errors.Is(err, sql.ErrNoRows) {
			return Node{}, errNotFound("地点「"+strings.Join(names[:i+1], "/")+"」", "place "+strings.Join(names[:i+1], "/"))
		}
		if err != nil {
			return Node{}, err
		}
		cur = n
	}
	return cur, nil
}

// NodeByPath loads a node by its id without permission checks, for other
// services that have already checked the actor (e.g. auth granting roles).
func (s *Service) NodeByID(ctx context.Context, id int64) (Node, error) { return s.node(ctx, s.DB, id) }

// lightColumns are the node's own fields without the counts (cheap).
const lightColumns = `n.id, COALESCE(n.parent_id, 0), n.kind, n.name, COALESCE(n.code, ''), n.path, n.depth, n.sort, n.floors, n.built_year,
	n.address, n.property_company, n.boundary, n.note, n.abbr, n.created_at, n.updated_at, 0, 0`

// Lineage returns a node and its ancestors, root first, without the
// child and household counts — the cheap lookup other capabilities use on
// every request (no permission check).
//
// Lineages are cached for a few seconds (lineageTTL) because every case
// request needs one; this process's own changes to the tree clear the
// cache at once, another replica's show within the TTL.
func (s *Service) Lineage(ctx context.Context, q storage.Querier, id int64) ([]Node, error) {
	if line, ok := s.lineages.get(id, time.Now()); ok {
		return line, nil
	}
	line, err := s.lineage(ctx, q, id)
	if err == nil {
		s.lineages.put(id, line, time.Now())
	}
	return line, err
}

func (s *Service) lineage(ctx context.Context, q storage.Querier, id int64) ([]Node, error) {
	var path string
	if err := q.QueryRow(ctx, `SELECT path FROM nodes WHERE id = ?`, id).Scan(&path); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound("地点", "place")
		}
		return nil, err
	}
	var ids []any
	var marks []string
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, n)
			marks = append(marks, "?")
		}
	}
	return queryNodes(ctx, q, `SELECT `+lightColumns+` FROM nodes n WHERE n.id IN (`+strings.Join(marks, ",")+`) ORDER BY n.depth`, ids...)
}

// queryNodes runs a query selecting nodeColumns or lightColumns and scans
// every row.
func queryNodes(ctx context.Context, q storage.Querier, query string, args ...any) ([]Node, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (Node, error) { return scanNode(rows) }, query, args...)
}

// PlacesIn lists the nodes under the given scopes (node paths), of the
// given kinds (all when none), in path order, at most limit per scope,
// without counts — for pickers such as "grant a role on…" and "import
// into…". No permission check: the caller passes the actor's scopes.
func (s *Service) PlacesIn(ctx context.Context, scopes []string, limit int, kinds ...Kind) ([]Node, error) {
	cond := ""
	var kindArgs []any
	if len(kinds) > 0 {
		cond = ` AND n.kind IN (` + strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ",") + `)`
		for _, k := range kinds {
			kindArgs = append(kindArgs, k)
		}
	}
	var out []Node
	for _, sc := range scopes {
		args := append([]any{sc + "%"}, kindArgs...)
		ns, err := queryNodes(ctx, s.DB, `SELECT `+lightColumns+` FROM nodes n WHERE n.path LIKE ?`+cond+` ORDER BY n.path LIMIT `+strconv.Itoa(limit), args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	return out, nil
}
