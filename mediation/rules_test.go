package mediation

import (
	"slices"
	"testing"
	"time"

	"linli"
	"linli/calendar"
)

func fieldsOf(fe []linli.FieldError) []string {
	var out []string
	for _, f := range fe {
		out = append(out, f.Field)
	}
	return out
}

// TestMediationAgreementCompleteness: an agreement may be marked signed
// only with every item of 人民调解法 art. 29, and every missing item is
// named.
func TestMediationAgreementCompleteness(t *testing.T) {
	day := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	parties := func() []Party {
		return []Party{
			{ID: 1, Role: RoleApplicant, Name: "甲", Address: "吉祥花园1号楼2单元402", Signed: true, SignedOn: day,
				Sex: SexFemale, Ethnicity: "汉族", BirthDate: "1968-03-12", Occupation: "退休职工"},
			{ID: 2, Role: RoleRespondent, Name: "乙", Address: "吉祥花园1号楼2单元502", Signed: true, SignedOn: day,
				Sex: SexMale, Ethnicity: "回族", Age: 45, Occupation: "个体经营者"},
		}
	}
	complete := func() Agreement {
		return Agreement{Facts: "502卫生间下水管渗漏，402顶棚受损", Matters: "维修与赔偿", Responsibilities: "502承担全部责任",
			Terms: []Term{{What: "修复下水管", How: "502自行请人维修", Deadline: day.AddDate(0, 0, 7)},
				{What: "赔偿顶棚修复费用", How: "一次性转账", Deadline: day.AddDate(0, 0, 15), AmountFen: 180000}},
			Copies: 3, CopiesHeldBy: DefaultCopiesHeldBy, MediatorSigned: true, MediatorSignedOn: day, Sealed: true, SealedOn: day}
	}
	for _, tc := range []struct {
		name   string
		change func(ps []Party, ag *Agreement) []Party
		meds   int
		want   []string
	}{
		{"complete", func(ps []Party, ag *Agreement) []Party { return ps }, 1, nil},
		{"no facts, matters or responsibilities", func(ps []Party, ag *Agreement) []Party {
			ag.Facts, ag.Matters, ag.Responsibilities = " ", "", ""
			return ps
		}, 1, []string{"facts", "matters", "responsibilities"}},
		{"no terms", func(ps []Party, ag *Agreement) []Party { ag.Terms = nil; return ps }, 1, []string{"terms"}},
		{"a term without how and deadline", func(ps []Party, ag *Agreement) []Party {
			ag.Terms[1].How, ag.Terms[1].Deadline = "", time.Time{}
			return ps
		}, 1, []string{"terms[2].how", "terms[2].deadline"}},
		{"first term without what", func(ps []Party, ag *Agreement) []Party { ag.Terms[0].What = ""; return ps }, 1, []string{"terms[1].what"}},
		{"second party not signed", func(ps []Party, ag *Agreement) []Party { ps[1].Signed = false; return ps }, 1, []string{"signatures.party[2]"}},
		{"signed without a date", func(ps []Party, ag *Agreement) []Party { ps[0].SignedOn = time.Time{}; return ps }, 1, []string{"signatures.party[1].date"}},
		{"no mediator signature, no seal", func(ps []Party, ag *Agreement) []Party {
			ag.MediatorSigned, ag.Sealed = false, false
			return ps
		}, 1, []string{"signatures.mediator", "signatures.committee_seal"}},
		{"no mediator on the dispute", func(ps []Party, ag *Agreement) []Party { return ps }, 0, []string{"signatures.mediator"}},
		{"seal without date", func(ps []Party, ag *Agreement) []Party { ag.SealedOn = time.Time{}; return ps }, 1, []string{"signatures.committee_seal.date"}},
		{"too few copies, no holders", func(ps []Party, ag *Agreement) []Party {
			ag.Copies, ag.CopiesHeldBy = 2, ""
			return ps
		}, 1, []string{"copies", "copies_held_by"}},
		{"a third party needs a fourth copy", func(ps []Party, ag *Agreement) []Party {
			return append(ps, Party{Role: RoleRespondent, Name: "物业", Address: "吉祥花园物业服务中心", Signed: true, SignedOn: day, Organisation: true})
		}, 1, []string{"copies"}},
		{"no respondent, a party without address", func(ps []Party, ag *Agreement) []Party {
			ps[1].Role, ps[1].Address = RoleApplicant, ""
			return ps
		}, 1, []string{"parties", "parties[2].address"}},
		{"the template's basic situation of a person", func(ps []Party, ag *Agreement) []Party {
			ps[0].Sex, ps[0].Ethnicity, ps[0].BirthDate, ps[0].Occupation = "", " ", "", ""
			ps[1].Sex = "unknown"
			return ps
		}, 1, []string{"parties[1].sex", "parties[1].ethnicity", "parties[1].age", "parties[1].occupation", "parties[2].sex"}},
		{"an organisation has no sex or age", func(ps []Party, ag *Agreement) []Party {
			ag.Copies = 4
			return append(ps, Party{Role: RoleRespondent, Name: "荟安物业", Signed: true, SignedOn: day, Organisation: true})
		}, 1, []string{"parties[3].address"}},
		{"an oral agreement needs no signatures, seal or copies, but its day", func(ps []Party, ag *Agreement) []Party {
			ag.Oral, ag.MediatorSigned, ag.Sealed, ag.Copies, ag.CopiesHeldBy = true, false, false, 0, ""
			ps[0].Signed, ps[1].Signed = false, false
			return ps
		}, 1, []string{"agreed_on"}},
		{"an oral agreement still has its terms", func(ps []Party, ag *Agreement) []Party {
			ag.Oral, ag.AgreedOn, ag.Terms = true, day, nil
			return ps
		}, 1, []string{"terms"}},
		{"blank agreement", func(ps []Party, ag *Agreement) []Party {
			*ag = Agreement{}
			ps[0].Signed, ps[1].Signed = false, false
			return ps
		}, 1, []string{"facts", "matters", "responsibilities", "terms", "signatures.party[1]", "signatures.party[2]",
			"signatures.mediator", "signatures.committee_seal", "copies", "copies_held_by"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ag := complete()
			ps := tc.change(parties(), &ag)
			got := fieldsOf(Missing(ps, tc.meds, ag))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Missing = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMediationPeriods(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	accepted := time.Date(2026, 11, 26, 10, 0, 0, 0, zone)
	if got, want := DueDate(accepted, zone), time.Date(2026, 12, 26, 0, 0, 0, 0, zone); !got.Equal(want) {
		t.Errorf("DueDate = %v, want %v (the acceptance day is not counted)", got, want)
	}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	eff := time.Date(2026, 11, 27, 0, 0, 0, 0, zone)
	// Day 30 is Sunday 27 December: the window ends on Monday the 28th.
	if got, want := CourtDeadline(eff, zone, cal), time.Date(2026, 12, 28, 0, 0, 0, 0, zone); !got.Equal(want) {
		t.Errorf("CourtDeadline = %v, want %v", got, want)
	}
	if got, want := ReminderAt(eff, zone), time.Date(2026, 12, 22, 9, 0, 0, 0, zone); !got.Equal(want) {
		t.Errorf("ReminderAt = %v, want %v (day 25, 09:00)", got, want)
	}
	due := DueDate(accepted, zone)
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{accepted, 30},
		{time.Date(2026, 12, 25, 23, 59, 0, 0, zone), 1},
		{time.Date(2026, 12, 26, 8, 0, 0, 0, zone), 0},
		{time.Date(2026, 12, 28, 8, 0, 0, 0, zone), -2},
	} {
		if got := DaysLeft(due, tc.now, zone); got != tc.want {
			t.Errorf("DaysLeft at %v = %d, want %d", tc.now, got, tc.want)
		}
	}
	if got := Number(2026, "东城街道", 12); got != "（2026）东城调字第12号" {
		t.Errorf("Number = %q", got)
	}
	if got := Committee("东城街道", "吉祥社区"); got != "东城街道吉祥社区人民调解委员会" {
		t.Errorf("Committee = %q", got)
	}
	for fen, want := range map[int64]string{180000: "¥1,800.00", 5: "¥0.05", 123456789: "¥1,234,567.89"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
	for n, want := range map[int]string{3: "三", 10: "十", 12: "十二", 20: "二十", 35: "三十五"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
	for s, want := range map[string]int64{"1800": 180000, "1,800.5": 180050, "0.05": 5, "": 0} {
		if got, ok := yuanToFen(s); !ok || got != want {
			t.Errorf("yuanToFen(%q) = %d, %v", s, got, ok)
		}
	}
	for _, s := range []string{"1.234", "-5", "abc"} {
		if _, ok := yuanToFen(s); ok {
			t.Errorf("yuanToFen(%q) accepted", s)
		}
	}
}

// TestMediationPeriodsFollowTheCalendar: the one-month target is a
// calendar month (民法典 art. 202: the same day of the next month, or its
// last day); the 30-day court window ending on a day off ends on the next
// working day of the official calendar (民法典 art. 203).
func TestMediationPeriodsFollowTheCalendar(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, zone) }
	for _, tc := range []struct{ accepted, due time.Time }{
		{day(2026, 11, 26), day(2026, 12, 26)},
		{day(2026, 1, 31), day(2026, 2, 28)},
		{day(2028, 1, 31), day(2028, 2, 29)},
		{day(2026, 3, 31), day(2026, 4, 30)},
		{day(2026, 2, 1), day(2026, 3, 1)},
		{day(2026, 12, 31), day(2027, 1, 31)},
	} {
		if got := DueDate(tc.accepted.Add(15*time.Hour), zone); !got.Equal(tc.due) {
			t.Errorf("accepted %s: due %s, want %s", tc.accepted.Format("2006-01-02"), got.Format("2006-01-02"), tc.due.Format("2006-01-02"))
		}
	}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name            string
		effective, last time.Time
	}{
		{"day 30 is 1 October, in the National Day holiday", day(2026, 9, 1), day(2026, 10, 8)},
		{"day 30 is a plain Tuesday", day(2026, 6, 1), day(2026, 7, 1)},
		{"day 30 is a Saturday", day(2026, 6, 4), day(2026, 7, 6)},
		{"day 30 is a Sunday", day(2026, 6, 5), day(2026, 7, 6)},
		{"day 30 is a make-up working Sunday (20 September)", day(2026, 8, 21), day(2026, 9, 20)},
		{"day 30 is 3 January, the New Year holiday; the 4th is a make-up day", day(2025, 12, 4), day(2026, 1, 4)},
	} {
		if got := CourtDeadline(tc.effective, zone, cal); !got.Equal(tc.last) {
			t.Errorf("%s: court deadline %s, want %s", tc.name, got.Format("2006-01-02"), tc.last.Format("2006-01-02"))
		}
	}
}
