package meetings_test

import (
	"testing"
	"time"

	"linli"
	"linli/meetings"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

// The home page's 今日会议: on the day of the meeting it is there for the
// staff, the invited grid worker and the invited households' resident,
// with the time it starts; the day before it is not; 吉祥社区's staff see an
// empty panel, a resident not invited sees none.
func TestHomePanelMeetingsToday(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		d := f.meeting() // 12 March 19:30, unit 3 invited
		today := func(u string) *web.Panel {
			t.Helper()
			ps, err := f.svc.HomePanels(f.ctx, f.a(u))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				return nil
			}
			return &ps[0]
		}
		if p := today("xueyuan"); p == nil || p.Counts[0].N != 0 {
			t.Errorf("two days before: %+v", p)
		}
		f.clock.Set(cst(t, 2026, time.March, 12, 8, 0))
		for _, u := range []string{"xueyuan", "grid1", "resident"} {
			p := today(u)
			if p == nil || p.Counts[0].N != 1 || p.Lists[0].Items[0].Text != d.Title || p.Lists[0].Items[0].Meta != "19:30 "+d.Place ||
				p.Lists[0].Items[0].Note == "" {
				t.Errorf("%s on the day: %+v", u, p)
			}
		}
		if p := today("jixiang"); p == nil || p.Counts[0].N != 0 {
			t.Errorf("吉祥社区 staff: %+v", p)
		}
		if p := today("jxresident"); p != nil {
			t.Errorf("a resident not invited: %+v", p)
		}
	})
}

// The list's day filter: the meetings starting that day in the
// deployment's zone, cancelled ones left out — the list 今日会议 links to,
// whose total is the panel's count.
func TestListDayFilter(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		d := f.meeting() // 12 March 19:30 (Beijing time)
		f.clock.Set(cst(t, 2026, time.March, 12, 8, 0))
		zone, _ := time.LoadLocation("Asia/Shanghai")
		count := func(day string) int {
			t.Helper()
			from, err := meetings.ParseDay(day, f.clock.Now(), zone)
			if err != nil {
				t.Fatal(err)
			}
			ls, err := f.svc.List(f.ctx, f.a("xueyuan"), meetings.ListFilter{Day: from})
			if err != nil {
				t.Fatal(err)
			}
			return len(ls.Upcoming) + len(ls.Past)
		}
		if n := count("today"); n != 1 {
			t.Errorf("today: %d meetings, want 1", n)
		}
		if n := count("2026-03-13"); n != 0 {
			t.Errorf("the day after: %d", n)
		}
		if n := count(""); n < 1 {
			t.Errorf("no filter: %d", n)
		}
		ps, err := f.svc.HomePanels(f.ctx, f.a("xueyuan"))
		if err != nil || len(ps) == 0 || ps[0].Counts[0].Href != "/meetings?day=today" || ps[0].Counts[0].N != count("today") {
			t.Errorf("the panel's count and link: %+v %v", ps, err)
		}
		if _, err := meetings.ParseDay("tomorrow", f.clock.Now(), zone); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("a bad day: %v", err)
		}
		if _, err := f.svc.Cancel(f.ctx, f.a("xueyuan"), d.ID, meetings.CancelInput{Reason: "改期"}); err != nil {
			t.Fatal(err)
		}
		if n := count("today"); n != 0 {
			t.Errorf("a cancelled meeting is listed today: %d", n)
		}
	})
}
