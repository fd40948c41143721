package notices_test

import (
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
)

// A recipient opening a notice also reads the bell's notification about
// it — and only that one: another notice's stays unread.
func TestOpeningMarksBellRead(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		first, second := f.publish(f.windNotice()), f.publish(f.windNotice())
		me := f.a("resident").AccountID
		unread := func(id int64) int {
			return f.count(`SELECT COUNT(*) FROM notifications WHERE account_id = ? AND ref_kind = 'notice' AND ref_id = ? AND read_at = 0`, me, id)
		}
		if unread(first.ID) != 1 || unread(second.ID) != 1 {
			t.Fatalf("bell before opening: %d %d", unread(first.ID), unread(second.ID))
		}
		if _, err := f.svc.Get(f.ctx, f.a("resident"), first.ID); err != nil {
			t.Fatal(err)
		}
		if unread(first.ID) != 0 {
			t.Error("the opened notice's notification is still unread")
		}
		if unread(second.ID) != 1 {
			t.Error("another notice's notification was marked read")
		}
		grid := f.a("grid1").AccountID
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE account_id = ? AND ref_kind = 'notice' AND ref_id = ? AND read_at = 0`, grid, first.ID); n != 1 {
			t.Errorf("another recipient's notification changed: %d unread", n)
		}
	})
}
