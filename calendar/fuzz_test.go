package calendar

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/web/webtest"
)

// FuzzParseYear: no year file (the format administrators upload with
// --calendar-dir and on the calendar page) makes ParseYear panic; a refusal
// is a 400, 413 or 422 naming the entry; an accepted year is valid, builds
// a calendar, and writes out and reads back unchanged.
func FuzzParseYear(f *testing.F) {
	for _, name := range []string{"data/2025.json", "data/2026.json"} {
		b, err := embedded.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		yearJSON(hNewYear+","+hSpring, wJan4),
		yearJSON(`{"name": "春节", "from": "2026-02-30", "to": "2026-03-01"}`, ""),
		yearJSON(hSpring+","+`{"name": "元宵", "from": "2026-02-23", "to": "2026-02-24"}`, ""),
		yearJSON(`{"name": "元旦", "from": "2026-01-03", "to": "2026-01-01"}`, ""),
		yearJSON(hNewYear, `{"date": "2026-01-05", "name": "x"}`),
		yearJSON(hNewYear, wJan4+","+wJan4),
		yearJSON(`{"name": "元旦", "from": "2025-12-31", "to": "2026-01-01"}`, ""),
		`{"year": 26, "source": "x", "holidays": [` + hNewYear + `], "workdays": []}`,
		`{"year": 2026, "source": "x", "holidays": [], "workday": []}`,
		`{"year": "2026"}`, `year: 2026`, yearJSON(hNewYear, "") + "{}",
		`1`, `[]`, `null`, `{"holidays": [1]}`, `{"holidays": [{"from": 1}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		y, err := ParseYear(bytes.NewReader(b))
		if err != nil {
			webtest.ClientError(t, err, linli.EBadRequest, linli.EInvalid, linli.ETooLarge)
			return
		}
		if err := y.Validate(); err != nil {
			t.Fatalf("accepted year does not validate: %v", err)
		}
		c, err := New(Shanghai(), DefaultHours(), y)
		if err != nil {
			t.Fatalf("accepted year does not build a calendar: %v", err)
		}
		start := time.Date(y.Year, 1, 1, 9, 0, 0, 0, Shanghai())
		if end := c.AddWorkingDays(start, 3); !end.After(start) {
			t.Fatalf("3 working days from %v end at %v", start, end)
		}
		out, err := json.Marshal(y)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseYear(strings.NewReader(string(out)))
		if err != nil || !reflect.DeepEqual(back, y) {
			t.Fatalf("written and read again: %+v, %v\nwas %+v", back, err, y)
		}
	})
}

// FuzzParseLimit: a category's time limit as typed ("4wh", "15 工作日")
// is read or refused with a 422, and what is read writes back to the
// same limit.
func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"4wh", "15wd", "30m", "24h", " 2 wd ", "15工作日", "0h", "-1h", "99999999999999999999h", "h", "", "4 wh x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLimit(s)
		if err != nil {
			webtest.ClientError(t, err, linli.EInvalid)
			return
		}
		back, err := ParseLimit(l.Short())
		if err != nil || back != l {
			t.Fatalf("%q read as %+v, written %q, read back %+v %v", s, l, l.Short(), back, err)
		}
	})
}
