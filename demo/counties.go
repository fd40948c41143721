package demo

import "fmt"

// hejin is 河津市 城区街道 麟岛社区, where 颐源居 got cameras at its gate.
func hejin(p *people) Place {
	yy := estate(p, codeHejin, Place{
		Name:            "颐源居",
		Address:         "河津市龙门大道168号",
		PropertyCompany: "河津市颐安物业服务有限公司",
	}, 2011,
		layout{name: "1号楼", floors: 6, units: 2, perFloor: 2, minArea: 8500, maxArea: 13500},
		layout{name: "2号楼", floors: 6, units: 2, perFloor: 2, minArea: 8500, maxArea: 13500},
		layout{name: "3号楼", floors: 6, units: 3, perFloor: 2, minArea: 8500, maxArea: 13500})

	return Place{Kind: kindDistrict, Name: "河津市", Code: codeHejin + "000000", Children: []Place{{
		Kind: kindStreet, Name: "城区街道", Code: codeHejin + "001000",
		Children: []Place{{
			Kind: kindCommunity, Name: "麟岛社区", Abbr: "LD", Code: codeHejin + "001001",
			Children: []Place{{
				Kind: kindGrid, Name: "第一网格", Code: "LD-01",
				Boundary: gridBox(110.7080, 35.5950, 0.0050, 0.0040),
				Children: []Place{yy},
			}},
		}},
	}}}
}

// xunyangEstates are the 26 old estates of 郇阳社区 swept for rooftop solar
// water heaters. All names are invented; none has property management.
var xunyangEstates = []string{
	"郇阳小区", "桃园小区", "建设巷小区", "粮食局家属院", "供销社家属院",
	"农机公司家属院", "教育局家属院", "棉麻公司家属院", "水利局家属院",
	"红旗小区", "新华小区", "文化苑", "苹果园小区", "锦绣小区", "东关小区",
	"西街小区", "城建小区", "电力家属院", "邮电家属院", "物资局家属院",
	"百货公司家属院", "卫生局家属院", "春晖小区", "嘉禾苑", "双塔小区", "果仓家属院",
}

var xunyangStreets = []string{"双塔路", "猗顿街", "解放路", "郇阳街", "建设路", "文化街"}

// linyi is 临猗县 猗氏镇 郇阳社区: 26 estates in three grids.
func linyi(p *people) Place {
	grids := []Place{
		{Kind: kindGrid, Name: "第一网格", Code: "XNY-01", Boundary: gridBox(110.7700, 35.1400, 0.0060, 0.0050)},
		{Kind: kindGrid, Name: "第二网格", Code: "XNY-02", Boundary: gridBox(110.7760, 35.1400, 0.0060, 0.0050)},
		{Kind: kindGrid, Name: "第三网格", Code: "XNY-03", Boundary: gridBox(110.7700, 35.1450, 0.0120, 0.0040)},
	}
	for i, name := range xunyangEstates {
		r := streamFor("郇阳社区/" + name)
		built := 1986 + r.IntN(14)
		floors := 4 + r.IntN(3)
		var bs []layout
		for b := range 1 + r.IntN(3) {
			bs = append(bs, layout{name: fmt.Sprintf("%d号楼", b+1), floors: floors, units: 2,
				perFloor: 2, minArea: 5500, maxArea: 9500})
		}
		e := estate(p, codeLinyi, Place{
			Name:    name,
			Address: fmt.Sprintf("临猗县%s%d号", xunyangStreets[r.IntN(len(xunyangStreets))], 2+r.IntN(180)),
		}, built, bs...)
		g := &grids[i*len(grids)/len(xunyangEstates)]
		g.Children = append(g.Children, e)
	}
	return Place{Kind: kindDistrict, Name: "临猗县", Code: codeLinyi + "000000", Children: []Place{{
		Kind: kindStreet, Name: "猗氏镇", Code: codeLinyi + "100000",
		Children: []Place{{
			Kind: kindCommunity, Name: "郇阳社区", Abbr: "XNY", Code: codeLinyi + "100001",
			Children: grids,
		}},
	}}}
}
