package webhooks_test

import (
	"strings"
	"testing"
	"time"

	"linli/outbox"
	"linli/storage/storagetest"
	"linli/webhooks"
)

// Deliveries of a disabled subscription wait, pending, without counting a
// try, and go out once it is enabled again; a disabled subscription gets
// no new events; those of a deleted one are dead.
func TestDisabledWaitsDeletedDies(t *testing.T) {
	t.Parallel()
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	staff := f.actor("xueyuan")
	scope := []int64{f.node(pXueyuan...).ID}
	keep := f.subscribe("xueyuan", "/keep", []string{webhooks.CaseCreated}, scope...)
	drop := f.subscribe("xueyuan", "/drop", []string{webhooks.CaseCreated}, scope...)
	f.leak("resident")
	for _, id := range []int64{keep.ID, drop.ID} {
		if _, err := f.svc.SetEnabled(f.ctx, staff, id, false); err != nil {
			t.Fatal(err)
		}
	}
	f.leak("resident") // no subscription is enabled: no delivery
	if err := f.svc.Delete(f.ctx, staff, drop.ID); err != nil {
		t.Fatal(err)
	}
	f.deliver()
	log := func(id int64) []outbox.Entry {
		rows, err := outbox.OfRecipient(f.ctx, db, outbox.Webhook, webhooks.Recipient(id), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if rows := log(keep.ID); len(rows) != 1 || rows[0].Status != outbox.Pending || rows[0].Attempts != 0 || !strings.Contains(rows[0].LastError, "disabled") {
		t.Fatalf("disabled subscription's delivery: %+v", rows)
	}
	if rows := log(drop.ID); len(rows) != 1 || rows[0].Status != outbox.Dead || !strings.Contains(rows[0].LastError, "deleted") {
		t.Fatalf("deleted subscription's delivery: %+v", rows)
	}
	if _, err := f.svc.SetEnabled(f.ctx, staff, keep.ID, true); err != nil {
		t.Fatal(err)
	}
	f.w.Clock.Advance(10 * time.Minute) // past the recheck of rows without a channel
	f.deliver()
	if rows := log(keep.ID); rows[0].Status != outbox.Sent {
		t.Fatalf("after enabling: %+v", rows)
	}
	if got := f.rcv.received("/keep"); len(got) != 1 {
		t.Errorf("/keep received %q, want the first case only", got)
	}
}
