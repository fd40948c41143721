package ledger

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linli"
	"linli/csvsafe"
)

// MaxRows is the most data rows (after the header) Parse accepts; a city's
// largest community has a few tens of thousands of residents.
const MaxRows = 200000

const (
	maxCSVBytes   = 256 << 20 // far above MaxRows full rows
	maxUnzipBytes = 1 << 30   // an xlsx that inflates beyond this is a zip bomb, not a ledger
)

// GuideSheet is the name of the template's sheet of instructions; Parse
// reads the sheet named LedgerSheet, or else the first that is not GuideSheet.
const GuideSheet = "填写说明"

// eachRow calls fn with the row number (1-based) and cells of every row of a
// table, in order; it stops at the first error fn returns.
type eachRow func(fn func(row int, cells []string) error) error

func errUnreadable(format string, err error) error {
	return linli.Errorf(linli.EBadRequest, "无法读取%s文件，请确认文件格式 / cannot read the %s file: %v", format, format, err)
}

func errTooManyRows(limit int) error {
	return linli.Errorf(linli.ETooLarge, "文件超过%d行，请分批导入 / the file has more than %d rows; import it in parts", limit, limit)
}

// xlsxRows opens a workbook and iterates the rows of its ledger sheet. The
// returned close must be called.
func xlsxRows(r io.Reader) (eachRow, func(), error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipBytes})
	if err != nil {
		return nil, nil, errUnreadable("xlsx", err)
	}
	closeFile := func() { _ = f.Close() }
	// The ledger sheet by its name, else the first sheet that is not the
	// template's instructions (users rename sheets and reorder them).
	sheet := ""
	for _, name := range f.GetSheetList() {
		if name == LedgerSheet {
			sheet = name
			break
		}
		if name != GuideSheet && sheet == "" {
			sheet = name
		}
	}
	if sheet == "" {
		closeFile()
		return nil, nil, errUnreadable("xlsx", errors.New("no worksheet"))
	}
	each := func(fn func(int, []string) error) error {
		rows, err := f.Rows(sheet)
		if err != nil {
			return errUnreadable("xlsx", err)
		}
		defer rows.Close()
		// Rows.Next steps one row number at a time, also over rows absent
		// from the file, so counting calls gives the spreadsheet row.
		for n := 1; rows.Next(); n++ {
			// Formatted values, so a number is read as Excel shows it.
			cells, err := rows.Columns()
			if err != nil {
				return errUnreadable("xlsx", err)
			}
			if err := fn(n, cells); err != nil {
				return err
			}
		}
		if err := rows.Error(); err != nil {
			return errUnreadable("xlsx", err)
		}
		return nil
	}
	return each, closeFile, nil
}

// csvRows iterates the records of a CSV file in UTF-8 (with or without BOM)
// or, when the bytes are not valid UTF-8, GB18030 — what Excel on a Chinese
// Windows writes for "CSV (逗号分隔)".
func csvRows(r io.Reader) (eachRow, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxCSVBytes+1))
	if err != nil {
		return nil, errUnreadable("csv", err)
	}
	if len(b) > maxCSVBytes {
		return nil, errTooManyRows(MaxRows)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			return nil, errUnreadable("csv", err)
		}
	}
	// The separator is the one of the first line that has one: a title
	// line above the header ("学苑社区住户台账") may have neither.
	first, rest := []byte(nil), b
	for len(rest) > 0 && !bytes.ContainsAny(first, ",\t") {
		first, rest, _ = bytes.Cut(rest, []byte("\n"))
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // a stray quote in a note should not sink the file
	if !bytes.ContainsRune(first, ',') && bytes.ContainsRune(first, '\t') {
		cr.Comma = '\t' // "Unicode text" saved from Excel
	}
	return func(fn func(int, []string) error) error {
		// csv.Reader skips blank lines, and a quoted cell may span lines;
		// Excel counts a blank line as a row and a record as one row,
		// whatever it spans. Count rows the way Excel shows them.
		row, endLine := 0, 0
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return errUnreadable("csv", err)
			}
			startLine, _ := cr.FieldPos(0)
			lastLine, _ := cr.FieldPos(len(rec) - 1)
			row += startLine - endLine // 1 plus the blank lines skipped
			endLine = lastLine + strings.Count(rec[len(rec)-1], "\n")
			for i := range rec {
				rec[i] = csvsafe.Uncell(rec[i]) // what WriteCSV escaped
			}
			if err := fn(row, rec); err != nil {
				return err
			}
		}
	}, nil
}

// readTable picks the reader for a format.
func readTable(r io.Reader, format string) (eachRow, func(), error) {
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "xlsx":
		return xlsxRows(r)
	case "csv":
		each, err := csvRows(r)
		return each, func() {}, err
	}
	return nil, nil, linli.Errorf(linli.EBadRequest, "不支持的文件格式%q，请上传xlsx或csv / unsupported format %q; upload xlsx or csv", format, format)
}
