package registry

import (
	"context"
	"database/sql"
	"sort"

	"linli"
	"linli/storage"
)

// BuildingView is a building as community workers picture it: floors from
// the top down, units left to right, the households of each unit on each
// floor in a cell. Later capabilities colour the cells (ballots,
// inspection results, open cases) through Cell.Mark.
type BuildingView struct {
	Building Node
	Estate   Node
	Units    []Node
	Floors   []FloorRow // top floor first
	Total    int
	// Layer is the matter colouring the view (?layer=vote:12), if any;
	// LayerOptions are the layers that apply to this building.
	Layer        *Layer        `json:"layer,omitempty"`
	LayerOptions []LayerOption `json:"layer_options"`
}

// FloorRow is one floor across all units.
type FloorRow struct {
	Floor int
	Cells []Cell // one per unit, in unit order
}

// Cell holds the households of one unit on one floor.
type Cell struct {
	UnitID     int64
	Households []HouseholdBrief
}

// HouseholdBrief is a household in the building view.
type HouseholdBrief struct {
	ID        int64  `json:"id"`
	Room      string `json:"room"`
	Area      string `json:"area"`
	AreaCenti int64  `json:"area_centi"`
	Owners    string `json:"owners"`
	People    int    `json:"people"`
	Mark      string `json:"mark,omitempty"` // a CSS class set by the capability colouring the view
	Title     string `json:"title,omitempty"`
	Glyph     string `json:"glyph,omitempty"` // the mark's glyph (MarkGlyph)
	State     string `json:"state,omitempty"` // the mark's short text, shown in the cell (a catalogue key)
}

// Building returns the building view of a building the actor may read.
func (s *Service) Building(ctx context.Context, a *linli.Actor, buildingID int64) (BuildingView, error) {
	var v BuildingView
	b, err := s.node(ctx, s.DB, buildingID)
	if err != nil {
		return v, err
	}
	if !a.Can(linli.PermRegistryRead, b.Path) {
		return v, refused(a, b.Path, errNotFound("地点", "place"))
	}
	if b.Kind != KindBuilding {
		return v, linli.Errorf(linli.ENotFound, "不是楼栋 / not a building")
	}
	v.Building = b
	if v.Estate, err = s.node(ctx, s.DB, b.ParentID); err != nil {
		return v, err
	}
	col := map[int64]int{}
	maxFloor := b.Floors
	err = storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		u, err := scanNode(rows)
		if err != nil {
			return err
		}
		col[u.ID] = len(v.Units)
		v.Units = append(v.Units, u)
		if u.Floors > maxFloor {
			maxFloor = u.Floors
		}
		return nil
	}, `SELECT `+nodeColumns+` FROM nodes n WHERE n.parent_id = ? ORDER BY n.sort, n.id`, b.ID)
	if err != nil {
		return v, err
	}
	// One query for the households, one for their owners.
	hs, _, err := s.ListHouseholds(ctx, a, HouseholdFilter{NodeID: b.ID, Limit: 500})
	if err != nil {
		return v, err
	}
	minFloor := 1
	for _, h := range hs {
		if h.Floor > maxFloor {
			maxFloor = h.Floor
		}
		if h.Floor < minFloor {
			minFloor = h.Floor
		}
	}
	index := map[int]int{}
	for f := maxFloor; f >= minFloor; f-- {
		if f == 0 {
			continue
		}
		row := FloorRow{Floor: f, Cells: make([]Cell, len(v.Units))}
		for i, u := range v.Units {
			row.Cells[i].UnitID = u.ID
		}
		index[f] = len(v.Floors)
		v.Floors = append(v.Floors, row)
	}
	for _, h := range hs {
		c := &v.Floors[index[h.Floor]].Cells[col[h.UnitID]]
		c.Households = append(c.Households, HouseholdBrief{ID: h.ID, Room: h.Room, Area: h.Area, AreaCenti: h.AreaCenti, Owners: h.Owners(), People: len(h.Members)})
	}
	for _, r := range v.Floors {
		for _, c := range r.Cells {
			sort.Slice(c.Households, func(i, j int) bool { return c.Households[i].Room < c.Households[j].Room })
		}
	}
	v.Total = len(hs)
	return v, nil
}
