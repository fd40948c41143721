package audit_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/audit"
	"linli/storage"
	"linli/storage/storagetest"
)

func TestCheckRetention(t *testing.T) {
	if err := audit.CheckRetention(179 * 24 * time.Hour); err == nil || !strings.Contains(err.Error(), "180 days") {
		t.Errorf("179 days: %v", err)
	}
	for _, d := range []int{180, 365, 3650} {
		if err := audit.CheckRetention(time.Duration(d) * 24 * time.Hour); err != nil {
			t.Errorf("%d days: %v", d, err)
		}
	}
}

// An entry of 181 days is written to the export file and then removed;
// one of 179 days stays. If the export cannot be written nothing is
// removed. An entry no export covers cannot be deleted at all.
func TestRetention(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := at.Add(400 * 24 * time.Hour)
		clock := linli.NewFakeClock(now)
		put := func(age time.Duration, summary string) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *storage.Tx) error {
				return audit.Record(ctx, tx, xueyuan, now.Add(-age), audit.Change{Action: "node.update", Entity: "node", EntityID: 1, ScopePath: "/1/2/", Summary: summary})
			}); err != nil {
				t.Fatal(err)
			}
		}
		day := 24 * time.Hour
		put(181*day, "旧记录")
		put(179*day, "新记录")
		count := func(q string) int {
			var n int
			if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		run := func(r *audit.Retention) (audit.Exported, error) {
			var out audit.Exported
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				var err error
				out, err = r.Run(ctx, tx)
				return err
			})
			return out, err
		}

		// The database refuses to drop an entry nobody exported.
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE summary = '旧记录'`)
			return err
		}); err == nil {
			t.Fatal("an unexported entry was deleted")
		}

		// A failing export (the directory is a file) removes nothing.
		notDir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		bad := &audit.Retention{DB: db, Clock: clock, Keep: audit.MinRetention, Dir: filepath.Join(notDir, "sub")}
		if _, err := run(bad); err == nil {
			t.Fatal("export into a file succeeded")
		}
		if n := count(`SELECT COUNT(*) FROM audit_log`); n != 2 {
			t.Fatalf("%d entries after a failed export", n)
		}
		if n := count(`SELECT COUNT(*) FROM audit_exports`); n != 0 {
			t.Fatalf("%d exports recorded after a failed export", n)
		}

		// A retention under six months is refused by Run too.
		if _, err := run(&audit.Retention{DB: db, Clock: clock, Keep: 90 * day, Dir: t.TempDir()}); err == nil {
			t.Fatal("90 days ran")
		}

		dir := t.TempDir()
		r := &audit.Retention{DB: db, Clock: clock, Keep: audit.MinRetention, Dir: dir}
		out, err := run(r)
		if err != nil || out.Entries != 1 || out.More {
			t.Fatalf("run: %+v %v", out, err)
		}
		var kept []string
		if err := storage.Each(ctx, db, func(rows *sql.Rows) error {
			var s string
			err := rows.Scan(&s)
			kept = append(kept, s)
			return err
		}, `SELECT summary FROM audit_log ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		// The 179-day entry stays, and the export itself is audited.
		if len(kept) != 2 || kept[0] != "新记录" || !strings.Contains(kept[1], "已导出") {
			t.Fatalf("left %q", kept)
		}
		f, err := os.Open(filepath.Join(dir, out.File))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		var lines []audit.Entry
		for sc.Scan() {
			var e audit.Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, e)
		}
		if len(lines) != 1 || lines[0].Summary != "旧记录" || !lines[0].At.Equal(storage.FromMillis(storage.Millis(now.Add(-181*day)))) || lines[0].Actor != "学苑社区" {
			t.Fatalf("file holds %+v", lines)
		}
		if n := count(`SELECT COUNT(*) FROM audit_exports WHERE entries = 1`); n != 1 {
			t.Errorf("%d exports recorded", n)
		}
		// Nothing more to do a day later; the 179-day entry goes when it is
		// past 180 days.
		clock.Advance(day)
		if out, err := run(r); err != nil || out.Entries != 0 {
			t.Errorf("next day: %+v %v", out, err)
		}
		clock.Advance(day)
		if out, err := run(r); err != nil || out.Entries != 1 {
			t.Errorf("two days later: %+v %v", out, err)
		}
		// Exported entries are still append-only: no UPDATE.
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE audit_log SET summary = 'x'`)
			return err
		}); err == nil {
			t.Error("audit_log updated")
		}
	})
}
