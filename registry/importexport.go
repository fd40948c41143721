package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"linli"
	"linli/audit"
	"linli/registry/ledger"
	"linli/storage"
)

// ImportResult counts what an import changed.
type ImportResult struct {
	Households       int `json:"households"` // in the file
	Created          int `json:"created"`
	Updated          int `json:"updated"`
	Unchanged        int `json:"unchanged"` // on file already, as in the file; not written
	People           int `json:"people"`    // in the file
	BuildingsCreated int `json:"buildings_created"`
	UnitsCreated     int `json:"units_created"`
}

type placeKey struct {
	parent int64
	name   string
}

func errNoRows() error {
	return linli.Invalid("文件中没有住户 / the file holds no households", linli.FieldError{Row: 2, Field: "房号", Reason: "没有数据行 / no data rows"})
}

func errProblems(bad []linli.FieldError) error {
	return linli.Invalid(fmt.Sprintf("有%d处错误，未导入任何数据 / %d problems, nothing imported", len(bad), len(bad)), bad...)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Import loads a parsed household ledger into a community in one
// transaction. Estates must already exist in the community; missing
// buildings and units are created. A household already on file (same unit
// and room) is updated and its members replaced by the file's, unless it is
// already as the file has it. Every bad row is reported and nothing is
// written unless all rows are good.
//
// Import commits without a preview; it is for the CLI and the demo. People
// import through PreviewFile and ConfirmImport, which commit what they saw.
func (s *Service) Import(ctx context.Context, a *linli.Actor, communityID int64, hs []ledger.Household) (ImportResult, error) {
	return s.commitImport(ctx, a, communityID, hs, confirmation{})
}

// confirmation ties a commit to its preview: the staged upload's token,
// the plan hash shown and the file's SHA-256 (for the audit entry). The
// zero value commits without a preview.
type confirmation struct {
	token, plan, file string
}

// errRegisterChanged is the 409 of a confirmation whose plan no longer holds.
func errRegisterChanged() error {
	return linli.Errorf(linli.EConflict, "预览之后台账已有变化，未导入任何数据；请重新上传文件查看新的预览 / the register changed after the preview; nothing was imported — upload the file again to see a new preview")
}

func (s *Service) commitImport(ctx context.Context, a *linli.Actor, communityID int64, hs []ledger.Household, c confirmation) (ImportResult, error) {
	var res ImportResult
	comm, err := s.importTarget(ctx, a, communityID)
	if err != nil {
		return res, err
	}
	if len(hs) == 0 {
		return res, errNoRows()
	}
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		res = ImportResult{}
		estates, byParent, err := indexPlaces(ctx, tx, comm)
		if err != nil {
			return err
		}
		// Check every row against the register before writing anything.
		if bad := registerProblems(comm, estates, byParent, hs); len(bad) > 0 {
			return errProblems(bad)
		}
		_, steps, plan, err := planImport(ctx, tx, comm, estates, byParent, hs)
		if err != nil {
			return err
		}
		if c.token != "" {
			// Claim the upload first: of two confirmations of one preview
			// only one deletes the row.
			r, err := tx.Exec(ctx, `DELETE FROM ledger_uploads WHERE token = ?`, c.token)
			if err != nil {
				return err
			}
			if n, err := r.RowsAffected(); err != nil || n != 1 {
				return errPreviewGone()
			}
			if plan != c.plan {
				return errRegisterChanged()
			}
		}
		maxFloor := map[placeKey]int{}
		for _, h := range hs {
			k := placeKey{estates[h.Estate].ID, h.Building + "\x00" + h.Unit}
			if h.Floor > maxFloor[k] {
				maxFloor[k] = h.Floor
			}
		}
		now := storage.Millis(s.now())
		ensure := func(parent Node, kind Kind, name string, floors int) (Node, error) {
			if n, ok := byParent[placeKey{parent.ID, name}]; ok {
				return n, nil
			}
			id, err := tx.Insert(ctx, `INSERT INTO nodes (parent_id, kind, name, path, depth, floors, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, ?)`,
				parent.ID, kind, name, parent.Depth+1, floors, now, now)
			if err != nil {
				return Node{}, err
			}
			path := fmt.Sprintf("%s%d/", parent.Path, id)
			if _, err := tx.Exec(ctx, `UPDATE nodes SET path = ? WHERE id = ?`, path, id); err != nil {
				return Node{}, err
			}
			n := Node{ID: id, ParentID: parent.ID, Kind: kind, Name: name, Path: path, Depth: parent.Depth + 1, Floors: floors}
			byParent[placeKey{parent.ID, name}] = n
			if kind == KindBuilding {
				res.BuildingsCreated++
			} else {
				res.UnitsCreated++
			}
			return n, nil
		}
		for i, h := range hs {
			res.People += len(h.Members)
			if steps[i] == stepSame {
				res.Unchanged++
				continue
			}
			e := estates[h.Estate]
			floors := maxFloor[placeKey{e.ID, h.Building + "\x00" + h.Unit}]
			b, err := ensure(e, KindBuilding, h.Building, floors)
			if err != nil {
				return err
			}
			u, err := ensure(b, KindUnit, h.Unit, floors)
			if err != nil {
				return err
			}
			if err := s.importHousehold(ctx, tx, u, h, now, &res); err != nil {
				return fmt.Errorf("row %d: %w", h.Row, err)
			}
		}
		res.Households = len(hs)
		if err := tx.Notify(ctx, ChannelTree, ""); err != nil {
			return err
		}
		summary := fmt.Sprintf("导入住户台账：%d户（新增%d，更新%d，未变%d），%d人", res.Households, res.Created, res.Updated, res.Unchanged, res.People)
		if c.token != "" {
			summary += "；按预览确认，文件SHA-256 " + c.file
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "registry.import", Entity: "node", EntityID: comm.ID, ScopePath: comm.Path,
			Summary: summary, After: res})
	})
	return res, err
}

// indexPlaces indexes the community's subtree: estates by name, every node by
// parent and name.
func indexPlaces(ctx context.Context, q storage.Querier, comm Node) (map[string]Node, map[placeKey]Node, error) {
	nodes, err := subtree(ctx, q, comm.Path)
	if err != nil {
		return nil, nil, err
	}
	estates := map[string]Node{}
	byParent := map[placeKey]Node{}
	for _, n := range nodes {
		if n.Kind == KindEstate {
			if _, dup := estates[n.Name]; !dup {
				estates[n.Name] = n
			}
		}
		byParent[placeKey{n.ParentID, n.Name}] = n
	}
	return estates, byParent, nil
}

// registerProblems lists the rows that do not fit the community's register:
// an estate it does not have, a 楼栋 that is not a building, a floor above
// the unit's.
func registerProblems(comm Node, estates map[string]Node, byParent map[placeKey]Node, hs []ledger.Household) []linli.FieldError {
	var bad []linli.FieldError
	for _, h := range hs {
		e, ok := estates[h.Estate]
		if !ok {
			bad = append(bad, linli.FieldError{Row: h.Row, Field: "小区", Reason: fmt.Sprintf("本社区没有名为「%s」的小区 / no estate named %s in %s", h.Estate, h.Estate, comm.Name)})
			continue
		}
		if b, ok := byParent[placeKey{e.ID, h.Building}]; ok {
			if b.Kind != KindBuilding {
				bad = append(bad, linli.FieldError{Row: h.Row, Field: "楼栋", Reason: "不是楼栋 / not a building"})
			} else if u, ok := byParent[placeKey{b.ID, h.Unit}]; ok && u.Floors > 0 && h.Floor > u.Floors {
				bad = append(bad, linli.FieldError{Row: h.Row, Field: "楼层", Reason: fmt.Sprintf("超过该单元的层数%d / above the unit's %d floors", u.Floors, u.Floors)})
			}
		}
	}
	return bad
}

// RegisterProblems checks parsed rows against the register of a community
// the actor may import into, without writing; ImportFile uses it to report
// a file's register problems together with its format problems.
func (s *Service) RegisterProblems(ctx context.Context, a *linli.Actor, communityID int64, hs []ledger.Household) ([]linli.FieldError, error) {
	comm, err := s.node(ctx, s.DB, communityID)
	if err != nil {
		return nil, err
	}
	if !a.Can(linli.PermRegistryWrite, comm.Path) {
		return nil, refused(a, comm.Path, errNotFound("地点", "place"))
	}
	if comm.Kind != KindCommunity {
		return nil, nil // Import says so
	}
	estates, byParent, err := indexPlaces(ctx, s.DB, comm)
	if err != nil {
		return nil, err
	}
	return registerProblems(comm, estates, byParent, hs), nil
}

func subtree(ctx context.Context, q storage.Querier, path string) ([]Node, error) {
	return queryNodes(ctx, q, `SELECT `+nodeColumns+` FROM nodes n WHERE n.path LIKE ? ORDER BY n.depth, n.sort, n.id`, path+"%")
}

func (s *Service) importHousehold(ctx context.Context, tx *storage.Tx, u Node, h ledger.Household, now int64, res *ImportResult) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM households WHERE unit_id = ? AND room = ?`, u.ID, h.Room).Scan(&id)
	existing := map[string]int64{} // name → person id, reused so history stays linked
	switch {
	case err == nil:
		res.Updated++
		if _, err := tx.Exec(ctx, `UPDATE households SET floor = ?, area_centi = ?, note = ?, updated_at = ? WHERE id = ?`, h.Floor, h.AreaCenti, h.Note, now, id); err != nil {
			return err
		}
		err := storage.Each(ctx, tx, func(rows *sql.Rows) error {
			var name string
			var pid int64
			if err := rows.Scan(&name, &pid); err != nil {
				return err
			}
			existing[name] = pid
			return nil
		}, `SELECT p.name, p.id FROM household_members m JOIN people p ON p.id = m.person_id WHERE m.household_id = ?`, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM household_members WHERE household_id = ?`, id); err != nil {
			return err
		}
	case isNoRows(err):
		res.Created++
		id, err = tx.Insert(ctx, `INSERT INTO households (unit_id, path, floor, room, area_centi, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Path, h.Floor, h.Room, h.AreaCenti, h.Note, now, now)
		if err != nil {
			return err
		}
	default:
		return err
	}
	for i, m := range h.Members {
		pid, ok := existing[m.Name]
		if ok {
			delete(existing, m.Name)
			if _, err := tx.Exec(ctx, `UPDATE people SET phone = ?, id_number = ?, updated_at = ? WHERE id = ?`, m.Phone, m.IDNumber, now, pid); err != nil {
				return err
			}
		} else {
			pid, err = insertPerson(ctx, tx, MemberInput{Name: m.Name, Phone: m.Phone, IDNumber: m.IDNumber}, now)
			if err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, is_owner, sort) VALUES (?, ?, ?, ?, ?)`,
			id, pid, m.Relation, storage.Int(m.IsOwner), i); err != nil {
			return err
		}
	}
	return nil
}

// Export returns the ledger of a node's subtree with plain phone and ID
// numbers, for staff who may edit the register there. The export itself
// is audited.
func (s *Service) Export(ctx context.Context, a *linli.Actor, nodeID int64) ([]ledger.Household, error) {
	n, err := s.node(ctx, s.DB, nodeID)
	if err != nil {
		return nil, err
	}
	if !a.Can(linli.PermRegistryWrite, n.Path) || !a.Can(linli.PermPeopleReveal, n.Path) {
		return nil, refused(a, n.Path, errNotFound("地点", "place"))
	}
	var out []ledger.Household
	index := map[int64]int{}
	err = storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		var id int64
		var h ledger.Household
		if err := rows.Scan(&id, &h.Estate, &h.Building, &h.Unit, &h.Floor, &h.Room, &h.AreaCenti, &h.Note); err != nil {
			return err
		}
		index[id] = len(out)
		out = append(out, h)
		return nil
	}, `SELECT h.id, e.name, b.name, u.name, h.floor, h.room, h.area_centi, h.note`+householdFrom+`
		WHERE h.path LIKE ? ORDER BY e.sort, e.id, b.sort, b.id, u.sort, u.id, h.floor, h.room`, n.Path+"%")
	if err != nil {
		return nil, err
	}
	err = storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		var hid, owner int64
		var m ledger.Member
		if err := rows.Scan(&hid, &m.Name, &m.Relation, &owner, &m.Phone, &m.IDNumber); err != nil {
			return err
		}
		m.IsOwner = owner != 0
		if i, ok := index[hid]; ok {
			out[i].Members = append(out[i].Members, m)
		}
		return nil
	}, `SELECT m.household_id, p.name, m.relation, m.is_owner, p.phone, p.id_number
		FROM household_members m JOIN people p ON p.id = m.person_id JOIN households h ON h.id = m.household_id
		WHERE h.path LIKE ? ORDER BY m.household_id, m.sort, m.id`, n.Path+"%")
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "registry.export", Read: true, Entity: "node", EntityID: n.ID, ScopePath: n.Path,
			Summary: fmt.Sprintf("导出「%s」住户台账（%d户，含完整联系方式）", n.Name, len(out))})
	})
	return out, err
}
