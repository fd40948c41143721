package story

// The fourth story: 麟岛社区 (河津市) puts two wide-angle night-vision
// cameras at the gates of 颐源居 (issue 12, the seed's "Entrance
// cameras"). The residents are consulted at a meeting whose minutes say
// the cameras avoid balconies and windows; each camera gets its privacy
// record (purpose, the meeting, the photo of the view with the masks over
// the nearest building, the sign, the reviewer and date) and is switched
// on with a loitering rule for the night and an offline rule; the gate's
// analytics box gets an HTTP source. Then two days of a Frigate box's
// events (frigate.DayOfEvents, read by frigate.ParseEvent as the MQTT way
// in reads them) go through the cameras service on the story's clock:
// the guard acknowledges the
// loitering alerts with notes, closes one as a false alarm (a delivery
// rider waiting for a customer) and escalates one to a case.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"linli"
	"linli/attach"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/cameras/feed/frigate"
	"linli/demo"
	"linli/meetings"
	"linli/registry"
	"linli/storage"
)

// Lindao is what the gate-camera story made.
type Lindao struct {
	MeetingID                         int64   // the residents' consultation
	CameraIDs                         []int64 // 南门, 北门
	SourceID                          int64   // the gate's analytics box (HTTP)
	AlertIDs                          []int64 // the loitering alerts of the two nights, in time order
	FalseAlarmID, EscalatedID, CaseID int64
}

// DemoCameraToken is the token of 颐源居's HTTP source in the demo, fixed
// so that `linli demo` can print a ready `linli camera-replay` command
// line. It is as public as the demo's passwords: a deployment's sources
// get drawn tokens.
const DemoCameraToken = "cam_demo_yiyuanju_gate_box"

// The Frigate names of 颐源居's gate cameras, as the replay sends them.
var lindaoCameras = []string{"yiyuanju_south_gate", "yiyuanju_north_gate"}

// LindaoCameras lists the Frigate camera names of 颐源居's gates.
func LindaoCameras() []string { return append([]string(nil), lindaoCameras...) }

// lindaoStory is one playing of the camera story.
type lindaoStory struct {
	*storyServices
	ctx          context.Context
	reg          *registry.Service
	staff, guard *linli.Actor
	day          func(n, hh, mm int) time.Time // day n before now (n ≤ 0)
	out          *Lindao
	estate       registry.Node
}

// lindao plays the camera story: the meeting 40 days before now, the
// cameras switched on 18 days before, the two nights before now.
func (s *storyServices) lindao(ctx context.Context, reg *registry.Service, cast storyCast, zone *time.Location, now time.Time, out *Lindao) error {
	y, m, d := now.In(zone).Date()
	l := &lindaoStory{storyServices: s, ctx: ctx, reg: reg, staff: cast["lindao"], guard: cast["ydguard"], out: out,
		day: func(n, hh, mm int) time.Time { return time.Date(y, m, d+n, hh, mm, 0, 0, zone) }}
	var err error
	if l.estate, err = reg.FindNode(ctx, demo.PathYiyuanju()); err != nil {
		return err
	}
	for _, phase := range []func() error{l.consult, l.install, l.nights} {
		if err := phase(); err != nil {
			return err
		}
	}
	return nil
}

// consult: the residents' meeting about the cameras, its minutes and
// decision.
func (l *lindaoStory) consult() error {
	ctx := l.ctx
	l.set(l.day(-40, 10, 0))
	start := l.day(-33, 19, 0)
	d, err := l.meetings.Create(ctx, l.staff, meetings.MeetingInput{Title: "颐源居大门安装摄像头居民议事会", Kind: meetings.KindCoordination,
		ScopeID: l.estate.ID, StartsAt: start, EndsAt: start.Add(90 * time.Minute), Place: "颐源居物业服务中心一楼", Host: "麟岛社区党支部",
		Agenda: []string{"通报大门夜间徘徊、尾随进门的情况", "介绍摄像头位置、朝向和夜视告警方式", "居民提出意见，讨论隐私保护措施"},
		Invite: &meetings.InviteInput{AccountIDs: []int64{l.guard.AccountID}, NodeIDs: []int64{l.estate.ID}}})
	if err != nil {
		return why("meeting", err)
	}
	id := d.Meeting.ID
	l.out.MeetingID = id
	l.set(start)
	if _, err := l.meetings.Hold(ctx, l.staff, id); err != nil {
		return why("hold", err)
	}
	hs, _, err := l.reg.ListHouseholds(ctx, linli.System(), registry.HouseholdFilter{NodeID: l.estate.ID, Limit: 500})
	if err != nil {
		return err
	}
	for i, h := range hs {
		if i%4 == 0 {
			if _, err := l.meetings.SignIn(ctx, l.staff, id, meetings.SignInInput{HouseholdID: h.ID}); err != nil {
				return why("sign in", err)
			}
		}
	}
	l.clock.Advance(90 * time.Minute)
	if _, err := l.meetings.RecordMinutes(ctx, l.staff, id, meetings.MinutesInput{Recorder: "麟岛社区 贾玉琴",
		Minutes: "社区通报：近三个月夜间有陌生人在大门内侧长时间逗留、尾随住户进门，住户多次反映。\n" +
			"拟在南门、北门各装一台广角夜视摄像头，只朝向大门和门内人行道；门岗分析终端发现夜间异常徘徊即时提醒保安。\n" +
			"住户意见：担心拍到住户阳台和窗户。答复：摄像头安装角度避开阳台和窗户，画面上方的楼体部分加遮挡，不存录像以外的个人信息，装好后请住户代表到门岗看画面确认。\n" +
			"大门处张贴“视频监控区域”提示牌。"}); err != nil {
		return why("minutes", err)
	}
	if _, err := l.meetings.AddDecision(ctx, l.staff, id, meetings.DecisionInput{
		Text: "同意在南门、北门安装摄像头，避开阳台和窗户，画面楼体部分遮挡，张贴提示牌（到会住户举手表决）", For: ptr(21), Against: ptr(1), Abstain: ptr(2)}); err != nil {
		return why("decision", err)
	}
	if _, err := l.meetings.PublishMinutes(ctx, l.staff, id); err != nil {
		return why("publish", err)
	}
	return nil
}

// gateMasks cover the nearest building's windows and balconies at the top
// of each gate's view (x, y in 0..1 of the frame).
var gateMasks = [][][2]float64{{{0, 0}, {1, 0}, {1, 0.35}, {0, 0.35}}}

// install: the cameras, their photos, privacy records and rules, and the
// gate box's source.
func (l *lindaoStory) install() error {
	ctx := l.ctx
	view, err := checkedPicture("画面.jpg", GatePicture())
	if err != nil {
		return err
	}
	sign, err := checkedPicture("提示牌.jpg", SignPicture())
	if err != nil {
		return err
	}
	var photos [][]attach.Attachment // per camera: the view, the sign
	for i, g := range []struct{ code, name, dir string }{
		{"LD-YYJ-01", "颐源居南门", "南门内侧，朝门外"},
		{"LD-YYJ-02", "颐源居北门", "北门内侧，朝门外"},
	} {
		l.set(l.day(-20, 10, 20*i))
		c, err := l.cameras.CreateCamera(ctx, l.staff, cameras.CameraInput{Code: g.code, Name: g.name, NodeID: l.estate.ID, Direction: g.dir,
			Source: feed.SourceFrigate, SourceRef: lindaoCameras[i], Zones: []cameras.Zone{{Name: "gate", Covers: "大门内侧人行道"}}})
		if err != nil {
			return why("camera "+g.code, err)
		}
		l.out.CameraIDs = append(l.out.CameraIDs, c.ID)
		var saved []attach.Attachment
		err = l.reg.DB.InTx(ctx, func(tx *storage.Tx) error {
			saved, err = attach.Save(ctx, tx, cameras.KindCamera, c.ID, 0, l.staff.AccountID, append(view, sign...), l.clock.Now())
			return err
		})
		if err != nil {
			return err
		}
		photos = append(photos, saved)
	}
	// Two days later the reviewer and the residents' representatives have
	// looked at each view in the gate house.
	for i, id := range l.out.CameraIDs {
		l.set(l.day(-18, 15, 10*i))
		if _, err := l.cameras.SavePrivacy(ctx, l.staff, id, cameras.Privacy{
			Purpose:      "大门出入口夜间安全防范：发现异常徘徊、尾随进门，提醒门岗保安及时处置",
			Consultation: fmt.Sprintf("meeting:%d", l.out.MeetingID), NoPrivateView: true, ViewPhotoID: photos[i][0].ID, Masks: gateMasks,
			SignagePhotoID: photos[i][1].ID, SignageText: "视频监控区域 麟岛社区居民委员会 颐源居物业服务中心",
			Reviewer: "贾玉琴（麟岛社区）、住户代表", ReviewedOn: l.day(-18, 0, 0).Format(time.DateOnly)}); err != nil {
			return why("privacy", err)
		}
		if _, err := l.cameras.SetState(ctx, l.staff, id, cameras.Active); err != nil {
			return why("switch on", err)
		}
		for _, r := range []cameras.Rule{
			{Kind: cameras.Loiter, Zone: "gate", Labels: []string{"person"}, Seconds: 60, FromMinute: 22 * 60, ToMinute: 6 * 60, Cooldown: 600, Enabled: true},
			{Kind: cameras.Offline, Seconds: 30 * 60, Enabled: true},
		} {
			if _, err := l.cameras.SaveRule(ctx, l.staff, id, r); err != nil {
				return why("rule "+string(r.Kind), err)
			}
		}
	}
	src, err := l.cameras.CreateSource(ctx, l.staff, cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "颐源居门岗分析终端",
		NodeID: l.estate.ID, Token: DemoCameraToken})
	if err != nil {
		return why("source", err)
	}
	l.out.SourceID = src.ID
	return nil
}

// guardStep is something the guard will do about an alert at its time:
// acknowledge it (the k-th alert of the nights), then for two of them
// close it as a false alarm or escalate it.
type guardStep struct {
	id   int64
	k    int
	due  time.Time
	then cameras.AlertState // "" acknowledge; FalseAlarm; Escalated
}

// nights feeds two days of the gate box's Frigate events through the
// Sink, each at its own time; the guard acknowledges each loitering
// alert a few minutes after it was raised, closes the second as a false
// alarm and escalates the fifth.
func (l *lindaoStory) nights() error {
	ctx := l.ctx
	counts := l.cameras.SourceCounts(feed.SourceFrigate)
	var pending []guardStep
	seen := map[int64]bool{}
	handle := func(until time.Time) error {
		for len(pending) > 0 && !pending[0].due.After(until) {
			g := pending[0]
			pending = pending[1:]
			l.set(g.due)
			next, err := l.handle(g)
			if err != nil {
				return err
			}
			if next != nil {
				pending = append(pending, *next)
				slices.SortStableFunc(pending, func(a, b guardStep) int { return a.due.Compare(b.due) })
			}
		}
		return nil
	}
	// The events go in ten-minute windows, each through Events in one
	// transaction (the path the Sink's Event gathers concurrent callers
	// into): the rules see them one by one in order all the same, and
	// the demo loads in a fraction of the time of one commit per event.
	var window []feed.Event
	flush := func() error {
		if len(window) == 0 {
			return nil
		}
		last := window[len(window)-1].At
		if err := handle(last); err != nil {
			return err
		}
		l.set(last)
		before := counts.Alerts.Load()
		if err := l.cameras.Events(ctx, window); err != nil {
			return why("events", err)
		}
		window = window[:0]
		if counts.Alerts.Load() == before {
			return nil
		}
		as, err := l.cameras.Alerts(ctx, l.guard, cameras.AlertFilter{States: []cameras.AlertState{cameras.Open}})
		if err != nil {
			return err
		}
		for i := len(as) - 1; i >= 0; i-- {
			if a := as[i]; !seen[a.ID] {
				seen[a.ID] = true
				l.out.AlertIDs = append(l.out.AlertIDs, a.ID)
				k := len(l.out.AlertIDs) - 1
				pending = append(pending, guardStep{id: a.ID, k: k, due: l.clock.Now().Add(time.Duration(2+k%3) * time.Minute)})
			}
		}
		slices.SortStableFunc(pending, func(a, b guardStep) int { return a.due.Compare(b.due) })
		return nil
	}
	for n, day := range []int{-2, -1} {
		for _, msg := range frigate.DayOfEvents(lindaoCameras, l.day(day, 0, 0), int64(n+1)) {
			e, err := frigate.ParseEvent(msg)
			if err != nil {
				return err
			}
			if len(window) > 0 && e.At.Truncate(10*time.Minute) != window[0].At.Truncate(10*time.Minute) {
				if err := flush(); err != nil {
					return err
				}
			}
			window = append(window, e)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return handle(l.day(1, 0, 0))
}

// guardNotes are what the guard wrote on acknowledging, in turn.
var guardNotes = []string{
	"已通过对讲询问，是住户家属在门口等人，已进院",
	"门口有人骑电动车停留，已出门查看",
	"已到门口查看，是住户下夜班在门口打电话，已进院",
	"已出门查看，路人在门口避风，已离开",
	"陌生男子在门内侧来回走动，已上前询问",
	"已通过摄像头确认，住户在门口等网约车，已离开",
}

// handle is the guard at the board doing g; it returns the next step for
// the alert, if any.
func (l *lindaoStory) handle(g guardStep) (*guardStep, error) {
	ctx := l.ctx
	switch g.then {
	case "":
		if _, err := l.cameras.Acknowledge(ctx, l.guard, g.id, guardNotes[g.k%len(guardNotes)]); err != nil {
			return nil, why("acknowledge", err)
		}
		switch g.k {
		case 1:
			return &guardStep{id: g.id, k: g.k, due: g.due.Add(6 * time.Minute), then: cameras.FalseAlarm}, nil
		case 4:
			return &guardStep{id: g.id, k: g.k, due: g.due.Add(9 * time.Minute), then: cameras.Escalated}, nil
		}
	case cameras.FalseAlarm:
		if _, err := l.cameras.Close(ctx, l.guard, g.id, cameras.FalseAlarm, "外卖骑手在门口等顾客下楼取餐，顾客取走后已离开，误报"); err != nil {
			return nil, why("false alarm", err)
		}
		l.out.FalseAlarmID = g.id
	case cameras.Escalated:
		al, err := l.cameras.Escalate(ctx, l.guard, g.id, "陌生男子不说明来意，多次试图尾随住户进门，劝离后仍在门外徘徊，请社区和派出所跟进")
		if err != nil {
			return nil, why("escalate", err)
		}
		l.out.EscalatedID, l.out.CaseID = g.id, al.CaseID
	}
	return nil, nil
}
