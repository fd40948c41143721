// Package calendar is the working calendar (工作日历) that case time limits
// are counted on: official holidays and make-up working days (调休) from the
// State Council's yearly notice, the deployment's time zone and its daily
// working hours.
//
// # Data
//
// Each year is one JSON file. The years Linli ships with are embedded
// (data/*.json); a deployment adds a year — the notice for the next year
// appears around November — by dropping a file into a directory and loading
// it with [LoadDir] and [Calendar.With], without a new release:
//
//	{"year": 2026,
//	 "source": "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）",
//	 "holidays": [{"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"}, ...],
//	 "workdays": [{"date": "2026-01-04", "name": "元旦调休"}, ...]}
//
// "holidays" are days off, inclusive ranges; "workdays" are make-up working
// days, which are always Saturdays or Sundays. All fields are required;
// unknown fields are refused so a misspelt key cannot silently drop data.
// Dates lie in the year, or in December of the year before: the notice for
// a year sometimes rearranges the last days of the previous one (the 2019
// notice made 2018-12-29 a working day and 2018-12-31 a day off).
// data/README.md says the same for whoever edits the files.
//
// Shipped: 2025 (notice of 2024-11-12) and 2026 (notice of 2025-11-04).
// An administrator may also enter or upload a year on /admin/calendar or
// PUT /api/calendar/years ([Admin]): the same validation, stored in the
// database, audited, merged over the embedded years and the directory, and
// swapped into the case service at once (cases.Service.UseCalendar).
//
// # Outside the loaded years
//
// A date in a year with no data follows the plain rule (Monday to Friday are
// working days). [Calendar.Covers] reports false for such a year so callers
// can warn that deadlines there may be off by the holidays not yet known;
// [Calendar.Beyond] names the first such year a deadline was counted
// through (the case page and the staff home page say "2027 calendar not
// loaded").
//
// # Deadlines
//
// Working hours ([Calendar.AddWorkingHours]) count only the working spans of
// working days; time outside them does not run the clock.
//
// Working days ([Calendar.AddWorkingDays]) are due at the END of the last
// working span (17:30 by default) of the n-th working day, counting so:
//
//   - a case that arrives on a working day BEFORE its first working span
//     (before 08:30 by default) counts that day as day 1;
//   - a case that arrives during working hours (lunch included), after them,
//     or on a day off, counts from the next working day.
//
// So a case arriving Monday 08:00 with 1 working day is due Monday 17:30; one
// arriving Monday 08:30 or later is due Tuesday 17:30. 12345 practice varies
// on whether the arrival day counts; this package picks the rule above
// because it never leaves a handler less than one full working day.
//
// All instants returned are in UTC, ready to store; all computations happen
// in the calendar's location. A [Calendar] is immutable and safe for
// concurrent use.
package calendar
