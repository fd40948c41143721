package happiness

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"strings"

	"linli"
	"linli/attach"
	"linli/cases"
	"linli/geomap"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// List is a community's happiness list.
type List struct {
	CommunityID int64   `json:"community_id"`
	Community   string  `json:"community"` // e.g. "学苑社区"
	Area        string  `json:"area"`      // the district and street: "盐湖区 东城街道"
	Entries     []Entry `json:"entries"`   // most recently done first
	Rated       int     `json:"rated"`
	Satisfied   int     `json:"satisfied"`
}

// Community is a community on the index of happiness lists.
type Community struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Area    string `json:"area"`
	Entries int    `json:"entries"`
}

func errNoCommunity() error {
	return linli.Errorf(linli.ENotFound, "社区不存在 / community not found")
}

// community loads a community node and names its district and street.
func (s *Service) community(ctx context.Context, id int64) (registry.Node, string, error) {
	line, err := s.registry.Lineage(ctx, s.db, id)
	if err != nil || len(line) == 0 || line[len(line)-1].Kind != registry.KindCommunity {
		if err == nil || linli.ErrorCode(err) == linli.ENotFound {
			err = errNoCommunity()
		}
		return registry.Node{}, "", err
	}
	var area []string
	for _, n := range line {
		if n.Kind == registry.KindDistrict || n.Kind == registry.KindStreet {
			area = append(area, n.Name)
		}
	}
	return line[len(line)-1], strings.Join(area, " "), nil
}

// List returns a community's happiness list: the completed projects (from
// the projects capability) and the closed public cases, with their photos,
// satisfaction and thanks. It needs no actor: everything in it is public,
// and nothing in it names a resident.
func (s *Service) List(ctx context.Context, communityID int64) (List, error) {
	c, area, err := s.community(ctx, communityID)
	if err != nil {
		return List{}, err
	}
	l := List{CommunityID: c.ID, Community: c.Name, Area: area, Entries: []Entry{}}
	thanks, err := s.thanks(ctx, c.ID)
	if err != nil {
		return l, err
	}
	for _, src := range s.sources {
		es, err := src.HappinessEntries(ctx, c.ID)
		if err != nil {
			return l, err
		}
		for _, e := range es {
			e.Thanks = append(e.Thanks, thanks[links.Ref{Kind: e.Kind, ID: e.ID}]...)
			l.Entries = append(l.Entries, e)
		}
	}
	cs, err := s.caseEntries(ctx, c.ID)
	if err != nil {
		return l, err
	}
	for _, e := range cs {
		e.Thanks = thanks[links.Ref{Kind: links.KindCase, ID: e.ID}]
		l.Entries = append(l.Entries, e)
	}
	for i := range l.Entries {
		e := &l.Entries[i]
		scrubEntry(e)
		if e.Photos == nil {
			e.Photos = []Photo{}
		}
		if e.Thanks == nil {
			e.Thanks = []Thanks{}
		}
		sort.SliceStable(e.Thanks, func(a, b int) bool { return e.Thanks[a].At.Before(e.Thanks[b].At) })
		l.Rated += e.Rated
		l.Satisfied += e.Satisfied
	}
	// Completed projects lead the list, then settled mediations, then the
	// residents' resolved reports; newest first within each.
	rank := map[string]int{links.KindProject: 0, links.KindDispute: 1, links.KindCase: 2}
	sort.SliceStable(l.Entries, func(i, j int) bool {
		a, b := l.Entries[i], l.Entries[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		return a.DoneAt.After(b.DoneAt)
	})
	return l, nil
}

// scrubEntry passes every free text of an entry through Scrub, whichever
// capability supplied it: the list is public, and one rule applied in one
// place cannot be forgotten by the next source.
func scrubEntry(e *Entry) {
	e.Title, e.Summary = Scrub(e.Title), Scrub(e.Summary)
	for i := range e.Photos {
		e.Photos[i].Caption = Scrub(e.Photos[i].Caption)
	}
	for i := range e.Thanks {
		e.Thanks[i].From, e.Thanks[i].Text = Scrub(e.Thanks[i].From), Scrub(e.Thanks[i].Text)
	}
}

// maxCases bounds the cases one list shows.
const maxCases = 200

// caseEntries are the community's listed cases (listedCase). A case shows
// the title and summary staff approved (approve.go), its place at
// building level, the rating of its reporter and its photos: those sent
// with the report (before) and with the result (after).
func (s *Service) caseEntries(ctx context.Context, communityID int64) ([]Entry, error) {
	listed, err := s.cases.ListedCases(ctx, s.db, communityID, maxCases)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(listed))
	for _, c := range listed {
		e := Entry{ID: c.ID, Kind: links.KindCase, Title: c.PubTitle, Summary: c.PubSummary, DoneAt: c.ClosedAt}
		if c.Lat != 0 || c.Lon != 0 {
			e.Where = &geomap.Point{Lon: math.Round(c.Lon*1e4) / 1e4, Lat: math.Round(c.Lat*1e4) / 1e4}
		}
		var err error
		if e.Place, err = s.place(ctx, c.LocationID); err != nil {
			return nil, err
		}
		if c.Rating != "" {
			e.Rated = 1
			if c.Rating == cases.Satisfied || c.Rating == cases.Basic {
				e.Satisfied = 1
			}
		}
		as, err := attach.List(ctx, s.db, "case", e.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if !a.IsImage() {
				continue
			}
			p := Photo{AttachmentID: a.ID, Stage: "before", Caption: "办理前"}
			if h := storage.Millis(c.HandledAt); h != 0 && storage.Millis(a.CreatedAt) >= h {
				p.Stage, p.Caption = "after", "办理后"
			}
			e.Photos = append(e.Photos, p)
		}
		out = append(out, e)
	}
	return out, nil
}

// place names a location at building level at most: "荟萃花园南区 1号楼"
// for a unit or a household's unit, the estate or community otherwise.
func (s *Service) place(ctx context.Context, locationID int64) (string, error) {
	line, err := s.registry.Lineage(ctx, s.db, locationID)
	if err != nil {
		return "", err
	}
	var estate, building, other string
	for _, n := range line {
		switch n.Kind {
		case registry.KindEstate:
			estate = n.Name
		case registry.KindBuilding:
			building = n.Name
		case registry.KindCommunity, registry.KindGrid:
			other = n.Name
		}
	}
	switch {
	case estate != "" && building != "":
		return estate + " " + building, nil
	case estate != "":
		return estate, nil
	}
	return other, nil
}

// thanks loads the thanks recorded for a community, by subject.
func (s *Service) thanks(ctx context.Context, communityID int64) (map[links.Ref][]Thanks, error) {
	out := map[links.Ref][]Thanks{}
	err := storage.Each(ctx, s.db, func(rows *sql.Rows) error {
		var r links.Ref
		var t Thanks
		var at int64
		if err := rows.Scan(&r.Kind, &r.ID, &t.Kind, &t.From, &t.Text, &at); err != nil {
			return err
		}
		t.At = storage.FromMillis(at)
		out[r] = append(out[r], t)
		return nil
	}, `SELECT subject_kind, subject_id, kind, from_name, text, at FROM thanks WHERE community_id = ? ORDER BY at, id`, communityID)
	return out, err
}

// Communities lists the communities whose happiness list has entries, in
// tree order.
func (s *Service) Communities(ctx context.Context) ([]Community, error) {
	counts, err := s.cases.ListedCounts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	for id, n := range counts {
		counts[id] = min(n, maxCases)
	}
	communities, err := s.registry.NodesUnder(ctx, s.db, "/", registry.KindCommunity)
	if err != nil {
		return nil, err
	}
	for _, src := range s.sources {
		m, err := src.HappinessCounts(ctx)
		if err != nil {
			return nil, err
		}
		for id, n := range m {
			counts[id] += n
		}
	}
	out := []Community{}
	for _, cn := range communities {
		id := cn.ID
		n := counts[id]
		if n == 0 {
			continue
		}
		c, area, err := s.community(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, Community{ID: c.ID, Name: c.Name, Area: area, Entries: n})
	}
	return out, nil
}

// hasPhoto reports whether the attachment is a photo of an entry on the
// community's list now.
func (s *Service) hasPhoto(ctx context.Context, communityID, attachmentID int64) (bool, error) {
	l, err := s.List(ctx, communityID)
	if err != nil {
		return false, err
	}
	for _, e := range l.Entries {
		for _, p := range e.Photos {
			if p.AttachmentID == attachmentID {
				return true, nil
			}
		}
	}
	return false, nil
}
