package ledger

import (
	"archive/zip"
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli"
	"linli/web/webtest"
)

// checkParsed states what Parse promises for any file: an unreadable file
// is a 400 or 413 and nothing else; every field error has a row, a field
// and a reason; households come with a row and the columns that make a
// household, and members with a name and a known relation.
func checkParsed(t *testing.T, hs []Household, errs []linli.FieldError, err error) {
	t.Helper()
	if err != nil {
		webtest.ClientError(t, err, linli.EBadRequest, linli.ETooLarge)
		if hs != nil || errs != nil {
			t.Fatalf("households or field errors beside an error: %v", err)
		}
		return
	}
	for _, e := range errs {
		if e.Row < 1 || e.Field == "" || e.Reason == "" {
			t.Fatalf("field error without row, field or reason: %+v", e)
		}
	}
	if len(errs) > 0 {
		return
	}
	for _, h := range hs {
		if h.Row < 1 || h.Estate == "" || h.Building == "" || h.Unit == "" || h.Room == "" {
			t.Fatalf("household without row or place: %+v", h)
		}
		if h.AreaCenti <= 0 || h.AreaCenti > MaxAreaCenti {
			t.Fatalf("area %d out of range: %+v", h.AreaCenti, h)
		}
		for _, m := range h.Members {
			if m.Name == "" || RelationLabel(m.Relation) == "" {
				t.Fatalf("member without name or relation: %+v", m)
			}
		}
	}
}

// reparse writes households with WriteCSV and reads them back: a ledger
// that parsed cleanly must come back the same (rows renumbered).
func reparse(t *testing.T, hs []Household) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, hs); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	back, errs, err := parse(bytes.NewReader(buf.Bytes()), "csv", testToday, MaxRows)
	if err != nil || len(errs) > 0 {
		t.Fatalf("the export of a clean import is refused: %v %v\n%s", err, errs, buf.Bytes())
	}
	if !reflect.DeepEqual(withoutRows(back), withoutRows(hs)) {
		t.Fatalf("export and import again changed the ledger\n got %+v\nwant %+v", back, hs)
	}
}

func withoutRows(hs []Household) []Household {
	out := make([]Household, len(hs))
	for i, h := range hs {
		h.Row = 0
		out[i] = h
	}
	return out
}

// FuzzParseCSV: the CSV reader (UTF-8, BOM, GB18030, tabs, quoted lines)
// and the row rules never panic, and a clean result round-trips.
func FuzzParseCSV(f *testing.F) {
	var export, template bytes.Buffer
	if err := WriteCSV(&export, roundTripHouseholds()); err != nil {
		f.Fatal(err)
	}
	if err := TemplateCSV(&template); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		goodCSV,
		"\ufeff" + strings.ReplaceAll(goodCSV, "\n", "\r\n"),
		strings.ReplaceAll(goodCSV, ",", "\t"),
		"学苑社区住户台账\n" + goodCSV,
		"*小区, 楼栋 ,单元,楼层,房号,建筑面积（平方米）,序号\n荟萃花园南区,1号楼,3单元,3,302,86.5\n",
		"小区,小区,楼栋,单元,楼层,房号,建筑面积\n荟萃花园南区,1号楼,3单元,3,302,86.5\n",
		"小区,楼栋,单元,楼层,房号,建筑面积,备注\n荟萃花园南区,1号楼,3单元,3,302,86.5,\"第一行\n第二行\"\n\n荟萃花园南区,1号楼,3单元,4,402,x,\n",
		"小区,楼栋,单元,楼层,房号,建筑面积,姓名,与户关系,身份证号\nA,1,1,3,'=1+1,1e3,甲,本人,1.40802E+17\n",
		"", "\n\n\n", "\"", "小区,\"楼栋",
		export.String(), template.String(),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, errs, err := parse(bytes.NewReader(data), "csv", testToday, 1000)
		checkParsed(t, hs, errs, err)
		if err == nil && len(errs) == 0 {
			reparse(t, hs)
		}
	})
}

// ledgerBook is a workbook written by WriteXLSX: the fuzz target of the
// xlsx reader replaces its sheet and shared strings, so the fuzzer works
// on the XML that excelize and the row rules read rather than on zip
// checksums (archive/zip is the standard library's to fuzz).
func ledgerBook(f *testing.F) (base []byte, sheet, shared []byte) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, roundTripHouseholds()); err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		f.Fatal(err)
	}
	for _, zf := range zr.File {
		switch zf.Name {
		case "xl/worksheets/sheet1.xml":
			sheet = readZipped(f, zf)
		case "xl/sharedStrings.xml":
			shared = readZipped(f, zf)
		}
	}
	if sheet == nil {
		f.Fatal("no xl/worksheets/sheet1.xml in the exported workbook")
	}
	return buf.Bytes(), sheet, shared
}

func readZipped(f *testing.F, zf *zip.File) []byte {
	rc, err := zf.Open()
	if err != nil {
		f.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// withSheet rewrites base with the given sheet and shared strings.
func withSheet(t testing.TB, base, sheet, shared []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	wrote := false
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		switch zf.Name {
		case "xl/worksheets/sheet1.xml":
			_, err = w.Write(sheet)
		case "xl/sharedStrings.xml":
			_, err = w.Write(shared)
			wrote = true
		default:
			var rc io.ReadCloser
			if rc, err = zf.Open(); err == nil {
				_, err = io.Copy(w, rc)
				rc.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !wrote && len(shared) > 0 {
		w, err := zw.Create("xl/sharedStrings.xml")
		if err == nil {
			_, err = w.Write(shared)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetOf returns the first sheet and the shared strings of a workbook
// written by excelize from rows (writeBook's cells).
func sheetOf(f *testing.F, rows [][]any) (sheet, shared []byte) {
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			f.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		f.Fatal(err)
	}
	for _, zf := range zr.File {
		switch zf.Name {
		case "xl/worksheets/sheet1.xml":
			sheet = readZipped(f, zf)
		case "xl/sharedStrings.xml":
			shared = readZipped(f, zf)
		}
	}
	return sheet, shared
}

// FuzzParseXLSX: the ledger sheet's XML (cells inline, shared, numeric,
// formatted) never makes the reader panic, and a clean result
// round-trips.
func FuzzParseXLSX(f *testing.F) {
	base, sheet, shared := ledgerBook(f)
	if hs, errs, err := parse(bytes.NewReader(withSheet(f, base, sheet, shared)), "xlsx", testToday, 1000); err != nil || len(errs) > 0 ||
		!reflect.DeepEqual(hs, roundTripHouseholds()) {
		f.Fatalf("the rebuilt workbook does not read as written: %v %v %+v", err, errs, hs)
	}
	f.Add(sheet, shared)
	for _, rows := range [][][]any{
		{
			{"序号", " 小区 ", "楼栋", "单元", "房号", "楼层", "建筑面积", "姓 名", "与户关系", "是否业主", "手机号", "身份证号", "备注"},
			{1, "荟萃花园南区", "1号楼", "3单元", 302, 3, 86.55, "张三", "本人", nil, 13812345678, id1980, "独居老人"},
			{2, "荟萃花园南区", "1号楼", "3单元", "302", "3", "86.55", "李四", "配偶", "Y", "138 1234 5679", strings.ToLower(idX), nil},
			{4, "荟萃花园南区", "2号楼", "1单元", "101", -1, 120, "王五", nil, "是", "0359-2345678"},
		},
		{
			{"小区", "楼栋", "单元", "楼层", "房号", "建筑面积(㎡)", "姓名", "与户关系", "是否业主", "手机号", "身份证号", "备注"},
			{"小区A", "1号楼", "1单元", 2, "201", 86.54999999999999, "甲", "业主", "是", "13812345678", id1980},
			{"小区A", "2号楼", "1单元", 100, "602", "100000.01", "己", "租户", "是", "", "1.40802E+17"},
		},
	} {
		s, sh := sheetOf(f, rows)
		f.Add(s, sh)
	}
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		book := withSheet(t, base, sheet, shared)
		hs, errs, err := parse(bytes.NewReader(book), "xlsx", testToday, 1000)
		checkParsed(t, hs, errs, err)
		if err == nil && len(errs) == 0 {
			reparse(t, hs)
		}
	})
}
