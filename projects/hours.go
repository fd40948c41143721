package projects

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Working hours are written as ranges of the day, "08:00-12:00" (an en
// dash or a full-width tilde also reads): the times construction may make
// noise, and the quiet hours when it must not (the residents' midday rest,
// the night).

// span is a range of minutes after midnight, [from, to).
type span struct{ from, to int }

func (s span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.from/60, s.from%60, s.to/60, s.to%60)
}

// parseClock reads "8:00" or "08:00"; 24:00 is the end of the day.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, false
	}
	// Digits only: Sscanf's %d stops at the first other character and
	// would read "1a" as 1 and "0x" as 0.
	h, m = strings.TrimSpace(h), strings.TrimSpace(m)
	if len(h) == 0 || len(h) > 2 || len(m) != 2 || !allDigits(h) || !allDigits(m) {
		return 0, false
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseSpans reads a list of ranges; it returns them sorted and written
// the one way ("08:00-12:00"), or the reason the list is refused. A range
// may not end before it starts or overlap another (a quiet time across
// midnight is written as two ranges: 22:00-24:00 and 00:00-06:00).
func parseSpans(in []string) ([]span, string) {
	var out []span
	for _, raw := range in {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		r := strings.NewReplacer("–", "-", "—", "-", "～", "-", "~", "-", "：", ":").Replace(raw)
		a, b, ok := strings.Cut(r, "-")
		from, ok1 := parseClock(a)
		to, ok2 := parseClock(b)
		if !ok || !ok1 || !ok2 {
			return nil, fmt.Sprintf("「%s」应写作 08:00-12:00 / %q must look like 08:00-12:00", raw, raw)
		}
		if to <= from {
			return nil, fmt.Sprintf("「%s」结束早于开始 / %q ends before it starts", raw, raw)
		}
		out = append(out, span{from, to})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	for i := 1; i < len(out); i++ {
		if out[i].from < out[i-1].to {
			return nil, fmt.Sprintf("%s 与 %s 重叠 / %s overlaps %s", out[i-1], out[i], out[i-1], out[i])
		}
	}
	return out, ""
}

// overlapping returns the first pair of work and quiet ranges that
// overlap, or "" when none do.
func overlapping(work, quiet []span) string {
	for _, w := range work {
		for _, q := range quiet {
			if w.from < q.to && q.from < w.to {
				return fmt.Sprintf("施工时间 %s 与安静时段 %s 重叠 / working hours %s overlap quiet hours %s", w, q, w, q)
			}
		}
	}
	return ""
}

func spanStrings(ss []span) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.String())
	}
	return out
}

// joinHours stores ranges as one text column.
func joinHours(ss []string) string { return strings.Join(ss, ",") }

// splitHours reads the stored column.
func splitHours(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
