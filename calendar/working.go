package calendar

import "time"

// NextWorkingStart is the earliest instant at or after t that is working
// time: t itself inside a working span, otherwise the start of the next
// span of a working day. The end of a span (12:00) is not working time.
func (c *Calendar) NextWorkingStart(t time.Time) time.Time {
	for n := c.dayOf(t); ; n++ {
		if !c.workday(n) {
			continue
		}
		d := civil(n)
		for _, s := range c.hours {
			if b := c.wall(d, s.End); b.After(t) {
				return later(c.wall(d, s.Start), t).UTC()
			}
		}
	}
}

// AddWorkingHours is the instant at which d of working time has run after
// start, counting only the working spans of working days. A start outside
// working time counts from the next span. A limit that runs out exactly at
// the end of a span is due then (12:00), not at the start of the next one.
// d <= 0 gives start.
func (c *Calendar) AddWorkingHours(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start.UTC()
	}
	for n := c.dayOf(start); ; n++ {
		if !c.workday(n) {
			continue
		}
		day := civil(n)
		for _, s := range c.hours {
			b := c.wall(day, s.End)
			if !b.After(start) {
				continue
			}
			from := later(c.wall(day, s.Start), start)
			if left := b.Sub(from); d > left {
				d -= left
				continue
			}
			return from.Add(d).UTC()
		}
	}
}

// AddWorkingDays is the deadline of n working days after start: the end of
// the last working span (17:30 by default) of the n-th working day, where a
// case arriving on a working day before its first span (before 08:30) counts
// that day as day 1, and any later arrival — during working hours, at lunch,
// after hours, or on a day off — counts from the next working day.
//
// Monday 08:00 + 1 working day is due Monday 17:30; Monday 08:30 + 1 is due
// Tuesday 17:30; Saturday + 1 is due Monday 17:30 (unless a holiday or a
// make-up day moves it). n <= 0 gives start.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	if n <= 0 {
		return start.UTC()
	}
	day := c.dayOf(start)
	if !c.workday(day) || !start.Before(c.wall(civil(day), c.hours[0].Start)) {
		day++
	}
	end := c.hours[len(c.hours)-1].End
	for ; ; day++ {
		if c.workday(day) {
			if n--; n == 0 {
				return c.wall(civil(day), end).UTC()
			}
		}
	}
}

// WorkingDuration is the working time between from and to: how much of a
// limit a case has used, or by how much it is overdue. It is negative when
// to is before from, and WorkingDuration(s, AddWorkingHours(s, d)) == d.
func (c *Calendar) WorkingDuration(from, to time.Time) time.Duration {
	if to.Before(from) {
		return -c.WorkingDuration(to, from)
	}
	var sum time.Duration
	last := c.dayOf(to)
	for n := c.dayOf(from); n <= last; n++ {
		if !c.workday(n) {
			continue
		}
		day := civil(n)
		for _, s := range c.hours {
			a, b := later(c.wall(day, s.Start), from), earlier(c.wall(day, s.End), to)
			if b.After(a) {
				sum += b.Sub(a)
			}
		}
	}
	return sum
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
