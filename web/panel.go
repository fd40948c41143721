package web

import (
	"context"
	"fmt"
	"time"

	"linli"
)

// Panel is one block of a home page's 待办 (what needs doing), contributed
// by a capability from its own reads, with the permission checks of its
// own services: counts that each link to the filtered list they count, and
// short lists of items. Labels are Chinese, translated through the
// contributing capability's catalogue; item texts are data and shown as
// they are.
type Panel struct {
	Key    string // stable name: "cases", "meetings" (tests, anchors)
	Title  string // "待办案件"
	Order  int    // lower first; see the Order* constants
	Counts []Count
	Lists  []PanelList
	// Empty is shown when nothing is counted and no list has items.
	Empty string
}

// The order of the panels on a home page. Notices for a resident's
// building will take OrderNotices.
const (
	OrderCameras  = 5 // a guard's open alerts come before everything
	OrderCases    = 10
	OrderNotices  = 20
	OrderVotes    = 30
	OrderMeetings = 40
	OrderProjects = 50
)

// Count is a number on a panel and the list it counts.
type Count struct {
	Key    string // "overdue"
	Label  string // "超期"
	N      int
	Href   string // the filtered list whose total N is
	Alert  bool   // shown red while N > 0 (超期)
	Capped bool   // N is a lower bound: the list counts up to a cap
}

// PanelList is a titled list of items on a panel.
type PanelList struct {
	Key   string
	Title string // "即将到期"
	Items []PanelItem
	More  string // the whole list, "" when the items are all of it
}

// PanelItem is one line of a panel list.
type PanelItem struct {
	Href string
	Text string // data: a case title, a meeting's subject
	Meta string // data: a number, a place, a time
	Tag  string // a Chinese label shown translated: "请评价", a state
	// Note is a bilingual "中文 / English" text shown in the page's
	// language: "剩余3小时 / 3 h left".
	Note  string
	Alert bool // shown red (overdue)
}

// PanelSource gives the panels an actor may see (none: nil).
type PanelSource func(ctx context.Context, a *linli.Actor) ([]Panel, error)

// IsEmpty reports whether the panel counts nothing and lists nothing.
func (p Panel) IsEmpty() bool {
	for _, c := range p.Counts {
		if c.N > 0 {
			return false
		}
	}
	for _, l := range p.Lists {
		if len(l.Items) > 0 {
			return false
		}
	}
	return true
}

// Remaining says how long until (or since) a deadline, in both languages:
// "剩余3小时5分 / 3 h 5 min left", "已超时2天 / 2 d overdue".
func Remaining(due, now time.Time) string {
	if due.IsZero() {
		return ""
	}
	d := due.Sub(now)
	late := d < 0
	if late {
		d = -d
	}
	var zh, en string
	switch {
	case d >= 48*time.Hour:
		zh, en = fmt.Sprintf("%d天", int(d.Hours()/24)), fmt.Sprintf("%d d", int(d.Hours()/24))
	case d >= time.Hour:
		zh, en = fmt.Sprintf("%d小时%d分", int(d.Hours()), int(d.Minutes())%60), fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	default:
		zh, en = fmt.Sprintf("%d分钟", int(d.Minutes())), fmt.Sprintf("%d min", int(d.Minutes()))
	}
	if late {
		return "已超时" + zh + " / " + en + " overdue"
	}
	return "剩余" + zh + " / " + en + " left"
}
