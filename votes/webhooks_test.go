package votes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"linli/outbox"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
	"linli/webhooks"
)

// A vote closing — by a manager, or at its time — emits vote.closed once.
func TestCloseEmitsWebhook(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hooks := webhooks.New(db, f.clock, f.reg, false)
		c, err := hooks.Create(f.ctx, f.actor("xueyuan"), webhooks.Input{Name: "dash", URL: "https://hook.example.cn/v",
			Events: []string{webhooks.VoteClosed}, Scope: []int64{f.node(pUnit3[:4]...).ID}})
		if err != nil {
			t.Fatal(err)
		}
		byHand := f.newVote(votes.VoteInput{Title: "提前结束"})
		atTime := f.newVote(votes.VoteInput{Title: "到时结束"})
		if _, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), byHand.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(atTime.ClosesAt.Add(time.Minute))
		if _, err := f.svc.Vote(f.ctx, f.actor("xueyuan"), atTime.ID); err != nil { // the first read after closes_at freezes it
			t.Fatal(err)
		}
		if _, err := f.svc.Vote(f.ctx, f.actor("xueyuan"), atTime.ID); err != nil {
			t.Fatal(err)
		}
		rows, err := outbox.OfRecipient(f.ctx, db, outbox.Webhook, webhooks.Recipient(c.ID), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows, want one per vote: %+v", len(rows), rows)
		}
		for i, v := range []int64{atTime.ID, byHand.ID} {
			if rows[i].Kind != webhooks.VoteClosed || !strings.Contains(rows[i].Text, fmt.Sprintf(`"vote_id":%d`, v)) {
				t.Errorf("row %d: %+v", i, rows[i])
			}
		}
		if want := `"closed_at":"` + atTime.ClosesAt.UTC().Format(time.RFC3339); !strings.Contains(rows[0].Text, want) {
			t.Errorf("closed at its time: %s, want %s", rows[0].Text, want)
		}
	})
}
