package registry

import (
	"testing"

	"linli/web/webtest"
)

// FuzzRegistryInputs: the JSON bodies of the register's API (places with
// their GeoJSON boundaries, households with their decimal area, members)
// decode or are refused with a 400 naming the field; each type's rules,
// under several parents, refuse with a 422 naming the field and are stable
// on their own output.
func FuzzRegistryInputs(f *testing.F) {
	for _, s := range []string{
		`{"parent_id":2,"kind":"community","name":"学苑社区","code":"140802001001","abbr":" xy ","boundary":"{\"type\":\"Polygon\",\"coordinates\":[[[116.3,39.9],[116.4,39.9],[116.4,40.0],[116.3,39.9]]]}"}`,
		`{"parent_id":3,"kind":"grid","name":"第一网格","boundary":"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1]]]}}"}`,
		`{"kind":"building","name":"1号楼","floors":121,"built_year":1899,"code":"` + "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三" + `"}`,
		`{"kind":"street","name":" ","code":"14080200100x"}`, `{"parent_id":9}`,
		`{"unit_id":7,"floor":3,"room":"302","area":"86.55","note":"独居老人","members":[{"name":"张三","relation":"owner","phone":"138 1234 5678","id_number":"14080219750607009x"}]}`,
		`{"unit_id":7,"floor":-6,"room":"","area":86.555}`, `{"area":"1e3"}`, `{"area":null}`, `{"area":[1]}`,
		`{"name":"李四","relation":"family","is_owner":true,"phone":"0359-2345678","id_number":"140802198001010010"}`,
		`{"name":"","relation":"friend","phone":"12345"}`,
	} {
		f.Add([]byte(s))
	}
	parents := []Node{
		{},
		{ID: 1, Kind: KindCity, Code: "140800"},
		{ID: 2, Kind: KindDistrict, Code: "140802000000"},
		{ID: 3, Kind: KindStreet, Code: "140802001000"},
		{ID: 4, Kind: KindCommunity, Code: "140802001001"},
		{ID: 5, Kind: KindEstate},
		{ID: 6, Kind: KindBuilding, Floors: 18},
	}
	unit := Node{ID: 7, Kind: KindUnit, Floors: 18}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, p := range parents {
			webtest.Input(t, body, func(in *NodeInput) error { return in.validate(p, 2026) })
		}
		webtest.Input(t, body, func(in *HouseholdInput) error { _, err := in.validate(unit); return err })
		webtest.Input(t, body, func(in *householdBody) error {
			for i := range in.Members {
				_ = in.Members[i].validate()
			}
			return nil
		})
		webtest.Input(t, body, func(in *MemberInput) error { return in.validate() })
		webtest.Input[struct {
			ParentID int64 `json:"parent_id"`
		}](t, body, nil)
	})
}
