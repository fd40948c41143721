package registry

import "testing"

// The labels are read for every row of a listing; they are a switch rather
// than a map literal built (and hashed) on each call, and say the same as
// the map did.
func TestLabels(t *testing.T) {
	want := map[Kind][2]string{
		KindCity: {"市", "City"}, KindDistrict: {"区县", "District/county"}, KindStreet: {"街道", "Street"},
		KindCommunity: {"社区", "Community"}, KindGrid: {"网格", "Grid"}, KindEstate: {"小区", "Estate"},
		KindBuilding: {"楼栋", "Building"}, KindUnit: {"单元", "Unit"}, Kind("moon"): {"", ""},
	}
	for k, w := range want {
		if k.Label() != w[0] || k.LabelEN() != w[1] {
			t.Errorf("%s: %q %q, want %q %q", k, k.Label(), k.LabelEN(), w[0], w[1])
		}
	}
	rel := map[string]string{RelOwner: "业主", RelFamily: "家属", RelTenant: "租户", RelOther: "其他", "x": ""}
	for r, w := range rel {
		if got := RelationLabel(r); got != w {
			t.Errorf("RelationLabel(%s) = %q, want %q", r, got, w)
		}
	}
}

// A layer's title and its cells' texts read in English: the words around
// the matter's title translated, the title as written.
func TestLayerTextInEnglish(t *testing.T) {
	cat := map[string]string{"表决": "Vote", "走访": "Visit", "同意": "Agree", "支持": "Support"}
	tr := func(s string) string {
		if e, ok := cat[s]; ok {
			return e
		}
		return s
	}
	for _, c := range []struct{ in, want string }{
		{"表决：1单元加装电梯（1号楼1单元）", "Vote: 1单元加装电梯（1号楼1单元）"},
		{"走访：加装电梯", "Visit: 加装电梯"},
		{"1单元101：同意", "1单元101: Agree"},
		{"2025-05-12 走访：支持", "2025-05-12 Visit: Support"},
		{"2025年3月5日 走访：支持", "2025-03-05 Visit: Support"},
		{"全部单元表决（8个单元，各单元最近一次）", "All unit votes (8 units, the latest vote of each)"},
	} {
		if got := layerText(c.in, "en", tr); got != c.want {
			t.Errorf("layerText(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := layerText(c.in, "zh", tr); got != c.in {
			t.Errorf("Chinese layerText(%q) = %q", c.in, got)
		}
	}
}
