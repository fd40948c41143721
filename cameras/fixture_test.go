package cameras_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"testing"
	"time"

	"linli"
	"linli/attach"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/capability"
	"linli/demo/demotest"
	"linli/links"
	"linli/live"
	"linli/registry"
	"linli/storage"
)

// fixture is one engine's demo world with the cameras service, on a fake
// clock at Sunday 2026-12-06 23:00 Beijing; a gate guard of 荟萃花园南区
// and a meeting (id 1) the consultation may name.
type fixture struct {
	t      testing.TB
	ctx    context.Context
	w      *demotest.World
	db     *storage.DB
	svc    *cameras.Service
	hub    *live.Hub
	estate registry.Node
	actors map[string]*linli.Actor
}

var t0 = time.Date(2026, time.December, 6, 23, 0, 0, 0, demotest.Beijing)

func newFixture(t testing.TB, db *storage.DB) *fixture {
	t.Helper()
	w := demotest.New(t, db, t0)
	w.Links.Register(links.KindMeeting, func(_ context.Context, _ *linli.Actor, ids []int64) (map[int64]links.Item, error) {
		out := map[int64]links.Item{}
		for _, id := range ids {
			if id == 1 {
				out[id] = links.Item{Title: "摄像头安装居民议事会", URL: "/meetings/1"}
			}
		}
		return out, nil
	})
	hub := live.NewHub(live.Options{})
	t.Cleanup(hub.Close)
	svc := cameras.New(capability.Deps{DB: db, Clock: w.Clock, Zone: w.Zone, Calendar: w.Cases.WorkingCalendar, Links: w.Links,
		Registry: w.Registry, Auth: w.Auth, Cases: w.Cases}, hub)
	t.Cleanup(svc.Stop)
	f := &fixture{t: t, ctx: context.Background(), w: w, db: db, svc: svc, hub: hub, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "grid1", "jixiang", "resident")
	n, err := w.Registry.FindNode(f.ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"})
	if err != nil {
		t.Fatal(err)
	}
	f.estate = n
	f.actors["guard"] = &linli.Actor{AccountID: 0, Username: "guard", DisplayName: "门岗老王",
		Grants: []linli.Grant{{Role: linli.RoleGuard, NodeID: n.ID, NodePath: n.Path}}}
	return f
}

func (f *fixture) a(u string) *linli.Actor {
	f.t.Helper()
	a, ok := f.actors[u]
	if !ok {
		f.t.Fatalf("no actor %s", u)
	}
	return a
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("%v %v", err, linli.ErrorFields(err))
	}
}

func (f *fixture) input(code, ref string) cameras.CameraInput {
	return cameras.CameraInput{Code: code, Name: "南门" + code, NodeID: f.estate.ID, Direction: "朝外", Source: feed.SourceFrigate, SourceRef: ref,
		Zones: []cameras.Zone{{Name: "gate", Covers: "大门内侧人行道"}}}
}

// completePrivacy is a complete privacy record for camera id, with a
// photo of the view and one of the sign uploaded for it.
func (f *fixture) completePrivacy(id int64) cameras.Privacy {
	f.t.Helper()
	return cameras.Privacy{Purpose: "大门出入口安全防范", Consultation: "meeting:1", NoPrivateView: true, ViewPhotoID: f.photo(id),
		Masks: [][][2]float64{{{0, 0}, {0.2, 0}, {0.2, 0.3}}}, SignagePhotoID: f.photo(id), SignageText: "视频监控区域",
		Reviewer: "韩素芬", ReviewedOn: "2026-11-20"}
}

// photo uploads a small PNG as a photo of camera id and returns its id.
func (f *fixture) photo(id int64) int64 {
	f.t.Helper()
	return f.photoBy("xueyuan", id)
}

// photoBy is photo uploaded by user u.
func (f *fixture) photoBy(u string, id int64) int64 {
	f.t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		f.t.Fatal(err)
	}
	att, err := f.svc.AddPhoto(f.ctx, f.a(u), id, attach.Upload{Field: "photo", Name: "view.png", Data: b.Bytes()})
	f.must(err)
	return att.ID
}

// activeCamera creates a camera with a complete privacy record, switched
// on, with the rules given.
func (f *fixture) activeCamera(code, ref string, rules ...cameras.Rule) cameras.Camera {
	f.t.Helper()
	return f.activeCameraFrom(f.input(code, ref), rules...)
}

func fields(err error) map[string]bool {
	out := map[string]bool{}
	for _, fe := range linli.ErrorFields(err) {
		out[fe.Field] = true
	}
	return out
}

func event(ref, id string, kind feed.Kind, start, at time.Time, zones ...string) feed.Event {
	return feed.Event{Source: feed.SourceFrigate, EventID: id, Camera: ref, Kind: kind, Label: "person", Score: 0.9,
		Zones: zones, Start: start, At: at, Raw: []byte(`{"type":"` + string(kind) + `"}`)}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// activeCameraFrom is activeCamera with a given input.
func (f *fixture) activeCameraFrom(in cameras.CameraInput, rules ...cameras.Rule) cameras.Camera {
	f.t.Helper()
	staff := f.a("xueyuan")
	c, err := f.svc.CreateCamera(f.ctx, staff, in)
	f.must(err)
	_, err = f.svc.SavePrivacy(f.ctx, staff, c.ID, f.completePrivacy(c.ID))
	f.must(err)
	c, err = f.svc.SetState(f.ctx, staff, c.ID, cameras.Active)
	f.must(err)
	for _, r := range rules {
		_, err := f.svc.SaveRule(f.ctx, staff, c.ID, r)
		f.must(err)
	}
	return c
}

// jixiangCamera is a draft camera of 吉祥花园 (吉祥社区), another
// community's, added by its staff.
func (f *fixture) jixiangCamera() int64 {
	f.t.Helper()
	n, err := f.w.Registry.FindNode(f.ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园"})
	f.must(err)
	in := f.input("JX-01", "jx_gate")
	in.NodeID = n.ID
	c, err := f.svc.CreateCamera(f.ctx, f.a("jixiang"), in)
	f.must(err)
	return c.ID
}
