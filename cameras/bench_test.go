package cameras_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage"
	"linli/storage/storagetest"
)

// BenchmarkIngest measures events through the Sink into the rules on
// SQLite and on PostgreSQL (LINLI_TEST_POSTGRES), beside the bare inserts
// of the same raw rows on the same engine as the baseline:
//
//	event:    one Event per call from 64 goroutines (gathered into shared writes)
//	batch100: Events with 100 events per call (the HTTP batch)
//	baseline: INSERT of the raw rows, 100 per transaction, no rules
//
// Each event is a new object at the gate of one of 8 cameras with a
// loitering and a night-entry rule (every event raises a night-entry alert
// during the night hours, so alerts are written too).
func BenchmarkIngest(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchIngest(b, storagetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		if db := storagetest.Postgres(b); db != nil {
			benchIngest(b, db)
		}
	})
}

func benchIngest(b *testing.B, db *storage.DB) {
	f := newFixture(b, db)
	night := cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Cooldown: 3600, Enabled: true}
	loiter := cameras.Rule{Kind: cameras.Loiter, Zone: "gate", Seconds: 30, Enabled: true}
	for i := range 8 {
		f.activeCamera(fmt.Sprintf("B-%d", i), fmt.Sprintf("cam%d", i), night, loiter)
	}
	var seq atomic.Int64
	next := func() feed.Event {
		n := seq.Add(1)
		at := t0.Add(time.Duration(n) * time.Millisecond)
		return event(fmt.Sprintf("cam%d", n%8), fmt.Sprintf("ev%d", n), feed.KindNew, at, at, "gate")
	}
	b.Run("event", func(b *testing.B) {
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := f.svc.Event(f.ctx, next()); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("batch100", func(b *testing.B) {
		es := make([]feed.Event, 0, 100)
		for i := 0; i < b.N; i += 100 {
			es = es[:0]
			for j := 0; j < 100 && i+j < b.N; j++ {
				es = append(es, next())
			}
			if err := f.svc.Events(f.ctx, es); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("baseline", func(b *testing.B) {
		for i := 0; i < b.N; i += 100 {
			err := db.InTx(f.ctx, func(tx *storage.Tx) error {
				for j := 0; j < 100 && i+j < b.N; j++ {
					e := next()
					if _, err := tx.Exec(f.ctx, `INSERT INTO camera_events (source, event_id, camera_id, kind, label, score, zones, start_at, at, end_at, raw, received_at)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Source, e.EventID, 1, e.Kind, e.Label, e.Score, "gate",
						storage.Millis(e.Start), storage.Millis(e.At), 0, e.Raw, storage.Millis(e.At)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
