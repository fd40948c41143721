package registry

import (
	"strings"
	"testing"

	"linli"
)

func TestNodeInputValidate(t *testing.T) {
	street := Node{ID: 3, Kind: KindStreet, Code: "140802003000"}
	district := Node{ID: 2, Kind: KindDistrict, Code: "140802000000"}
	estate := Node{ID: 6, Kind: KindEstate}
	square := `{"type":"Polygon","coordinates":[[[111,35],[111.01,35],[111.01,35.01],[111,35]]]}`
	tests := []struct {
		name   string
		parent Node
		in     NodeInput
		field  string // "" means valid
	}{
		{"community ok", street, NodeInput{Kind: KindCommunity, Name: "学苑社区", Code: "140802003001"}, ""},
		{"community needs code", street, NodeInput{Kind: KindCommunity, Name: "学苑社区"}, "code"},
		{"community code 11 digits", street, NodeInput{Kind: KindCommunity, Name: "x", Code: "14080200300"}, "code"},
		{"community code other street", street, NodeInput{Kind: KindCommunity, Name: "x", Code: "140802004001"}, "code"},
		{"street code other county", district, NodeInput{Kind: KindStreet, Name: "x", Code: "140803003000"}, "code"},
		{"wrong level", street, NodeInput{Kind: KindGrid, Name: "第一网格"}, "kind"},
		{"root must be city", Node{}, NodeInput{Kind: KindDistrict, Name: "盐湖区"}, "parent_id"},
		{"name required", estate, NodeInput{Kind: KindBuilding, Name: "  ", Floors: 6}, "name"},
		{"building floors", estate, NodeInput{Kind: KindBuilding, Name: "1号楼"}, "floors"},
		{"building ok", estate, NodeInput{Kind: KindBuilding, Name: "1号楼", Floors: 6, BuiltYear: 2005}, ""},
		{"built in the future", estate, NodeInput{Kind: KindBuilding, Name: "1号楼", Floors: 6, BuiltYear: 2099}, "built_year"},
		{"grid boundary ok", Node{ID: 4, Kind: KindCommunity}, NodeInput{Kind: KindGrid, Name: "第一网格", Boundary: square}, ""},
		{"grid boundary open ring", Node{ID: 4, Kind: KindCommunity}, NodeInput{Kind: KindGrid, Name: "g", Boundary: `{"type":"Polygon","coordinates":[[[111,35],[111.01,35],[111.01,35.01],[111,35.02]]]}`}, "boundary"},
		{"grid boundary not json", Node{ID: 4, Kind: KindCommunity}, NodeInput{Kind: KindGrid, Name: "g", Boundary: "polygon"}, "boundary"},
	}
	for _, tt := range tests {
		err := tt.in.validate(tt.parent, 2026)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: unexpected %v", tt.name, linli.ErrorFields(err))
			}
			continue
		}
		found := false
		for _, f := range linli.ErrorFields(err) {
			if f.Field == tt.field {
				found = true
				if !strings.Contains(f.Reason, " / ") {
					t.Errorf("%s: reason %q is not bilingual", tt.name, f.Reason)
				}
			}
		}
		if !found {
			t.Errorf("%s: want an error on %q, got %v", tt.name, tt.field, err)
		}
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":        "138****5678",
		"0359-2345678":       "035*****5678",
		"14080219800101001X": "140***********001X",
		"123":                "***",
	} {
		got := MaskPhone(in)
		if strings.Contains(in, "X") {
			got = MaskID(in)
		}
		if got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}
