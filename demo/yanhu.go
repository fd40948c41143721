package demo

func yanhu(p *people) Place {
	return Place{Kind: kindDistrict, Name: "盐湖区", Code: codeYanhu + "000000", Children: []Place{{
		Kind: kindStreet, Name: "东城街道", Code: codeYanhu + "003000",
		Children: []Place{xueyuan(p), jixiang(p)},
	}}}
}

// The outlines of the two estates the demo's cases happen in (lon, lat,
// width and height in degrees), inside their grids: the cases' map points
// are drawn from them.
var (
	huicuiBox  = [4]float64{111.0058, 35.0267, 0.0036, 0.0024}
	jixiangBox = [4]float64{111.0207, 35.0306, 0.0034, 0.0026}
)

// xueyuan is 学苑社区, home of the elevator retrofit.
func xueyuan(p *people) Place {
	huicui := estate(p, codeYanhu, Place{
		Name:            "荟萃花园南区",
		Address:         "运城市盐湖区学苑路118号",
		PropertyCompany: "运城市荟安物业服务有限公司",
	}, 2005,
		// The article: one building of 8 units, six storeys, no lift.
		layout{name: "1号楼", floors: 6, units: 8, perFloor: 2, minArea: 7800, maxArea: 12800})
	ownerOccupied(&huicui, "1号楼", "3单元", "602") // the "resident" account
	huicui.Boundary = gridBox(huicuiBox[0], huicuiBox[1], huicuiBox[2], huicuiBox[3])

	shuxiang := estate(p, codeYanhu, Place{
		Name:            "书香苑",
		Address:         "运城市盐湖区河东东街206号",
		PropertyCompany: "运城市恒居物业管理有限公司",
	}, 2001,
		layout{name: "1号楼", floors: 5, units: 3, perFloor: 2, minArea: 6500, maxArea: 10500},
		layout{name: "2号楼", floors: 5, units: 3, perFloor: 2, minArea: 6500, maxArea: 10500})
	shuxiang.Boundary = gridBox(111.0116, 35.0266, 0.0024, 0.0028)

	huaiyin := estate(p, codeYanhu, Place{
		Name:    "槐荫小区",
		Address: "运城市盐湖区槐东路45号",
	}, 1996,
		layout{name: "1号楼", floors: 5, units: 3, perFloor: 2, minArea: 5800, maxArea: 9000})
	huaiyin.Boundary = gridBox(111.0146, 35.0268, 0.0018, 0.0020)

	return Place{Kind: kindCommunity, Name: "学苑社区", Abbr: "XY", Code: codeYanhu + "003001", Children: []Place{
		{Kind: kindGrid, Name: "第一网格", Code: "XY-01",
			Boundary: gridBox(111.0050, 35.0260, 0.0060, 0.0040),
			Children: []Place{huicui}},
		{Kind: kindGrid, Name: "第二网格", Code: "XY-02",
			Boundary: gridBox(111.0110, 35.0260, 0.0060, 0.0040),
			Children: []Place{shuxiang, huaiyin}},
	}}
}

// jixiang is 吉祥社区, where the grid worker mediated the leak between
// 2单元 502 and 2单元 402 of the same stack.
func jixiang(p *people) Place {
	jx := estate(p, codeYanhu, Place{
		Name:            "吉祥花园",
		Address:         "运城市盐湖区红旗东街321号",
		PropertyCompany: "运城市祥和物业服务有限公司",
	}, 1999,
		layout{name: "1号楼", floors: 6, units: 3, perFloor: 2, minArea: 7000, maxArea: 11500})
	ownerOccupied(&jx, "1号楼", "2单元", "402", "502") // the two parties of the leak
	jx.Boundary = gridBox(jixiangBox[0], jixiangBox[1], jixiangBox[2], jixiangBox[3])

	return Place{Kind: kindCommunity, Name: "吉祥社区", Abbr: "JX", Code: codeYanhu + "003002", Children: []Place{
		{Kind: kindGrid, Name: "第一网格", Code: "JX-01",
			Boundary: gridBox(111.0200, 35.0300, 0.0050, 0.0040),
			Children: []Place{jx}},
	}}
}
