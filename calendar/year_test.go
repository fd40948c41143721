package calendar

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"linli"
)

// yearJSON is a valid year with one part swapped out by each test case.
func yearJSON(holidays, workdays string) string {
	return `{"year": 2026, "source": "test notice",
	  "holidays": [` + holidays + `],
	  "workdays": [` + workdays + `]}`
}

const (
	hNewYear = `{"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"}`
	hSpring  = `{"name": "春节", "from": "2026-02-15", "to": "2026-02-23"}`
	wJan4    = `{"date": "2026-01-04", "name": "元旦调休"}`
)

func TestParseYear(t *testing.T) {
	y, err := ParseYear(strings.NewReader(yearJSON(hNewYear+","+hSpring, wJan4)))
	if err != nil {
		t.Fatal(err)
	}
	if y.Year != 2026 || len(y.Holidays) != 2 || y.Holidays[1].To != (Date{2026, 2, 23}) || y.Workdays[0].Date != (Date{2026, 1, 4}) {
		t.Errorf("ParseYear = %+v", y)
	}
}

func TestParseYearErrors(t *testing.T) {
	tests := []struct {
		name          string
		in            string
		code          string
		field, reason string // both appear in one FieldError (or, for EBadRequest, the message)
	}{
		{"bad date", yearJSON(`{"name": "春节", "from": "2026-02-30", "to": "2026-03-01"}`, ""), linli.EInvalid, "holidays[0].from", "not a date"},
		{"bad date format", yearJSON(hNewYear, `{"date": "2026/01/04", "name": "x"}`), linli.EInvalid, "workdays[0].date", "not a date"},
		{"missing date", yearJSON(`{"name": "元旦", "from": "2026-01-01"}`, ""), linli.EInvalid, "holidays[0].to", "missing"},
		{"overlapping ranges", yearJSON(hSpring+","+`{"name": "元宵", "from": "2026-02-23", "to": "2026-02-24"}`, ""), linli.EInvalid, "holidays[1]", "overlaps holidays[0]"},
		{"overlap out of order", yearJSON(`{"name": "b", "from": "2026-10-05", "to": "2026-10-09"}`+","+`{"name": "a", "from": "2026-10-01", "to": "2026-10-05"}`, ""), linli.EInvalid, "holidays[0]", "overlaps holidays[1]"},
		{"range backwards", yearJSON(`{"name": "元旦", "from": "2026-01-03", "to": "2026-01-01"}`, ""), linli.EInvalid, "holidays[0].to", "before from"},
		{"make-up on a weekday", yearJSON(hNewYear, `{"date": "2026-01-05", "name": "x"}`), linli.EInvalid, "workdays[0].date", "is a Monday"},
		{"make-up inside a holiday", yearJSON(hSpring, `{"date": "2026-02-21", "name": "x"}`), linli.EInvalid, "workdays[0].date", "also a day off"},
		{"make-up twice", yearJSON(hNewYear, wJan4+","+wJan4), linli.EInvalid, "workdays[1].date", "listed twice"},
		{"date in another year", yearJSON(`{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}`, ""), linli.EInvalid, "holidays[0].from", "outside 2026"},
		{"nameless holiday", yearJSON(`{"from": "2026-01-01", "to": "2026-01-03"}`, ""), linli.EInvalid, "holidays[0].name", "missing"},
		{"no holidays", yearJSON("", ""), linli.EInvalid, "holidays", "empty"},
		{"no source", `{"year": 2026, "holidays": [` + hNewYear + `], "workdays": []}`, linli.EInvalid, "source", "missing"},
		{"no year", `{"source": "x", "holidays": [` + hNewYear + `], "workdays": []}`, linli.EInvalid, "year", "missing"},
		{"no workdays key", `{"year": 2026, "source": "x", "holidays": [` + hNewYear + `]}`, linli.EInvalid, "workdays", "write []"},
		{"absurd year", `{"year": 26, "source": "x", "holidays": [` + hNewYear + `], "workdays": []}`, linli.EInvalid, "year", "between 1900 and 9999"},
		{"misspelt key", `{"year": 2026, "source": "x", "holidays": [], "workday": []}`, linli.EBadRequest, "", `unknown field "workday"`},
		{"year as a string", `{"year": "2026"}`, linli.EBadRequest, "year", "must be a JSON number"},
		{"not JSON", `year: 2026`, linli.EBadRequest, "", "invalid character"},
		{"two objects", yearJSON(hNewYear, "") + "{}", linli.EBadRequest, "", "data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseYear(strings.NewReader(tt.in))
			var le *linli.Error
			if !errors.As(err, &le) || le.Code != tt.code {
				t.Fatalf("err = %v, want a *linli.Error with code %s", err, tt.code)
			}
			if !strings.Contains(le.Message, tt.reason) || !strings.Contains(le.Message, tt.field) {
				t.Errorf("message %q does not name %q and %q", le.Message, tt.field, tt.reason)
			}
			if tt.code != linli.EInvalid {
				return
			}
			for _, f := range le.Fields {
				if f.Field == tt.field && strings.Contains(f.Reason, tt.reason) {
					return
				}
			}
			t.Errorf("fields %+v: none is %s: …%s…", le.Fields, tt.field, tt.reason)
		})
	}
}

// Every problem is reported at once, so the file can be fixed in one go.
func TestParseYearReportsAllProblems(t *testing.T) {
	_, err := ParseYear(strings.NewReader(yearJSON(`{"name": "元旦", "from": "2026-01-01", "to": "2026-13-01"}`, `{"date": "2026-01-06", "name": ""}`)))
	var le *linli.Error
	if !errors.As(err, &le) || len(le.Fields) != 1 {
		t.Fatalf("err = %v: want the date error alone (semantic checks wait for readable dates)", err)
	}
	_, err = ParseYear(strings.NewReader(yearJSON(hNewYear, `{"date": "2026-01-06", "name": ""}`)))
	if !errors.As(err, &le) || len(le.Fields) != 2 {
		t.Fatalf("err = %v: want two problems (weekday, no name)", err)
	}
}

// The shipped file must say exactly what the State Council's notice of
// 2025-11-04 says about 2026.
func TestEmbedded2026MatchesNotice(t *testing.T) {
	f, err := os.Open("data/2026.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	y, err := ParseYear(f)
	if err != nil {
		t.Fatal(err)
	}
	off := map[string][2]string{
		"元旦": {"2026-01-01", "2026-01-03"}, "春节": {"2026-02-15", "2026-02-23"},
		"清明节": {"2026-04-04", "2026-04-06"}, "劳动节": {"2026-05-01", "2026-05-05"},
		"端午节": {"2026-06-19", "2026-06-21"}, "中秋节": {"2026-09-25", "2026-09-27"},
		"国庆节": {"2026-10-01", "2026-10-07"},
	}
	if len(y.Holidays) != len(off) {
		t.Errorf("%d holiday ranges, want %d", len(y.Holidays), len(off))
	}
	for _, h := range y.Holidays {
		if want := off[h.Name]; h.From.String() != want[0] || h.To.String() != want[1] {
			t.Errorf("%s: %s–%s, want %s–%s", h.Name, h.From, h.To, want[0], want[1])
		}
	}
	work := map[string]time.Weekday{
		"2026-01-04": time.Sunday, "2026-02-14": time.Saturday, "2026-02-28": time.Saturday,
		"2026-05-09": time.Saturday, "2026-09-20": time.Sunday, "2026-10-10": time.Saturday,
	}
	if len(y.Workdays) != len(work) {
		t.Errorf("%d make-up days, want %d", len(y.Workdays), len(work))
	}
	for _, w := range y.Workdays {
		if wd, ok := work[w.Date.String()]; !ok || w.Date.Weekday() != wd {
			t.Errorf("make-up day %s (%s) is not in the notice", w.Date, w.Date.Weekday())
		}
	}
}

// A hypothetical 2027 notice, as a deployment would drop it in its directory.
const synthetic2027 = `{"year": 2027, "source": "synthetic test notice",
  "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
               {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07"}],
  "workdays": [{"date": "2027-10-09", "name": "国庆节调休"}]}`

func TestLoadDirExtendsCalendar(t *testing.T) {
	fsys := fstest.MapFS{
		"2027.json":      {Data: []byte(synthetic2027)},
		"README.md":      {Data: []byte("not a year")},
		"old/2019.json":  {Data: []byte("not read: only the top of the directory")},
		"2027.json.bak":  {Data: []byte("not read")},
		"notes/2028.txt": {Data: []byte("not read")},
	}
	years, err := LoadDir(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 1 || years[0].Year != 2027 {
		t.Fatalf("LoadDir = %+v, want 2027 alone", years)
	}
	c := defaultCal(t)
	if c.Covers(2027) {
		t.Fatal("Default covers 2027 before it is loaded")
	}
	c2, err := c.With(years...)
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Covers(2027) || !c2.Covers(2026) {
		t.Errorf("after With: Covers(2026) = %v, Covers(2027) = %v, want both", c2.Covers(2026), c2.Covers(2027))
	}
	if c2.IsWorkday(bj(2027, 1, 1, 10, 0)) || !c2.IsWorkday(bj(2027, 10, 9, 10, 0)) {
		t.Error("2027 data not applied")
	}
	if !c.IsWorkday(bj(2027, 1, 1, 10, 0)) {
		t.Error("With changed the original calendar")
	}
	// 2027-09-30 (Thu) 10:00 + 2 working days: Oct 1–7 off, Oct 8 (Fri) is
	// day 1, Oct 9 (make-up Saturday) day 2.
	if got, want := c2.AddWorkingDays(bj(2027, 9, 30, 10, 0), 2), bj(2027, 10, 9, 17, 30); !got.Equal(want) {
		t.Errorf("deadline in 2027 = %s, want %s", fmtBJ(got), fmtBJ(want))
	}
}

func TestLoadDirErrors(t *testing.T) {
	dup := fstest.MapFS{"2027.json": {Data: []byte(synthetic2027)}, "2027-fixed.json": {Data: []byte(synthetic2027)}}
	if _, err := LoadDir(dup); err == nil || !strings.Contains(err.Error(), "2027-fixed.json and 2027.json") {
		t.Errorf("two files for 2027: err = %v, want both named", err)
	}
	bad := fstest.MapFS{"2027.json": {Data: []byte(strings.Replace(synthetic2027, "2027-10-09", "2027-10-08", 1))}}
	_, err := LoadDir(bad)
	var le *linli.Error
	if !errors.As(err, &le) || !strings.HasPrefix(le.Message, "2027.json: ") || len(le.Fields) != 1 || le.Fields[0].Field != "workdays[0].date" {
		t.Errorf("bad file: err = %v, want the file and field named", err)
	}
	if years, err := LoadDir(fstest.MapFS{}); err != nil || len(years) != 0 {
		t.Errorf("empty dir: %v, %v", years, err)
	}
}

func TestParseYearTooLarge(t *testing.T) {
	big := yearJSON(hNewYear, "") + strings.Repeat(" ", maxYearFile)
	var le *linli.Error
	if _, err := ParseYear(strings.NewReader(big)); !errors.As(err, &le) || le.Code != linli.ETooLarge {
		t.Errorf("err = %v, want too_large", err)
	}
}
