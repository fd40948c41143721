package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// County codes (first 6 digits of the statistical division code).
const (
	codeYanhu = "140802" // 运城市盐湖区
	codeHejin = "140882" // 河津市
	codeLinyi = "141023" // 临猗县
)

// Build returns the demo dataset. Every call returns the same values.
func Build() Dataset {
	p := newPeople()
	city := Place{Kind: kindCity, Name: "运城市", Code: "140800000000", Children: []Place{
		yanhu(p), hejin(p), linyi(p),
	}}
	roots := []Place{city}
	return Dataset{Roots: roots, Accounts: accounts(roots)}
}

// layout describes one building to generate.
type layout struct {
	name             string
	floors, units    int
	perFloor         int
	minArea, maxArea int64 // centi-m², inclusive
}

// estate generates an estate whose households are drawn from the estate's
// own random stream. area is the county code put into owners' ID numbers.
func estate(p *people, area string, e Place, built int, bs ...layout) Place {
	r := streamFor(e.Name)
	e.Kind = kindEstate
	for _, l := range bs {
		e.Children = append(e.Children, building(p, r, area, built, l))
	}
	return e
}

// building generates a building of identical units. Flats in the same stack
// (same unit, same position on the landing) share a floor plan and so an area;
// the positions of one landing differ.
func building(p *people, r *rand.Rand, area string, built int, l layout) Place {
	b := Place{Kind: kindBuilding, Name: l.name, Floors: l.floors, BuiltYear: built}
	for u := 1; u <= l.units; u++ {
		sizes := stackAreas(r, l)
		unit := Place{Kind: kindUnit, Name: fmt.Sprintf("%d单元", u), Floors: l.floors, BuiltYear: built}
		for f := 1; f <= l.floors; f++ {
			for s := 1; s <= l.perFloor; s++ {
				unit.Households = append(unit.Households, Household{
					Floor:     f,
					Room:      room(f, s),
					AreaCenti: sizes[s-1],
					Members:   p.householdMembers(r, area),
				})
			}
		}
		b.Children = append(b.Children, unit)
	}
	return b
}

// stackAreas draws one area per position on the landing, all different.
func stackAreas(r *rand.Rand, l layout) []int64 {
	sizes := make([]int64, 0, l.perFloor)
	seen := map[int64]bool{}
	for len(sizes) < l.perFloor {
		a := l.minArea + r.Int64N(l.maxArea-l.minArea+1)
		if !seen[a] {
			seen[a] = true
			sizes = append(sizes, a)
		}
	}
	return sizes
}

// gridBox is a small rectangle as a GeoJSON Polygon (lon, lat; closed ring,
// counter-clockwise as RFC 7946 asks for exterior rings).
func gridBox(lon, lat, dLon, dLat float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}`,
		lon, lat, lon+dLon, lat, lon+dLon, lat+dLat, lon, lat+dLat, lon, lat)
}

// ownerOccupied drops any tenants drawn for the given rooms: the story needs
// their owners living there (an account is bound to them, or they are the
// parties of a dispute).
func ownerOccupied(e *Place, building, unit string, rooms ...string) {
	u := find(e.Children, []string{building, unit})
	for i := range u.Households {
		h := &u.Households[i]
		if !slices.Contains(rooms, h.Room) {
			continue
		}
		h.Members = slices.DeleteFunc(h.Members, func(m Member) bool { return m.Relation == "tenant" })
	}
}
