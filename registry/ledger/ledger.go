package ledger

import "strings"

// Member is one person recorded in a household.
type Member struct {
	Name     string
	Relation string // RelationOwner, RelationFamily, RelationTenant or RelationOther
	Phone    string
	IDNumber string
	IsOwner  bool
}

// Household is one flat and the people recorded in it.
type Household struct {
	Row                    int    // first spreadsheet row of the household (1-based, as Excel numbers it)
	Estate, Building, Unit string // as written, trimmed: "荟萃花园南区", "1号楼", "3单元"
	Floor                  int    // 1..99, basements -1..-5; never 0
	Room                   string // "302"
	AreaCenti              int64  // floor area in 0.01 m²: 86.55 m² is 8655
	Members                []Member
	Note                   string
}

// The relations a member can have to the household.
const (
	RelationOwner  = "owner"
	RelationFamily = "family"
	RelationTenant = "tenant"
	RelationOther  = "other"
)

// RelationLabel is the Chinese word written in the ledger for a relation.
func RelationLabel(rel string) string {
	switch rel {
	case RelationOwner:
		return "业主"
	case RelationFamily:
		return "家属"
	case RelationTenant:
		return "租户"
	case RelationOther:
		return "其他"
	}
	return ""
}

// ParseRelation reads the 与户关系 cell: the four words of the template, the
// words ledgers commonly use instead, or the English code. ok is false for
// anything else.
func ParseRelation(s string) (rel string, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "业主", "本人", "户主", RelationOwner:
		return RelationOwner, true
	case "家属", "配偶", "子女", "父母", "妻子", "丈夫", "儿子", "女儿", RelationFamily:
		return RelationFamily, true
	case "租户", "租客", RelationTenant:
		return RelationTenant, true
	case "其他", "其它", RelationOther:
		return RelationOther, true
	}
	return "", false
}

// parseYesNo reads the 是否业主 cell. set is false for a blank cell.
func parseYesNo(s string) (yes, set, ok bool) {
	switch strings.ToLower(s) {
	case "":
		return false, false, true
	case "是", "y", "yes", "1", "true":
		return true, true, true
	case "否", "n", "no", "0", "false":
		return false, true, true
	}
	return false, false, false
}

// column is a column of the ledger, in the order of the template.
type column int

const (
	colEstate column = iota
	colBuilding
	colUnit
	colFloor
	colRoom
	colArea
	colName
	colRelation
	colOwner
	colPhone
	colID
	colNote
	numColumns
)

var titles = [numColumns]string{
	"小区", "楼栋", "单元", "楼层", "房号", "建筑面积(㎡)",
	"姓名", "与户关系", "是否业主", "手机号", "身份证号", "备注",
}

func (c column) title() string { return titles[c] }

// Header is the header row of the ledger, in template order.
func Header() []string { return append([]string(nil), titles[:]...) }

// requiredColumns must be in the header; the person columns are optional
// because a ledger may record flats only.
var requiredColumns = []column{colEstate, colBuilding, colUnit, colFloor, colRoom, colArea}

// matchTitle finds the column a header cell names. It ignores spaces
// anywhere ("姓 名" is common), a "*" marking a required column, full-width
// parentheses, and any unit after 建筑面积: "建筑面积", "建筑面积（m²）".
func matchTitle(h string) (column, bool) {
	h = strings.Map(func(r rune) rune {
		switch {
		case r == '*' || r == '＊' || isSpace(r):
			return -1
		case r == '（':
			return '('
		case r == '）':
			return ')'
		}
		return r
	}, h)
	if rest, ok := strings.CutPrefix(h, "建筑面积"); ok {
		if rest == "" || strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
			return colArea, true
		}
		return 0, false
	}
	for c, t := range titles {
		if h == t {
			return column(c), true
		}
	}
	return 0, false
}
