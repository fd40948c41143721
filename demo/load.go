package demo

import (
	"context"
	"fmt"

	"linli"
	"linli/auth"
	"linli/registry"
	"linli/registry/ledger"
)

// Loaded tells what Load created.
type Loaded struct {
	Nodes, Households, Accounts int
}

// Load writes the dataset through the services, as the system actor, so
// the demo has the same audit trail as data entered by hand: places one
// by one, each community's households as one ledger import, then the
// accounts and their roles.
func Load(ctx context.Context, reg *registry.Service, au *auth.Service, d Dataset) (Loaded, error) {
	var out Loaded
	sys := linli.System()
	var walk func(p Place, parentID int64, community int64, hs *[]ledger.Household, estate, building string) error
	walk = func(p Place, parentID int64, community int64, hs *[]ledger.Household, estate, building string) error {
		n, err := reg.CreateNode(ctx, sys, registry.NodeInput{ParentID: parentID, Kind: registry.Kind(p.Kind), Name: p.Name, Code: p.Code,
			Floors: p.Floors, BuiltYear: p.BuiltYear, Address: p.Address, PropertyCompany: p.PropertyCompany, Boundary: p.Boundary, Abbr: p.Abbr})
		if err != nil {
			return fmt.Errorf("%s %s: %w", p.Kind, p.Name, err)
		}
		out.Nodes++
		switch p.Kind {
		case "community":
			var list []ledger.Household
			for _, c := range p.Children {
				if err := walk(c, n.ID, n.ID, &list, "", ""); err != nil {
					return err
				}
			}
			if len(list) == 0 {
				return nil
			}
			res, err := reg.Import(ctx, sys, n.ID, list)
			if err != nil {
				return fmt.Errorf("import %s: %w %v", p.Name, err, linli.ErrorFields(err))
			}
			out.Households += res.Households
			return nil
		case "estate":
			estate = p.Name
		case "building":
			building = p.Name
		case "unit":
			for i, h := range p.Households {
				lh := ledger.Household{Row: i + 2, Estate: estate, Building: building, Unit: p.Name, Floor: h.Floor, Room: h.Room, AreaCenti: h.AreaCenti}
				for _, m := range h.Members {
					lh.Members = append(lh.Members, ledger.Member{Name: m.Name, Relation: m.Relation, Phone: m.Phone, IDNumber: m.IDNumber, IsOwner: m.IsOwner})
				}
				*hs = append(*hs, lh)
			}
		}
		for _, c := range p.Children {
			if err := walk(c, n.ID, community, hs, estate, building); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range d.Roots {
		if err := walk(r, 0, 0, nil, "", ""); err != nil {
			return out, err
		}
	}
	for _, a := range d.Accounts {
		acc, err := au.CreateAccount(ctx, sys, auth.AccountInput{Username: a.Username, Phone: a.Phone, DisplayName: a.DisplayName, Password: a.Password})
		if err != nil {
			return out, fmt.Errorf("account %s: %w %v", a.Username, err, linli.ErrorFields(err))
		}
		node, err := reg.FindNode(ctx, a.Place)
		if err != nil {
			return out, fmt.Errorf("account %s: %w", a.Username, err)
		}
		g := auth.GrantInput{Role: linli.Role(a.Role), NodeID: node.ID}
		if a.Room != "" {
			hid, err := reg.HouseholdByRoom(ctx, node.ID, a.Room)
			if err != nil {
				return out, fmt.Errorf("account %s: %w", a.Username, err)
			}
			g.HouseholdID = hid
		}
		if _, err := au.Grant(ctx, sys, acc.ID, g); err != nil {
			return out, fmt.Errorf("grant %s: %w", a.Username, err)
		}
		out.Accounts++
	}
	return out, nil
}
