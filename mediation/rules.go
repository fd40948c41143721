package mediation

import (
	"fmt"
	"math"
	"strings"
	"time"

	"linli"
)

// The rules of people's mediation, as plain functions.
//
// Sources: 人民调解法 (2011) art. 28–29 (what a written agreement holds and
// when it takes effect), art. 31 (the committee supervises performance),
// art. 33 (joint application for judicial confirmation within 30 days of
// the agreement taking effect); 司法部《人民调解工作若干规定》(2002) art. 33
// (a dispute is generally settled within one month) and the practice of a
// follow-up visit (回访) on performance.

// Field names in Missing are 1-based where they index a list, as the
// agreement numbers its parties and terms: terms[1].deadline is the first
// term's deadline, signatures.party[2] the second party's signature.

// Missing lists the statutory content an agreement still lacks before it
// may be marked signed (art. 29): the parties' basic situation, the main
// facts, the disputed matters, each party's responsibility, the agreed
// terms with the way and time limit of performance, every party's
// signature, the mediator's signature, the committee's seal, and one copy
// per party plus the committee's.
func Missing(parties []Party, mediators int, ag Agreement) []linli.FieldError {
	var v linli.Validation
	var applicants, respondents int
	for _, p := range parties {
		switch p.Role {
		case RoleApplicant:
			applicants++
		case RoleRespondent:
			respondents++
		}
	}
	if applicants == 0 || respondents == 0 {
		v.Add("parties", "须有申请人和被申请人 / an applicant and a respondent are required")
	}
	// The basic situation, as the official template lists it: name, sex,
	// ethnicity, age or date of birth, occupation, address (and contact,
	// printed when recorded: not every party gives a phone).
	for i, p := range parties {
		f := fmt.Sprintf("parties[%d].", i+1)
		if strings.TrimSpace(p.Name) == "" {
			v.Add(f+"name", "当事人姓名或名称 / the party's name")
		}
		if p.Organisation {
			// A company or another organisation: its name and address.
			if strings.TrimSpace(p.Address) == "" {
				v.Add(f+"address", "当事人住所 / the party's address")
			}
			continue
		}
		if SexLabel(p.Sex) == "" {
			v.Add(f+"sex", "当事人性别 / the party's sex")
		}
		if strings.TrimSpace(p.Ethnicity) == "" {
			v.Add(f+"ethnicity", "当事人民族 / the party's ethnicity")
		}
		if p.BirthDate == "" && p.Age <= 0 {
			v.Add(f+"age", "当事人年龄或出生日期 / the party's age or date of birth")
		}
		if strings.TrimSpace(p.Occupation) == "" {
			v.Add(f+"occupation", "当事人职业 / the party's occupation")
		}
		if strings.TrimSpace(p.Address) == "" {
			v.Add(f+"address", "当事人住所 / the party's address")
		}
	}
	if strings.TrimSpace(ag.Facts) == "" {
		v.Add("facts", "纠纷的主要事实 / the main facts of the dispute")
	}
	if strings.TrimSpace(ag.Matters) == "" {
		v.Add("matters", "争议事项 / the disputed matters")
	}
	if strings.TrimSpace(ag.Responsibilities) == "" {
		v.Add("responsibilities", "各方当事人的责任 / each party's responsibility")
	}
	if len(ag.Terms) == 0 {
		v.Add("terms", "协议内容（至少一项） / at least one agreed term")
	}
	for i, t := range ag.Terms {
		if strings.TrimSpace(t.What) == "" {
			v.Add(fmt.Sprintf("terms[%d].what", i+1), "协议事项 / what is agreed")
		}
		if strings.TrimSpace(t.How) == "" {
			v.Add(fmt.Sprintf("terms[%d].how", i+1), "履行方式 / how it is performed")
		}
		if t.Deadline.IsZero() {
			v.Add(fmt.Sprintf("terms[%d].deadline", i+1), "履行期限 / by when it is performed")
		}
	}
	if ag.Oral {
		// An oral agreement (art. 28) is recorded by the mediator: no
		// signatures, seal or copies, but the day it was reached, from
		// which it takes effect (art. 30).
		if ag.AgreedOn.IsZero() {
			v.Add("agreed_on", "达成口头协议的日期 / the day the oral agreement was reached")
		}
		if mediators == 0 {
			v.Add("mediators", "记录协议的人民调解员 / the mediator who records it")
		}
		return v.Fields
	}
	for i, p := range parties {
		switch {
		case !p.Signed:
			v.Add(fmt.Sprintf("signatures.party[%d]", i+1), "当事人签名、盖章或按指印 / the party's signature, seal or fingerprint")
		case p.SignedOn.IsZero():
			v.Add(fmt.Sprintf("signatures.party[%d].date", i+1), "签名日期 / the date of the signature")
		}
	}
	switch {
	case mediators == 0 || !ag.MediatorSigned:
		v.Add("signatures.mediator", "人民调解员签名 / the mediator's signature")
	case ag.MediatorSignedOn.IsZero():
		v.Add("signatures.mediator.date", "签名日期 / the date of the signature")
	}
	switch {
	case !ag.Sealed:
		v.Add("signatures.committee_seal", "人民调解委员会印章 / the committee's seal")
	case ag.SealedOn.IsZero():
		v.Add("signatures.committee_seal.date", "盖章日期 / the date of the seal")
	}
	if ag.Copies < len(parties)+1 {
		v.Add("copies", fmt.Sprintf("至少%d份：当事人各执一份，调解委员会留存一份 / at least %d copies: one per party and one for the committee", len(parties)+1, len(parties)+1))
	}
	if strings.TrimSpace(ag.CopiesHeldBy) == "" {
		v.Add("copies_held_by", "协议书由谁收执 / who holds the copies")
	}
	return v.Fields
}

// EffectiveOn is the day the agreement takes effect: the last of the
// parties' signatures, the mediator's signature and the committee's seal
// (art. 29); for an oral agreement, the day it was reached (art. 30).
func EffectiveOn(parties []Party, ag Agreement) time.Time {
	if ag.Oral {
		return ag.AgreedOn
	}
	last := ag.MediatorSignedOn
	if ag.SealedOn.After(last) {
		last = ag.SealedOn
	}
	for _, p := range parties {
		if p.SignedOn.After(last) {
			last = p.SignedOn
		}
	}
	return last
}

// Periods. As periods are counted in Chinese law (民法典 art. 201), the
// starting day is not counted: accepted on 26 November, the one-month
// target's last day is 26 December.
//
// The target is one calendar month, counted as 民法典 art. 202 counts a
// period in months: it ends on the day of the next month with the same
// number, or on that month's last day when it has no such day (accepted on
// 31 January → 28 February, or 29 in a leap year; accepted on 30 March →
// 30 April). Going by the calendar month rather than 30 days is what
// "generally settled within one month" says, and art. 202 is the one rule
// of month arithmetic the law gives, so it is the one used here. The target
// is a working aim, not a statutory time limit on anyone's rights, so it
// is not moved off holidays.
//
// The court-confirmation window is 30 days (人民调解法 art. 33) and is a
// statutory period: when its last day is a day off — a weekend or an
// official holiday on the working calendar — it ends on the first working
// day after it (民法典 art. 203, 民事诉讼法 art. 85). A make-up working day
// (调休) is a working day.
const (
	TargetMonths     = 1  // 《人民调解工作若干规定》art. 33: generally within a month
	CourtWindowDays  = 30 // 人民调解法 art. 33
	CourtReminderDay = 25 // the mediators are reminded on this day of the window
)

// Day returns the local midnight of t's day in zone.
func Day(t time.Time, zone *time.Location) time.Time {
	t = t.In(zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
}

// AddMonths returns the day n calendar months after day (a local
// midnight), on the same day number or on the last day of a shorter month
// (民法典 art. 202).
func AddMonths(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, day.Location())
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, day.Location())
}

// DueDate is the last day of the one-month target for a dispute accepted
// at accepted.
func DueDate(accepted time.Time, zone *time.Location) time.Time {
	return AddMonths(Day(accepted, zone), TargetMonths)
}

// Workdays tells whether a day is worked; *calendar.Calendar is one.
type Workdays interface {
	IsWorkday(time.Time) bool
	Location() *time.Location
}

// NextWorkday returns day itself when it is worked, else the first
// worked day after it: where a statutory period ending on day really ends.
// At most a year is searched (no notice has a longer break).
func NextWorkday(day time.Time, cal Workdays) time.Time {
	for i := 0; i < 366; i++ {
		y, m, d := day.Date()
		// The calendar judges the civil date, in its own zone.
		if cal.IsWorkday(time.Date(y, m, d, 12, 0, 0, 0, cal.Location())) {
			return day
		}
		day = time.Date(y, m, d+1, 0, 0, 0, 0, day.Location())
	}
	return day
}

// CourtDeadline is the last day to apply for judicial confirmation of an
// agreement effective on effective: 30 days on, moved to the first
// working day when that day is off.
func CourtDeadline(effective time.Time, zone *time.Location, cal Workdays) time.Time {
	return NextWorkday(Day(effective, zone).AddDate(0, 0, CourtWindowDays), cal)
}

// ReminderAt is when the mediators are reminded of the court window:
// 09:00 on its 25th day.
func ReminderAt(effective time.Time, zone *time.Location) time.Time {
	return Day(effective, zone).AddDate(0, 0, CourtReminderDay).Add(9 * time.Hour)
}

// DaysLeft counts the days from now's day to the last day due: 0 on the
// last day, negative when past it.
func DaysLeft(due, now time.Time, zone *time.Location) int {
	a, b := Day(now, zone), Day(due, zone)
	// Days between two local midnights, rounded for zones with DST.
	return int(math.Round(b.Sub(a).Hours() / 24))
}

// Number formats a dispute number: （2026）东城调字第12号.
func Number(year int, street string, seq int) string {
	return fmt.Sprintf("（%d）%s调字第%d号", year, StreetShort(street), seq)
}

// StreetShort is a street's name without "街道", "镇" or "乡".
func StreetShort(name string) string {
	for _, suf := range []string{"街道办事处", "街道", "镇", "乡"} {
		if s, ok := strings.CutSuffix(name, suf); ok && s != "" {
			return s
		}
	}
	return name
}

// Committee names the people's mediation committee of a community:
// 东城街道吉祥社区人民调解委员会.
func Committee(street, community string) string {
	return street + community + "人民调解委员会"
}

// DefaultCopiesHeldBy is the copies statement of art. 29.
const DefaultCopiesHeldBy = "当事人各执一份，人民调解委员会留存一份"

// Yuan formats fen as yuan: ¥1,800.00.
func Yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprint(fen / 100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("¥%s.%02d", b.String(), fen%100)
	if neg {
		out = "-" + out
	}
	return out
}
