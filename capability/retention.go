package capability

import (
	"context"
	"log/slog"
	"time"

	"linli/audit"
	"linli/jobs"
	"linli/storage"
)

// JobAuditRetention is the durable timer that exports and removes audit
// entries past the retention period (audit.Retention), once a day, at
// once again while a run leaves older entries behind.
const JobAuditRetention = "audit.retention"

// retentionEvery is the time between runs.
const retentionEvery = 24 * time.Hour

// auditJobs is the audit log's timer; none when retention is not set.
func auditJobs(r *audit.Retention) map[string]jobs.Handler {
	if r == nil {
		return nil
	}
	return map[string]jobs.Handler{JobAuditRetention: func(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
		out, err := r.Run(ctx, tx)
		if err != nil {
			return err // rolled back: nothing removed; the runner retries later
		}
		if out.Entries > 0 {
			slog.InfoContext(ctx, "audit entries exported and removed", "file", out.File, "entries", out.Entries)
		}
		next := r.Clock.Now().Add(retentionEvery)
		if out.More {
			next = r.Clock.Now()
		}
		return jobs.Schedule(ctx, tx, JobAuditRetention, "all", next, nil)
	}}
}

// StartAuditRetention schedules the retention timer unless it is pending
// (the wiring calls it at every start; a pending timer keeps its time).
func StartAuditRetention(ctx context.Context, r *audit.Retention) error {
	if r == nil {
		return nil
	}
	if _, pending, err := jobs.Pending(ctx, r.DB, JobAuditRetention, "all"); err != nil || pending {
		return err
	}
	return r.DB.InTx(ctx, func(tx *storage.Tx) error {
		return jobs.Schedule(ctx, tx, JobAuditRetention, "all", r.Clock.Now().Add(time.Minute), nil)
	})
}
