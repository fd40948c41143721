package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLimitRoundTrip(t *testing.T) {
	tests := []struct {
		l              Limit
		short, chinese string
	}{
		{Limit{4, WorkingHours}, "4wh", "4个工作小时"},
		{Limit{2, WorkingHours}, "2wh", "2个工作小时"},
		{Limit{15, WorkingDays}, "15wd", "15个工作日"},
		{Limit{30, NaturalMinutes}, "30m", "30分钟"},
		{Limit{24, NaturalHours}, "24h", "24小时"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.chinese {
			t.Errorf("%+v.String() = %q, want %q", tt.l, got, tt.chinese)
		}
		if got := tt.l.Short(); got != tt.short {
			t.Errorf("%+v.Short() = %q, want %q", tt.l, got, tt.short)
		}
		for _, s := range []string{tt.short, tt.chinese, " " + tt.short + " "} {
			if got, err := ParseLimit(s); err != nil || got != tt.l {
				t.Errorf("ParseLimit(%q) = %+v, %v, want %+v", s, got, err, tt.l)
			}
		}
		b, err := json.Marshal(struct{ L Limit }{tt.l})
		if err != nil || string(b) != `{"L":"`+tt.short+`"}` {
			t.Errorf("json = %s, %v", b, err)
		}
		var back struct{ L Limit }
		if err := json.Unmarshal(b, &back); err != nil || back.L != tt.l {
			t.Errorf("json back = %+v, %v", back.L, err)
		}
	}
}

func TestParseLimitErrors(t *testing.T) {
	for _, s := range []string{"", "4", "wh", "0wh", "-1wd", "4x", "4.5wh", "4 days", "10001wd", "99999999999999999999wd", "4WH"} {
		if l, err := ParseLimit(s); err == nil {
			t.Errorf("ParseLimit(%q) = %+v, want an error", s, l)
		}
	}
	if _, err := json.Marshal(Limit{}); err == nil {
		t.Error("marshalling the zero Limit: want an error")
	}
}

func TestLimitDeadline(t *testing.T) {
	c := defaultCal(t)
	sat := bj(2026, 2, 14, 10, 0) // a make-up Saturday on the eve of Spring Festival
	tests := []struct {
		name  string
		l     Limit
		start time.Time
		want  time.Time
	}{
		{"natural hours run through the holiday", Limit{24, NaturalHours}, sat, bj(2026, 2, 15, 10, 0)},
		{"natural hours run through the night", Limit{2, NaturalHours}, bj(2026, 10, 1, 23, 0), bj(2026, 10, 2, 1, 0)},
		{"natural minutes", Limit{30, NaturalMinutes}, bj(2026, 3, 7, 23, 50), bj(2026, 3, 8, 0, 20)},
		{"working hours stop for the holiday", Limit{24, WorkingHours}, sat, c.AddWorkingHours(sat, 24*time.Hour)},
		{"working days", Limit{2, WorkingDays}, sat, bj(2026, 2, 25, 17, 30)},
		{"invalid limit is due at once", Limit{4, "fortnights"}, sat, sat},
	}
	for _, tt := range tests {
		got := tt.l.Deadline(c, tt.start)
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: %v from %s = %s, want %s in UTC", tt.name, tt.l, fmtBJ(tt.start), fmtBJ(got), fmtBJ(tt.want))
		}
	}
}
