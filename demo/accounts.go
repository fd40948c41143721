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
)

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

	return []Account{
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
}

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
