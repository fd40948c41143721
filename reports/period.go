package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli"
)

// Period is a calendar month or quarter of the deployment's zone.
type Period struct {
	Year    int       `json:"year"`
	Month   int       `json:"month,omitempty"`   // 1–12 for a month
	Quarter int       `json:"quarter,omitempty"` // 1–4 for a quarter
	From    time.Time `json:"from"`              // first day, 00:00
	To      time.Time `json:"to"`                // last day, 00:00 (inclusive, as stats takes it)
}

// End is the instant after the period: the first day of the next one.
func (p Period) End() time.Time { return p.To.AddDate(0, 0, 1) }

// Key is how the period is written in a URL: 2026-11 or 2026-Q4.
func (p Period) Key() string {
	if p.Quarter != 0 {
		return fmt.Sprintf("%d-Q%d", p.Year, p.Quarter)
	}
	return fmt.Sprintf("%d-%02d", p.Year, p.Month)
}

// Label names the period in the language: 2026年11月, 2026年第四季度;
// November 2026, Q4 2026.
func (p Period) Label(lang string) string {
	if lang == "en" {
		if p.Quarter != 0 {
			return fmt.Sprintf("Q%d %d", p.Quarter, p.Year)
		}
		return time.Month(p.Month).String() + " " + strconv.Itoa(p.Year)
	}
	if p.Quarter != 0 {
		return fmt.Sprintf("%d年第%s季度", p.Year, []string{"一", "二", "三", "四"}[p.Quarter-1])
	}
	return fmt.Sprintf("%d年%d月", p.Year, p.Month)
}

// Previous is the period before p: the month before, or the quarter.
func (p Period) Previous(zone *time.Location) Period {
	if p.Quarter != 0 {
		q, y := p.Quarter-1, p.Year
		if q == 0 {
			q, y = 4, y-1
		}
		return quarter(y, q, zone)
	}
	first := time.Date(p.Year, time.Month(p.Month)-1, 1, 0, 0, 0, 0, zone)
	return month(first.Year(), int(first.Month()), zone)
}

func month(y, m int, zone *time.Location) Period {
	from := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, zone)
	return Period{Year: y, Month: m, From: from, To: from.AddDate(0, 1, -1)}
}

func quarter(y, q int, zone *time.Location) Period {
	from := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, zone)
	return Period{Year: y, Quarter: q, From: from, To: from.AddDate(0, 3, -1)}
}

// ParsePeriod reads a month (2026-11) or a quarter (2026-Q4, or 2026-4
// given as the quarter); both empty is the last whole month before now.
func ParsePeriod(monthText, quarterText string, now time.Time, zone *time.Location) (Period, error) {
	bad := func(field, reason string) error {
		return linli.Invalid("时段应为月份 2026-11 或季度 2026-Q4 / the period is a month (2026-11) or a quarter (2026-Q4)", linli.FieldError{Field: field, Reason: reason})
	}
	switch {
	case monthText != "" && quarterText != "":
		return Period{}, bad("quarter", "月份与季度只填一个 / give a month or a quarter, not both")
	case quarterText != "":
		y, q, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(quarterText)), "-")
		yy, err1 := strconv.Atoi(y)
		qq, err2 := strconv.Atoi(strings.TrimPrefix(q, "Q"))
		if !ok || err1 != nil || err2 != nil || qq < 1 || qq > 4 || yy < 2000 || yy > 2100 {
			return Period{}, bad("quarter", "应如 2026-Q4 / like 2026-Q4: "+quarterText)
		}
		return quarter(yy, qq, zone), nil
	case monthText != "":
		t, err := time.ParseInLocation("2006-01", strings.TrimSpace(monthText), zone)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return Period{}, bad("month", "应如 2026-11 / like 2026-11: "+monthText)
		}
		return month(t.Year(), int(t.Month()), zone), nil
	}
	n := now.In(zone)
	last := time.Date(n.Year(), n.Month()-1, 1, 0, 0, 0, 0, zone)
	return month(last.Year(), int(last.Month()), zone), nil
}
