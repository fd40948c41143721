package attach

import (
	"context"
	"testing"
	"time"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
)

// A pending upload is claimed only by its uploader, only while fresh, and
// only once; a refused claim moves none of the ids it named.
func TestPendingUploadsAreClaimedOnlyByTheirUploader(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var mine, theirs []Attachment
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			var err error
			if mine, err = SavePending(ctx, tx, 42, mustCheck(t, Upload{Name: "a.jpg", Data: jpegOf(t, gradient(80, 60))}), now); err != nil {
				return err
			}
			theirs, err = SavePending(ctx, tx, 43, mustCheck(t, Upload{Name: "b.jpg", Data: jpegOf(t, gradient(60, 80))}), now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := PendingOf(ctx, db, 42, []int64{theirs[0].ID, mine[0].ID}, now)
		if err != nil || len(got) != 1 || got[0].ID != mine[0].ID {
			t.Fatalf("PendingOf(42) = %v, %v; want only its own upload %d", got, err, mine[0].ID)
		}
		claim := func(by int64, ids ...int64) error {
			return db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := Claim(ctx, tx, by, ids, "case", 7, 0, now)
				return err
			})
		}
		// Someone else's id: refused, and the own id named with it stays pending.
		if err := claim(42, mine[0].ID, theirs[0].ID); linli.ErrorCode(err) != linli.EInvalid {
			t.Fatalf("claiming another account's upload: %v, want 422", err)
		}
		if l, _ := List(ctx, db, "case", 7); len(l) != 0 {
			t.Fatalf("a refused claim moved %d attachments", len(l))
		}
		// Too old.
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := Claim(ctx, tx, 42, []int64{mine[0].ID}, "case", 7, 0, now.Add(PendingTTL+time.Minute))
			return err
		}); linli.ErrorCode(err) != linli.EInvalid {
			t.Fatalf("claiming an expired upload: %v, want 422", err)
		}
		if err := claim(42, mine[0].ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := List(ctx, db, "case", 7); len(l) != 1 || l[0].ID != mine[0].ID || l[0].CreatedBy != 42 {
			t.Fatalf("after the claim the case has %v", l)
		}
		if err := claim(42, mine[0].ID); linli.ErrorCode(err) != linli.EInvalid {
			t.Fatalf("claiming twice: %v, want 422", err)
		}
		if _, _, err := OpenOwned(ctx, db, PendingOwner, 42, mine[0].ID, true); linli.ErrorCode(err) != linli.ENotFound {
			t.Fatalf("a claimed upload is still served as pending: %v", err)
		}
	})
}
