// Package workbook writes the .xlsx workbooks Linli hands out — the case
// list, the statistics tables, the monthly report — in the layout a
// street office forwards upward: one sheet per table, a header row of
// Chinese column names (frozen), and typed cells: dates are dates (a date
// number with a date format, in the deployment's zone), rates are numbers
// with a percent format, counts are numbers, and text is text.
//
// Text is written as a string cell, which no spreadsheet evaluates, with
// the text number format ("@"): a name like =HYPERLINK(…) or a note that
// starts with + - or @ stays text even when someone opens the cell and
// presses Enter (the CSV writers need package csvsafe's apostrophe for
// this; a typed cell does not, so the value reads back exactly).
package workbook

import (
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Kind is how a column's cells are written.
type Kind int

// Kinds of columns.
const (
	Text     Kind = iota
	Int           // a count
	Percent       // a rate from 0 to 1, shown 0.0%
	Date          // a day, yyyy-mm-dd
	DateTime      // a time, yyyy-mm-dd hh:mm
)

// Column is one column of a sheet.
type Column struct {
	Name  string // the header
	Kind  Kind
	Width float64 // 0: from the kind
}

// DisplayWidth is the column's width in characters: Width, or one for
// its kind wide enough for its header.
func (c Column) DisplayWidth() float64 {
	if c.Width != 0 {
		return c.Width
	}
	w := map[Kind]float64{Text: 16, Int: 10, Percent: 11, Date: 12, DateTime: 17}[c.Kind]
	if n := float64(utf8.RuneCountInString(c.Name))*2 + 2; n > w {
		w = n
	}
	return w
}

// Number formats (the built-in ids of SpreadsheetML; custom ones below).
const (
	fmtText    = 49 // "@"
	fmtInt     = 1  // "0"
	dayFormat  = "yyyy-mm-dd"
	timeFormat = "yyyy-mm-dd hh:mm"
	pctFormat  = "0.0%"
)

// Book is a workbook being written. Sheets are written one after another
// (each is streamed: a case list of twenty thousand rows stays small in
// memory); Write finishes it.
type Book struct {
	x      *excelize.File
	zone   *time.Location
	used   map[string]bool
	sheets int
	style  map[string]int
	cur    *Sheet
}

// New starts a workbook whose dates are shown in zone.
func New(zone *time.Location) (*Book, error) {
	b := &Book{x: excelize.NewFile(), zone: zone, used: map[string]bool{}, style: map[string]int{}}
	bold := true
	styles := map[string]*excelize.Style{
		"header": {Font: &excelize.Font{Bold: bold}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EDF3"}}, NumFmt: fmtText},
		"text":   {NumFmt: fmtText},
		"int":    {NumFmt: fmtInt},
		"pct":    {CustomNumFmt: ptr(pctFormat)},
		"day":    {CustomNumFmt: ptr(dayFormat)},
		"time":   {CustomNumFmt: ptr(timeFormat)},
	}
	for name, st := range styles {
		id, err := b.x.NewStyle(st)
		if err != nil {
			b.x.Close()
			return nil, err
		}
		b.style[name] = id
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }

// Sheet is one table of the workbook.
type Sheet struct {
	b    *Book
	sw   *excelize.StreamWriter
	cols []Column
	row  int
}

// Sheet starts a new sheet named name (made valid and unique) with its
// header row. The previous sheet is finished.
func (b *Book) Sheet(name string, cols []Column) (*Sheet, error) {
	if err := b.finish(); err != nil {
		return nil, err
	}
	name = SheetName(name, b.used)
	var err error
	if b.sheets == 0 {
		err = b.x.SetSheetName("Sheet1", name)
	} else {
		_, err = b.x.NewSheet(name)
	}
	if err != nil {
		return nil, err
	}
	b.sheets++
	sw, err := b.x.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	s := &Sheet{b: b, sw: sw, cols: cols, row: 1}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.DisplayWidth()); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: b.style["header"], Value: c.Name}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	b.cur = s
	return s, nil
}

// Row writes one row. Each value goes with its column's kind: Text takes
// a string; Int an int; Percent a float64 from 0 to 1, or nil (no rate:
// an empty cell); Date and DateTime a time.Time (zero: an empty cell).
// A value beyond the columns is written as text (a note row).
func (s *Sheet) Row(vals ...any) error {
	s.row++
	out := make([]any, len(vals))
	for i, v := range vals {
		k := Text
		if i < len(s.cols) {
			k = s.cols[i].Kind
		}
		out[i] = s.cell(k, v)
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.row)
	return s.sw.SetRow(cell, out)
}

func (s *Sheet) cell(k Kind, v any) any {
	st := s.b.style
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if k != Text && x == "" {
			return nil
		}
		return excelize.Cell{StyleID: st["text"], Value: x}
	case time.Time:
		if x.IsZero() {
			return nil
		}
		// A spreadsheet's dates have no zone: write the wall clock of
		// the deployment's zone.
		t := x.In(s.b.zone)
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
		if k == Date {
			return excelize.Cell{StyleID: st["day"], Value: wall.Truncate(24 * time.Hour)}
		}
		return excelize.Cell{StyleID: st["time"], Value: wall}
	case float64:
		if k == Percent {
			return excelize.Cell{StyleID: st["pct"], Value: x}
		}
		return x
	case int:
		return excelize.Cell{StyleID: st["int"], Value: x}
	case int64:
		return excelize.Cell{StyleID: st["int"], Value: x}
	}
	return excelize.Cell{StyleID: st["text"], Value: v}
}

func (b *Book) finish() error {
	if b.cur == nil {
		return nil
	}
	err := b.cur.sw.Flush()
	b.cur = nil
	return err
}

// Write finishes the workbook and writes it to w. A workbook without a
// sheet gets an empty one named "空".
func (b *Book) Write(w io.Writer) error {
	if err := b.finish(); err != nil {
		return err
	}
	if b.sheets == 0 {
		if err := b.x.SetSheetName("Sheet1", "空"); err != nil {
			return err
		}
	}
	return b.x.Write(w)
}

// Close frees the workbook.
func (b *Book) Close() error { return b.x.Close() }

// SheetName is s as a sheet may carry it (no []:*?/\, at most 31
// characters), made unique among used.
func SheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		s = "表"
	}
	base := s
	for n := 2; ; n++ {
		if utf8.RuneCountInString(s) > 31 {
			s = string([]rune(s)[:31])
		}
		if !used[s] {
			used[s] = true
			return s
		}
		suffix := "(" + strconv.Itoa(n) + ")"
		s = string([]rune(base)[:min(utf8.RuneCountInString(base), 31-utf8.RuneCountInString(suffix))]) + suffix
	}
}
