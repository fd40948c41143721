package registry

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"

	"linli"
	"linli/storage"
	"linli/web"
)

// The place picker (web/static/picker.js): forms no longer ask for a
// place's database id; they offer a cascade — estate → building → unit →
// household — read level by level from GET /api/places/pick.

// placeOnLine reports whether a node lies within one of the actor's
// grants, of any role: a volunteer or a contractor picks places of its
// own scope, by name, like staff. Names of places are no personal data;
// households are (see PickPlaces).
func placeOnLine(a *linli.Actor, path string) bool {
	for _, g := range a.Grants {
		if linli.Within(path, g.NodePath) {
			return true
		}
	}
	return false
}

// PickPlaces returns the choices below a node for the place cascade: its
// child places, or for a unit its households. parentID 0 gives the
// actor's top places (the nodes of its grants, nested ones left out). A
// node outside the actor's grants is a 404, as if it did not exist.
// Households are listed only where the actor reads the register (a
// resident sees its own household only): their rooms, not their people.
func (s *Service) PickPlaces(ctx context.Context, a *linli.Actor, parentID int64) ([]web.Choice, error) {
	if a == nil {
		return nil, errForbidden()
	}
	if parentID == 0 {
		var out []web.Choice
		seen := map[int64]bool{}
		for _, g := range a.Grants {
			nested := false
			for _, o := range a.Grants {
				if o.NodePath != g.NodePath && linli.Within(g.NodePath, o.NodePath) {
					nested = true
				}
			}
			if nested || seen[g.NodeID] || g.NodeID == 0 {
				continue
			}
			seen[g.NodeID] = true
			n, err := s.node(ctx, s.DB, g.NodeID)
			if err != nil {
				return nil, err
			}
			out = append(out, web.Choice{ID: n.ID, Label: n.Name, Kind: string(n.Kind)})
		}
		if len(out) == 0 && len(a.Grants) > 0 { // the system actor: every root
			ns, err := s.topNodes(ctx)
			if err != nil {
				return nil, err
			}
			for _, n := range ns {
				out = append(out, web.Choice{ID: n.ID, Label: n.Name, Kind: string(n.Kind)})
			}
		}
		return out, nil
	}
	p, err := s.node(ctx, s.DB, parentID)
	if err != nil {
		return nil, err
	}
	if !placeOnLine(a, p.Path) {
		return nil, errNotFound("地点", "place")
	}
	if p.Kind == KindUnit {
		var out []web.Choice
		err := storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
			c := web.Choice{Kind: "household"}
			var path string
			if err := rows.Scan(&c.ID, &c.Label, &path); err != nil {
				return err
			}
			if a.CanHousehold(linli.PermRegistryRead, path, c.ID) {
				out = append(out, c)
			}
			return nil
		}, `SELECT id, room, path FROM households WHERE unit_id = ? ORDER BY floor, room`, p.ID)
		return out, err
	}
	ns, err := queryNodes(ctx, s.DB, `SELECT `+lightColumns+` FROM nodes n WHERE n.parent_id = ? ORDER BY n.sort, n.id`, p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]web.Choice, 0, len(ns))
	for _, n := range ns {
		out = append(out, web.Choice{ID: n.ID, Label: n.Name, Kind: string(n.Kind)})
	}
	return out, nil
}

// PlaceChoicesIn lists, for a form without its script, the places below
// the scopes (community down to unit), each named with its parents below
// the grid ("荟萃花园南区 1号楼 3单元"), at most limit per scope.
func (s *Service) PlaceChoicesIn(ctx context.Context, scopes []string, limit int) ([]web.Choice, error) {
	ns, err := s.PlacesIn(ctx, scopes, limit, KindCommunity, KindGrid, KindEstate, KindBuilding, KindUnit)
	if err != nil {
		return nil, err
	}
	named := map[int64]string{}
	out := make([]web.Choice, 0, len(ns))
	for _, n := range ns {
		label := n.Name
		if p := named[n.ParentID]; p != "" {
			label = p + " " + n.Name
		}
		if n.Kind != KindCommunity && n.Kind != KindGrid { // estates are named without their grid
			named[n.ID] = label
		}
		out = append(out, web.Choice{ID: n.ID, Label: label, Kind: string(n.Kind)})
	}
	return out, nil
}

func (s *Service) apiPickPlaces(w http.ResponseWriter, r *http.Request) error {
	parent, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64)
	if r.URL.Query().Get("parent") == "" {
		parent, err = 0, nil
	}
	if err != nil || parent < 0 {
		return linli.Invalid("parent 应为地点编号 / parent must be a place id", linli.FieldError{Field: "parent", Reason: "应为非负整数 / must be a non-negative integer"})
	}
	cs, err := s.PickPlaces(r.Context(), web.ActorFrom(r.Context()), parent)
	if err != nil {
		return err
	}
	web.WriteChoices(w, cs)
	return nil
}
