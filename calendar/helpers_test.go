package calendar

import (
	"testing"
	"time"
)

// defaultCal is the shipped calendar; tests fail at once if the embedded data
// does not load.
func defaultCal(t testing.TB) *Calendar {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

// bj is a wall-clock time in Beijing.
func bj(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Shanghai())
}

func fmtBJ(t time.Time) string { return t.In(Shanghai()).Format("2006-01-02 Mon 15:04:05.999999999") }

// yearOf is one loaded year of c.
func yearOf(t testing.TB, c *Calendar, year int) Year {
	t.Helper()
	for _, y := range c.Years() {
		if y.Year == year {
			return y
		}
	}
	t.Fatalf("year %d not loaded", year)
	return Year{}
}
