package demo

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestBuildIsDeterministic(t *testing.T) {
	if !reflect.DeepEqual(Build(), Build()) {
		t.Fatal("two calls of Build differ")
	}
}

// node walks the tree by names from the root and fails the test when absent.
func node(t *testing.T, d Dataset, path ...string) *Place {
	t.Helper()
	nodes := d.Roots
	var cur *Place
	for _, name := range path {
		cur = nil
		for i := range nodes {
			if nodes[i].Name == name {
				cur = &nodes[i]
			}
		}
		if cur == nil {
			t.Fatalf("no place %q in %v", name, path)
		}
		nodes = cur.Children
	}
	return cur
}

// walk visits every place with its path of names.
func walk(ps []Place, path []string, visit func(p *Place, path []string)) {
	for i := range ps {
		pp := append(append([]string(nil), path...), ps[i].Name)
		visit(&ps[i], pp)
		walk(ps[i].Children, pp, visit)
	}
}

func TestHuicuiGardenSouth(t *testing.T) {
	d := Build()
	e := node(t, d, "运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区")
	if e.Kind != "estate" || e.PropertyCompany == "" || e.Address == "" {
		t.Errorf("estate = %q, property %q, address %q", e.Kind, e.PropertyCompany, e.Address)
	}
	if len(e.Children) != 1 {
		t.Fatalf("buildings = %d, want 1", len(e.Children))
	}
	b := e.Children[0]
	if b.Name != "1号楼" || b.Floors != 6 || b.BuiltYear != 2005 || len(b.Children) != 8 {
		t.Fatalf("building %q floors %d built %d units %d, want 1号楼 6 2005 8",
			b.Name, b.Floors, b.BuiltYear, len(b.Children))
	}
	total := 0
	for i, u := range b.Children {
		if want := string(rune('1'+i)) + "单元"; u.Name != want || u.Kind != "unit" {
			t.Errorf("unit %d = %q %q, want %q", i, u.Kind, u.Name, want)
		}
		perFloor := map[int]int{}
		stack := map[byte]int64{} // last digit of the room → area
		for _, h := range u.Households {
			total++
			perFloor[h.Floor]++
			if h.AreaCenti < 7800 || h.AreaCenti > 12800 {
				t.Errorf("%s %s area %d outside 78–128 m²", u.Name, h.Room, h.AreaCenti)
			}
			side := h.Room[len(h.Room)-1]
			if a, ok := stack[side]; ok && a != h.AreaCenti {
				t.Errorf("%s %s area %d, same stack has %d", u.Name, h.Room, h.AreaCenti, a)
			}
			stack[side] = h.AreaCenti
		}
		if len(perFloor) != 6 {
			t.Errorf("%s has %d floors with households, want 6", u.Name, len(perFloor))
		}
		for f, n := range perFloor {
			if f < 1 || f > 6 || n != 2 {
				t.Errorf("%s floor %d has %d households, want 2 on floors 1–6", u.Name, f, n)
			}
		}
		if stack['1'] == stack['2'] {
			t.Errorf("%s: both sides of the landing have area %d", u.Name, stack['1'])
		}
	}
	if total != 96 {
		t.Errorf("households = %d, want 96", total)
	}
}

func TestHouseholds(t *testing.T) {
	d := Build()
	roomRe := regexp.MustCompile(`^[1-9][0-9]{2}$`)
	walk(d.Roots, nil, func(p *Place, path []string) {
		if len(p.Households) > 0 && p.Kind != "unit" {
			t.Errorf("%v: households on a %s", path, p.Kind)
		}
		rooms := map[string]bool{}
		for _, h := range p.Households {
			if rooms[h.Room] {
				t.Errorf("%v: room %s twice", path, h.Room)
			}
			rooms[h.Room] = true
			if !roomRe.MatchString(h.Room) || int(h.Room[0]-'0') != h.Floor || h.Floor > p.Floors {
				t.Errorf("%v: room %s on floor %d of %d", path, h.Room, h.Floor, p.Floors)
			}
			if len(h.Members) == 0 || !h.Members[0].IsOwner {
				t.Errorf("%v %s: first member is not an owner", path, h.Room)
			}
			owners := 0
			for _, m := range h.Members {
				if m.IsOwner != (m.Relation == "owner") {
					t.Errorf("%v %s: %s relation %q, owner %v", path, h.Room, m.Name, m.Relation, m.IsOwner)
				}
				switch m.Relation {
				case "owner":
					owners++
				case "family", "tenant":
				default:
					t.Errorf("%v %s: relation %q", path, h.Room, m.Relation)
				}
			}
			if owners < 1 || owners > 2 {
				t.Errorf("%v %s: %d owners", path, h.Room, owners)
			}
		}
	})
}

// checkChar is the ISO 7064 MOD 11-2 check character, computed the
// recursive way (not with the weight table the package uses).
func checkChar(body string) byte {
	p := 0
	for _, c := range body {
		p = (p + int(c-'0')) * 2 % 11
	}
	c := (12 - p) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

func TestIDNumbersAndPhones(t *testing.T) {
	d := Build()
	idRe := regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
	ids, phones := map[string]bool{}, map[string]bool{}
	owners, withID := 0, 0
	walk(d.Roots, nil, func(p *Place, path []string) {
		for _, h := range p.Households {
			for _, m := range h.Members {
				if m.Phone == "" || phones[m.Phone] || !strings.HasPrefix(m.Phone, "139") || len(m.Phone) != 11 {
					t.Errorf("%v %s: %s phone %q missing, duplicated or malformed", path, h.Room, m.Name, m.Phone)
				}
				phones[m.Phone] = true
				if m.IsOwner {
					owners++
				}
				if m.IDNumber == "" {
					continue
				}
				withID++
				id := m.IDNumber
				if !m.IsOwner || !idRe.MatchString(id) || ids[id] {
					t.Errorf("%v %s: %s ID %q (owner %v) malformed or duplicated", path, h.Room, m.Name, id, m.IsOwner)
					continue
				}
				ids[id] = true
				if checkChar(id[:17]) != id[17] {
					t.Errorf("ID %s: check character should be %c", id, checkChar(id[:17]))
				}
				if _, err := time.Parse("20060102", id[6:14]); err != nil {
					t.Errorf("ID %s: birth date: %v", id, err)
				}
				if county := find(d.Roots, path[:2]).Code[:6]; id[:6] != county {
					t.Errorf("ID %s: area %s, household in county %s", id, id[:6], county)
				}
			}
		}
	})
	if withID*10 < owners*3 || withID*10 > owners*7 {
		t.Errorf("%d of %d owners have an ID number, want about half", withID, owners)
	}
}

func TestKnownIDCheck(t *testing.T) {
	// The example number printed in GB 11643-1999.
	if got := checkChar("11010519491231002"); got != 'X' {
		t.Fatalf("check of the standard's example = %c, want X", got)
	}
	if got := idCheck("11010519491231002"); got != "X" {
		t.Fatalf("idCheck of the standard's example = %s, want X", got)
	}
}

func TestXunyang(t *testing.T) {
	d := Build()
	c := node(t, d, "运城市", "临猗县", "猗氏镇", "郇阳社区")
	if n := len(c.Children); n < 2 || n > 3 {
		t.Errorf("grids = %d, want 2–3", n)
	}
	names := map[string]bool{}
	for _, g := range c.Children {
		for _, e := range g.Children {
			if e.Kind != "estate" {
				t.Errorf("%s: %q is a %s", g.Name, e.Name, e.Kind)
			}
			if names[e.Name] {
				t.Errorf("estate %s twice", e.Name)
			}
			names[e.Name] = true
			if e.PropertyCompany != "" {
				t.Errorf("%s has property company %q, want none", e.Name, e.PropertyCompany)
			}
			if n := len(e.Children); n < 1 || n > 3 {
				t.Errorf("%s has %d buildings, want 1–3", e.Name, n)
			}
		}
	}
	if len(names) != 26 {
		t.Errorf("estates = %d, want 26", len(names))
	}
}

func TestJixiangLeakHouseholds(t *testing.T) {
	d := Build()
	grids := node(t, d, "运城市", "盐湖区", "东城街道", "吉祥社区").Children
	found := 0
	walk(grids, nil, func(p *Place, path []string) {
		if p.Name != "2单元" {
			return
		}
		rooms := map[string]int{}
		for _, h := range p.Households {
			rooms[h.Room] = h.Floor
		}
		if rooms["502"] == 5 && rooms["402"] == 4 {
			found++
		}
	})
	if found != 1 {
		t.Errorf("units of 吉祥社区 with 2单元 402 and 502 stacked = %d, want 1", found)
	}
}

var roles = map[string]bool{
	"admin": true, "street_staff": true, "community_staff": true, "grid_worker": true,
	"building_head": true, "unit_head": true, "resident_rep": true, "resident": true,
	"property": true, "contractor": true, "department": true, "volunteer": true, "guard": true,
}

func TestAccounts(t *testing.T) {
	d := Build()
	users := map[string]bool{}
	seen := map[string]bool{}
	for _, a := range d.Accounts {
		if users[a.Username] || a.Username == "" {
			t.Errorf("username %q empty or twice", a.Username)
		}
		users[a.Username] = true
		seen[a.Role] = true
		if !roles[a.Role] {
			t.Errorf("%s: unknown role %q", a.Username, a.Role)
		}
		if len(a.Password) < 10 || !strings.ContainsAny(a.Password, "0123456789") ||
			!strings.ContainsAny(strings.ToLower(a.Password), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s: password %q breaks the policy", a.Username, a.Password)
		}
		if !strings.Contains(a.DisplayName, "（") || a.Phone == "" {
			t.Errorf("%s: display name %q, phone %q", a.Username, a.DisplayName, a.Phone)
		}
		p := node(t, d, a.Place...)
		if a.Role == "resident" {
			if p.Kind != "unit" || !hasRoom(p, a.Room) {
				t.Errorf("%s: room %q not in %v", a.Username, a.Room, a.Place)
			}
		} else if a.Room != "" {
			t.Errorf("%s: room %q on a %s", a.Username, a.Room, a.Role)
		}
	}
	for r := range roles {
		if !seen[r] {
			t.Errorf("no account with role %s", r)
		}
	}
	for _, u := range []string{"admin", "street", "xueyuan", "grid1", "building", "unit", "rep",
		"resident", "property", "contractor", "dept", "volunteer", "jixiang", "jxgrid", "jxresident"} {
		if !users[u] {
			t.Errorf("no account %s", u)
		}
	}
}

func hasRoom(u *Place, rm string) bool {
	for _, h := range u.Households {
		if h.Room == rm {
			return true
		}
	}
	return false
}

func TestResidentIsTopFloorOwner(t *testing.T) {
	d := Build()
	var acc Account
	for _, a := range d.Accounts {
		if a.Username == "resident" {
			acc = a
		}
	}
	want := []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元"}
	if !reflect.DeepEqual(acc.Place, want) || acc.Room != "602" {
		t.Fatalf("resident at %v %s, want %v 602", acc.Place, acc.Room, want)
	}
	for _, h := range node(t, d, want...).Households {
		if h.Room == "602" && !strings.HasPrefix(acc.DisplayName, h.Members[0].Name+"（") {
			t.Errorf("resident %q is not the first owner %q of 602", acc.DisplayName, h.Members[0].Name)
		}
	}
}

func TestCodes(t *testing.T) {
	d := Build()
	digits := regexp.MustCompile(`^[0-9]{12}$`)
	codes := map[string]bool{}
	walk(d.Roots, nil, func(p *Place, path []string) {
		if p.Code != "" {
			if codes[p.Code] {
				t.Errorf("%v: code %s twice", path, p.Code)
			}
			codes[p.Code] = true
		}
		switch p.Kind {
		case "street", "community":
			county := find(d.Roots, path[:2]).Code
			if !digits.MatchString(p.Code) || !strings.HasPrefix(p.Code, county[:6]) {
				t.Errorf("%v: code %q, county %s", path, p.Code, county)
			}
			if p.Kind == "community" && !strings.HasPrefix(p.Code, find(d.Roots, path[:3]).Code[:9]) {
				t.Errorf("%v: code %q not under its street", path, p.Code)
			}
		case "grid":
			if p.Code == "" {
				t.Errorf("%v: grid without code", path)
			}
			if p.Boundary != "" {
				checkPolygon(t, path, p.Boundary)
			}
		}
	})
}

// checkPolygon asserts a closed GeoJSON ring near Yuncheng.
func checkPolygon(t *testing.T, path []string, s string) {
	t.Helper()
	var g struct {
		Type        string
		Coordinates [][][2]float64
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		t.Errorf("%v: boundary: %v", path, err)
		return
	}
	if g.Type != "Polygon" || len(g.Coordinates) != 1 || len(g.Coordinates[0]) < 4 {
		t.Errorf("%v: boundary %s", path, s)
		return
	}
	ring := g.Coordinates[0]
	if ring[0] != ring[len(ring)-1] {
		t.Errorf("%v: ring not closed", path)
	}
	for _, pt := range ring {
		if pt[0] < 110.2 || pt[0] > 111.8 || pt[1] < 34.6 || pt[1] > 35.9 {
			t.Errorf("%v: point %v outside Yuncheng", path, pt)
		}
	}
}

func TestKinds(t *testing.T) {
	d := Build()
	order := []string{"city", "district", "street", "community", "grid", "estate", "building", "unit"}
	walk(d.Roots, nil, func(p *Place, path []string) {
		if want := order[len(path)-1]; p.Kind != want {
			t.Errorf("%v: kind %q, want %q", path, p.Kind, want)
		}
		names := map[string]bool{}
		for _, c := range p.Children {
			if names[c.Name] {
				t.Errorf("%v: two children named %s", path, c.Name)
			}
			names[c.Name] = true
		}
	})
}
