package attach

import (
	"context"
	"strings"
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

// An account holds at most pendingCap.files claimable uploads and
// pendingCap.bytes bytes: one more is 429 naming the limit, with nothing
// stored; expired uploads no longer count.
func TestPendingUploadsCapped(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		photo := mustCheck(t, Upload{Name: "a.jpg", Data: jpegOf(t, gradient(40, 30))})
		save := func(by int64, at time.Time, files []Checked) error {
			return db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := SavePending(ctx, tx, by, files, at)
				return err
			})
		}
		for i := 0; i < PendingMaxFiles; i++ {
			if err := save(42, now, photo); err != nil {
				t.Fatalf("upload %d: %v", i+1, err)
			}
		}
		err := save(42, now, photo)
		if linli.ErrorCode(err) != linli.ETooMany || !strings.Contains(err.Error(), "30") {
			t.Fatalf("upload 31: %v, want 429 naming 30", err)
		}
		if f := linli.ErrorFields(err); len(f) != 1 || f[0].Field != "photos" || !strings.Contains(f[0].Reason, "100 MB") {
			t.Errorf("fields of the refusal: %+v", f)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM attachments WHERE owner = ? AND owner_id = 42`, PendingOwner).Scan(&n); err != nil || n != PendingMaxFiles {
			t.Errorf("%d pending after the refusal (%v), want %d", n, err, PendingMaxFiles)
		}
		// Another account is not affected; once expired, they do not count.
		if err := save(43, now, photo); err != nil {
			t.Errorf("another account: %v", err)
		}
		if err := save(42, now.Add(PendingTTL+time.Second), photo); err != nil {
			t.Errorf("after the first ones expired: %v", err)
		}
		// The byte cap.
		old := pendingCap
		t.Cleanup(func() { pendingCap = old })
		pendingCap.bytes = int64(len(photo[0].Data))*2 + 1
		if err := save(44, now, append(append([]Checked{}, photo...), photo...)); err != nil {
			t.Fatal(err)
		}
		if err := save(44, now, photo); linli.ErrorCode(err) != linli.ETooMany {
			t.Errorf("over the byte cap: %v", err)
		}
	})
}

// SweepPending deletes the uploads no longer claimable — every account's —
// and their blobs unless another attachment shares them; fresh uploads
// stay, and it says when the account's next one expires.
func TestSweepPending(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		shared := mustCheck(t, Upload{Name: "s.jpg", Data: jpegOf(t, gradient(50, 40))})
		alone := mustCheck(t, Upload{Name: "o.jpg", Data: jpegOf(t, gradient(40, 50))})
		fresh := now.Add(2 * time.Hour)
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, s := range []struct {
				by    int64
				at    time.Time
				files []Checked
			}{{42, now, shared}, {42, now, alone}, {43, now, alone}, {42, fresh, alone}} {
				if _, err := SavePending(ctx, tx, s.by, s.files, s.at); err != nil {
					return err
				}
			}
			_, err := Save(ctx, tx, "case", 7, 0, 42, shared, now) // the same bytes, claimed by a case
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var deleted int
		var next time.Time
		sweep := func(at time.Time) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *storage.Tx) error {
				var err error
				deleted, next, err = SweepPending(ctx, tx, 42, at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		// At exactly the TTL an upload can still be claimed: nothing goes.
		sweep(now.Add(PendingTTL))
		if deleted != 0 || !next.Equal(storage.FromMillis(storage.Millis(now)+1).Add(PendingTTL)) {
			t.Fatalf("at the TTL: deleted %d, next %v", deleted, next)
		}
		sweep(next)
		if deleted != 3 {
			t.Errorf("deleted %d, want 3 (two of 42's, one of 43's)", deleted)
		}
		if want := storage.FromMillis(storage.Millis(fresh) + 1).Add(PendingTTL); !next.Equal(want) {
			t.Errorf("next expiry %v, want %v", next, want)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM attachments WHERE owner = ?`, PendingOwner); n != 1 {
			t.Errorf("%d pending uploads left, want the fresh one", n)
		}
		if n := count(`SELECT COUNT(*) FROM blobs`); n != 2 {
			t.Errorf("%d blobs left, want 2 (the case's shared one, the fresh upload's)", n)
		}
		if l, _ := List(ctx, db, "case", 7); len(l) != 1 {
			t.Errorf("the case lost its photo: %v", l)
		}
		sweep(next)
		if deleted != 1 || !next.IsZero() || count(`SELECT COUNT(*) FROM blobs`) != 1 {
			t.Errorf("last sweep: deleted %d, next %v", deleted, next)
		}
	})
}

// DeleteOwned deletes one record's attachments, and their bytes unless
// another record's attachment shares them.
func TestDeleteOwned(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		shared := mustCheck(t, Upload{Name: "s.jpg", Data: jpegOf(t, gradient(50, 40))})
		alone := mustCheck(t, Upload{Name: "o.jpg", Data: jpegOf(t, gradient(40, 50))})
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var deleted int
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, s := range []struct {
				owner string
				id    int64
				files []Checked
			}{{"camera", 3, shared}, {"camera", 3, alone}, {"case", 7, shared}, {"camera", 4, alone}} {
				if _, err := Save(ctx, tx, s.owner, s.id, 0, 42, s.files, now); err != nil {
					return err
				}
			}
			var err error
			deleted, err = DeleteOwned(ctx, tx, "camera", 3)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if deleted != 2 || count(`SELECT COUNT(*) FROM attachments WHERE owner = 'camera' AND owner_id = 3`) != 0 {
			t.Errorf("deleted %d", deleted)
		}
		if n := count(`SELECT COUNT(*) FROM attachments`); n != 2 {
			t.Errorf("others' attachments: %d, want 2", n)
		}
		if n := count(`SELECT COUNT(*) FROM blobs`); n != 2 {
			t.Errorf("blobs %d, want 2 (both still used)", n)
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error { _, err := DeleteOwned(ctx, tx, "camera", 4); return err }); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM blobs`); n != 1 {
			t.Errorf("blobs %d, want 1 (the case's)", n)
		}
	})
}
