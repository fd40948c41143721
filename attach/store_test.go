package attach

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
)

var now = time.Date(2025, 5, 1, 8, 15, 0, 123456789, time.UTC)

func mustCheck(t *testing.T, ups ...Upload) []Checked {
	t.Helper()
	c, err := Check(DefaultLimits(), ups)
	if err != nil {
		t.Fatalf("Check: %v %v", err, linli.ErrorFields(err))
	}
	return c
}

func save(t *testing.T, db *storage.DB, owner string, ownerID int64, files []Checked) []Attachment {
	t.Helper()
	var out []Attachment
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		var err error
		out, err = Save(context.Background(), tx, owner, ownerID, 3, 42, files, now)
		return err
	})
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	return out
}

func count(t *testing.T, db *storage.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSaveAndOpen(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		photo := jpegOf(t, gradient(1200, 900))
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
		saved := save(t, db, "case", 7, mustCheck(t, Upload{Name: "楼道.jpg", Data: photo}, Upload{Name: "协议.pdf", Data: pdf}))

		list, err := List(ctx, db, "case", 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0] != saved[0] || list[1] != saved[1] {
			t.Fatalf("List = %+v\nSave = %+v", list, saved)
		}
		p := list[0]
		if p.Owner != "case" || p.OwnerID != 7 || p.EventID != 3 || p.CreatedBy != 42 || p.Name != "楼道.jpg" ||
			p.ContentType != JPEG || p.Size != int64(len(photo)) || p.Width != 1200 || p.Height != 900 || !p.HasThumb ||
			!p.CreatedAt.Equal(now.Truncate(time.Millisecond)) || len(p.SHA256) != 64 {
			t.Errorf("photo = %+v", p)
		}
		if d := list[1]; d.ContentType != PDF || d.HasThumb || d.Width != 0 {
			t.Errorf("pdf = %+v", d)
		}
		if got, err := Get(ctx, db, p.ID); err != nil || got != p {
			t.Errorf("Get = %+v, %v", got, err)
		}

		a, data, err := Open(ctx, db, p.ID, false)
		if err != nil || a != p || !bytes.Equal(data, photo) {
			t.Errorf("Open original: %v, %d bytes, same=%v", err, len(data), bytes.Equal(data, photo))
		}
		a, thumb, err := Open(ctx, db, p.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		b := decodeJPEG(t, thumb).Bounds()
		if b.Dx() != 320 || b.Dy() != 240 || a.Width != 320 || a.Height != 240 {
			t.Errorf("thumbnail %v, described as %d×%d", b.Size(), a.Width, a.Height)
		}
		if a.ContentType != JPEG || a.Size != int64(len(thumb)) || a.SHA256 == p.SHA256 {
			t.Errorf("thumbnail described as %+v", a)
		}

		if _, _, err := Open(ctx, db, list[1].ID, true); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("thumbnail of a PDF: %v", err)
		}
		if _, data, err := Open(ctx, db, list[1].ID, false); err != nil || !bytes.Equal(data, pdf) {
			t.Errorf("Open pdf: %v", err)
		}
		if _, err := Get(ctx, db, 99999); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("Get missing: %v", err)
		}
		if _, _, err := Open(ctx, db, 99999, false); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("Open missing: %v", err)
		}
		if l, err := List(ctx, db, "visit", 7); err != nil || len(l) != 0 {
			t.Errorf("another owner's list: %v %v", l, err)
		}
	})
}

func TestSaveStoresSameBytesOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		photo := pngOf(t, gradient(50, 40))
		files := mustCheck(t, Upload{Name: "a.png", Data: photo}, Upload{Name: "again.png", Data: photo})
		first := save(t, db, "case", 1, files)
		second := save(t, db, "visit", 2, files[:1])
		if n := count(t, db, "blobs"); n != 1 {
			t.Errorf("%d blobs, want 1", n)
		}
		if n := count(t, db, "attachments"); n != 3 {
			t.Errorf("%d attachments, want 3", n)
		}
		all := append(first, second...)
		for _, a := range all {
			if a.SHA256 != all[0].SHA256 || !a.HasThumb {
				t.Errorf("%+v", a)
			}
			if _, data, err := Open(context.Background(), db, a.ID, false); err != nil || !bytes.Equal(data, photo) {
				t.Errorf("Open %d: %v", a.ID, err)
			}
		}
		if all[0].ID == all[1].ID || all[1].Name != "again.png" {
			t.Errorf("two attachments expected: %+v", all[:2])
		}
	})
}

func TestSaveRolledBackLeavesNothing(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		files := mustCheck(t, Upload{Name: "a.png", Data: pngOf(t, gradient(30, 30))})
		boom := errors.New("the case failed to save")
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := Save(ctx, tx, "case", 5, 0, 1, files, now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if b, a := count(t, db, "blobs"), count(t, db, "attachments"); b != 0 || a != 0 {
			t.Errorf("after rollback: %d blobs, %d attachments", b, a)
		}
	})
}

func TestSaveRefusesUncheckedFiles(t *testing.T) {
	db := storagetest.SQLite(t)
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		_, err := Save(context.Background(), tx, "case", 1, 0, 1, []Checked{{Upload: Upload{Name: "x", Data: []byte("x")}}}, now)
		return err
	})
	if err == nil {
		t.Error("Save accepted a file that did not pass Check")
	}
}

// Two replicas saving the same photo at once: the second INSERT waits on the
// first transaction's row, then must find that row rather than fail (a failed
// statement would abort its whole PostgreSQL transaction, and the case with it).
func TestSaveSamePhotoFromTwoReplicas(t *testing.T) {
	db := storagetest.Postgres(t)
	ctx := context.Background()
	files := mustCheck(t, Upload{Name: "a.png", Data: pngOf(t, gradient(60, 60))})
	holding, release := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		errs <- db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := Save(ctx, tx, "case", 1, 0, 1, files, now)
			close(holding)
			<-release
			return err
		})
	}()
	<-holding
	go func() {
		errs <- db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := Save(ctx, tx, "case", 2, 0, 1, files, now)
			return err
		})
	}()
	// Let the first commit only once the second is blocked on its row, so
	// the test exercises the conflict rather than two sequential saves.
	waited := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !waited; {
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO blobs%'`).Scan(&n); err != nil {
			close(release)
			t.Fatal(err)
		}
		waited = n > 0
		time.Sleep(5 * time.Millisecond) // polling the server, not timing the code under test
	}
	close(release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("save: %v", err)
		}
	}
	if !waited {
		t.Error("the second transaction never waited for the first")
	}
	if b, a := count(t, db, "blobs"), count(t, db, "attachments"); b != 1 || a != 2 {
		t.Errorf("%d blobs, %d attachments; want 1 and 2", b, a)
	}
}

func TestOpenOwnedRefusesAnotherRecordsFile(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		photo := pngOf(t, gradient(30, 20))
		a := save(t, db, "visit", 7, mustCheck(t, Upload{Name: "wall.png", Data: photo}))[0]
		if _, data, err := OpenOwned(ctx, db, "visit", 7, a.ID, false); err != nil || !bytes.Equal(data, photo) {
			t.Errorf("its own record: %v", err)
		}
		if _, _, err := OpenOwned(ctx, db, "visit", 7, a.ID, true); err != nil {
			t.Errorf("its own record's thumbnail: %v", err)
		}
		for _, other := range []struct {
			owner string
			id    int64
		}{{"visit", 8}, {"case", 7}} {
			if _, data, err := OpenOwned(ctx, db, other.owner, other.id, a.ID, false); linli.ErrorCode(err) != linli.ENotFound || data != nil {
				t.Errorf("%s %d opened another record's file: %v", other.owner, other.id, err)
			}
		}
	})
}
