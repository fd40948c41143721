package calendar

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"time"

	"linli"
)

// Span is a stretch of working time within a day, as offsets from midnight
// on the wall clock: {8*time.Hour + 30*time.Minute, 12 * time.Hour}.
type Span struct{ Start, End time.Duration }

// DefaultHours are the usual office hours of a street office or community:
// 08:30–12:00 and 13:30–17:30, 7.5 hours a day.
func DefaultHours() []Span {
	return []Span{
		{8*time.Hour + 30*time.Minute, 12 * time.Hour},
		{13*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute},
	}
}

// Calendar says which days are worked and when. Build one with New or
// Default; it never changes afterwards (With returns a new one), so it may be
// shared between goroutines.
type Calendar struct {
	loc   *time.Location
	hours []Span
	years map[int]Year
	// days holds every date a loaded notice declares: true for a make-up
	// working day, false for a day off. Other dates follow Monday–Friday.
	days map[dayNum]bool
}

// Default is the calendar Linli ships: the embedded years (2025, 2026), Beijing
// time and DefaultHours.
func Default() (*Calendar, error) {
	data, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	years, err := LoadDir(data)
	if err != nil {
		return nil, fmt.Errorf("calendar: embedded data: %w", err)
	}
	return New(Shanghai(), DefaultHours(), years...)
}

// Shanghai is Asia/Shanghai from the system's zone data, or UTC+8 when the
// host has none (a bare container): China has kept UTC+8 without daylight
// saving since 1991, so the two agree for every date the calendar handles.
func Shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}

// New builds a calendar in loc with the given daily working spans (sorted,
// not overlapping, inside one day) and years (each valid, each year once).
func New(loc *time.Location, hours []Span, years ...Year) (*Calendar, error) {
	if loc == nil {
		return nil, linli.Errorf(linli.EInvalid, "calendar: no time zone")
	}
	if err := checkHours(hours); err != nil {
		return nil, err
	}
	m := make(map[int]Year, len(years))
	for _, y := range years {
		if _, dup := m[y.Year]; dup {
			return nil, linli.Errorf(linli.EConflict, "calendar: year %d given twice", y.Year)
		}
		m[y.Year] = y
	}
	return build(loc, slices.Clone(hours), m)
}

// With returns a calendar with years added; a year already loaded is
// replaced by the new one (a corrected notice). c itself is unchanged.
func (c *Calendar) With(years ...Year) (*Calendar, error) {
	m := maps.Clone(c.years)
	given := map[int]bool{}
	for _, y := range years {
		if given[y.Year] {
			return nil, linli.Errorf(linli.EConflict, "calendar: year %d given twice", y.Year)
		}
		given[y.Year] = true
		m[y.Year] = y
	}
	return build(c.loc, c.hours, m)
}

func build(loc *time.Location, hours []Span, years map[int]Year) (*Calendar, error) {
	c := &Calendar{loc: loc, hours: hours, years: make(map[int]Year, len(years)), days: map[dayNum]bool{}}
	declaredBy := map[dayNum]int{}
	for _, yr := range slices.Sorted(maps.Keys(years)) {
		y := years[yr]
		if err := y.Validate(); err != nil {
			return nil, err
		}
		declare := func(n dayNum, work bool) error {
			if prev, ok := c.days[n]; ok && prev != work {
				return linli.Errorf(linli.EConflict, "calendar: %s is a %s in %d's notice but a %s in %d's",
					civil(n), kind(prev), declaredBy[n], kind(work), yr)
			}
			c.days[n], declaredBy[n] = work, yr
			return nil
		}
		for _, h := range y.Holidays {
			for n := h.From.num(); n <= h.To.num(); n++ {
				if err := declare(n, false); err != nil {
					return nil, err
				}
			}
		}
		for _, w := range y.Workdays {
			if err := declare(w.Date.num(), true); err != nil {
				return nil, err
			}
		}
		c.years[yr] = cloneYear(y)
	}
	return c, nil
}

func kind(work bool) string {
	if work {
		return "make-up working day"
	}
	return "day off"
}

func checkHours(hours []Span) error {
	if len(hours) == 0 {
		return linli.Errorf(linli.EInvalid, "calendar: no working hours")
	}
	var prev time.Duration
	for i, s := range hours {
		if s.Start < prev || s.End <= s.Start || s.End > 24*time.Hour {
			return linli.Errorf(linli.EInvalid, "calendar: working span %d (%v–%v) must lie within the day, after the previous one, and end after it starts", i, s.Start, s.End)
		}
		prev = s.End
	}
	return nil
}

func cloneYear(y Year) Year {
	y.Holidays = slices.Clone(y.Holidays)
	y.Workdays = slices.Clone(y.Workdays)
	return y
}

// Location is the zone the calendar counts in.
func (c *Calendar) Location() *time.Location { return c.loc }

// Hours are the daily working spans.
func (c *Calendar) Hours() []Span { return slices.Clone(c.hours) }

// Years are the loaded years in order, for showing where the data comes from.
func (c *Calendar) Years() []Year {
	out := make([]Year, 0, len(c.years))
	for _, yr := range slices.Sorted(maps.Keys(c.years)) {
		out = append(out, cloneYear(c.years[yr]))
	}
	return out
}

// Covers reports whether the official arrangement for year is loaded. Dates
// in other years follow the plain Monday–Friday rule.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.years[year]
	return ok
}

// Beyond reports the first year from start's to due's (in c's location)
// whose official arrangement is not loaded, or 0 when every one is: a
// deadline counted through such a year used weekends only and may fall on
// a public holiday ("2027 calendar not loaded"). Natural-time deadlines
// pass a zero start to ask about due's year alone.
func (c *Calendar) Beyond(start, due time.Time) int {
	if due.IsZero() {
		return 0
	}
	last := due.In(c.loc).Year()
	first := last
	if !start.IsZero() && start.In(c.loc).Year() < first {
		first = start.In(c.loc).Year()
	}
	for y := first; y <= last; y++ {
		if !c.Covers(y) {
			return y
		}
	}
	return 0
}

// IsWorkday reports whether the day of t, in c's location, is worked: a
// Monday to Friday that is not a day off, or a make-up working day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.workday(c.dayOf(t)) }

func (c *Calendar) workday(n dayNum) bool {
	if w, ok := c.days[n]; ok {
		return w
	}
	return !isWeekend(weekdayOf(n))
}

func (c *Calendar) dayOf(t time.Time) dayNum { return DateOf(t.In(c.loc)).num() }

// wall is the instant of wall-clock offset off on day d in c's location.
func (c *Calendar) wall(d Date, off time.Duration) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, int(off), c.loc)
}
