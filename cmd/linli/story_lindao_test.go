package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/cases"
	"linli/links"
	"linli/meetings"
)

// TestStoryLindao checks the demo's gate cameras of 颐源居 (issue 12, "Demo")
// as 麟岛社区's staff and 颐源居's guard see them through the API: both
// cameras active with complete privacy records naming the residents'
// meeting (whose minutes say the cameras avoid balconies and windows, and
// whose page links the cameras); the guard sees 颐源居's loitering alerts,
// acknowledged with notes, one false alarm, one escalated to a case from
// the camera linked both ways, and not another estate's alert.
func TestStoryLindao(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "lindao")
		var list struct{ Cameras []cameras.Camera }
		wantStatus(t, staff, "GET", "/api/cameras", nil, http.StatusOK, &list)
		if len(list.Cameras) != 2 {
			t.Fatalf("麟岛社区's staff see %d cameras, want 颐源居's two", len(list.Cameras))
		}
		meeting := int64(0)
		for _, c := range list.Cameras {
			if c.State != cameras.Active || c.Source != feed.SourceFrigate || !strings.HasPrefix(c.SourceRef, "yiyuanju_") {
				t.Errorf("camera %s: state %s, source %s %q", c.Code, c.State, c.Source, c.SourceRef)
			}
			var p cameras.Privacy
			wantStatus(t, staff, "GET", fmt.Sprintf("/api/cameras/privacy/%d", c.ID), nil, http.StatusOK, &p)
			if miss := p.Missing(); len(miss) > 0 {
				t.Errorf("camera %s: privacy record misses %v", c.Code, miss)
			}
			var ref links.Ref
			if _, err := fmt.Sscanf(p.Consultation, "meeting:%d", &ref.ID); err != nil {
				t.Fatalf("camera %s: consultation %q is not a meeting", c.Code, p.Consultation)
			}
			if meeting != 0 && ref.ID != meeting {
				t.Errorf("the cameras name two meetings: %d and %d", meeting, ref.ID)
			}
			meeting = ref.ID
		}
		var md meetings.Detail
		wantStatus(t, staff, "GET", fmt.Sprintf("/api/meetings/%d", meeting), nil, http.StatusOK, &md)
		if !strings.Contains(md.Minutes, "阳台") || !strings.Contains(md.Minutes, "窗户") || len(md.Decisions) == 0 {
			t.Errorf("meeting %d: minutes %q, %d decisions; want the minutes to say the cameras avoid balconies and windows", meeting, md.Minutes, len(md.Decisions))
		}
		for _, c := range list.Cameras {
			if !slices.ContainsFunc(md.Links, func(it links.Item) bool { return it.Ref == links.Ref{Kind: cameras.KindCamera, ID: c.ID} }) {
				t.Errorf("the meeting does not link camera %s: %+v", c.Code, md.Links)
			}
		}

		xy, _ := cameraFixture(t, s) // an alert in 荟萃花园南区 (学苑社区)
		other, err := strconv.ParseInt(xy["calert"], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		guard := s.login(t, "ydguard")
		var as struct{ Alerts []cameras.Alert }
		wantStatus(t, guard, "GET", "/api/cameras/alerts", nil, http.StatusOK, &as)
		states := map[cameras.AlertState]int{}
		var escalated cameras.Alert
		for _, a := range as.Alerts {
			states[a.State]++
			if a.ID == other || !strings.HasPrefix(a.Camera, "颐源居") {
				t.Errorf("the guard of 颐源居 sees alert %d of %s", a.ID, a.Camera)
			}
			if a.RuleKind == cameras.Loiter && (a.AckNote == "" || a.AckBy == "") {
				t.Errorf("alert %d: acknowledged by %q with note %q", a.ID, a.AckBy, a.AckNote)
			}
			if a.State == cameras.Escalated {
				escalated = a
			}
		}
		if states[cameras.Acknowledged] < 2 || states[cameras.FalseAlarm] != 1 || states[cameras.Escalated] != 1 {
			t.Errorf("alert states %v: want a few acknowledged, one false alarm, one escalated", states)
		}
		if r, _ := guard.do("GET", fmt.Sprintf("/api/cameras/alerts/%d", other), nil); r != http.StatusNotFound {
			t.Errorf("the guard of 颐源居 reads another estate's alert: %d", r)
		}
		var fa []cameras.Alert
		for _, a := range as.Alerts {
			if a.State == cameras.FalseAlarm {
				fa = append(fa, a)
			}
		}
		if len(fa) == 1 && !strings.Contains(fa[0].CloseNote, "外卖") {
			t.Errorf("the false alarm's note %q does not say it was a delivery rider", fa[0].CloseNote)
		}

		var cd cases.Detail
		wantStatus(t, staff, "GET", fmt.Sprintf("/api/cases/%d", escalated.CaseID), nil, http.StatusOK, &cd)
		alertRef := links.Ref{Kind: cameras.KindAlert, ID: escalated.ID}
		if cd.Case.Source != cases.SourceCamera || cd.Case.SourceRef != alertRef.String() {
			t.Errorf("case %s: source %s %q, want camera %s", cd.Case.Number, cd.Case.Source, cd.Case.SourceRef, alertRef)
		}
		if !slices.ContainsFunc(cd.Links, func(it links.Item) bool { return it.Ref == alertRef }) {
			t.Errorf("case %s does not link back to alert %d: %+v", cd.Case.Number, escalated.ID, cd.Links)
		}
	})
}

// TestCameraReplay: `linli camera-replay` posts a day of Frigate events to
// a running Linli with the demo's source token, and the board fills with
// the night's loitering alerts; a wrong token stops it with the server's
// refusal.
func TestCameraReplay(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	guard, err := s.Auth.ActorByUsername(ctx, "ydguard")
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		as, err := s.Cameras.Alerts(ctx, guard, cameras.AlertFilter{States: []cameras.AlertState{cameras.Open}, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(as)
	}
	before := count()
	var out bytes.Buffer
	if err := run(ctx, []string{"camera-replay", "--url", s.URL, "--token", "cam_demo_yiyuanju_gate_box", "--speed", "200000", "--day", "2026-11-27"}, &out, &out); err != nil {
		t.Fatalf("replay: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "events sent") {
		t.Errorf("output: %s", out.String())
	}
	if n := count() - before; n < 2 {
		t.Errorf("the replayed night raised %d loitering alerts, want the lingerers' (≥ 2)", n)
	}
	if got := s.Cameras.SourceCounts(feed.SourceFrigate).Accepted.Load(); got < 500 {
		t.Errorf("%d events accepted, want the day's", got)
	}
	err = run(ctx, []string{"camera-replay", "--url", s.URL, "--token", "cam_wrong_token_0000000000", "--speed", "0", "--day", "2026-11-27"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong token: %v", err)
	}
}
