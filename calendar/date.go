package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date with no time zone, as the notices state them.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "2006-01-02" and refuses dates that do not exist
// ("2026-02-30").
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form 2006-01-02", s)
	}
	return DateOf(t), nil
}

// DateOf is the date of t on t's own wall clock.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText writes the date as "2006-01-02".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.num()) }

// valid reports whether d names a day that exists.
func (d Date) valid() bool { return civil(d.num()) == d }

// dayNum counts civil days since 1970-01-01; it lets the calendar walk days
// without building time.Time values for each one.
type dayNum int64

func (d Date) num() dayNum {
	return dayNum(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func civil(n dayNum) Date {
	return DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

func weekdayOf(n dayNum) time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(((int64(n)+4)%7 + 7) % 7)
}

func isWeekend(wd time.Weekday) bool { return wd == time.Saturday || wd == time.Sunday }
