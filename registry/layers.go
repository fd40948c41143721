package registry

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"linli"
	"linli/web"
)

// A layer colours the building view for one matter: the ballots of a
// consent vote, which households a project's visitors have not reached
// yet. The capability owning the matter registers a [LayerSource] for its
// kind; the page asks for ?layer=kind:id and offers the layers that apply
// to the building.

// Mark classes a layer may give a household (styled in app.css: a
// saturated colour each, with the glyph of MarkGlyph in the cell, so the
// state reads without colour and without hovering).
const (
	MarkAgree     = "mark-agree"     // agreed / supports
	MarkDisagree  = "mark-disagree"  // disagreed / opposes
	MarkAbstain   = "mark-abstain"   // abstained
	MarkUndecided = "mark-undecided" // visited, has not made up its mind
	MarkNone      = "mark-none"      // no ballot yet / not visited
	MarkVisited   = "mark-visited"   // visited
	MarkAttention = "mark-attention" // needs attention (e.g. an open objection)
	// MarkOutside is set by the building view itself on the households a
	// layer does not mark: they are outside the matter (another unit's
	// vote), which is not the same as not having voted.
	MarkOutside = "mark-outside"
)

// markStyle is each class's glyph and the short Chinese text the cell
// shows when the layer gives none (catalogue keys: the page translates).
var markStyle = map[string]struct{ glyph, label string }{
	MarkAgree:     {"✓", "同意"},
	MarkDisagree:  {"✗", "反对"},
	MarkAbstain:   {"○", "弃权"},
	MarkUndecided: {"?", "未决定"},
	MarkNone:      {"…", "未投票"},
	MarkVisited:   {"●", "已走访"},
	MarkAttention: {"!", "待解决"},
	MarkOutside:   {"—", "范围外"},
}

// MarkGlyph is the glyph a cell of the class carries ("" for an unknown
// class).
func MarkGlyph(class string) string { return markStyle[class].glyph }

// HouseholdMark is how a layer shows one household.
type HouseholdMark struct {
	Class string `json:"class"`
	Title string `json:"title"` // hover text / screen-reader label
	// Label is the short state the cell shows in words (a catalogue key,
	// at most 3–4 characters: "同意", "未走访"); "" takes the class's.
	Label string `json:"label,omitempty"`
}

// LegendItem explains one mark class with its count.
type LegendItem struct {
	Class string `json:"class"`
	Label string `json:"label"`
	Count int    `json:"count"`
	Glyph string `json:"glyph"` // set by the building view (MarkGlyph)
}

// Layer is one matter's colouring of a building.
//
// The page shows the legend labels through the catalogue ({{t .Label}}):
// give short Chinese labels with an English entry in some capability's
// catalogue. Summary lines may be written "中文 / English"; the page shows
// the half for its language (SummaryIn).
type Layer struct {
	Key     string                  `json:"key"` // "vote:12"
	Title   string                  `json:"title"`
	URL     string                  `json:"url"`     // the matter's page
	Summary []string                `json:"summary"` // lines such as the live tally
	Legend  []LegendItem            `json:"legend"`
	Marks   map[int64]HouseholdMark `json:"-"` // by household id
	// Outside names, in the legend, the households of the building the
	// layer does not mark (a catalogue key; "" is "范围外", which their
	// cells say). A layer that marks no household at all (a reader who
	// may see only the counts) leaves every cell as it is.
	Outside string `json:"outside,omitempty"`
}

// SummaryIn returns the summary lines for a page in the language: of a
// line written "中文 / English", the English half for "en" and the Chinese
// half otherwise; a line without " / " as it is.
func (l Layer) SummaryIn(lang string) []string {
	out := make([]string, 0, len(l.Summary))
	for _, line := range l.Summary {
		out = append(out, web.InLanguage(line, lang))
	}
	return out
}

// LayerOption names a layer that applies to a building.
type LayerOption struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// LayerSource serves the layers of one kind of matter. Both methods check
// the actor's permissions; Layer returns a 404 for a matter the actor may
// not see.
type LayerSource interface {
	LayerOptions(ctx context.Context, a *linli.Actor, building Node) ([]LayerOption, error)
	Layer(ctx context.Context, a *linli.Actor, building Node, id int64) (Layer, error)
}

// RegisterLayer adds the layers of a kind ("vote", "visits"). Call it at
// start-up, before serving.
func (s *Service) RegisterLayer(kind string, src LayerSource) {
	if s.layers == nil {
		s.layers = map[string]LayerSource{}
	}
	s.layers[kind] = src
}

// layerOptions lists every layer applying to the building, by kind.
func (s *Service) layerOptions(ctx context.Context, a *linli.Actor, b Node) ([]LayerOption, error) {
	kinds := make([]string, 0, len(s.layers))
	for k := range s.layers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	out := []LayerOption{} // [] in JSON when no layer applies, not null
	for _, k := range kinds {
		opts, err := s.layers[k].LayerOptions(ctx, a, b)
		if err != nil {
			return nil, err
		}
		out = append(out, opts...)
	}
	return out, nil
}

// applyLayer colours v with the layer named by key ("kind:id").
func (s *Service) applyLayer(ctx context.Context, a *linli.Actor, v *BuildingView, key string) error {
	kind, idText, _ := strings.Cut(key, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	src := s.layers[kind]
	if err != nil || src == nil || id <= 0 {
		e := linli.Errorf(linli.EBadRequest, "没有这个图层 / no such layer: %q", key)
		e.Fields = []linli.FieldError{{Field: "layer", Reason: "unknown layer"}}
		return e
	}
	l, err := src.Layer(ctx, a, v.Building, id)
	if err != nil {
		return err
	}
	if l.Key == "" {
		l.Key = fmt.Sprintf("%s:%d", kind, id)
	}
	if l.Summary == nil {
		l.Summary = []string{}
	}
	if l.Legend == nil {
		l.Legend = []LegendItem{}
	}
	markLayer(v, &l)
	v.Layer = &l
	return nil
}

// markLayer puts the layer's marks in the cells, each with its glyph and
// short text; households the layer leaves out are marked MarkOutside and
// counted in the legend.
func markLayer(v *BuildingView, l *Layer) {
	outside := 0
	label := func(m HouseholdMark) string {
		if m.Label != "" {
			return m.Label
		}
		return markStyle[m.Class].label
	}
	for fi := range v.Floors {
		for ci := range v.Floors[fi].Cells {
			hs := v.Floors[fi].Cells[ci].Households
			for hi := range hs {
				m, ok := l.Marks[hs[hi].ID]
				if !ok {
					if len(l.Marks) == 0 {
						continue
					}
					outside++
					m = HouseholdMark{Class: MarkOutside}
				}
				hs[hi].Mark, hs[hi].Title, hs[hi].Glyph, hs[hi].State = m.Class, m.Title, MarkGlyph(m.Class), label(m)
			}
		}
	}
	if outside > 0 {
		l.Legend = append(l.Legend, LegendItem{Class: MarkOutside, Label: label(HouseholdMark{Class: MarkOutside, Label: l.Outside}), Count: outside})
		// The cells say "范围外" (short); the legend says what the layer
		// calls it ("不在本次表决范围").
	}
	for i := range l.Legend {
		l.Legend[i].Glyph = MarkGlyph(l.Legend[i].Class)
	}
}

// BuildingWithLayer is Building coloured by the layer key ("" for none),
// with the layers that apply to the building.
func (s *Service) BuildingWithLayer(ctx context.Context, a *linli.Actor, buildingID int64, key string) (BuildingView, error) {
	v, err := s.Building(ctx, a, buildingID)
	if err != nil {
		return v, err
	}
	if v.LayerOptions, err = s.layerOptions(ctx, a, v.Building); err != nil {
		return v, err
	}
	if key != "" {
		if err := s.applyLayer(ctx, a, &v, key); err != nil {
			return v, err
		}
	}
	return v, nil
}
