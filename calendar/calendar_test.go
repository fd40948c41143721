package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"linli"
)

func TestIsWorkday(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name string
		date string
		want bool
	}{
		{"plain Monday", "2026-03-02", true},
		{"plain Saturday", "2026-03-07", false},
		{"plain Sunday", "2026-03-08", false},

		{"before 元旦 (2025, plain rule)", "2025-12-31", true},
		{"元旦 first", "2026-01-01", false},
		{"元旦 last", "2026-01-03", false},
		{"元旦 make-up Sunday", "2026-01-04", true},

		{"春节 make-up Saturday before", "2026-02-14", true},
		{"春节 first (Sunday)", "2026-02-15", false},
		{"春节 last (Monday)", "2026-02-23", false},
		{"after 春节", "2026-02-24", true},
		{"春节 make-up Saturday after", "2026-02-28", true},

		{"before 清明", "2026-04-03", true},
		{"清明 first (Saturday)", "2026-04-04", false},
		{"清明 last (Monday)", "2026-04-06", false},
		{"after 清明", "2026-04-07", true},

		{"before 劳动节", "2026-04-30", true},
		{"劳动节 first", "2026-05-01", false},
		{"劳动节 last (Tuesday)", "2026-05-05", false},
		{"after 劳动节", "2026-05-06", true},
		{"劳动节 make-up Saturday", "2026-05-09", true},

		{"before 端午", "2026-06-18", true},
		{"端午 first (Friday)", "2026-06-19", false},
		{"端午 last", "2026-06-21", false},
		{"after 端午", "2026-06-22", true},

		{"国庆 make-up Sunday", "2026-09-20", true},
		{"before 中秋", "2026-09-24", true},
		{"中秋 first (Friday)", "2026-09-25", false},
		{"中秋 last", "2026-09-27", false},
		{"after 中秋", "2026-09-28", true},

		{"before 国庆", "2026-09-30", true},
		{"国庆 first", "2026-10-01", false},
		{"国庆 last (Wednesday)", "2026-10-07", false},
		{"after 国庆", "2026-10-08", true},
		{"国庆 make-up Saturday", "2026-10-10", true},
		{"Saturday after (not made up)", "2026-10-17", false},

		{"2027 not loaded: plain Friday", "2027-01-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDate(tt.date)
			if err != nil {
				t.Fatal(err)
			}
			// Check the first and last instant of the day: the whole day is
			// one kind.
			for _, at := range []time.Time{bj(d.Year, d.Month, d.Day, 0, 0), bj(d.Year, d.Month, d.Day, 23, 59)} {
				if got := c.IsWorkday(at); got != tt.want {
					t.Errorf("IsWorkday(%s) = %v, want %v", fmtBJ(at), got, tt.want)
				}
			}
		})
	}
}

// IsWorkday must judge the day in the calendar's zone, not in t's.
func TestIsWorkdayUsesCalendarZone(t *testing.T) {
	c := defaultCal(t)
	// 2026-01-03 16:30 UTC is 2026-01-04 00:30 in Beijing, a make-up Sunday,
	// though in UTC it is still the holiday of Jan 3.
	if !c.IsWorkday(time.Date(2026, 1, 3, 16, 30, 0, 0, time.UTC)) {
		t.Error("2026-01-04 00:30 CST (make-up Sunday) given in UTC: want a working day")
	}
	// 2026-09-30 16:30 UTC is 2026-10-01 in Beijing: National Day.
	if c.IsWorkday(time.Date(2026, 9, 30, 16, 30, 0, 0, time.UTC)) {
		t.Error("2026-10-01 00:30 CST given in UTC: want a day off")
	}
}

func TestCovers(t *testing.T) {
	c := defaultCal(t)
	// 2025 is shipped too now (it was not: the demo's 2025 cases counted
	// weekends only).
	for year, want := range map[int]bool{2024: false, 2025: true, 2026: true, 2027: false} {
		if got := c.Covers(year); got != want {
			t.Errorf("Covers(%d) = %v, want %v", year, got, want)
		}
	}
	ys := c.Years()
	if len(ys) != 2 || ys[1].Year != 2026 || !strings.Contains(ys[1].Source, "2025-11-04") || !strings.Contains(ys[0].Source, "2024-11-12") {
		t.Errorf("Years() = %+v, want the 2025 notice of 2024-11-12 and the 2026 notice of 2025-11-04", ys)
	}
	if len(ys[1].Holidays) != 7 || len(ys[1].Workdays) != 6 {
		t.Errorf("2026 has %d holiday ranges and %d make-up days, want 7 and 6", len(ys[1].Holidays), len(ys[1].Workdays))
	}
}

func TestNewRejects(t *testing.T) {
	y26 := yearOf(t, defaultCal(t), 2026)
	h := time.Hour
	tests := []struct {
		name  string
		loc   *time.Location
		hours []Span
		years []Year
		want  string
	}{
		{"no zone", nil, DefaultHours(), nil, "no time zone"},
		{"no hours", time.UTC, nil, nil, "no working hours"},
		{"empty span", time.UTC, []Span{{9 * h, 9 * h}}, nil, "span 0"},
		{"overlapping spans", time.UTC, []Span{{8 * h, 12 * h}, {11 * h, 17 * h}}, nil, "span 1"},
		{"unsorted spans", time.UTC, []Span{{13 * h, 17 * h}, {8 * h, 12 * h}}, nil, "span 1"},
		{"span past midnight", time.UTC, []Span{{20 * h, 25 * h}}, nil, "span 0"},
		{"year twice", time.UTC, DefaultHours(), []Year{y26, y26}, "2026 given twice"},
		{"invalid year", time.UTC, DefaultHours(), []Year{{Year: 2026, Source: "x", Holidays: []Holiday{{Name: "x", From: Date{2026, 1, 5}, To: Date{2026, 1, 5}}},
			Workdays: []Workday{{Date: Date{2026, 1, 6}, Name: "x"}}}}, "Tuesday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.loc, tt.hours, tt.years...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestNewCopiesHours(t *testing.T) {
	hours := DefaultHours()
	c, err := New(time.UTC, hours)
	if err != nil {
		t.Fatal(err)
	}
	hours[0].Start = 0
	if got := c.Hours()[0].Start; got != 8*time.Hour+30*time.Minute {
		t.Errorf("changing the caller's slice changed the calendar: first span starts %v", got)
	}
}

func TestWithReplacesAndLeavesOriginal(t *testing.T) {
	c := defaultCal(t)
	// A corrected 2026 notice that (hypothetically) drops National Day.
	y := yearOf(t, c, 2026)
	y.Source = "corrected"
	y.Holidays = y.Holidays[:6]
	y.Workdays = y.Workdays[:5]
	c2, err := c.With(y)
	if err != nil {
		t.Fatal(err)
	}
	oct2 := bj(2026, 10, 2, 10, 0)
	if c.IsWorkday(oct2) {
		t.Error("original calendar changed by With")
	}
	if !c2.IsWorkday(oct2) {
		t.Error("replaced 2026 still has National Day")
	}
	if c2.IsWorkday(bj(2026, 10, 10, 10, 0)) {
		t.Error("replaced 2026 still has the Oct 10 make-up day")
	}
	if _, err := c.With(y, y); err == nil {
		t.Error("With the same year twice: want an error")
	}
}

// The 2019 notice rearranged the end of 2018: a year may declare days in
// December of the year before, and two years may not contradict each other.
func TestDecemberOfPreviousYear(t *testing.T) {
	y2019 := Year{Year: 2019, Source: "国务院办公厅关于2019年部分节假日安排的通知（2018-12-04）",
		Holidays: []Holiday{{Name: "元旦", From: Date{2018, 12, 30}, To: Date{2019, 1, 1}}},
		Workdays: []Workday{{Date: Date{2018, 12, 29}, Name: "元旦调休"}},
	}
	c, err := New(Shanghai(), DefaultHours(), y2019)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkday(bj(2018, 12, 31, 10, 0)) {
		t.Error("2018-12-31 (Monday) was a day off by the 2019 notice")
	}
	if !c.IsWorkday(bj(2018, 12, 29, 10, 0)) {
		t.Error("2018-12-29 (Saturday) was a make-up working day by the 2019 notice")
	}
	if c.Covers(2018) {
		t.Error("Covers(2018) with only the 2019 notice loaded")
	}

	y2018 := Year{Year: 2018, Source: "hypothetical",
		Holidays: []Holiday{{Name: "x", From: Date{2018, 12, 29}, To: Date{2018, 12, 29}}}, Workdays: []Workday{}}
	_, err = New(Shanghai(), DefaultHours(), y2018, y2019)
	var le *linli.Error
	if !errors.As(err, &le) || le.Code != linli.EConflict || !strings.Contains(le.Message, "2018-12-29") {
		t.Errorf("two years disagreeing about 2018-12-29: err = %v, want a conflict naming the date", err)
	}

	y2019.Holidays[0].From = Date{2018, 11, 30}
	if _, err := New(Shanghai(), DefaultHours(), y2019); err == nil || !strings.Contains(err.Error(), "outside 2019") {
		t.Errorf("a date in November of the year before: err = %v, want 'outside 2019'", err)
	}
}
