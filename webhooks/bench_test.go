package webhooks_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linli/outbox"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/webhooks"
)

// What emitting an event adds to the transaction of a change, on SQLite:
// with no subscription (what every case step pays; the subscriptions are
// cached, read once per run: cache.go), with
// subscriptions that do not want the event or whose scope does not hold
// it, and with 1 and 10 that do (one outbox row each). The baseline of the
// same run is the transaction with the change's own outbox row and no
// event (what a case step with a notification already costs).
//
//	go test ./webhooks/ -run '^$' -bench Emit -benchtime 5000x -count 3
func BenchmarkEmit(b *testing.B) {
	at := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	data := webhooks.CaseData{CaseID: 42, Number: "XY-20260310-0001", State: "dispatched", FromState: "accepted", Action: "dispatch",
		CategoryID: 3, Category: "漏水", Source: "resident", Priority: "normal", CommunityID: 4, GridID: 5, CreatedAt: at}
	for _, tc := range []struct {
		name            string
		wanting, others int  // subscriptions wanting case.state_changed under /1/4/; others elsewhere or for other events
		emit            bool // false: the baseline
	}{
		{"baseline (no event)", 0, 0, false},
		{"no subscription", 0, 0, true},
		{"20 subscriptions, none matching", 0, 20, true},
		{"1 matching", 1, 0, true},
		{"10 matching of 30", 10, 20, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db := storagetest.SQLite(b)
			ctx := context.Background()
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				add := func(i int, events, path string) error {
					id, err := tx.Insert(ctx, `INSERT INTO webhook_subscriptions (name, url, secret, events, enabled, created_at, updated_at)
						VALUES (?, 'https://hook.example.cn/', 's', ?, 1, 0, 0)`, fmt.Sprint("s", i), events)
					if err != nil {
						return err
					}
					_, err = tx.Exec(ctx, `INSERT INTO webhook_scopes (subscription_id, node_id, path) VALUES (?, 1, ?)`, id, path)
					return err
				}
				for i := range tc.wanting {
					if err := add(i, " case.created case.state_changed ", "/1/4/"); err != nil {
						return err
					}
				}
				for i := range tc.others {
					events, path := " case.state_changed ", "/1/9/"
					if i%2 == 0 {
						events, path = " notice.published ", "/1/4/"
					}
					if err := add(100+i, events, path); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				err := db.InTx(ctx, func(tx *storage.Tx) error {
					if _, err := outbox.Enqueue(ctx, tx, at, outbox.Message{Channel: outbox.Notify, AccountID: 7, NodeID: 4, Kind: "case", Text: "新派遣"}); err != nil {
						return err
					}
					if !tc.emit {
						return nil
					}
					return webhooks.Emit(ctx, tx, webhooks.Event{Type: webhooks.CaseStateChanged, At: at, Path: "/1/4/5/8/", CommunityID: 4,
						Subject: fmt.Sprintf("case:%d", i), Data: data})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
