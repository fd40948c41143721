// Package ledger reads and writes a community's household ledger (住户台账)
// as .xlsx or .csv, the way Chinese community offices keep it: one row per
// person, the household columns (小区 楼栋 单元 楼层 房号 建筑面积) repeated on
// every row of the household, and a household with nobody recorded written as
// one row whose person columns are empty.
//
// The package does no I/O beyond the reader or writer it is given and knows
// nothing of the database: the registry service parses an upload with Parse,
// shows every FieldError to the user, and imports only when there are none.
//
// Things the caller must know:
//
//   - Parse returns households even when it returns field errors, so a page
//     can show what was understood; import them only when errs is empty.
//   - Every problem is reported, not just the first per row; a badly wrong
//     file can yield many errors, so a page should show the first few hundred
//     and the total.
//   - Values are normalised on the way in: cells trimmed, full-width digits
//     and letters in 楼层/房号/建筑面积/手机号/身份证号 made half-width, spaces and
//     hyphens removed from mobile numbers, a trailing "x" of an ID number made
//     upper case. Form handlers should call NormalizePhone and
//     NormalizeIDNumber before ValidPhone and ValidIDNumber.
//   - Areas are kept exactly in hundredths of a square metre (AreaCenti); a
//     numeric Excel cell is read as Excel displays it, so 86.55 stored as the
//     float 86.549999999999997 still reads as "86.55".
//   - WriteCSV prefixes 房号, 手机号 and 身份证号 with a tab, the usual trick to
//     stop Excel turning an 18-digit ID number into 1.40802E+17 or a room
//     "3-12" into a date; Parse trims it. Other consumers of the CSV should
//     trim cells too.
//   - What a user may leave in the downloaded template is refused row by
//     row, never imported: the example rows (marked in 备注, and their
//     made-up people), instruction text and a repeated header, with Field
//     "row". A title row above the header is skipped: the header is the first
//     row, among the first ten, with at least three column titles, and
//     households keep their spreadsheet row numbers. See leftovers.go.
//   - Parse refuses files with more than MaxRows data rows and xlsx files that
//     unzip to more than 1 GiB; the caller should still cap the upload size.
package ledger
