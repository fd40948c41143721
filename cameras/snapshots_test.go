package cameras_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"testing"
	"time"

	"linli"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage"
	"linli/storage/storagetest"
)

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Snapshots are stored only where the camera allows them; each view is
// audited and only the camera's place sees it; the purge removes them
// after the retention period and keeps the alert.
func TestSnapshots(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		night := cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true}
		f.activeCamera("XY-01", "no_snaps", night)
		in := f.input("XY-02", "snaps")
		in.Snapshots = true
		f.activeCameraFrom(in, night)
		f.must(f.svc.Event(f.ctx, event("no_snaps", "a", feed.KindNew, t0, t0, "gate")))
		f.must(f.svc.Event(f.ctx, event("snaps", "b", feed.KindNew, t0, t0, "gate")))
		img := pngBytes(t)
		if stored, err := f.svc.Snapshot(f.ctx, feed.SourceFrigate, "a", img); err != nil || stored {
			t.Fatalf("a camera without snapshots stored one: %v %v", stored, err)
		}
		if stored, err := f.svc.Snapshot(f.ctx, feed.SourceFrigate, "b", img); err != nil || !stored {
			t.Fatalf("snapshot: %v %v", stored, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_snapshots`); n != 1 {
			t.Fatalf("snapshots stored: %d", n)
		}
		if _, err := f.svc.Snapshot(f.ctx, feed.SourceFrigate, "b", []byte("not an image")); !fields(err)["body"] {
			t.Errorf("text as a snapshot: %v", err)
		}
		if _, err := f.svc.Snapshot(f.ctx, feed.SourceFrigate, "zzz", img); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("unknown event: %v", err)
		}
		as, err := f.svc.Alerts(f.ctx, f.a("guard"), cameras.AlertFilter{})
		f.must(err)
		var with cameras.Alert
		for _, a := range as {
			if a.Snapshot {
				with = a
			}
		}
		if with.ID == 0 || with.EventID != "b" {
			t.Fatalf("alerts %+v", as)
		}
		mime, data, err := f.svc.ViewSnapshot(f.ctx, f.a("guard"), with.ID)
		f.must(err)
		if mime != "image/png" || !bytes.Equal(data, img) {
			t.Fatalf("view: %s %d bytes", mime, len(data))
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera_alert.snapshot_view'`); n != 1 {
			t.Errorf("views audited: %d", n)
		}
		if _, _, err := f.svc.ViewSnapshot(f.ctx, f.a("jixiang"), with.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("another community viewed it: %v", err)
		}
		f.w.Clock.Advance(cameras.Retention + time.Hour)
		var p cameras.Purged
		f.must(db.InTx(f.ctx, func(tx *storage.Tx) error {
			var err error
			p, err = f.svc.Purge(f.ctx, tx)
			return err
		}))
		if p.Snapshots != 1 || f.count(`SELECT COUNT(*) FROM camera_alerts`) != 2 {
			t.Fatalf("purge %+v", p)
		}
		if got, err := f.svc.Alert(f.ctx, f.a("guard"), with.ID); err != nil || got.Snapshot {
			t.Errorf("the alert still shows a snapshot: %+v %v", got, err)
		}
	})
}

// The HTTP way in for snapshots: the token's place only.
func TestHTTPSnapshot(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	in := f.input("XY-01", "gate-1")
	in.Source, in.Snapshots = feed.SourceHTTP, true
	f.activeCameraFrom(in)
	src, err := f.svc.CreateSource(f.ctx, f.a("xueyuan"), cameras.SourceInput{Kind: cameras.SourceKindHTTP, Name: "盒子", NodeID: f.estate.ID})
	f.must(err)
	srv := f.server()
	box := srv.Bearer(t, src.Token)
	at := t0.UTC().Format(time.RFC3339)
	if r := box.Do("POST", "/api/cameras/ingest", bytes.NewReader([]byte(`{"event_id":"s1","camera":"gate-1","kind":"new","at":"`+at+`"}`)), nil); r.Status != http.StatusAccepted {
		t.Fatalf("event: %d %s", r.Status, r)
	}
	if r := box.Do("POST", "/api/cameras/ingest/snapshot?event_id=s1", bytes.NewReader(pngBytes(t)), nil); r.Status != http.StatusAccepted {
		t.Fatalf("snapshot: %d %s", r.Status, r)
	}
	if r := srv.Anon(t).Do("POST", "/api/cameras/ingest/snapshot?event_id=s1", bytes.NewReader(pngBytes(t)), nil); r.Status != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.Status)
	}
	if n := f.count(`SELECT COUNT(*) FROM camera_snapshots`); n != 1 {
		t.Errorf("stored %d", n)
	}
}
