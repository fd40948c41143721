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
	"linli/registry/ledger"
	"linli/storage"
)

// Household is a dwelling (户) in a unit.
type Household struct {
	ID         int64     `json:"id"`
	UnitID     int64     `json:"unit_id"`
	BuildingID int64     `json:"building_id"`
	EstateID   int64     `json:"estate_id"`
	Path       string    `json:"path"`
	Floor      int       `json:"floor"`
	Room       string    `json:"room"`
	AreaCenti  int64     `json:"area_centi"`
	Area       string    `json:"area"` // m², two decimals, for display
	Note       string    `json:"note,omitempty"`
	Estate     string    `json:"estate"`
	Building   string    `json:"building"`
	Unit       string    `json:"unit"`
	Members    []Member  `json:"members"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Label is how people name a household: 1号楼3单元602.
func (h Household) Label() string { return h.Building + h.Unit + h.Room }

// Owners returns the names of the owners, joined with 、.
func (h Household) Owners() string {
	var names []string
	for _, m := range h.Members {
		if m.IsOwner {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, "、")
}

// Decimal accepts a JSON number or string ("86.55") and keeps its text so
// areas are parsed exactly, never through a float.
type Decimal string

// UnmarshalJSON implements json.Unmarshaler.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	*d = Decimal(strings.TrimSpace(s))
	return nil
}

// HouseholdInput is what a user may set on a household.
type HouseholdInput struct {
	UnitID int64   `json:"unit_id"`
	Floor  int     `json:"floor"`
	Room   string  `json:"room"`
	Area   Decimal `json:"area"` // m², up to two decimals
	Note   string  `json:"note"`
}

func (in *HouseholdInput) validate(unit Node) (int64, error) {
	var v linli.Validation
	in.Room = strings.TrimSpace(in.Room)
	if in.Room == "" {
		v.Add("room", "房号必填 / room is required")
	} else if utf8.RuneCountInString(in.Room) > 16 {
		v.Add("room", "房号不超过16字 / room is at most 16 characters")
	}
	if in.Floor == 0 || in.Floor < -5 || (unit.Floors > 0 && in.Floor > unit.Floors) {
		v.Add("floor", fmt.Sprintf("楼层应在1到%d之间（地下为负数） / floor must be 1 to %d (basements negative)", unit.Floors, unit.Floors))
	}
	area, err := ledger.ParseArea(string(in.Area))
	if err != nil {
		v.Add("area", err.Error())
	}
	return area, v.Err()
}

const householdColumns = `h.id, h.unit_id, u.parent_id, b.parent_id, h.path, h.floor, h.room, h.area_centi, h.note, e.name, b.name, u.name, h.created_at, h.updated_at`
const householdFrom = ` FROM households h JOIN nodes u ON u.id = h.unit_id JOIN nodes b ON b.id = u.parent_id JOIN nodes e ON e.id = b.parent_id`

func scanHousehold(r scanner) (Household, error) {
	var h Household
	var c, u int64
	err := r.Scan(&h.ID, &h.UnitID, &h.BuildingID, &h.EstateID, &h.Path, &h.Floor, &h.Room, &h.AreaCenti, &h.Note, &h.Estate, &h.Building, &h.Unit, &c, &u)
	h.Area = ledger.FormatArea(h.AreaCenti)
	h.CreatedAt, h.UpdatedAt = storage.FromMillis(c), storage.FromMillis(u)
	return h, err
}

func (s *Service) household(ctx context.Context, q storage.Querier, id int64) (Household, error) {
	h, err := s.HouseholdAt(ctx, q, id)
	if err != nil {
		return h, err
	}
	ms, err := s.members(ctx, q, []int64{id})
	h.Members = ms[id]
	return h, err
}

// members loads the members of households, masked.
func (s *Service) members(ctx context.Context, q storage.Querier, ids []int64) (map[int64][]Member, error) {
	out := map[int64][]Member{}
	for len(ids) > 0 {
		batch := ids
		if len(batch) > 500 {
			batch = ids[:500]
		}
		ids = ids[len(batch):]
		args := make([]any, len(batch))
		marks := make([]string, len(batch))
		for i, id := range batch {
			args[i], marks[i] = id, "?"
		}
		err := storage.Each(ctx, q, func(rows *sql.Rows) error {
			var m Member
			var hid, owner int64
			if err := rows.Scan(&m.ID, &hid, &m.PersonID, &m.Name, &m.Relation, &owner, &m.Phone, &m.IDNumber); err != nil {
				return err
			}
			m.IsOwner = storage.Bool(owner)
			if m.Phone != "" {
				m.Phone = MaskPhone(m.Phone)
			}
			if m.IDNumber != "" {
				m.IDNumber = MaskID(m.IDNumber)
			}
			out[hid] = append(out[hid], m)
			return nil
		}, `SELECT m.id, m.household_id, p.id, p.name, m.relation, m.is_owner, p.phone, p.id_number
			FROM household_members m JOIN people p ON p.id = m.person_id
			WHERE m.household_id IN (`+strings.Join(marks, ",")+`) ORDER BY m.household_id, m.sort, m.id`, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Household returns one household the actor may read.
func (s *Service) Household(ctx context.Context, a *linli.Actor, id int64) (Household, error) {
	h, err := s.household(ctx, s.DB, id)
	if err != nil {
		return h, err
	}
	if !a.CanHousehold(linli.PermRegistryRead, h.Path, h.ID) {
		return Household{}, refused(a, h.Path, errNotFound("住户", "household"))
	}
	return h, nil
}

// HouseholdFilter narrows ListHouseholds.
type HouseholdFilter struct {
	NodeID int64  // a node whose subtree to list; 0 = everything in scope
	Query  string // room, or a member's name
	Limit  int
	Offset int
}

// ListHouseholds lists households in the actor's scope, by building, unit,
// floor and room.
func (s *Service) ListHouseholds(ctx context.Context, a *linli.Actor, f HouseholdFilter) ([]Household, int, error) {
	var where []string
	var args []any
	if f.NodeID != 0 {
		n, err := s.node(ctx, s.DB, f.NodeID)
		if err != nil {
			return nil, 0, err
		}
		if !a.Can(linli.PermRegistryRead, n.Path) {
			return nil, 0, refused(a, n.Path, errNotFound("地点", "place"))
		}
		where = append(where, "h.path LIKE ?")
		args = append(args, n.Path+"%")
	} else {
		scopes := a.Scopes(linli.PermRegistryRead)
		if len(scopes) == 0 {
			return nil, 0, errForbidden()
		}
		cond, scopeArgs := storage.ScopeFilter("h.path", scopes)
		where, args = append(where, cond), append(args, scopeArgs...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(h.room = ? OR EXISTS (SELECT 1 FROM household_members m JOIN people p ON p.id = m.person_id WHERE m.household_id = h.id AND p.name LIKE ?))")
		args = append(args, q, "%"+q+"%")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+householdFrom+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	var out []Household
	var ids []int64
	err := storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		h, err := scanHousehold(rows)
		if err != nil {
			return err
		}
		out = append(out, h)
		ids = append(ids, h.ID)
		return nil
	}, `SELECT `+householdColumns+householdFrom+cond+` ORDER BY e.sort, e.id, b.sort, b.id, u.sort, u.id, h.floor, h.room LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	ms, err := s.members(ctx, s.DB, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Members = ms[out[i].ID]
	}
	return out, total, nil
}

func (s *Service) unitFor(ctx context.Context, tx *storage.Tx, a *linli.Actor, unitID int64) (Node, error) {
	u, err := s.node(ctx, tx, unitID)
	if err != nil {
		if linli.ErrorCode(err) == linli.ENotFound {
			return u, linli.Invalid("单元不存在 / unit not found", linli.FieldError{Field: "unit_id", Reason: "单元不存在 / unit not found"})
		}
		return u, err
	}
	if !a.Can(linli.PermRegistryWrite, u.Path) {
		return u, refused(a, u.Path, linli.Invalid("单元不存在 / unit not found", linli.FieldError{Field: "unit_id", Reason: "单元不存在 / unit not found"}))
	}
	if u.Kind != KindUnit {
		return u, linli.Invalid("住户只能建在单元下 / households belong to a unit", linli.FieldError{Field: "unit_id", Reason: "不是单元 / not a unit"})
	}
	return u, nil
}

func householdConflict(err error, room string) error {
	if storage.IsUnique(err) {
		msg := "该单元已有房号 " + room + " / room already exists in this unit"
		return &linli.Error{Code: linli.EConflict, Message: msg, Fields: []linli.FieldError{{Field: "room", Reason: msg}}}
	}
	return err
}

// CreateHousehold adds a household with its first members.
func (s *Service) CreateHousehold(ctx context.Context, a *linli.Actor, in HouseholdInput, members []MemberInput) (Household, error) {
	var h Household
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		u, err := s.unitFor(ctx, tx, a, in.UnitID)
		if err != nil {
			return err
		}
		area, err := in.validate(u)
		for i := range members {
			if merr := members[i].validate(); merr != nil {
				for _, fe := range linli.ErrorFields(merr) {
					fe.Field = "members[" + strconv.Itoa(i) + "]." + fe.Field
					if err == nil {
						err = linli.Invalid("输入有误 / invalid input")
					}
					err.(*linli.Error).Fields = append(err.(*linli.Error).Fields, fe)
				}
			}
		}
		if err != nil {
			return err
		}
		now := storage.Millis(s.now())
		id, err := tx.Insert(ctx, `INSERT INTO households (unit_id, path, floor, room, area_centi, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Path, in.Floor, in.Room, area, in.Note, now, now)
		if err != nil {
			return householdConflict(err, in.Room)
		}
		for i, m := range members {
			pid, err := insertPerson(ctx, tx, m, now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, is_owner, sort) VALUES (?, ?, ?, ?, ?)`,
				id, pid, m.Relation, storage.Int(m.IsOwner), i); err != nil {
				return err
			}
		}
		if h, err = s.household(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "household.create", Entity: "household", EntityID: id, ScopePath: u.Path,
			Summary: "新建住户 " + h.Label(), After: h})
	})
	return h, err
}

// UpdateHousehold changes floor, room, area and note.
func (s *Service) UpdateHousehold(ctx context.Context, a *linli.Actor, id int64, in HouseholdInput) (Household, error) {
	var h Household
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		before, err := s.household(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, before.Path) {
			return refused(a, before.Path, errNotFound("住户", "household"))
		}
		u, err := s.unitFor(ctx, tx, a, before.UnitID)
		if err != nil {
			return err
		}
		area, err := in.validate(u)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET floor = ?, room = ?, area_centi = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Floor, in.Room, area, in.Note, storage.Millis(s.now()), id); err != nil {
			return householdConflict(err, in.Room)
		}
		if h, err = s.household(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "household.update", Entity: "household", EntityID: id, ScopePath: u.Path,
			Summary: "修改住户 " + h.Label(), Before: before, After: h})
	})
	return h, err
}

// DeleteHousehold removes a household and its memberships.
func (s *Service) DeleteHousehold(ctx context.Context, a *linli.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		before, err := s.household(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, before.Path) {
			return refused(a, before.Path, errNotFound("住户", "household"))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM households WHERE id = ?`, id); err != nil {
			if storage.IsForeignKey(err) {
				return linli.Errorf(linli.EConflict, "住户仍被引用，不能删除 / household is still referenced")
			}
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "household.delete", Entity: "household", EntityID: id, ScopePath: before.Path,
			Summary: "删除住户 " + before.Label(), Before: before})
	})
}

// AddMember adds a person to a household.
func (s *Service) AddMember(ctx context.Context, a *linli.Actor, householdID int64, in MemberInput) (Household, error) {
	var h Household
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		before, err := s.household(ctx, tx, householdID)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, before.Path) {
			return refused(a, before.Path, errNotFound("住户", "household"))
		}
		if err := in.validate(); err != nil {
			return err
		}
		now := storage.Millis(s.now())
		pid, err := insertPerson(ctx, tx, in, now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, is_owner, sort) VALUES (?, ?, ?, ?, ?)`,
			householdID, pid, in.Relation, storage.Int(in.IsOwner), len(before.Members)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET updated_at = ? WHERE id = ?`, now, householdID); err != nil {
			return err
		}
		if h, err = s.household(ctx, tx, householdID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "household.member.add", Entity: "household", EntityID: householdID, ScopePath: before.Path,
			Summary: fmt.Sprintf("为 %s 添加%s「%s」", before.Label(), RelationLabel(in.Relation), in.Name), Before: before.Members, After: h.Members})
	})
	return h, err
}

// RemoveMember removes a person from a household (the person record stays
// for history).
func (s *Service) RemoveMember(ctx context.Context, a *linli.Actor, householdID, memberID int64) (Household, error) {
	var h Household
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		before, err := s.household(ctx, tx, householdID)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermRegistryWrite, before.Path) {
			return refused(a, before.Path, errNotFound("住户", "household"))
		}
		res, err := tx.Exec(ctx, `DELETE FROM household_members WHERE id = ? AND household_id = ?`, memberID, householdID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("住户成员", "member")
		}
		if h, err = s.household(ctx, tx, householdID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "household.member.remove", Entity: "household", EntityID: householdID, ScopePath: before.Path,
			Summary: "移除 " + before.Label() + " 的成员", Before: before.Members, After: h.Members})
	})
	return h, err
}

// HouseholdByRoom returns the id of the household with this room in a
// unit (CLI and demo use; no permission check).
func (s *Service) HouseholdByRoom(ctx context.Context, unitID int64, room string) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM households WHERE unit_id = ? AND room = ?`, unitID, room).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNotFound("住户 "+room, "household "+room)
	}
	return id, err
}
