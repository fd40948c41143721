package ledger

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"linli/csvsafe"
)

// LedgerSheet is the name of the sheet WriteXLSX and Template write the
// ledger to.
const LedgerSheet = "住户台账"

// columnWidths are in Excel's character units, wide enough for the
// template's examples and an 18-digit ID number.
var columnWidths = [numColumns]float64{16, 9, 9, 7, 9, 13, 10, 10, 10, 16, 22, 30}

// textColumns hold digits that must stay text: Excel would drop a room's
// leading zero, round an area or turn an ID number into 1.40802E+17.
var textColumns = []column{colRoom, colArea, colPhone, colID}

// rows calls fn with the cells of each row of the ledger, households in
// order, one row per member or one row for a household with nobody in it.
// The household's note goes on its first row only, so Parse reads it back
// exactly. Floors stay numbers; everything else is text.
func rows(hs []Household, fn func(cells [numColumns]any) error) error {
	for _, h := range hs {
		var cells [numColumns]any
		cells[colEstate], cells[colBuilding], cells[colUnit] = h.Estate, h.Building, h.Unit
		cells[colFloor], cells[colRoom], cells[colArea] = h.Floor, h.Room, FormatArea(h.AreaCenti)
		cells[colNote] = h.Note
		if len(h.Members) == 0 {
			if err := fn(cells); err != nil {
				return err
			}
			continue
		}
		for i, m := range h.Members {
			if i > 0 {
				cells[colNote] = ""
			}
			owner := "否"
			if m.IsOwner {
				owner = "是"
			}
			cells[colName], cells[colRelation], cells[colOwner] = m.Name, RelationLabel(m.Relation), owner
			cells[colPhone], cells[colID] = m.Phone, m.IDNumber
			if err := fn(cells); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteXLSX writes households as a ledger workbook that Parse reads back to
// the same households. Areas are written as text with two decimals and
// rooms, phones and ID numbers as text, so Excel changes none of them.
func WriteXLSX(w io.Writer, hs []Household) error {
	f, sw, err := newLedgerBook()
	if err != nil {
		return err
	}
	defer f.Close()
	if err := writeRows(sw, hs, 0); err != nil {
		return err
	}
	return f.Write(w)
}

// writeRows writes the households below the header and ends the stream;
// style, when not 0, is given to every cell of their rows.
func writeRows(sw *excelize.StreamWriter, hs []Household, style int) error {
	row := 1
	err := rows(hs, func(cells [numColumns]any) error {
		row++
		vals := make([]any, numColumns)
		for c, v := range cells {
			switch {
			case style != 0:
				if v == "" {
					v = nil
				}
				vals[c] = excelize.Cell{StyleID: style, Value: v}
			case v != "":
				vals[c] = v // an empty string would still write an empty cell
			}
		}
		return sw.SetRow("A"+strconv.Itoa(row), vals)
	})
	if err != nil {
		return fmt.Errorf("ledger: write row %d: %w", row, err)
	}
	return sw.Flush()
}

// newLedgerBook starts a workbook whose first sheet is LedgerSheet with its
// header written: bold, frozen, columns sized, digit columns formatted as
// text and drop-downs on 与户关系 and 是否业主. Rows follow through the
// returned stream writer, which must be flushed.
func newLedgerBook() (*excelize.File, *excelize.StreamWriter, error) {
	f := excelize.NewFile()
	sw, err := setUpLedgerSheet(f)
	if err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("ledger: start workbook: %w", err)
	}
	return f, sw, nil
}

func setUpLedgerSheet(f *excelize.File) (*excelize.StreamWriter, error) {
	if err := f.SetSheetName(f.GetSheetName(0), LedgerSheet); err != nil {
		return nil, err
	}
	headerStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return nil, err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // 49 is "@", text
	if err != nil {
		return nil, err
	}
	// Drop-downs that suggest without refusing: the synonyms Parse accepts
	// (配偶, 租客, Y, …) must still be typeable, so no error message is set.
	for _, dv := range []struct {
		col   column
		items []string
	}{
		{colRelation, []string{"业主", "家属", "租户", "其他"}},
		{colOwner, []string{"是", "否"}},
	} {
		name, _ := excelize.ColumnNumberToName(int(dv.col) + 1)
		v := excelize.NewDataValidation(true)
		v.Sqref = fmt.Sprintf("%s2:%s%d", name, name, MaxRows+1)
		if err := v.SetDropList(dv.items); err != nil {
			return nil, err
		}
		if err := f.AddDataValidation(LedgerSheet, v); err != nil {
			return nil, err
		}
	}
	// Column settings must reach the stream writer before any row does.
	sw, err := f.NewStreamWriter(LedgerSheet)
	if err != nil {
		return nil, err
	}
	// The stream writer writes <col> elements in the order they were last
	// touched, newest first, and Excel wants them ascending: so go from the
	// last column to the first, setting each column's width and style together.
	for c := numColumns - 1; c >= 0; c-- {
		n := int(c) + 1
		if err := sw.SetColWidth(n, n, columnWidths[c]); err != nil {
			return nil, err
		}
		if slices.Contains(textColumns, c) {
			if err := sw.SetColStyle(n, n, textStyle); err != nil {
				return nil, err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	header := make([]any, numColumns)
	for c, t := range titles {
		header[c] = excelize.Cell{StyleID: headerStyle, Value: t}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	return sw, nil
}

// WriteCSV writes households as a ledger CSV that Parse reads back to the
// same households: UTF-8 with a byte-order mark and CRLF line ends, which is
// what makes Excel on Windows open it as UTF-8. Rooms, phones and ID numbers
// are prefixed with a tab so Excel keeps them as text (see the package doc).
// Every cell goes through csvsafe, so a name or note that starts like a
// formula ("=HYPERLINK(…)") is written with an apostrophe before it and
// stays text; Parse takes the apostrophe off again.
func WriteCSV(w io.Writer, hs []Household) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(titles[:]); err != nil {
		return err
	}
	rec := make([]string, numColumns)
	err := rows(hs, func(cells [numColumns]any) error {
		for c, v := range cells {
			rec[c] = ""
			if v != nil {
				rec[c] = fmt.Sprint(v)
			}
		}
		for _, c := range []column{colRoom, colPhone, colID} {
			if rec[c] != "" {
				rec[c] = "\t" + rec[c]
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
