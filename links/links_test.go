package links_test

import (
	"context"
	"testing"
	"time"

	"linli"
	"linli/links"
	"linli/storage"
	"linli/storage/storagetest"
)

func TestLinksBothWaysAndOnlyWhatTheActorMaySee(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		meeting := links.Ref{Kind: links.KindMeeting, ID: 3}
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, id := range []int64{10, 11} {
				if err := links.Add(ctx, tx, meeting, links.Ref{Kind: links.KindCase, ID: id}, "action", at); err != nil {
					return err
				}
			}
			// the same link again is not a second row
			return links.Add(ctx, tx, meeting, links.Ref{Kind: links.KindCase, ID: 10}, "action", at)
		})
		if err != nil {
			t.Fatal(err)
		}
		reg := &links.Registry{DB: db}
		reg.Register(links.KindCase, func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
			m := map[int64]links.Item{}
			for _, id := range ids {
				if id == 10 { // case 11 is out of the actor's scope
					m[id] = links.Item{Title: "楼道灯不亮", URL: "/cases/10"}
				}
			}
			return m, nil
		})
		reg.Register(links.KindMeeting, func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
			return map[int64]links.Item{3: {Title: "加装电梯协调会", URL: "/meetings/3"}}, nil
		})
		items, err := reg.Items(ctx, linli.System(), meeting)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Ref.ID != 10 || !items[0].Out || items[0].Rel != "action" || !items[0].At.Equal(at) {
			t.Fatalf("meeting's items = %+v, want only case 10, outgoing", items)
		}
		back, err := reg.Items(ctx, linli.System(), links.Ref{Kind: links.KindCase, ID: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != 1 || back[0].Ref != meeting || back[0].Out || back[0].URL != "/meetings/3" {
			t.Fatalf("case's items = %+v, want the meeting, incoming", back)
		}
		if _, err := links.Parse("case:x"); err == nil {
			t.Error("Parse accepted case:x")
		}
		if r, err := links.Parse("project:7"); err != nil || r != (links.Ref{Kind: "project", ID: 7}) {
			t.Errorf("Parse(project:7) = %v, %v", r, err)
		}
	})
}

func TestLinksVisible(t *testing.T) {
	ctx := context.Background()
	reg := &links.Registry{}
	projectsOf := map[string][]int64{"xueyuan": {3}, "jixiang": {8}}
	reg.Register(links.KindProject, func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
		m := map[int64]links.Item{}
		for _, id := range ids {
			for _, mine := range projectsOf[a.Username] {
				if id == mine {
					m[id] = links.Item{Title: "加装电梯"}
				}
			}
		}
		return m, nil
	})
	xueyuan := &linli.Actor{Username: "xueyuan"}
	for _, tc := range []struct {
		ref  links.Ref
		want bool
	}{
		{links.Ref{Kind: links.KindProject, ID: 3}, true},
		{links.Ref{Kind: links.KindProject, ID: 8}, false},     // another community's
		{links.Ref{Kind: links.KindProject, ID: 99999}, false}, // none such
		{links.Ref{Kind: links.KindVote, ID: 3}, false},        // no resolver for the kind
		{links.Ref{}, false},
	} {
		got, err := reg.Visible(ctx, xueyuan, tc.ref)
		if err != nil || got != tc.want {
			t.Errorf("Visible(%v) = %v, %v; want %v", tc.ref, got, err, tc.want)
		}
	}
	var none *links.Registry
	if ok, err := none.Visible(ctx, xueyuan, links.Ref{Kind: links.KindProject, ID: 3}); ok || err != nil {
		t.Errorf("nil registry: %v %v", ok, err)
	}
}
