package ledger

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"linli"
)

// Parse reads a household ledger; format is "xlsx" or "csv". It returns the
// households in the order they first appear, grouped by (小区, 楼栋, 单元, 房号),
// and one FieldError for every problem found, in row and column order.
//
// The error result is only for files that cannot be read at all — not a
// workbook, corrupt, an unknown format, more than MaxRows rows — and is a
// *linli.Error (bad_request or too_large) whose message can be shown.
//
// Households are returned even when there are field errors so a page can show
// what was understood; import them only when the field errors are empty.
func Parse(r io.Reader, format string) ([]Household, []linli.FieldError, error) {
	return parse(r, format, today(), MaxRows)
}

// errHeader stops reading when the header is unusable.
var errHeader = errors.New("ledger: bad header")

// parse is Parse with the day that birth dates in ID numbers are checked
// against, and the row limit, passed in so tests can fix both.
func parse(r io.Reader, format string, today time.Time, maxRows int) ([]Household, []linli.FieldError, error) {
	each, closeTable, err := readTable(r, format)
	if err != nil {
		return nil, nil, err
	}
	defer closeTable()
	p := &parser{today: today, maxRows: maxRows, groups: map[string]*group{}, ids: map[string]idSeen{}}
	// The header is the first row with column titles among the first
	// headerScanRows; the rows above it are kept until it is found.
	type early struct {
		row   int
		cells []string
	}
	var above []early
	headerRow := 0
	err = each(func(row int, cells []string) error {
		if headerRow > 0 {
			return p.row(row, cells)
		}
		if headerMatches(cells) >= 3 {
			headerRow = row
			for _, e := range above {
				if !isTitleRow(e.cells) {
					p.errs = append(p.errs, rowError{row: e.row, field: rowField, reason: errTitleRow})
				}
			}
			if !p.header(row, cells) || len(p.errs) > 0 {
				return errHeader
			}
			return nil
		}
		if row >= headerScanRows {
			return errHeader
		}
		if filled(cells) > 0 {
			above = append(above, early{row, cells})
		}
		return nil
	})
	if headerRow == 0 && (err == nil || errors.Is(err, errHeader)) {
		// No header: report the columns missing from the first row that
		// has anything in it — or from the row under it when that row is
		// the likelier header, below a title.
		first := early{row: 1}
		if len(above) > 0 {
			first = above[0]
		}
		if len(above) > 1 && isTitleRow(first.cells) && headerMatches(above[1].cells) > 0 {
			first = above[1]
		}
		p.header(first.row, first.cells)
		err = errHeader
	}
	switch {
	case errors.Is(err, errHeader):
		return nil, p.fieldErrors(), nil
	case err != nil:
		return nil, nil, err
	}
	return p.households, p.fieldErrors(), nil
}

// parser holds what has been read so far.
type parser struct {
	today      time.Time
	maxRows    int
	index      [numColumns]int // cell index of each column, -1 when absent
	dataRows   int
	households []Household
	groups     map[string]*group // by estate, building, unit and room
	ids        map[string]idSeen // first row of each valid ID number
	errs       []rowError
}

// group is the bookkeeping for one household while rows are read.
type group struct {
	idx               int               // in parser.households
	floorRow, areaRow int               // first row with a valid floor, area; 0 if none yet
	people            map[string]person // by name and phone
	idRows            map[string]int    // by valid ID number
	notes             map[string]bool
}

type person struct {
	row int
	id  string
}

type idSeen struct {
	row, household int
	name           string
}

// rowError is a FieldError before it is sorted and named. A problem with
// the whole row has field rowField and sorts before the row's cells.
type rowError struct {
	row    int
	col    column
	field  string
	reason string
}

func (p *parser) add(row int, c column, reason string) {
	p.errs = append(p.errs, rowError{row: row, col: c, reason: reason})
}

func (p *parser) fieldErrors() []linli.FieldError {
	slices.SortStableFunc(p.errs, func(a, b rowError) int {
		if a.row != b.row {
			return a.row - b.row
		}
		if (a.field == "") != (b.field == "") {
			if a.field != "" {
				return -1
			}
			return 1
		}
		return int(a.col - b.col)
	})
	out := make([]linli.FieldError, len(p.errs))
	for i, e := range p.errs {
		field := e.field
		if field == "" {
			field = e.col.title()
		}
		out[i] = linli.FieldError{Row: e.row, Field: field, Reason: e.reason}
	}
	return out
}

// header maps the columns by title from the header row n and reports false
// when rows cannot be read with it.
func (p *parser) header(n int, cells []string) bool {
	for c := range p.index {
		p.index[c] = -1
	}
	before := len(p.errs)
	for i, h := range cells {
		c, ok := matchTitle(h)
		if !ok {
			continue // 序号 and other columns of the office's own
		}
		if p.index[c] >= 0 {
			p.add(n, c, fmt.Sprintf("表头中“%s”列出现了两次 / the %s column appears twice", c.title(), c.title()))
			continue
		}
		p.index[c] = i
	}
	for _, c := range requiredColumns {
		if p.index[c] < 0 {
			p.add(n, c, fmt.Sprintf("表头缺少“%s”列 / the header has no %s column", c.title(), c.title()))
		}
	}
	if p.index[colName] >= 0 && p.index[colRelation] < 0 {
		p.add(n, colRelation, "有“姓名”列时必须有“与户关系”列 / a ledger with names needs the 与户关系 column")
	}
	return len(p.errs) == before
}

// English names of the columns whose emptiness is reported.
var requiredEN = map[column]string{
	colEstate: "estate", colBuilding: "building", colUnit: "unit", colRoom: "room",
}

// row checks one row and adds it to its household.
func (p *parser) row(n int, cells []string) error {
	var rec [numColumns]string
	blank := true
	for c, i := range p.index {
		if i >= 0 && i < len(cells) {
			rec[c] = clean(cells[i])
			blank = blank && rec[c] == ""
		}
	}
	if blank {
		return nil
	}
	if p.dataRows++; p.dataRows > p.maxRows {
		return errTooManyRows(p.maxRows)
	}
	// Template leftovers are reported once, as a whole row, and not read
	// as a household: their cells would only add confusing errors.
	if isExampleRow(cells, &rec) {
		p.errs = append(p.errs, rowError{row: n, field: rowField, reason: exampleReason(n)})
		return nil
	}
	if reason := p.instructionReason(n, cells); reason != "" {
		p.errs = append(p.errs, rowError{row: n, field: rowField, reason: reason})
		return nil
	}
	rec[colRoom] = cleanCode(rec[colRoom])
	for _, c := range []column{colEstate, colBuilding, colUnit, colRoom} {
		if rec[c] == "" {
			p.add(n, c, fmt.Sprintf("%s不能为空 / %s is required", c.title(), requiredEN[c]))
		}
	}
	floor, reason := parseFloor(cleanCode(rec[colFloor]))
	if reason != "" {
		p.add(n, colFloor, reason)
	}
	area, err := ParseArea(rec[colArea])
	if err != nil {
		p.add(n, colArea, err.Error())
	}
	m, isPerson := p.member(n, &rec)

	key := strings.Join([]string{rec[colEstate], rec[colBuilding], rec[colUnit], rec[colRoom]}, "\x00")
	g := p.groups[key]
	if g == nil {
		g = &group{idx: len(p.households), people: map[string]person{}, idRows: map[string]int{}, notes: map[string]bool{}}
		p.groups[key] = g
		p.households = append(p.households, Household{Row: n,
			Estate: rec[colEstate], Building: rec[colBuilding], Unit: rec[colUnit], Room: rec[colRoom]})
	}
	h := &p.households[g.idx]

	// Every row of a household repeats its floor and area; a row that
	// disagrees is the one reported, the first valid value is kept.
	if reason == "" {
		if g.floorRow == 0 {
			g.floorRow, h.Floor = n, floor
		} else if floor != h.Floor {
			p.add(n, colFloor, fmt.Sprintf("楼层与同户第%d行不一致 / floor differs from row %d of the same household", g.floorRow, g.floorRow))
		}
	}
	if err == nil {
		if g.areaRow == 0 {
			g.areaRow, h.AreaCenti = n, area
		} else if area != h.AreaCenti {
			p.add(n, colArea, fmt.Sprintf("建筑面积与同户第%d行不一致 / area differs from row %d of the same household", g.areaRow, g.areaRow))
		}
	}
	if note := rec[colNote]; note != "" && !g.notes[note] {
		g.notes[note] = true
		if h.Note != "" {
			h.Note += "；"
		}
		h.Note += note
	}
	if isPerson && m.Name != "" {
		p.checkDuplicate(n, g, m)
		h.Members = append(h.Members, m)
	}
	return nil
}

// member reads the person columns of a row. isPerson is false for a row of
// a household with nobody recorded.
func (p *parser) member(n int, rec *[numColumns]string) (m Member, isPerson bool) {
	rec[colOwner] = cleanCode(rec[colOwner])
	m = Member{
		Name:     rec[colName],
		Phone:    NormalizePhone(rec[colPhone]),
		IDNumber: NormalizeIDNumber(rec[colID]),
	}
	relText, ownerText := rec[colRelation], rec[colOwner]
	if m.Name == "" && relText == "" && ownerText == "" && m.Phone == "" && m.IDNumber == "" {
		return m, false
	}
	if m.Name == "" {
		p.add(n, colName, "填写了人员信息时姓名不能为空 / name is required when other person columns are filled")
	}
	relOK := true
	if relText != "" {
		if m.Relation, relOK = ParseRelation(relText); !relOK {
			p.add(n, colRelation, "与户关系应为业主、家属、租户或其他 / relation must be 业主, 家属, 租户 or 其他")
		}
	}
	yes, set, ownerOK := parseYesNo(strings.ToLower(ownerText))
	if !ownerOK {
		p.add(n, colOwner, "是否业主应填“是”或“否” / owner must be 是 or 否")
	}
	switch {
	case relText == "" && set && yes:
		m.Relation = RelationOwner // 是否业主 = 是 says enough
	case relText == "" && m.Name != "":
		p.add(n, colRelation, "填写了姓名时与户关系不能为空 / relation is required when a name is given")
	}
	m.IsOwner = yes
	if !set {
		m.IsOwner = m.Relation == RelationOwner
	}
	if set && relOK {
		switch {
		case m.Relation == RelationOwner && !yes:
			p.add(n, colOwner, "与户关系为业主时是否业主应为“是” / a member whose relation is 业主 must be an owner")
		case m.Relation == RelationTenant && yes:
			p.add(n, colOwner, "租户的是否业主应为“否” / a tenant is not an owner")
		}
	}
	if m.Phone != "" && !ValidPhone(m.Phone) {
		p.add(n, colPhone, "手机号应为11位手机号码或带区号的固定电话 / phone must be an 11-digit mobile number or a landline with area code")
	}
	if m.IDNumber != "" {
		if reason := idProblem(m.IDNumber, p.today); reason != "" {
			p.add(n, colID, reason)
		}
	}
	return m, true
}

// checkDuplicate reports a person listed twice in a household, and an ID
// number listed in two households. Invalid ID numbers are left out: a column
// Excel turned into 1.40802E+17 would otherwise also be a column of duplicates.
func (p *parser) checkDuplicate(n int, g *group, m Member) {
	validID := m.IDNumber != "" && idProblem(m.IDNumber, p.today) == ""
	if validID {
		if prev, ok := g.idRows[m.IDNumber]; ok {
			p.add(n, colID, fmt.Sprintf("与同户第%d行是同一人（身份证号相同） / same person as row %d (same ID number)", prev, prev))
			return
		}
		g.idRows[m.IDNumber] = n
		// One person may own or live in several flats, so the same ID
		// number in two households is fine — under two different names it
		// is a typing error.
		if prev, ok := p.ids[m.IDNumber]; ok && prev.household != g.idx && prev.name != m.Name {
			p.add(n, colID, fmt.Sprintf("身份证号与第%d行（%s）相同但姓名不同 / ID number already listed in row %d under another name", prev.row, prev.name, prev.row))
		} else if !ok {
			p.ids[m.IDNumber] = idSeen{row: n, household: g.idx, name: m.Name}
		}
	}
	key := m.Name + "\x00" + m.Phone
	prev, ok := g.people[key]
	switch {
	case !ok:
		g.people[key] = person{row: n, id: m.IDNumber}
	case prev.id != "" && m.IDNumber != "" && prev.id != m.IDNumber:
		// Same name and phone but different ID numbers: two people.
	default:
		p.add(n, colName, fmt.Sprintf("与同户第%d行是同一人（姓名和手机号相同） / same person as row %d (same name and phone)", prev.row, prev.row))
	}
}
