package ledger

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linli"
)

// Made-up resident ID numbers on the seed's division code 140802, their
// check characters worked out by hand (a Python one-liner), not by
// IDCheckChar, so a wrong IDCheckChar fails the tests.
const (
	id1980 = "140802198001010010"
	id1982 = "140802198202020020"
	id1990 = "140802199003151233"
	id2000 = "140802200002294561" // born on a leap day
	idX    = "14080219750607009X" // check character X
)

// testToday fixes "today" for birth-date checks.
var testToday = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// writeBook saves rows as Sheet1 of a workbook in a temp dir. Cells keep
// their Go type, so numbers become numeric cells as if typed into Excel; a
// nil row leaves the spreadsheet row out entirely.
func writeBook(t testing.TB, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "ledger.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// parseFile parses a file with the fixed test date.
func parseFile(t testing.TB, path, format string) ([]Household, []linli.FieldError) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hs, errs, err := parse(f, format, testToday, MaxRows)
	if err != nil {
		t.Fatalf("parse %s: %v", filepath.Base(path), err)
	}
	return hs, errs
}

func fieldList(errs []linli.FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprintf("%d %s", e.Row, e.Field)
	}
	return out
}

// goodHouseholds is what the good xlsx and csv fixtures hold.
func goodHouseholds() []Household {
	return []Household{
		{Row: 2, Estate: "荟萃花园南区", Building: "1号楼", Unit: "3单元", Floor: 3, Room: "302", AreaCenti: 8655,
			Members: []Member{
				{Name: "张三", Relation: RelationOwner, Phone: "13812345678", IDNumber: id1980, IsOwner: true},
				{Name: "李四", Relation: RelationFamily, Phone: "13812345679", IDNumber: idX, IsOwner: true},
				{Name: "赵六", Relation: RelationTenant},
			},
			Note: "独居老人"},
		{Row: 5, Estate: "荟萃花园南区", Building: "1号楼", Unit: "3单元", Floor: 4, Room: "402", AreaCenti: 8650,
			Note: "空置"},
		{Row: 6, Estate: "荟萃花园南区", Building: "2号楼", Unit: "1单元", Floor: -1, Room: "101", AreaCenti: 12000,
			Members: []Member{{Name: "王五", Relation: RelationOwner, Phone: "0359-2345678", IsOwner: true}}},
	}
}

func TestParseGoodXLSX(t *testing.T) {
	// Columns out of order, with spaces, an extra 序号 column, 建筑面积
	// without its unit; numbers typed as numbers; row 4 blank; the third
	// member of 302 comes after other households.
	path := writeBook(t, [][]any{
		{"序号", " 小区 ", "楼栋", "单元", "房号", "楼层", "建筑面积", "姓 名", "与户关系", "是否业主", "手机号", "身份证号", "备注"},
		{1, "荟萃花园南区", "1号楼", "3单元", 302, 3, 86.55, "张三", "本人", nil, 13812345678, id1980, "独居老人"},
		{2, "荟萃花园南区", "1号楼", "3单元", "302", "3", "86.55", "李四", "配偶", "Y", "138 1234 5679", strings.ToLower(idX), nil},
		nil,
		{3, "荟萃花园南区", "1号楼", "3单元", "４０２", "4", "86.50", nil, nil, nil, nil, nil, "空置"},
		{4, "荟萃花园南区", "2号楼", "1单元", "101", -1, 120, "王五", nil, "是", "0359-2345678"},
		{5, " 荟萃花园南区", "1号楼", "3单元", "302", 3, 86.55, "赵六", "租客", "否"},
		{6}, // only the office's own 序号: blank
	})
	hs, errs := parseFile(t, path, "xlsx")
	if len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	if want := goodHouseholds(); !reflect.DeepEqual(hs, want) {
		t.Errorf("households\n got %+v\nwant %+v", hs, want)
	}
}

// Excel stores 86.55 as the nearest double and may write it out as
// 86.549999999999997; it must still read as 8655, what Excel shows.
func TestParseXLSXFloatArea(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]string{"小区", "楼栋", "单元", "楼层", "房号", "建筑面积(㎡)"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"荟萃花园南区", "1号楼", "3单元", 3, "302"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellDefault("Sheet1", "F2", "86.549999999999997"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "float.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	hs, errs := parseFile(t, path, "xlsx")
	if len(errs) > 0 || len(hs) != 1 || hs[0].AreaCenti != 8655 {
		t.Fatalf("got %+v %v, want one household of 8655", hs, errs)
	}
}

const goodCSV = "小区,楼栋,单元,楼层,房号,建筑面积(㎡),姓名,与户关系,是否业主,手机号,身份证号,备注\n" +
	"荟萃花园南区,1号楼,3单元,3,302,86.55,张三,本人,,13812345678," + id1980 + ",独居老人\n" +
	"荟萃花园南区,1号楼,3单元,3,302,86.55,李四,配偶,Y,138 1234 5679," + idX + ",\n" +
	",,,,,,,,,,,\n" +
	"荟萃花园南区,1号楼,3单元,4,402,86.50,,,,,,空置\n" +
	"荟萃花园南区,2号楼,1单元,-1,101,120,王五,,是,0359-2345678,,\n" +
	"荟萃花园南区,1号楼,3单元,3,302,86.55,赵六,租客,否,,,\n"

func TestParseGoodCSV(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(goodCSV)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.ValidString(gb) {
		t.Fatal("GB18030 fixture is valid UTF-8; the test would prove nothing")
	}
	for _, tc := range []struct {
		name string
		data string
	}{
		{"utf8", goodCSV},
		{"utf8 bom crlf", "\ufeff" + strings.ReplaceAll(goodCSV, "\n", "\r\n")},
		{"gb18030", gb},
		{"tab separated", strings.ReplaceAll(goodCSV, ",", "\t")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, errs := parseFile(t, writeFile(t, "ledger.csv", []byte(tc.data)), "csv")
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if want := goodHouseholds(); !reflect.DeepEqual(hs, want) {
				t.Errorf("households\n got %+v\nwant %+v", hs, want)
			}
		})
	}
}

func TestParseBadRows(t *testing.T) {
	const idBadCheck = "140802198001010011"
	path := writeBook(t, [][]any{
		{"小区", "楼栋", "单元", "楼层", "房号", "建筑面积(㎡)", "姓名", "与户关系", "是否业主", "手机号", "身份证号", "备注"},
		/* 2 */ {"小区A", "1号楼", "1单元", 2, "201", "80.00", "甲", "业主", "是", "13812345678", id1980},
		/* 3 */ {"", "1号楼", "1单元", 0, "202", "86.555", "乙", "", "", "12345"},
		/* 4 */ {"小区A", "1号楼", "1单元", 3, "201", "81.00", "丙", "家属", "否"},
		/* 5 */ {"小区A", "1号楼", "1单元", 2, "201", "80", "甲", "业主", "是", "13812345678"},
		/* 6 */ {"小区A", "1号楼", "2单元", "x", "301", "abc", "", "朋友", "maybe", "13800000000"},
		/* 7 */ {"小区A", "2号楼", "1单元", 5, "501", 90, "丁", "家属", "是", "", id1980},
		/* 8 */ {"小区A", "2号楼", "1单元", 5, "502", 90, "戊", "业主", "否", "", idBadCheck},
		/* 9 */ {"小区A", "2号楼", "1单元", 6, "601", 90, "", "", "", "", id1990},
		/* 10 */ {"小区A", "2号楼", "1单元", 100, "602", "100000.01", "己", "租户", "是", "", "1.40802E+17"},
		/* 11 */ {"小区A", "2号楼", "1单元", -6, "603", -5, "庚", "其他", "", "", "140802198002300010"},
		/* 12 */ {"小区A", "2号楼", "1单元", 5, "501", 90, "丁", "家属", "是", "", id1980},
	})
	_, errs := parseFile(t, path, "xlsx")
	want := []string{
		"3 小区", "3 楼层", "3 建筑面积(㎡)", "3 与户关系", "3 手机号",
		"4 楼层", "4 建筑面积(㎡)", // differ from row 2 of the same household
		"5 姓名", // same name and phone as row 2
		"6 楼层", "6 建筑面积(㎡)", "6 姓名", "6 与户关系", "6 是否业主",
		"7 身份证号",           // already in row 2, another household
		"8 是否业主", "8 身份证号", // 业主 but 否; check character
		"9 姓名",                                      // ID without a name
		"10 楼层", "10 建筑面积(㎡)", "10 是否业主", "10 身份证号", // too high, too large, tenant owner, Excel number
		"11 楼层", "11 建筑面积(㎡)", "11 身份证号", // too deep, negative, 30 February
		"12 身份证号", // same person as row 7
	}
	if got := fieldList(errs); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors\n got %q\nwant %q\nfull: %v", got, want, errs)
	}
	for _, e := range errs {
		if zh, en, ok := strings.Cut(e.Reason, " / "); !ok || zh == "" || en == "" {
			t.Errorf("row %d %s: reason %q is not \"中文 / English\"", e.Row, e.Field, e.Reason)
		}
	}
	for i, sub := range map[int]string{5: "第2行", 6: "第2行", 13: "第2行", 24: "第7行", 20: "Excel"} {
		if !strings.Contains(errs[i].Reason, sub) {
			t.Errorf("error %d (%d %s) = %q, want it to mention %q", i, errs[i].Row, errs[i].Field, errs[i].Reason, sub)
		}
	}
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         []string
	}{
		{"tolerant titles", "*小区, 楼栋 ,单元,楼层,房号,建筑面积（平方米）,序号", nil},
		{"missing columns", "楼栋,单元,楼层,房号,姓名,与户关系", []string{"1 小区", "1 建筑面积(㎡)"}},
		{"duplicate column", "小区,小区,楼栋,单元,楼层,房号,建筑面积", []string{"1 小区"}},
		{"name without relation", "小区,楼栋,单元,楼层,房号,建筑面积(m²),姓名", []string{"1 与户关系"}},
		{"empty file", "", []string{"1 小区", "1 楼栋", "1 单元", "1 楼层", "1 房号", "1 建筑面积(㎡)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.header + "\n荟萃花园南区,1号楼,3单元,3,302,86.5\n"
			if tc.header == "" {
				data = ""
			}
			hs, errs := parseFile(t, writeFile(t, "h.csv", []byte(data)), "csv")
			if got := fieldList(errs); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("errors %q, want %q", got, tc.want)
			}
			if tc.want == nil && len(hs) != 1 {
				t.Errorf("got %d households, want 1", len(hs))
			}
			if tc.want != nil && hs != nil {
				t.Errorf("got households %+v with a bad header", hs)
			}
		})
	}
}

// Row numbers must be the ones Excel shows: a blank line is a row, a cell
// spanning two lines is still one row.
func TestParseCSVRowNumbers(t *testing.T) {
	data := "小区,楼栋,单元,楼层,房号,建筑面积,备注\n" +
		"荟萃花园南区,1号楼,3单元,3,302,86.5,\"第一行\n第二行\"\n" +
		"\n" +
		"荟萃花园南区,1号楼,3单元,4,402,x,\n"
	hs, errs := parseFile(t, writeFile(t, "rows.csv", []byte(data)), "csv")
	if got, want := fieldList(errs), []string{"4 建筑面积(㎡)"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("errors %q, want %q", got, want)
	}
	if len(hs) != 2 || hs[1].Row != 4 || hs[0].Note != "第一行\n第二行" {
		t.Errorf("households %+v", hs)
	}
}

// roundTripHouseholds has the values a spreadsheet likes to mangle.
func roundTripHouseholds() []Household {
	return []Household{
		{Row: 2, Estate: "荟萃花园南区", Building: "1号楼", Unit: "3单元", Floor: 6, Room: "0602", AreaCenti: 1,
			Members: []Member{
				{Name: "张三", Relation: RelationOwner, Phone: "13812345678", IDNumber: id1980, IsOwner: true},
				{Name: "李四", Relation: RelationFamily, IDNumber: idX, IsOwner: true},
				{Name: "欧阳 娜娜", Relation: RelationTenant, Phone: "0359-2345678-801"},
			},
			Note: "含逗号,引号\"和\n换行；分号"},
		{Row: 5, Estate: "荟萃花园南区", Building: "1号楼", Unit: "3单元", Floor: -5, Room: "3-12", AreaCenti: MaxAreaCenti},
		{Row: 6, Estate: "学苑小区", Building: "A座", Unit: "1单元", Floor: 99, Room: "B101", AreaCenti: 12345,
			Members: []Member{{Name: "王五", Relation: RelationOther, Phone: "010-62345678", IDNumber: id2000, IsOwner: true}}},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		format string
		write  func(io.Writer, []Household) error
	}{
		{"xlsx", WriteXLSX},
		{"csv", WriteCSV},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf, roundTripHouseholds()); err != nil {
				t.Fatal(err)
			}
			hs, errs := parseFile(t, writeFile(t, "export."+tc.format, buf.Bytes()), tc.format)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if want := roundTripHouseholds(); !reflect.DeepEqual(hs, want) {
				t.Errorf("round trip\n got %+v\nwant %+v", hs, want)
			}
		})
	}
}

func TestWriteCSVForExcel(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, roundTripHouseholds()[2:]); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeff小区,") || !strings.Contains(s, "\r\n") {
		t.Errorf("want a BOM, the header and CRLF, got %q", s)
	}
	if !strings.Contains(s, "\"\t"+id2000+"\"") {
		t.Errorf("ID number not kept as text for Excel: %q", s)
	}
}

// Excel asks to repair a sheet whose <col> elements are not in ascending
// order; the stream writer does not sort them.
func TestWriteXLSXColumnsAscending(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, roundTripHouseholds()); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	sheet, _ := io.ReadAll(rc)
	var mins []int
	for _, m := range regexp.MustCompile(`<col min="(\d+)"`).FindAllSubmatch(sheet, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		mins = append(mins, n)
	}
	if len(mins) != int(numColumns) {
		t.Fatalf("got %d <col> elements, want %d", len(mins), numColumns)
	}
	for i, n := range mins {
		if n != i+1 {
			t.Fatalf("<col> order %v, want 1..%d", mins, numColumns)
		}
	}
}

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := Template(&buf); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "template.xlsx", buf.Bytes())
	// The template as downloaded is refused: its two example rows are
	// reported, one problem each, and nothing is read as a household.
	hs, errs := parseFile(t, path, "xlsx")
	if got, want := fieldList(errs), []string{"2 row", "3 row"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("template problems %q, want %q", got, want)
	}
	if len(hs) != 0 {
		t.Errorf("example rows read as households: %+v", hs)
	}
	if n := len(Examples()[0].Members); n != 2 {
		t.Errorf("template has %d example people, want 2", n)
	}

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{LedgerSheet, GuideSheet}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	if panes, err := f.GetPanes(LedgerSheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	styleID, _ := f.GetCellStyle(LedgerSheet, "A1")
	if style, err := f.GetStyle(styleID); err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header not bold: %+v %v", style, err)
	}
	if w, _ := f.GetColWidth(LedgerSheet, "K"); w < 20 {
		t.Errorf("身份证号 column is %v wide, too narrow for 18 digits", w)
	}
	guideRows, err := f.GetRows(GuideSheet)
	if err != nil {
		t.Fatal(err)
	}
	explained := map[string]bool{}
	for _, r := range guideRows {
		if len(r) > 2 && r[2] != "" {
			explained[r[0]] = true
		}
	}
	for _, title := range Header() {
		if !explained[title] {
			t.Errorf("%s has no explanation on %s", title, GuideSheet)
		}
	}
}

func TestParseUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		data         []byte
		code         string
	}{
		{"not a workbook", "xlsx", []byte("小区,楼栋\n"), linli.EBadRequest},
		{"empty xlsx", "xlsx", nil, linli.EBadRequest},
		{"truncated xlsx", "xlsx", func() []byte {
			var b bytes.Buffer
			_ = Template(&b)
			return b.Bytes()[:b.Len()/2]
		}(), linli.EBadRequest},
		{"old excel", "xls", []byte{0xd0, 0xcf, 0x11, 0xe0}, linli.EBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse(bytes.NewReader(tc.data), tc.format)
			if linli.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
		})
	}
}

func TestParseTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("小区,楼栋,单元,楼层,房号,建筑面积\n")
	for i := range 4 {
		fmt.Fprintf(&b, "\n荟萃花园南区,1号楼,3单元,3,%d,86.5\n", 301+i) // blank rows do not count
	}
	for _, tc := range []struct {
		limit int
		ok    bool
	}{{4, true}, {3, false}} {
		_, _, err := parse(strings.NewReader(b.String()), "csv", testToday, tc.limit)
		if tc.ok != (err == nil) || !tc.ok && linli.ErrorCode(err) != linli.ETooLarge {
			t.Errorf("limit %d: err = %v", tc.limit, err)
		}
	}
}

func TestParseArea(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  error
	}{
		{"0.01", 1, nil},
		{"86.5", 8650, nil},
		{"86.55", 8655, nil},
		{"  72.00 ", 7200, nil},
		{"86.550", 8655, nil}, // a cell formatted 0.000
		{"086", 8600, nil},
		{"１２０", 12000, nil},
		{"100000.00", MaxAreaCenti, nil},
		{"86.555", 0, errAreaDecimals},
		{"0.001", 0, errAreaDecimals},
		{"1e3", 0, errAreaSyntax},
		{"1,000", 0, errAreaSyntax},
		{"86.", 0, errAreaSyntax},
		{".5", 0, errAreaSyntax},
		{"+5", 0, errAreaSyntax},
		{"86.5㎡", 0, errAreaSyntax},
		{"", 0, errAreaEmpty},
		{"0", 0, errAreaPositive},
		{"0.00", 0, errAreaPositive},
		{"-5", 0, errAreaPositive},
		{"-99999999999999999999", 0, errAreaPositive},
		{"100000.01", 0, errAreaTooLarge},
		{"99999999999999999999999", 0, errAreaTooLarge},
	} {
		got, err := ParseArea(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseArea(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatArea(t *testing.T) {
	for centi, want := range map[int64]string{8655: "86.55", 8650: "86.50", 1: "0.01", 0: "0.00", MaxAreaCenti: "100000.00", -5: "-0.05"} {
		if got := FormatArea(centi); got != want {
			t.Errorf("FormatArea(%d) = %q, want %q", centi, got, want)
		}
		if centi > 0 {
			if back, err := ParseArea(want); err != nil || back != centi {
				t.Errorf("ParseArea(FormatArea(%d)) = %d, %v", centi, back, err)
			}
		}
	}
}

func TestValidIDNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{id1980, true},
		{id1982, true},
		{id1990, true},
		{id2000, true},
		{idX, true},
		{strings.ToLower(idX), false}, // NormalizeIDNumber first
		{"140802198001010011", false}, // wrong check digit
		{"140802198001010019", false},
		{"14080219750607009" + "0", false},
		{"14080219800101001", false},   // 17 characters
		{"1408021980010100100", false}, // 19
		{"14080219800101001A", false},
		{"140802198002300010", false}, // 30 February
		{"140802190002290016", false}, // 1900 was not a leap year
		{"140802189912310010", false}, // before 1900
		{"990802198001010010", false}, // no province 99
		{"1.40802E+17", false},
		{"", false},
	} {
		if got := ValidIDNumber(tc.in); got != tc.want {
			t.Errorf("ValidIDNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if !ValidIDNumber(NormalizeIDNumber(" " + strings.ToLower(idX) + " ")) {
		t.Error("NormalizeIDNumber does not fix a lower-case x")
	}
	// A birth date after today is impossible, checked against the clock given.
	future := "14080220300101001"
	future += string(IDCheckChar(future))
	if idProblem(future, testToday) == "" {
		t.Errorf("%s born in 2030 accepted on %s", future, testToday.Format(time.DateOnly))
	}
	if idProblem(future, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)) != "" {
		t.Errorf("%s refused after its birth date", future)
	}
}

func TestValidPhone(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"13812345678", true},
		{"19912345678", true},
		{"0359-2345678", true},
		{"010-62345678", true},
		{"0359-2345678-801", true},
		{"03592345678", true},
		{"12812345678", false},
		{"1381234567", false},
		{"138123456789", false},
		{"138-1234-5678", false}, // NormalizePhone first
		{"0359-1234567", false},  // local numbers do not start with 1
		{"010-12345678", false},
		{"359-2345678", false},
		{"0359-23456", false},
		{"0359-2345678-", false},
		{"00-12345678", false},
		{"abc", false},
		{"", false},
	} {
		if got := ValidPhone(tc.in); got != tc.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for in, want := range map[string]string{
		"138 1234 5678":   "13812345678",
		"138-1234-5678":   "13812345678",
		"+86 13812345678": "13812345678",
		"１３８１２３４５６７８":     "13812345678",
		"'13812345678":    "13812345678",
		"0359-2345678":    "0359-2345678",
	} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRelation(t *testing.T) {
	for in, want := range map[string]string{
		"业主": RelationOwner, "本人": RelationOwner, "户主": RelationOwner,
		"家属": RelationFamily, "配偶": RelationFamily, "子女": RelationFamily, "父母": RelationFamily,
		"租户": RelationTenant, "租客": RelationTenant, "其他": RelationOther, " tenant ": RelationTenant,
		"朋友": "", "": "",
	} {
		got, ok := ParseRelation(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseRelation(%q) = %q, %v; want %q", in, got, ok, want)
		}
		if ok && RelationLabel(got) == "" {
			t.Errorf("no label for %q", got)
		}
	}
}

// BenchmarkParseXLSX5000 parses a ledger of 5,000 households (about 10,000
// rows), the size of a large community.
func BenchmarkParseXLSX5000(b *testing.B) {
	hs := make([]Household, 5000)
	row := 2
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range hs {
		floor := i%6 + 1
		h := Household{Row: row, Estate: "荟萃花园南区", Building: fmt.Sprintf("%d号楼", i/96+1),
			Unit: fmt.Sprintf("%d单元", i/12%8+1), Floor: floor, Room: fmt.Sprintf("%d%02d", floor, i/6%2+1),
			AreaCenti: int64(7000 + i%3000)}
		for j := range i % 4 { // 0 to 3 people
			first17 := "140802" + born.AddDate(0, 0, i).Format("20060102") + fmt.Sprintf("%03d", j)
			rel := []string{RelationOwner, RelationFamily, RelationTenant}[j%3]
			h.Members = append(h.Members, Member{Name: fmt.Sprintf("住户%d-%d", i, j), Relation: rel,
				Phone: fmt.Sprintf("138%08d", i*4+j), IDNumber: first17 + string(IDCheckChar(first17)), IsOwner: rel == RelationOwner})
		}
		row += max(1, len(h.Members))
		hs[i] = h
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, hs); err != nil {
		b.Fatal(err)
	}
	path := writeFile(b, "5000.xlsx", buf.Bytes())
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		got, errs, err := Parse(f, "xlsx")
		f.Close()
		if err != nil || len(errs) > 0 || len(got) != len(hs) {
			b.Fatalf("got %d households, %d errors (%v), err %v", len(got), len(errs), errs[:min(3, len(errs))], err)
		}
	}
	b.ReportMetric(float64(row-2), "rows/op") // after the loop: b.Loop resets the timer and metrics
}

// One owner of two flats: the same ID number and name in two households
// is not an error.
func TestParseSameOwnerTwoFlats(t *testing.T) {
	path := writeBook(t, [][]any{
		{"小区", "楼栋", "单元", "楼层", "房号", "建筑面积(㎡)", "姓名", "与户关系", "是否业主", "手机号", "身份证号", "备注"},
		{"小区A", "1号楼", "1单元", 2, "201", "80.00", "甲", "业主", "是", "13812345678", id1980},
		{"小区A", "1号楼", "1单元", 3, "301", "80.00", "甲", "业主", "是", "13812345678", id1980},
	})
	hs, errs := parseFile(t, path, "xlsx")
	if len(errs) != 0 || len(hs) != 2 {
		t.Fatalf("got %d households, errors %v", len(hs), errs)
	}
}

// A cell that starts like a formula is written with an apostrophe, so a
// clerk opening the CSV in Excel sees text, not a live formula; Parse
// reads the same values back. The xlsx writer is safe by its typed cells.
func TestWriteCSVNoFormulas(t *testing.T) {
	hs := []Household{{Row: 2, Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: -1, Room: "101", AreaCenti: 8000,
		Note: "@SUM(1+1)*cmd|' /C calc'!A0",
		Members: []Member{{Name: `=HYPERLINK("http://x","点这里")`, Relation: RelationOwner, Phone: "13812345678", IsOwner: true},
			{Name: "+张三", Relation: RelationFamily, Phone: "13912345678"}}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, hs); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, c := range rec {
			v := strings.TrimLeft(c, " \t\r\n")
			if v != "" && strings.ContainsRune("=+-@", rune(v[0])) && v != "-1" {
				t.Errorf("cell %q would be a formula in Excel", c)
			}
		}
	}
	got, errs := parseFile(t, writeFile(t, "export.csv", buf.Bytes()), "csv")
	if len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	if !reflect.DeepEqual(got, hs) {
		t.Errorf("round trip\n got %+v\nwant %+v", got, hs)
	}
}
