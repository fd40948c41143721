package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli"
)

// Unit is what a time limit counts.
type Unit string

const (
	NaturalMinutes Unit = "natural_minutes" // wall-clock minutes: "report in within 30 minutes"
	NaturalHours   Unit = "natural_hours"   // wall-clock hours, for emergencies: nights and holidays count
	WorkingHours   Unit = "working_hours"   // hours inside working spans of working days
	WorkingDays    Unit = "working_days"    // see Calendar.AddWorkingDays for how days are counted
)

// units lists each unit's short suffix (config files, the API) and its
// Chinese wording (what people read). ParseLimit accepts both.
var units = []struct {
	unit           Unit
	short, chinese string
}{
	{NaturalMinutes, "m", "分钟"},
	{NaturalHours, "h", "小时"},
	{WorkingHours, "wh", "个工作小时"},
	{WorkingDays, "wd", "个工作日"},
}

// MaxAmount bounds a limit's amount. No rule comes near it (the longest
// seen are 20 working days); it catches typos like "150000wd".
const MaxAmount = 10000

// Limit is how a category states a time limit: 4 working hours, 15 working
// days, 30 minutes, 24 hours. In JSON it is the short text form ("4wh").
type Limit struct {
	Amount int
	Unit   Unit
}

// Validate reports a limit ParseLimit would not have produced.
func (l Limit) Validate() error {
	if l.Amount <= 0 || l.Amount > MaxAmount {
		return linli.Errorf(linli.EInvalid, "time limit %d must be between 1 and %d", l.Amount, MaxAmount)
	}
	for _, u := range units {
		if u.unit == l.Unit {
			return nil
		}
	}
	return linli.Errorf(linli.EInvalid, "time limit unit %q is not one of natural_minutes, natural_hours, working_hours, working_days", l.Unit)
}

// Deadline is when a case that started at start is due, in UTC. Natural
// units ignore the calendar. An invalid limit (see Validate) is due at start,
// so the mistake shows at once as an overdue case instead of hiding.
func (l Limit) Deadline(c *Calendar, start time.Time) time.Time {
	if l.Validate() != nil {
		return start.UTC()
	}
	switch l.Unit {
	case NaturalMinutes:
		return start.Add(time.Duration(l.Amount) * time.Minute).UTC()
	case NaturalHours:
		return start.Add(time.Duration(l.Amount) * time.Hour).UTC()
	case WorkingHours:
		return c.AddWorkingHours(start, time.Duration(l.Amount)*time.Hour)
	default: // WorkingDays
		return c.AddWorkingDays(start, l.Amount)
	}
}

// String is the limit in Chinese: "4个工作小时", "15个工作日", "30分钟", "24小时".
func (l Limit) String() string {
	for _, u := range units {
		if u.unit == l.Unit {
			return strconv.Itoa(l.Amount) + u.chinese
		}
	}
	return fmt.Sprintf("%d %s", l.Amount, l.Unit)
}

// Short is the limit as config files and the API write it: "4wh", "15wd",
// "30m", "24h".
func (l Limit) Short() string {
	for _, u := range units {
		if u.unit == l.Unit {
			return strconv.Itoa(l.Amount) + u.short
		}
	}
	return fmt.Sprintf("%d%s", l.Amount, l.Unit)
}

// ParseLimit reads a limit in its short form ("4wh", "15wd", "30m", "24h")
// or as String writes it ("4个工作小时").
func ParseLimit(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	digits := len(t) - len(strings.TrimLeft(t, "0123456789"))
	num, suffix := t[:digits], strings.TrimSpace(t[digits:])
	for _, u := range units {
		if suffix != u.short && suffix != u.chinese {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			break
		}
		l := Limit{Amount: n, Unit: u.unit}
		if err := l.Validate(); err != nil {
			return Limit{}, err
		}
		return l, nil
	}
	return Limit{}, linli.Errorf(linli.EInvalid, "time limit %q: write a whole number and a unit, like 4wh (working hours), 15wd (working days), 30m (minutes) or 24h (hours)", s)
}

// MarshalText writes the short form.
func (l Limit) MarshalText() ([]byte, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return []byte(l.Short()), nil
}

// UnmarshalText reads what ParseLimit reads.
func (l *Limit) UnmarshalText(b []byte) error {
	v, err := ParseLimit(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
