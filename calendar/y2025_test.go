package calendar

import (
	"testing"
	"time"
)

// The 2025 notice (State Council General Office, 2024-11-12): a case of
// 2025-10-09 with 5 working days is due on the 15th, because Saturday
// 10-11 is a make-up working day (weekends only would say the 16th).
func Test2025Notice(t *testing.T) {
	c := defaultCal(t)
	due := Limit{Amount: 5, Unit: WorkingDays}.Deadline(c, bj(2025, 10, 9, 10, 0))
	if got := due.In(Shanghai()); got.Month() != 10 || got.Day() != 15 {
		t.Errorf("5 working days from 2025-10-09: %s, want 2025-10-15", fmtBJ(due))
	}
	for _, tc := range []struct {
		d    string
		work bool
	}{
		{"2025-01-01", false}, {"2025-01-26", true}, {"2025-01-28", false}, {"2025-02-04", false}, {"2025-02-08", true},
		{"2025-04-04", false}, {"2025-04-06", false}, {"2025-04-27", true}, {"2025-05-05", false}, {"2025-06-02", false},
		{"2025-09-28", true}, {"2025-10-08", false}, {"2025-10-11", true}, {"2025-10-09", true},
	} {
		d, _ := time.ParseInLocation("2006-01-02", tc.d, Shanghai())
		if got := c.IsWorkday(d.Add(10 * time.Hour)); got != tc.work {
			t.Errorf("%s worked = %v, want %v", tc.d, got, tc.work)
		}
	}
}

// A deadline counted into a year whose notice is not loaded says so.
func TestBeyondLoadedYears(t *testing.T) {
	c := defaultCal(t)
	start := bj(2026, 12, 6, 10, 0)
	due := Limit{Amount: 20, Unit: WorkingDays}.Deadline(c, start)
	if got := c.Beyond(start, due); got != 2027 {
		t.Errorf("due %s: Beyond = %d, want 2027", fmtBJ(due), got)
	}
	if got := c.Beyond(bj(2026, 3, 10, 9, 0), bj(2026, 3, 17, 17, 30)); got != 0 {
		t.Errorf("a 2026 deadline: Beyond = %d, want 0", got)
	}
	if got := c.Beyond(bj(2024, 12, 30, 9, 0), bj(2025, 1, 6, 17, 30)); got != 2024 {
		t.Errorf("counted from 2024: Beyond = %d, want 2024", got)
	}
}
