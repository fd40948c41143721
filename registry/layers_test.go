package registry_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"linli"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

// ballotLayer colours the first household as agreeing; it refuses the
// matter 2 as the capability would for a matter out of the actor's scope.
type ballotLayer struct{ first int64 }

func (l ballotLayer) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	return []registry.LayerOption{{Key: "vote:1", Title: "3单元加装电梯表决"}}, nil
}

func (l ballotLayer) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	if id != 1 {
		return registry.Layer{}, linli.Errorf(linli.ENotFound, "没有这次表决 / no such vote")
	}
	return registry.Layer{Title: "3单元加装电梯表决", Summary: []string{"还差1户"},
		Legend: []registry.LegendItem{{Class: registry.MarkAgree, Label: "同意", Count: 1}},
		Marks:  map[int64]registry.HouseholdMark{l.first: {Class: registry.MarkAgree, Title: "101 同意"}}}, nil
}

// countsLayer gives counts and no marks.
type countsLayer struct{}

func (countsLayer) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	return nil, nil
}

func (countsLayer) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	return registry.Layer{Title: "计数", Legend: []registry.LegendItem{{Class: registry.MarkAgree, Label: "同意", Count: 3}}}, nil
}

func TestBuildingLayerColoursHouseholds(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx, sys := context.Background(), linli.System()
		svc := registry.New(db, nil)
		_, estate := benchPlaces(t, svc)
		b, u := buildingUnit(t, svc, estate.ID, "1号楼", "3单元")
		var ids []int64
		for _, room := range []string{"101", "102"} {
			h, err := svc.CreateHousehold(ctx, sys, registry.HouseholdInput{UnitID: u.ID, Floor: 1, Room: room, Area: registry.Decimal("87.66")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, h.ID)
		}
		svc.RegisterLayer("vote", ballotLayer{first: ids[0]})

		v, err := svc.BuildingWithLayer(ctx, sys, b.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if v.Layer != nil || len(v.LayerOptions) != 1 || v.LayerOptions[0].Key != "vote:1" {
			t.Fatalf("no layer asked: layer %v, options %v", v.Layer, v.LayerOptions)
		}
		v, err = svc.BuildingWithLayer(ctx, sys, b.ID, "vote:1")
		if err != nil {
			t.Fatal(err)
		}
		marks := map[int64]string{}
		for _, f := range v.Floors {
			for _, c := range f.Cells {
				for _, h := range c.Households {
					marks[h.ID] = h.Mark
				}
			}
		}
		// The household the layer leaves out is outside its matter, said
		// in the cell and counted in the legend, not left looking like a
		// household that has not voted.
		if marks[ids[0]] != registry.MarkAgree || marks[ids[1]] != registry.MarkOutside || v.Layer == nil || v.Layer.Key != "vote:1" {
			t.Errorf("marks %v, layer %+v; want %d agreeing, %d outside", marks, v.Layer, ids[0], ids[1])
		}
		if n := len(v.Layer.Legend); n != 2 || v.Layer.Legend[1].Class != registry.MarkOutside || v.Layer.Legend[1].Count != 1 || v.Layer.Legend[0].Glyph != "✓" {
			t.Errorf("legend %+v, want agree ✓ 1 and outside 1", v.Layer.Legend)
		}
		// A layer that marks nobody (a reader who may see the counts only)
		// leaves the cells as they are.
		svc.RegisterLayer("counts", countsLayer{})
		if v, err = svc.BuildingWithLayer(ctx, sys, b.ID, "counts:1"); err != nil {
			t.Fatal(err)
		}
		for _, f := range v.Floors {
			for _, c := range f.Cells {
				for _, h := range c.Households {
					if h.Mark != "" {
						t.Errorf("a counts-only layer marked %s %q", h.Room, h.Mark)
					}
				}
			}
		}
		for key, code := range map[string]string{"vote:2": linli.ENotFound, "poll:1": linli.EBadRequest, "vote:x": linli.EBadRequest, "vote": linli.EBadRequest} {
			if _, err := svc.BuildingWithLayer(ctx, sys, b.ID, key); linli.ErrorCode(err) != code {
				t.Errorf("layer %q: %v, want %s", key, err, code)
			}
		}
	})
}

// bareLayer gives a layer with neither summary nor legend.
type bareLayer struct{}

func (bareLayer) LayerOptions(ctx context.Context, a *linli.Actor, b registry.Node) ([]registry.LayerOption, error) {
	return nil, nil
}

func (bareLayer) Layer(ctx context.Context, a *linli.Actor, b registry.Node, id int64) (registry.Layer, error) {
	return registry.Layer{Title: "空图层"}, nil
}

func TestBuildingLayerEmptyListsAreArrays(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx, sys := context.Background(), linli.System()
		svc := registry.New(db, nil)
		_, estate := benchPlaces(t, svc)
		b, err := svc.CreateNode(ctx, sys, registry.NodeInput{Kind: registry.KindBuilding, Name: "2号楼", ParentID: estate.ID, Floors: 6})
		if err != nil {
			t.Fatal(err)
		}
		// No layer kinds registered at all, then one offering nothing.
		for _, register := range []bool{false, true} {
			if register {
				svc.RegisterLayer("bare", bareLayer{})
			}
			v, err := svc.BuildingWithLayer(ctx, sys, b.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			js, _ := json.Marshal(v)
			if !strings.Contains(string(js), `"layer_options":[]`) {
				t.Errorf("registered %v: %s, want layer_options []", register, js)
			}
		}
		v, err := svc.BuildingWithLayer(ctx, sys, b.ID, "bare:1")
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(v.Layer)
		if !strings.Contains(string(js), `"summary":[]`) || !strings.Contains(string(js), `"legend":[]`) {
			t.Errorf("layer %s, want summary and legend []", js)
		}
	})
}

func TestBuildingLayerSummaryInTheLanguage(t *testing.T) {
	l := registry.Layer{Summary: []string{"已走访 3/96 户，未走访 93 户 / 3 of 96 households visited, 93 not yet", "还差1户", "参与 ≥2/3 / participation ≥ 2/3"}}
	for lang, want := range map[string][]string{
		"zh": {"已走访 3/96 户，未走访 93 户", "还差1户", "参与 ≥2/3"},
		"en": {"3 of 96 households visited, 93 not yet", "还差1户", "participation ≥ 2/3"},
	} {
		if got := l.SummaryIn(lang); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := web.InLanguage("楼道 / 电梯 / stairs and lifts", "zh"); got != "楼道 / 电梯" {
		t.Errorf("the last ' / ' divides: %q", got)
	}
}

// buildingUnit creates a six-storey building under estate and one unit in it.
func buildingUnit(t *testing.T, svc *registry.Service, estate int64, building, unit string) (registry.Node, registry.Node) {
	t.Helper()
	ctx, sys := context.Background(), linli.System()
	b, err := svc.CreateNode(ctx, sys, registry.NodeInput{Kind: registry.KindBuilding, Name: building, ParentID: estate, Floors: 6})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateNode(ctx, sys, registry.NodeInput{Kind: registry.KindUnit, Name: unit, ParentID: b.ID, Floors: 6})
	if err != nil {
		t.Fatal(err)
	}
	return b, u
}
