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
