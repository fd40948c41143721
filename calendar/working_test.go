package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

const (
	hour = time.Hour
	min  = time.Minute
)

func TestAddWorkingHours(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"inside a span", bj(2026, 3, 2, 9, 0), hour, bj(2026, 3, 2, 10, 0)},
		{"across lunch", bj(2026, 3, 2, 11, 0), 2 * hour, bj(2026, 3, 2, 14, 30)},
		{"starting at lunch", bj(2026, 3, 2, 12, 30), hour, bj(2026, 3, 2, 14, 30)},
		{"ends exactly at noon", bj(2026, 3, 2, 8, 30), 3*hour + 30*min, bj(2026, 3, 2, 12, 0)},
		{"one whole day", bj(2026, 3, 2, 8, 30), 7*hour + 30*min, bj(2026, 3, 2, 17, 30)},
		{"before hours", bj(2026, 3, 2, 6, 0), hour, bj(2026, 3, 2, 9, 30)},
		{"across the evening", bj(2026, 3, 2, 17, 0), hour, bj(2026, 3, 3, 9, 0)},
		{"starting after hours", bj(2026, 3, 2, 20, 0), hour, bj(2026, 3, 3, 9, 30)},
		{"across a weekend", bj(2026, 3, 6, 17, 0), hour, bj(2026, 3, 9, 9, 0)},
		{"starting on Saturday", bj(2026, 3, 7, 10, 0), 2 * hour, bj(2026, 3, 9, 10, 30)},
		{"into the make-up Saturday before 春节", bj(2026, 2, 13, 16, 0), 4 * hour, bj(2026, 2, 14, 11, 0)},
		{"across 春节", bj(2026, 2, 13, 16, 0), 12 * hour, bj(2026, 2, 24, 11, 30)},
		{"starting inside 春节", bj(2026, 2, 18, 10, 0), hour, bj(2026, 2, 24, 9, 30)},
		{"across 国庆", bj(2026, 9, 30, 17, 0), hour, bj(2026, 10, 8, 9, 0)},
		{"into a make-up Sunday", bj(2026, 9, 19, 10, 0), hour, bj(2026, 9, 20, 9, 30)},
		{"zero", bj(2026, 3, 7, 10, 0), 0, bj(2026, 3, 7, 10, 0)},
		{"start given in UTC", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), hour, bj(2026, 3, 3, 9, 0)}, // 17:00 CST
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingHours(tt.start, tt.d)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("AddWorkingHours(%s, %v) = %s (%v), want %s in UTC", fmtBJ(tt.start), tt.d, fmtBJ(got), got.Location(), fmtBJ(tt.want))
			}
			if tt.d > 0 {
				if back := c.WorkingDuration(tt.start, got); back != tt.d {
					t.Errorf("WorkingDuration back = %v, want %v", back, tt.d)
				}
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		// The before-hours rule: the arrival day counts only when the case
		// arrives on a working day before its first span.
		{"before hours counts the day", bj(2026, 3, 2, 8, 0), 1, bj(2026, 3, 2, 17, 30)},
		{"just before hours", bj(2026, 3, 2, 8, 29), 1, bj(2026, 3, 2, 17, 30)},
		{"midnight counts the day", bj(2026, 3, 2, 0, 0), 2, bj(2026, 3, 3, 17, 30)},
		{"at 08:30 the day does not count", bj(2026, 3, 2, 8, 30), 1, bj(2026, 3, 3, 17, 30)},
		{"during hours", bj(2026, 3, 2, 10, 0), 1, bj(2026, 3, 3, 17, 30)},
		{"at lunch", bj(2026, 3, 2, 12, 30), 1, bj(2026, 3, 3, 17, 30)},
		{"after hours", bj(2026, 3, 2, 18, 0), 1, bj(2026, 3, 3, 17, 30)},
		{"before hours, given in UTC", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), 1, bj(2026, 3, 2, 17, 30)},
		{"Saturday", bj(2026, 3, 7, 8, 0), 1, bj(2026, 3, 9, 17, 30)},
		{"Friday afternoon", bj(2026, 3, 6, 15, 0), 1, bj(2026, 3, 9, 17, 30)},
		{"hotline complaint, 15 days", bj(2026, 3, 2, 10, 0), 15, bj(2026, 3, 23, 17, 30)},
		{"make-up Saturday before hours", bj(2026, 2, 14, 8, 0), 1, bj(2026, 2, 14, 17, 30)},
		{"make-up Saturday during hours, across 春节", bj(2026, 2, 14, 9, 0), 1, bj(2026, 2, 24, 17, 30)},
		{"holiday morning does not count", bj(2026, 10, 1, 8, 0), 1, bj(2026, 10, 8, 17, 30)},
		{"across 国庆, 2 days", bj(2026, 9, 30, 10, 0), 2, bj(2026, 10, 9, 17, 30)},
		{"across 国庆, 3 days: the make-up Saturday", bj(2026, 9, 30, 10, 0), 3, bj(2026, 10, 10, 17, 30)},
		{"across 国庆, 4 days", bj(2026, 9, 30, 10, 0), 4, bj(2026, 10, 12, 17, 30)},
		{"zero", bj(2026, 3, 2, 10, 0), 0, bj(2026, 3, 2, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingDays(tt.start, tt.n)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("AddWorkingDays(%s, %d) = %s (%v), want %s in UTC", fmtBJ(tt.start), tt.n, fmtBJ(got), got.Location(), fmtBJ(tt.want))
			}
		})
	}
}

func TestNextWorkingStart(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name    string
		t, want time.Time
	}{
		{"inside a span", bj(2026, 3, 2, 9, 15), bj(2026, 3, 2, 9, 15)},
		{"at a span start", bj(2026, 3, 2, 8, 30), bj(2026, 3, 2, 8, 30)},
		{"at noon", bj(2026, 3, 2, 12, 0), bj(2026, 3, 2, 13, 30)},
		{"evening", bj(2026, 3, 2, 17, 30), bj(2026, 3, 3, 8, 30)},
		{"weekend", bj(2026, 3, 7, 10, 0), bj(2026, 3, 9, 8, 30)},
		{"国庆 eve", bj(2026, 9, 30, 18, 0), bj(2026, 10, 8, 8, 30)},
	}
	for _, tt := range tests {
		got := c.NextWorkingStart(tt.t)
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: NextWorkingStart(%s) = %s, want %s", tt.name, fmtBJ(tt.t), fmtBJ(got), fmtBJ(tt.want))
		}
	}
}

func TestWorkingDuration(t *testing.T) {
	c := defaultCal(t)
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"inside a span", bj(2026, 3, 2, 9, 0), bj(2026, 3, 2, 10, 0), hour},
		{"across lunch", bj(2026, 3, 2, 11, 0), bj(2026, 3, 2, 14, 30), 2 * hour},
		{"lunch only", bj(2026, 3, 2, 12, 0), bj(2026, 3, 2, 13, 30), 0},
		{"a whole week", bj(2026, 3, 2, 0, 0), bj(2026, 3, 9, 0, 0), 5 * (7*hour + 30*min)},
		{"a weekend", bj(2026, 3, 7, 0, 0), bj(2026, 3, 9, 0, 0), 0},
		{"across 春节", bj(2026, 2, 13, 16, 0), bj(2026, 2, 24, 11, 30), 12 * hour},
		{"the whole of 国庆", bj(2026, 10, 1, 0, 0), bj(2026, 10, 8, 0, 0), 0},
		{"equal instants", bj(2026, 3, 2, 9, 0), bj(2026, 3, 2, 9, 0), 0},
		{"reversed is negative (not yet overdue)", bj(2026, 3, 2, 10, 0), bj(2026, 3, 2, 9, 0), -hour},
	}
	for _, tt := range tests {
		if got := c.WorkingDuration(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: WorkingDuration(%s, %s) = %v, want %v", tt.name, fmtBJ(tt.from), fmtBJ(tt.to), got, tt.want)
		}
	}
}

// WorkingDuration undoes AddWorkingHours from any start, in or out of
// working time, for any amount, to the nanosecond.
func TestWorkingDurationInvertsAddWorkingHours(t *testing.T) {
	c := defaultCal(t)
	r := rand.New(rand.NewPCG(2026, 1104))
	yearStart := bj(2026, 1, 1, 0, 0)
	yearLen := bj(2027, 1, 1, 0, 0).Sub(yearStart)
	for i := range 20000 {
		start := yearStart.Add(time.Duration(r.Int64N(int64(yearLen))))
		var d time.Duration
		switch i % 3 {
		case 0: // short: minutes to a few hours
			d = time.Duration(1 + r.Int64N(int64(4*hour)))
		case 1: // whole minutes, up to a few days
			d = time.Duration(1+r.IntN(3*450)) * min
		default: // long: up to 40 working days
			d = time.Duration(1 + r.Int64N(int64(300*hour)))
		}
		end := c.AddWorkingHours(start, d)
		if got := c.WorkingDuration(start, end); got != d {
			t.Fatalf("start %s, d %v: AddWorkingHours = %s, WorkingDuration back = %v", fmtBJ(start), d, fmtBJ(end), got)
		}
		// The end is inside working time or at the end of a span, and it
		// falls on a working day.
		if !c.IsWorkday(end) || c.NextWorkingStart(end.Add(-1)) != end.Add(-1) {
			t.Fatalf("start %s, d %v: end %s is not working time", fmtBJ(start), d, fmtBJ(end))
		}
	}
}

// Every working-day deadline is 17:30 on a working day, and never earlier
// than a start in the same working day would allow.
func TestAddWorkingDaysShape(t *testing.T) {
	c := defaultCal(t)
	r := rand.New(rand.NewPCG(7, 15))
	yearStart := bj(2026, 1, 1, 0, 0)
	for range 5000 {
		start := yearStart.Add(time.Duration(r.Int64N(int64(365 * 24 * hour))))
		n := 1 + r.IntN(20)
		dl := c.AddWorkingDays(start, n).In(Shanghai())
		if !c.IsWorkday(dl) || dl.Hour() != 17 || dl.Minute() != 30 {
			t.Fatalf("AddWorkingDays(%s, %d) = %s: want 17:30 on a working day", fmtBJ(start), n, fmtBJ(dl))
		}
		// Exactly n working days lie between the start day and the
		// deadline's day, both included, less the start day when the case
		// arrived after that day's working hours had begun.
		sd := DateOf(start.In(Shanghai()))
		got := 0
		for d := bj(sd.Year, sd.Month, sd.Day, 12, 0); !d.After(dl); d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				got++
			}
		}
		if c.IsWorkday(start) && !start.Before(bj(sd.Year, sd.Month, sd.Day, 8, 30)) {
			got--
		}
		if got != n {
			t.Fatalf("AddWorkingDays(%s, %d) = %s spans %d working days", fmtBJ(start), n, fmtBJ(dl), got)
		}
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := defaultCal(b)
	starts := make([]time.Time, 256)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range starts {
		starts[i] = bj(2026, 1, 1, 0, 0).Add(time.Duration(r.Int64N(int64(365 * 24 * hour))))
	}
	i := 0
	for b.Loop() {
		c.AddWorkingDays(starts[i%len(starts)], 15)
		i++
	}
}

func BenchmarkAddWorkingHours(b *testing.B) {
	c := defaultCal(b)
	start := bj(2026, 9, 30, 16, 0)
	for b.Loop() {
		c.AddWorkingHours(start, 4*hour)
	}
}
