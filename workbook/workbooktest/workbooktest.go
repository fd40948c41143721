// Package workbooktest reads back a workbook written by package workbook
// and checks each cell's value and type, for the tests of every export.
package workbooktest

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// Open parses an .xlsx file.
func Open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an .xlsx file: %v (%.80q)", err, data)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// Header checks a sheet's first row.
func Header(t testing.TB, x *excelize.File, sheet string, names ...string) {
	t.Helper()
	rows, err := x.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("sheet %q: %v, %d rows", sheet, err, len(rows))
	}
	if strings.Join(rows[0], "|") != strings.Join(names, "|") {
		t.Fatalf("sheet %q header %q, want %q", sheet, rows[0], names)
	}
	for i := range names {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		Text(t, x, sheet, cell, names[i])
	}
}

func format(t testing.TB, x *excelize.File, sheet, cell string) (int, string) {
	t.Helper()
	id, err := x.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := x.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	custom := ""
	if st.CustomNumFmt != nil {
		custom = *st.CustomNumFmt
	}
	return st.NumFmt, custom
}

func raw(t testing.TB, x *excelize.File, sheet, cell string) (excelize.CellType, string) {
	t.Helper()
	typ, err := x.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	v, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return typ, v
}

// Text checks a string cell with the text format: never a formula.
func Text(t testing.TB, x *excelize.File, sheet, cell, want string) {
	t.Helper()
	typ, v := raw(t, x, sheet, cell)
	if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("%s!%s: type %v, want text (%q)", sheet, cell, typ, v)
	}
	if v != want {
		t.Errorf("%s!%s = %q, want %q", sheet, cell, v, want)
	}
	if f, _ := x.GetCellFormula(sheet, cell); f != "" {
		t.Errorf("%s!%s has formula %q", sheet, cell, f)
	}
	if n, _ := format(t, x, sheet, cell); n != 49 {
		t.Errorf("%s!%s: number format %d, want 49 (text)", sheet, cell, n)
	}
}

func number(t testing.TB, x *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, v := raw(t, x, sheet, cell)
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("%s!%s: type %v, want a number (%q)", sheet, cell, typ, v)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Errorf("%s!%s = %q, not a number", sheet, cell, v)
	}
	return f
}

// Number checks a plain number cell.
func Number(t testing.TB, x *excelize.File, sheet, cell string, want float64) {
	t.Helper()
	if f := number(t, x, sheet, cell); f != want {
		t.Errorf("%s!%s = %v, want %v", sheet, cell, f, want)
	}
	if n, c := format(t, x, sheet, cell); c != "" || (n != 0 && n != 1 && n != 3) {
		t.Errorf("%s!%s: format %d %q, want a plain number", sheet, cell, n, c)
	}
}

// Percent checks a number cell with a percent format.
func Percent(t testing.TB, x *excelize.File, sheet, cell string, want float64) {
	t.Helper()
	if f := number(t, x, sheet, cell); math.Abs(f-want) > 1e-9 {
		t.Errorf("%s!%s = %v, want %v", sheet, cell, f, want)
	}
	if n, c := format(t, x, sheet, cell); !strings.HasSuffix(c, "%") && n != 9 && n != 10 {
		t.Errorf("%s!%s: format %d %q, want a percent format", sheet, cell, n, c)
	}
}

// excelDay is the serial number of a day in the 1900 date system.
func excelDay(d time.Time) float64 {
	return d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
}

// Date checks a date cell (want is 2006-01-02).
func Date(t testing.TB, x *excelize.File, sheet, cell, want string) {
	t.Helper()
	d, _ := time.Parse("2006-01-02", want)
	if f := number(t, x, sheet, cell); f != excelDay(d) {
		t.Errorf("%s!%s = %v, want %v (%s)", sheet, cell, f, excelDay(d), want)
	}
	if _, c := format(t, x, sheet, cell); c != "yyyy-mm-dd" {
		t.Errorf("%s!%s: format %q, want a date", sheet, cell, c)
	}
}

// DateTime checks a date-and-time cell (want is 2006-01-02 15:04).
func DateTime(t testing.TB, x *excelize.File, sheet, cell, want string) {
	t.Helper()
	d, _ := time.Parse("2006-01-02 15:04", want)
	if f := number(t, x, sheet, cell); math.Abs(f-excelDay(d)) > 1e-6 {
		t.Errorf("%s!%s = %v, want %v (%s)", sheet, cell, f, excelDay(d), want)
	}
	if _, c := format(t, x, sheet, cell); c != "yyyy-mm-dd hh:mm" {
		t.Errorf("%s!%s: format %q, want a date and time", sheet, cell, c)
	}
}

// Empty checks a cell holds nothing.
func Empty(t testing.TB, x *excelize.File, sheet, cell string) {
	t.Helper()
	if v, _ := x.GetCellValue(sheet, cell); v != "" {
		t.Errorf("%s!%s = %q, want empty", sheet, cell, v)
	}
}
