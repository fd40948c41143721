package ledger

import (
	"fmt"
	"strings"
)

// What a user may leave in a downloaded template, and how Parse treats it.
// An import that took any of these for data once replaced a real
// household's owners with the template's 张三 and 李四, so each is refused
// with a row error that says what to delete, or — for a title above the
// header, which changes nothing — skipped:
//
//   - the example rows: their 备注 starts with exampleMarker, and their
//     made-up people (Examples) are recognised even when the note was cleared;
//   - text copied from the GuideSheet into the ledger sheet, a second header
//     row, or a "必填/选填" hint row under the header: instruction rows;
//   - a title row ("学苑社区住户台账", merged across the columns) above the
//     header: the header is looked for in the first headerScanRows rows by
//     its column titles, and rows above it may hold a title (at most two
//     cells) and nothing else;
//   - the GuideSheet itself, which is never read as the ledger (read.go).

// exampleMarker starts a cell of every example row of the template.
const exampleMarker = "示例行"

// headerScanRows is how far down the header is looked for.
const headerScanRows = 10

// rowField is the Field of a problem with a whole row rather than a cell.
const rowField = "row"

// exampleMembers are the template's made-up people: name and phone, and
// name and ID number.
var exampleMembers = func() map[string]bool {
	m := map[string]bool{}
	for _, h := range Examples() {
		for _, p := range h.Members {
			m[p.Name+"\x00"+p.Phone] = true
			m[p.Name+"\x00"+p.IDNumber] = true
		}
	}
	return m
}()

// isExampleRow reports whether a row is one of the template's examples:
// a cell that is the marker ("示例", "示例行…") or a person of Examples.
func isExampleRow(cells []string, rec *[numColumns]string) bool {
	for _, c := range cells {
		c = clean(c)
		if c == "示例" || strings.HasPrefix(c, exampleMarker) || strings.HasPrefix(c, "【示例") {
			return true
		}
	}
	name := rec[colName]
	return name != "" && (exampleMembers[name+"\x00"+NormalizePhone(rec[colPhone])] && rec[colPhone] != "" ||
		exampleMembers[name+"\x00"+NormalizeIDNumber(rec[colID])] && rec[colID] != "")
}

// guideTexts are the cells of the GuideSheet that are not column titles:
// the rules and the 必填/选填 words.
var guideTexts = func() map[string]bool {
	m := map[string]bool{}
	for i, line := range guide {
		if i == 0 {
			continue // its own header
		}
		for j, t := range line {
			if j > 0 && t != "" {
				m[removeSpaces(t)] = true
			}
		}
	}
	for _, t := range []string{"必填", "选填", "非必填", "可选", "必填项", "选填项"} {
		m[t] = true
	}
	return m
}()

// instructionPrefixes start a note to the person filling in the sheet.
var instructionPrefixes = []string{"填写说明", "说明：", "说明:", "注：", "注:", "注意：", "注意:", "填表说明"}

// instructionReason says why a row is template text and not data, "" when it
// is not: a repeated header, a 必填/选填 hint row or rules from the guide.
// The 备注 column is not looked at, so a real note ("注：已出租") stays data.
func (p *parser) instructionReason(n int, cells []string) string {
	titlesSeen := 0
	for i, c := range cells {
		if i == p.index[colNote] {
			continue
		}
		c = removeSpaces(c)
		if _, ok := matchTitle(c); ok && c != "" {
			titlesSeen++
		}
		if guideTexts[c] {
			return fmt.Sprintf("第%d行是模板的填写说明，请删除后再导入 / row %d is instruction text of the template; delete it before importing", n, n)
		}
	}
	if titlesSeen >= 2 {
		return fmt.Sprintf("第%d行重复了表头，请删除后再导入 / row %d repeats the header; delete it before importing", n, n)
	}
	if i := p.index[colEstate]; i >= 0 && i < len(cells) {
		for _, pre := range instructionPrefixes {
			if strings.HasPrefix(clean(cells[i]), pre) {
				return fmt.Sprintf("第%d行是说明文字，请删除后再导入 / row %d is a note to the reader, not a household; delete it before importing", n, n)
			}
		}
	}
	return ""
}

// exampleReason is the problem reported for an example row.
func exampleReason(n int) string {
	return fmt.Sprintf("第%d行是模板的示例行，请删除后再导入 / row %d is an example row of the template; delete it before importing", n, n)
}

// errTitleRow is reported for a row above the header that is not a title.
const errTitleRow = "请删除表头上方的标题行 / delete the title row above the header"

// headerMatches counts the cells of a row that are column titles.
func headerMatches(cells []string) int {
	n := 0
	for _, c := range cells {
		if _, ok := matchTitle(c); ok {
			n++
		}
	}
	return n
}

// filled counts the non-blank cells of a row.
func filled(cells []string) int {
	n := 0
	for _, c := range cells {
		if clean(c) != "" {
			n++
		}
	}
	return n
}

// isTitleRow reports whether a row above the header can be a title: one or
// two cells ("学苑社区住户台账", "制表日期：2026年3月"), none a column title.
// A merged title keeps its text in its first cell only.
func isTitleRow(cells []string) bool {
	return filled(cells) <= 2 && headerMatches(cells) == 0
}
