package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
)

// Surnames common in southern Shanxi (裴, 薛, 畅, 柴 are typical of Yuncheng)
// mixed with the national most common ones.
var surnames = []rune("王李张刘杨赵郭贾薛卫柴畅原史段吉裴陈孙马高梁冯韩董牛席程任许")

var (
	maleMiddle   = []rune("建志国文永宏振德立学海卫跃俊")
	maleLast     = []rune("伟强军平刚明辉勇杰涛斌磊鹏飞华峰亮超波林庆新宇浩")
	femaleMiddle = []rune("秀玉春晓丽美桂淑雅小慧")
	femaleLast   = []rune("芳丽娟敏静霞燕红艳玲萍梅英兰琴慧娜婷雪佳")
)

// seedPeople are the real people named in the article the demo places
// come from (see the package comment). The demo must
// not put words or households in their mouths, so generated names avoid them.
var seedPeople = map[string]bool{
	"李建丽": true, "冯金燕": true, "梁民杰": true, "王红宇": true,
	"李豆": true, "李爽": true, "范楚乔": true,
}

// person is a generated individual before being placed in a household.
type person struct {
	name string
	male bool
}

// people generates fictional names, phones and ID numbers. Phones and ID
// numbers are unique across the whole dataset, so one people value is shared
// by the whole Build.
type people struct {
	nextPhone int
	ids       map[string]bool
}

func newPeople() *people { return &people{ids: map[string]bool{}} }

// streamFor returns the random stream of one estate, seeded by its name so
// that estates do not depend on each other's draws.
func streamFor(key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(h.Sum64(), 2026))
}

func pick(r *rand.Rand, rs []rune) string { return string(rs[r.IntN(len(rs))]) }

func newPerson(r *rand.Rand, male bool, surname string) person {
	for {
		if surname == "" {
			surname = pick(r, surnames)
		}
		mid, last := femaleMiddle, femaleLast
		if male {
			mid, last = maleMiddle, maleLast
		}
		name := surname + pick(r, last)
		if r.IntN(4) != 0 { // most given names have two characters
			name = surname + pick(r, mid) + pick(r, last)
		}
		if !seedPeople[name] {
			return person{name: name, male: male}
		}
	}
}

// phone returns the next fictional mobile number, 139 0000 xxxx.
func (p *people) phone() string {
	p.nextPhone++
	return fmt.Sprintf("139%08d", p.nextPhone)
}

// idNumber returns a fictional resident ID (GB 11643-1999): 6-digit area
// code, birth date YYYYMMDD, 3-digit order code (odd for men, even for
// women) and the ISO 7064 MOD 11-2 check character.
func (p *people) idNumber(r *rand.Rand, area string, male bool, minYear, maxYear int) string {
	for {
		year := minYear + r.IntN(maxYear-minYear+1)
		month := 1 + r.IntN(12)
		day := 1 + r.IntN(28) // every month has 28 days
		seq := r.IntN(500)*2 + 1
		if !male {
			seq--
		}
		body := fmt.Sprintf("%s%04d%02d%02d%03d", area, year, month, day, seq)
		id := body + idCheck(body)
		if !p.ids[id] {
			p.ids[id] = true
			return id
		}
	}
}

// idWeights are 2^(17-i) mod 11, the GB 11643 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

func idCheck(body string) string {
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * idWeights[i]
	}
	return string("10X98765432"[sum%11])
}

// householdMembers draws the people of one dwelling: one or two owners
// (owners come first), then either family members living with them or,
// for a rented flat, one to three tenants. About half of the owners carry
// an ID number registered under area.
func (p *people) householdMembers(r *rand.Rand, area string) []Member {
	var ms []Member
	owner := func(x person) {
		m := Member{Name: x.name, Relation: "owner", Phone: p.phone(), IsOwner: true}
		if r.IntN(2) == 0 {
			m.IDNumber = p.idNumber(r, area, x.male, 1944, 1992)
		}
		ms = append(ms, m)
	}
	first := newPerson(r, r.IntN(2) == 0, "")
	owner(first)
	familyName := ""
	if first.male {
		familyName = string([]rune(first.name)[:1])
	}
	if r.IntN(3) != 0 { // a couple owns most flats jointly
		second := newPerson(r, !first.male, "")
		owner(second)
		if second.male {
			familyName = string([]rune(second.name)[:1])
		}
	}
	if r.IntN(8) == 0 { // rented out
		for range 1 + r.IntN(3) {
			t := newPerson(r, r.IntN(2) == 0, "")
			ms = append(ms, Member{Name: t.name, Relation: "tenant", Phone: p.phone()})
		}
		return ms
	}
	for range r.IntN(4) {
		f := newPerson(r, r.IntN(2) == 0, familyName)
		ms = append(ms, Member{Name: f.name, Relation: "family", Phone: p.phone()})
	}
	return ms
}

// room is the customary room number: floor, then the position on the landing.
func room(floor, side int) string { return strconv.Itoa(floor*100 + side) }
