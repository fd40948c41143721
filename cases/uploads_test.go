package cases_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"linli/attach"
	"linli/cases"
	"linli/jobs"
	"linli/storage"
	"linli/storage/storagetest"
)

// The report form's photos sent ahead and never claimed are deleted by a
// durable timer once they cannot be claimed (attach.PendingTTL); the
// timer wakes again for the account's later uploads. Fake clock, no
// sleeps.
func TestUnclaimedUploadsExpire(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		res := f.actor("resident")
		first, err := f.svc.SavePending(f.ctx, res, photo(t, 10))
		if err != nil {
			t.Fatal(err)
		}
		f.advance(3 * time.Hour)
		second, err := f.svc.SavePending(f.ctx, res, photo(t, 20))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := jobs.Pending(f.ctx, db, "cases.upload_expire", itoa(res.AccountID)); !ok {
			t.Fatal("no timer after an upload")
		}
		ids := []int64{first[0].ID, second[0].ID}
		pending := func() int {
			t.Helper()
			ps, err := f.svc.PendingPhotos(f.ctx, res, ids)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM attachments WHERE owner = ?`, attach.PendingOwner).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n < len(ps) {
				t.Fatalf("%d rows, %d claimable", n, len(ps))
			}
			return n
		}
		f.advance(20 * time.Hour) // 23 h after the first
		f.runDue()
		if n := pending(); n != 2 {
			t.Fatalf("%d uploads before any expired, want 2", n)
		}
		f.advance(time.Hour + time.Second) // the first is 24 h old
		f.runDue()
		if n := pending(); n != 1 {
			t.Fatalf("%d uploads after the first expired, want 1", n)
		}
		if _, ok, _ := jobs.Pending(f.ctx, db, "cases.upload_expire", itoa(res.AccountID)); !ok {
			t.Fatal("no timer for the second upload")
		}
		f.advance(3 * time.Hour)
		f.runDue()
		if n := pending(); n != 0 {
			t.Fatalf("%d uploads after both expired, want 0", n)
		}
		if _, ok, _ := jobs.Pending(f.ctx, db, "cases.upload_expire", itoa(res.AccountID)); ok {
			t.Error("a timer is left with nothing to expire")
		}
	})
}

// photo is a small JPEG checked for upload.
func photo(t *testing.T, shade uint8) []attach.Checked {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			m.Set(x, y, color.RGBA{shade, 100, 100, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := attach.Check(attach.PhotoLimits(), []attach.Upload{{Name: "p.jpg", Data: buf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// The case picker searches as the case search does (the trigram index):
// the reporter's name, a fragment of the number in lower case, a word of
// the description — none of which a LIKE on number and title finds; a
// single character answers nothing (not an error), and the phone is not
// in the answer.
func TestPickCasesUsesSearch(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.open("xueyuan", cases.NewCase{Category: "noise", Title: "夜间施工噪声", Description: "工地彻夜打桩", Source: cases.SourceHotline,
			LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID, ReporterName: "王先生", ReporterPhone: "139 1234 5678"})
		f.leak("resident")
		for _, q := range []string{"王先生", strings.ToLower(c.Number[3:]), "彻夜打桩"} {
			got, err := f.svc.PickCases(f.ctx, f.actor("xueyuan"), q)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if len(got) != 1 || got[0].ID != c.ID {
				t.Errorf("%q finds %+v, want only case %d", q, got, c.ID)
			}
			for _, ch := range got {
				if strings.Contains(ch.Label+ch.Hint, "1234") || strings.Contains(ch.Label+ch.Hint, "王先生") {
					t.Errorf("the answer shows the reporter: %+v", ch)
				}
			}
		}
		if got, err := f.svc.PickCases(f.ctx, f.actor("xueyuan"), "噪"); err != nil || len(got) != 0 {
			t.Errorf("one character: %v %v", got, err)
		}
	})
}
