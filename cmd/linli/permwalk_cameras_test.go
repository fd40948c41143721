package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
	"testing"

	"linli"
	"linli/attach"
	"linli/cameras"
	"linli/cameras/feed"
)

// cameraFixture makes the walk's camera records: in 学苑社区 (荟萃花园南区)
// an active camera with a rule and an open alert; in 吉祥社区 (吉祥花园) a
// draft camera; an HTTP ingest source of 荟萃花园南区. Kinds: camera,
// camrule, calert, camphoto, camsource.
func cameraFixture(t *testing.T, s *testServer) (xy, jx map[string]string) {
	t.Helper()
	ctx := context.Background()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	staff, err := s.Auth.ActorByUsername(ctx, "xueyuan")
	if err != nil {
		t.Fatal(err)
	}
	c := activeCamera(t, s, feed.SourceHTTP, "pw-south")
	rs, err := s.Cameras.Rules(ctx, staff, c.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("camera fixture: rules %v %v", rs, err)
	}
	r := rs[0]
	pv, err := s.Cameras.Privacy(ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := s.Clock.Now()
	if err := s.Cameras.Event(ctx, feed.Event{Source: feed.SourceHTTP, EventID: "pw-1", Camera: "pw-south", Kind: feed.KindNew, Label: "person",
		Zones: []string{"gate"}, Start: now, At: now}); err != nil {
		t.Fatal(err)
	}
	as, err := s.Cameras.Alerts(ctx, staff, cameras.AlertFilter{CameraID: c.ID})
	if err != nil || len(as) == 0 {
		t.Fatalf("camera fixture: no alert (%v)", err)
	}
	src, err := s.Cameras.CreateSource(ctx, staff, cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "permwalk box", NodeID: c.NodeID})
	if err != nil {
		t.Fatal(err)
	}
	jxStaff, err := s.Auth.ActorByUsername(ctx, "jixiang")
	if err != nil {
		t.Fatal(err)
	}
	garden, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园"})
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.Cameras.CreateCamera(ctx, jxStaff, cameras.CameraInput{Code: "PW-JX", Name: "吉祥花园东门", NodeID: garden.ID, Source: feed.SourceHTTP, SourceRef: "pw-jx"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"camera": id(c.ID), "camrule": id(r.ID), "calert": id(as[0].ID), "camphoto": id(pv.ViewPhotoID), "camsource": id(src.ID)}, map[string]string{"camera": id(j.ID)}
}

// activeCamera makes an active camera of 荟萃花园南区 reporting through
// source under the name ref, with its privacy record complete (the photos
// of the view and of the sign uploaded for it) and a night-entry rule on
// zone gate, all day.
func activeCamera(t *testing.T, s *testServer, source feed.Source, ref string, rules ...cameras.Rule) cameras.Camera {
	t.Helper()
	ctx := context.Background()
	staff, err := s.Auth.ActorByUsername(ctx, "xueyuan")
	if err != nil {
		t.Fatal(err)
	}
	estate, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"})
	if err != nil {
		t.Fatal(err)
	}
	var meeting int64
	if err := s.DB.QueryRow(ctx, `SELECT MIN(id) FROM meetings`).Scan(&meeting); err != nil {
		t.Fatal(err)
	}
	c, err := s.Cameras.CreateCamera(ctx, staff, cameras.CameraInput{Code: strings.ToUpper(ref), Name: "荟萃花园南区南门", NodeID: estate.ID,
		Source: source, SourceRef: ref, Zones: []cameras.Zone{{Name: "gate"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cameras.SavePrivacy(ctx, staff, c.ID, cameras.Privacy{Purpose: "出入口安全", Consultation: fmt.Sprintf("meeting:%d", meeting),
		NoPrivateView: true, ViewPhotoID: cameraPhoto(t, s, staff, c.ID, "view.png"), Masks: [][][2]float64{{{0, 0}, {0.1, 0}, {0.1, 0.1}}},
		SignagePhotoID: cameraPhoto(t, s, staff, c.ID, "sign.png"),
		SignageText:    "视频监控区域", Reviewer: "韩素芬", ReviewedOn: "2026-01-05"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cameras.SetState(ctx, staff, c.ID, cameras.Active); err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		rules = []cameras.Rule{{Kind: cameras.NightEntry, Zone: "gate", Enabled: true}}
	}
	for _, r := range rules {
		if _, err := s.Cameras.SaveRule(ctx, staff, c.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// cameraPhoto uploads a small PNG as one of the camera's own photos (a
// privacy record names only those) and returns its attachment id.
func cameraPhoto(tb testing.TB, s *testServer, staff *linli.Actor, cameraID int64, name string) int64 {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		tb.Fatal(err)
	}
	att, err := s.Cameras.AddPhoto(context.Background(), staff, cameraID, attach.Upload{Field: "photo", Name: name, Data: b.Bytes()})
	if err != nil {
		tb.Fatal(err)
	}
	return att.ID
}
