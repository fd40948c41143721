package outbox

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// A disabled channel is as if not configured: its messages wait, pending,
// and go out once it is enabled again. Each change is audited; a channel
// outside the actor's scope is absent.
func TestDisabledChannelHoldsItsMessages(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		clock := linli.NewFakeClock(t0)
		svc := New(db, clock, Settings{}, registry.New(db, clock))
		rc := &receiver{}
		srv := serve(t, rc)
		ch, err := svc.SaveChannel(ctx, f.staffA, ChannelInput{NodeID: 2, Kind: WeCom, Name: "郇阳群", URL: srv.URL + "/cgi-bin/webhook/send?key=k1", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetChannelEnabled(ctx, f.grid, ch.ID, false); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("grid worker disables: %v", err)
		}
		got, err := svc.SetChannelEnabled(ctx, f.staffA, ch.ID, false)
		if err != nil || got.Enabled {
			t.Fatalf("disable: %+v %v", got, err)
		}
		w := newWorker(db, clock, Settings{})
		msg := enqueue(t, db, t0, Message{Channel: WeCom, NodeID: 2, Text: "明天大风"})
		if n := runDue(t, w); n != 0 || rc.count() != 0 {
			t.Fatalf("sent %d through a disabled channel (%d requests)", n, rc.count())
		}
		if s := stateOf(t, db, msg); s.Status != Pending || !strings.Contains(s.LastError, "configured") {
			t.Fatalf("held message: %+v", s)
		}
		if _, err := svc.SetChannelEnabled(ctx, f.staffA, ch.ID, true); err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * time.Minute)
		runDue(t, w)
		if stateOf(t, db, msg).Status != Sent || rc.count() != 1 {
			t.Fatalf("not sent once enabled: %+v", stateOf(t, db, msg))
		}
		// Enabling an enabled channel changes nothing and records nothing.
		if _, err := svc.SetChannelEnabled(ctx, f.staffA, ch.ID, true); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'outbox_channel' AND entity_id = ? AND action IN ('outbox.channel.enable', 'outbox.channel.disable')`, ch.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d audit rows (%v), want 2", n, err)
		}
	})
}

// The page offers 停用 for an enabled channel and 重新启用 for a disabled
// one; the API turns it off and on.
func TestChannelEnableThroughHTTP(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	a := f.srv.As(t, f.staffA)
	var ch ChannelView
	a.JSON("POST", "/api/outbox/channels", ChannelInput{NodeID: 2, Kind: WeCom, Name: "群", URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", Enabled: true}).Decode(t, &ch)
	if p := a.Get("/outbox/channels").String(); !strings.Contains(p, fmt.Sprintf(`action="/outbox/channels/%d/disable"`, ch.ID)) {
		t.Fatalf("no disable button: %.400s", p)
	}
	if res := a.PostForm(fmt.Sprintf("/outbox/channels/%d/disable", ch.ID), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("disable form: %d", res.Status)
	}
	if p := a.Get("/outbox/channels").String(); !strings.Contains(p, fmt.Sprintf(`action="/outbox/channels/%d/enable"`, ch.ID)) {
		t.Fatal("no enable button for the disabled channel")
	}
	var got ChannelView
	res := a.JSON("POST", fmt.Sprintf("/api/outbox/channels/%d/enable", ch.ID), nil)
	res.Decode(t, &got)
	if res.Status != http.StatusOK || !got.Enabled || strings.Contains(res.String(), "key=x") {
		t.Fatalf("enable: %d %s", res.Status, res)
	}
	if res := f.srv.As(t, f.grid).JSON("POST", fmt.Sprintf("/api/outbox/channels/%d/disable", ch.ID), nil); res.Status != http.StatusNotFound {
		t.Errorf("grid worker: %d", res.Status)
	}
}
