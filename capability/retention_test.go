package capability

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"linli"
	"linli/audit"
	"linli/jobs"
	"linli/storage"
	"linli/storage/storagetest"
)

// The retention is one durable timer: scheduled once at start, it exports
// and removes what is past the period, then comes back a day later; a run
// whose export fails removes nothing and is retried.
func TestAuditRetentionJob(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
		clock := linli.NewFakeClock(now)
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			return audit.Record(ctx, tx, nil, now.Add(-181*24*time.Hour), audit.Change{Action: "node.update", Entity: "node", Summary: "旧"})
		}); err != nil {
			t.Fatal(err)
		}
		// First with a directory that cannot be made.
		blocker := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(blocker, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		r := &audit.Retention{DB: db, Clock: clock, Keep: audit.MinRetention, Dir: filepath.Join(blocker, "archive")}
		if err := StartAuditRetention(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := StartAuditRetention(ctx, r); err != nil { // a restart keeps the one timer
			t.Fatal(err)
		}
		runner := &jobs.Runner{DB: db, Clock: clock, Handlers: auditJobs(r), Backoff: func(int) time.Duration { return time.Minute }}
		count := func(q string) int {
			var n int
			if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM jobs WHERE kind = 'audit.retention' AND state = 'pending'`); n != 1 {
			t.Fatalf("%d timers", n)
		}
		clock.Advance(time.Minute)
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE summary = '旧'`); n != 1 {
			t.Fatal("removed although the export failed")
		}
		// The directory becomes writable: the retry exports and removes.
		r.Dir = t.TempDir()
		clock.Advance(time.Minute)
		if n, err := runner.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("retry ran %d: %v", n, err)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE summary = '旧'`); n != 0 {
			t.Fatal("not removed")
		}
		files, _ := filepath.Glob(filepath.Join(r.Dir, "audit-*.jsonl.gz"))
		if len(files) != 1 {
			t.Fatalf("files %v", files)
		}
		j, ok, err := jobs.Pending(ctx, db, JobAuditRetention, "all")
		if err != nil || !ok || !j.Due.Equal(clock.Now().Add(24*time.Hour)) {
			t.Fatalf("next run %+v %v %v", j, ok, err)
		}
	})
}
