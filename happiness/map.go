package happiness

import (
	"context"

	"linli/geomap"
	"linli/links"
)

// casesMap puts the list's resolved cases that have a map point on the
// community's grid and estate boundaries: each pin is titled with the
// approved, scrubbed public title and nothing else (no number, no
// reporter, no room), at a point rounded to about 10 m. Nil when no case
// has a point.
func (s *Service) casesMap(ctx context.Context, l List) (*geomap.Map, error) {
	var pins []geomap.Pin
	for _, e := range l.Entries {
		if e.Kind == links.KindCase && e.Where != nil {
			pins = append(pins, geomap.Pin{Point: *e.Where, Title: e.Title, Class: "done"})
		}
	}
	if len(pins) == 0 {
		return nil, nil
	}
	c, _, err := s.community(ctx, l.CommunityID)
	if err != nil {
		return nil, err
	}
	found, err := s.registry.Outlines(ctx, s.db, c.Path)
	if err != nil {
		return nil, err
	}
	var outs []geomap.Outline
	for _, o := range found {
		outs = append(outs, geomap.Outline{Kind: string(o.Kind), Name: o.Name, GeoJSON: o.Boundary})
	}
	return geomap.New(geomap.Spec{Outlines: outs, Pins: pins, Tiles: s.tiles}), nil
}
