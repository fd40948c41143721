package demo

import "fmt"

// demoPassword meets the password policy (≥ 10 characters, letters and digits).
const demoPassword = "Linli-demo-2026"

// Password is every demo account's password (the stories' residents too).
const Password = demoPassword

// The places the stories happen in, as paths from the city down.
var (
	pathXueyuan = []string{"运城市", "盐湖区", "东城街道", "学苑社区"}
	pathHuicui  = join(pathXueyuan, "第一网格", "荟萃花园南区")
	pathJixiang = []string{"运城市", "盐湖区", "东城街道", "吉祥社区"}
	pathXunyang = []string{"运城市", "临猗县", "猗氏镇", "郇阳社区"}
	pathLindao  = []string{"运城市", "河津市", "城区街道", "麟岛社区"}
	pathYiyuan  = join(pathLindao, "第一网格", "颐源居")
)

// xunyangResidents are the owners in 郇阳社区 with accounts of their own,
// who answer the solar-heater self-check: estate, unit (in 1号楼), room.
var xunyangResidents = []struct {
	user, estate string
	unit         int
	room         string
}{
	{"xyresident", "郇阳小区", 1, "401"},
	{"xyresident2", "桃园小区", 2, "402"},
	{"xyresident3", "红旗小区", 1, "301"},
}

// accounts grants one account per role, scoped as the stories run. The
// building head, unit head, resident representative and residents live in the
// estate: their names are those of the first owner of their household.
func accounts(roots []Place) []Account {
	staffPhone := 0
	staff := func(user, name, post, role string, place []string) Account {
		staffPhone++
		return Account{
			Username: user, Password: demoPassword, Role: role, Place: place,
			DisplayName: name + "（" + post + "）",
			Phone:       fmt.Sprintf("1380000%04d", staffPhone),
		}
	}
	// dweller binds an account to the first owner of a household.
	dweller := func(user, post, role string, place []string, unitPath []string, rm string) Account {
		owner := firstOwner(roots, unitPath, rm)
		return Account{
			Username: user, Password: demoPassword, Role: role, Place: place,
			DisplayName: owner.Name + "（" + post + "）",
			Phone:       owner.Phone,
		}
	}
	huicuiUnit := func(n int) []string { return join(pathHuicui, "1号楼", fmt.Sprintf("%d单元", n)) }
	jxUnit2 := join(pathJixiang, "第一网格", "吉祥花园", "1号楼", "2单元")

	resident := dweller("resident", "荟萃花园南区1号楼3单元602业主", "resident", huicuiUnit(3), huicuiUnit(3), "602")
	resident.Room = "602"
	jxResident := dweller("jxresident", "吉祥花园1号楼2单元402业主", "resident", jxUnit2, jxUnit2, "402")
	jxResident.Room = "402"

	list := []Account{
		staff("admin", "任思远", "平台管理员", "admin", []string{"运城市"}),
		staff("street", "孙卫东", "东城街道办事处", "street_staff", pathXueyuan[:3]),
		staff("xueyuan", "韩素芬", "学苑社区党支部书记、主任", "community_staff", pathXueyuan),
		staff("grid1", "柴晓燕", "学苑社区第一网格网格员", "grid_worker", join(pathXueyuan, "第一网格")),
		dweller("building", "荟萃花园南区1号楼楼栋长", "building_head",
			join(pathHuicui, "1号楼"), huicuiUnit(4), "302"),
		dweller("unit", "荟萃花园南区1号楼3单元单元长", "unit_head",
			huicuiUnit(3), huicuiUnit(3), "301"),
		dweller("rep", "荟萃花园南区居民代表", "resident_rep",
			pathHuicui, huicuiUnit(6), "501"),
		resident,
		staff("property", "牛志刚", "荟安物业荟萃花园南区项目经理", "property", pathHuicui),
		staff("contractor", "吉永强", "晋安电梯安装有限公司项目经理", "contractor", pathHuicui),
		staff("dept", "薛文斌", "盐湖区住房和城乡建设局", "department", []string{"运城市", "盐湖区"}),
		staff("volunteer", "畅小雪", "学苑社区志愿者", "volunteer", pathXueyuan),
		staff("jixiang", "裴丽华", "吉祥社区党支部书记", "community_staff", pathJixiang),
		staff("jxgrid", "段海鹏", "吉祥社区第一网格网格员", "grid_worker", join(pathJixiang, "第一网格")),
		jxResident,
	}
	// 郇阳社区 (临猗县), the solar-heater sweep: its staff member, a grid
	// worker per grid, a volunteer, the contractor that reinforces and
	// removes devices, and owners who check their own.
	list = append(list,
		staff("xunyang", "卫春梅", "郇阳社区党支部书记、主任", "community_staff", pathXunyang),
		staff("xygrid1", "景宏伟", "郇阳社区第一网格网格员", "grid_worker", join(pathXunyang, "第一网格")),
		staff("xygrid2", "姚彩霞", "郇阳社区第二网格网格员", "grid_worker", join(pathXunyang, "第二网格")),
		staff("xygrid3", "尚建平", "郇阳社区第三网格网格员", "grid_worker", join(pathXunyang, "第三网格")),
		staff("xyvolunteer", "樊小军", "郇阳社区志愿者", "volunteer", pathXunyang),
		staff("xycontractor", "郭永福", "猗安建筑安装工程队负责人", "contractor", pathXunyang),
	)
	// 麟岛社区 (河津市), the gate cameras of 颐源居: the community's staff
	// member who set them up, and the guard in the gate house who watches
	// the alerts (the guard role sees the estate's alerts, nothing else).
	list = append(list,
		staff("lindao", "贾玉琴", "麟岛社区党支部书记、主任", "community_staff", pathLindao),
		staff("ydguard", "薛建国", "颐源居门岗保安", "guard", pathYiyuan),
	)
	for _, r := range xunyangResidents {
		unit := join(pathXunyang, xunyangGrid(r.estate), r.estate, "1号楼", fmt.Sprintf("%d单元", r.unit))
		a := dweller(r.user, fmt.Sprintf("%s1号楼%d单元%s业主", r.estate, r.unit, r.room), "resident", unit, unit, r.room)
		a.Room = r.room
		list = append(list, a)
	}
	return list
}

// xunyangGrid is the grid of one of 郇阳社区's estates (linyi deals them
// out in order, a third to each).
func xunyangGrid(estate string) string {
	for i, e := range xunyangEstates {
		if e == estate {
			return []string{"第一网格", "第二网格", "第三网格"}[i*3/len(xunyangEstates)]
		}
	}
	panic("demo: no estate " + estate + " in 郇阳社区")
}

// PathXunyang is 郇阳社区 (临猗县), where the solar-heater sweep happens.
func PathXunyang() []string { return join(pathXunyang) }

// XunyangResidents lists the usernames of the owners in 郇阳社区 with
// accounts (the story's self-checks).
func XunyangResidents() []string {
	out := make([]string, len(xunyangResidents))
	for i, r := range xunyangResidents {
		out[i] = r.user
	}
	return out
}

// PathLindao is 麟岛社区 (河津市), whose estate 颐源居 got gate cameras.
func PathLindao() []string { return join(pathLindao) }

// PathYiyuanju is 颐源居 in 麟岛社区's first grid, the estate of the cameras.
func PathYiyuanju() []string { return join(pathYiyuan) }

// PathXueyuan is 学苑社区, where the elevator story happens.
func PathXueyuan() []string { return join(pathXueyuan) }

// PathHuicui is 荟萃花园南区 in 学苑社区's first grid, the estate of the elevators.
func PathHuicui() []string { return join(pathHuicui) }

// PathJixiang is 吉祥社区, where the leak dispute happens.
func PathJixiang() []string { return join(pathJixiang) }

// join returns a new slice: base followed by more (base is never aliased).
func join(base []string, more ...string) []string {
	out := make([]string, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

// firstOwner finds the first owner of room rm in the unit at path. The demo
// tree is built in code, so a missing node is a programming error; so is
// binding an account to a flat its owner has let to tenants (the account
// holder is meant to live there).
func firstOwner(roots []Place, path []string, rm string) Member {
	u := find(roots, path)
	if u == nil {
		panic(fmt.Sprintf("demo: no place %v", path))
	}
	for _, h := range u.Households {
		if h.Room != rm {
			continue
		}
		for _, m := range h.Members {
			if m.Relation == "tenant" {
				panic(fmt.Sprintf("demo: room %s in %v is rented out", rm, path))
			}
		}
		return h.Members[0]
	}
	panic(fmt.Sprintf("demo: no room %s in %v", rm, path))
}

// find walks the tree by names from the root.
func find(nodes []Place, path []string) *Place {
	var cur *Place
	for _, name := range path {
		cur = nil
		for i := range nodes {
			if nodes[i].Name == name {
				cur = &nodes[i]
				break
			}
		}
		if cur == nil {
			return nil
		}
		nodes = cur.Children
	}
	return cur
}
