// Package csvsafe writes CSV cells that a spreadsheet shows as text, never
// runs as a formula.
//
// Excel, WPS and LibreOffice treat a CSV cell that starts with = + - or @
// as a formula, also after leading tabs, carriage returns or spaces
// ("CSV injection", OWASP): a resident whose name is
// `=HYPERLINK("http://…","点这里")` becomes a live link, and older Excel
// runs `=cmd|' /C calc'!A0` after one warning. The .xlsx writers are safe
// because they write typed string cells; a CSV has no types, so every CSV
// writer goes through Cell (or Writer, which applies it to every cell).
//
// Cell puts an apostrophe before such a cell — what OWASP recommends and
// what Excel shows as plain text — and Uncell takes exactly one off again,
// so a file Linli writes reads back to the same values. A plain number
// such as a basement floor "-1" is left alone: it is a number, not a
// formula, and must stay one.
package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// number is a plain decimal, which spreadsheets read as a number.
var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// risky reports whether a spreadsheet would read s as a formula, or s
// starts (after blanks) with the apostrophe Cell adds, which must itself be
// escaped so Uncell is exact.
func risky(s string) bool {
	t := strings.TrimLeft(s, " \t\r\n")
	if t == "" {
		return false
	}
	switch t[0] {
	case '=', '+', '-', '@':
		return !number.MatchString(t)
	case '\'':
		return true
	}
	return false
}

// Cell returns s made safe to write as a CSV cell: with an apostrophe
// before it when a spreadsheet would take it for a formula.
func Cell(s string) string {
	if risky(s) {
		return "'" + s
	}
	return s
}

// Uncell undoes Cell on a cell read back from a CSV file.
func Uncell(s string) string {
	if strings.HasPrefix(s, "'") && risky(s[1:]) {
		return s[1:]
	}
	return s
}

// Writer is a csv.Writer whose Write makes every cell safe.
type Writer struct {
	*csv.Writer
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{csv.NewWriter(w)} }

// Write writes one record, each cell through Cell. rec is not changed.
func (w *Writer) Write(rec []string) error {
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = Cell(c)
	}
	return w.Writer.Write(safe)
}
