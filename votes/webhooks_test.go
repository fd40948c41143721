package votes_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"linli/consent"
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
		f.castAll(byHand.ID)
		f.paper(atTime.ID, "101", consent.Abstain, "")
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
		// Each carries its tally over the frozen electorate, as the vote's
		// own count says it, and names no household.
		for i, v := range []int64{atTime.ID, byHand.ID} {
			var body struct {
				Data struct {
					Tally webhooks.VoteTally `json:"tally"`
				} `json:"data"`
			}
			if err := json.Unmarshal([]byte(rows[i].Text), &body); err != nil {
				t.Fatal(err)
			}
			got, want := body.Data.Tally, f.tally(v)
			if got.Households != want.Households || got.For != want.Agree || got.Against != want.Disagree || got.Abstain != want.Abstain ||
				got.NoBallot != want.Households-want.Agree-want.Disagree-want.Abstain || got.Passed != want.Valid ||
				got.TotalAreaCenti != want.TotalAreaCenti || got.AgreeAreaCenti != want.AgreeAreaCenti || got.AgreeOwners != want.AgreeOwners ||
				got.ApprovalAreaShare != webhooks.Share(want.AgreeAreaCenti, want.ParticipatingAreaCenti) {
				t.Errorf("vote %d: tally %+v, the vote counts %+v", v, got, want)
			}
			if strings.Contains(rows[i].Text, "601") || strings.Contains(rows[i].Text, "柴晓燕") {
				t.Errorf("vote %d: the event names a household or person: %s", v, rows[i].Text)
			}
		}
		var first, second struct {
			Data struct {
				Tally webhooks.VoteTally `json:"tally"`
			} `json:"data"`
		}
		_ = json.Unmarshal([]byte(rows[1].Text), &first)
		_ = json.Unmarshal([]byte(rows[0].Text), &second)
		if a, b := first.Data.Tally, second.Data.Tally; a.Households != 12 || a.For != 10 || a.Against != 2 || !a.Passed ||
			a.ParticipationAreaShare != 1 || b.Abstain != 1 || b.NoBallot != 11 || b.Passed {
			t.Errorf("tallies: by hand %+v (want 10 for, 2 against of 12, passed), at its time %+v (want 1 abstaining, 11 without a ballot)", a, b)
		}
	})
}
