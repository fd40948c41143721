package cameras

import (
	"context"
	"fmt"
	"time"

	"linli"
	"linli/audit"
	"linli/storage"
)

// Retention is how long snapshots and raw events are kept (the issue's
// default: 30 days); alerts stay, without their snapshot.
const Retention = 30 * 24 * time.Hour

// Purged is what a purge removed.
type Purged struct {
	Events    int64 `json:"events"`
	Snapshots int64 `json:"snapshots"`
}

// Purge deletes, in tx, the events received and the snapshots taken
// before the retention period, clears the alerts' references to those
// snapshots, and audits the counts.
func (s *Service) Purge(ctx context.Context, tx *storage.Tx) (Purged, error) {
	now := s.now()
	cut := storage.Millis(now.Add(-Retention))
	var p Purged
	res, err := tx.Exec(ctx, `DELETE FROM camera_events WHERE received_at < ?`, cut)
	if err != nil {
		return p, err
	}
	p.Events, _ = res.RowsAffected()
	if _, err := tx.Exec(ctx, `UPDATE camera_alerts SET snapshot_id = 0 WHERE snapshot_id IN (SELECT id FROM camera_snapshots WHERE created_at < ?)`, cut); err != nil {
		return p, err
	}
	res, err = tx.Exec(ctx, `DELETE FROM camera_snapshots WHERE created_at < ?`, cut)
	if err != nil {
		return p, err
	}
	p.Snapshots, _ = res.RowsAffected()
	return p, audit.Record(ctx, tx, linli.System(), now, audit.Change{Action: "camera.purge", Entity: "camera", ScopePath: "/",
		Summary:   fmt.Sprintf("清除超过保存期限的摄像头数据：事件 %d 条，快照 %d 张", p.Events, p.Snapshots),
		SummaryEN: fmt.Sprintf("Purged camera data past retention: %d events, %d snapshots", p.Events, p.Snapshots), After: p})
}
