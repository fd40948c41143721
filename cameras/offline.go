package cameras

import (
	"context"
	"database/sql"
	"time"

	"linli/jobs"
	"linli/storage"
)

// JobOfflineCheck is the periodic check of the offline rules: it runs
// every CheckEvery, raises an alert for each active camera silent longer
// than its rule allows (once per silence: not again until a heartbeat
// newer than the alert), and schedules itself again.
const JobOfflineCheck = "camera.offline_check"

// JobRetention purges snapshots and raw events past the retention period
// (daily).
const JobRetention = "camera.retention"

// CheckEvery is the offline check's period.
const CheckEvery = time.Minute

// StartTimers schedules the periodic jobs that are not pending (the
// wiring calls it at every start; a pending job keeps its time, so a
// server restarted daily still purges).
func (s *Service) StartTimers(ctx context.Context) error {
	for kind, after := range map[string]time.Duration{JobOfflineCheck: CheckEvery, JobRetention: 24 * time.Hour} {
		_, pending, err := jobs.Pending(ctx, s.db, kind, "all")
		if err != nil {
			return err
		}
		if pending {
			continue
		}
		if err := s.db.InTx(ctx, func(tx *storage.Tx) error { return jobs.Schedule(ctx, tx, kind, "all", s.now().Add(after), nil) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) offlineJob(ctx context.Context, tx *storage.Tx, _ jobs.Job) error {
	if err := s.CheckOffline(ctx, tx); err != nil {
		return err
	}
	return jobs.Schedule(ctx, tx, JobOfflineCheck, "all", s.now().Add(CheckEvery), nil)
}

// CheckOffline raises the due offline alerts in tx.
func (s *Service) CheckOffline(ctx context.Context, tx *storage.Tx) error {
	type due struct {
		cam       int64
		node      int64
		notify    string
		name      string
		path      string
		last      int64
		rule      Rule
		lastAlert int64
	}
	now := s.now()
	var list []due
	err := storage.Each(ctx, tx, func(r *sql.Rows) error {
		var d due
		var created int64
		if err := r.Scan(&d.cam, &d.node, &d.name, &d.path, &d.last, &created, &d.rule.ID, &d.rule.Seconds, &d.notify, &d.lastAlert); err != nil {
			return err
		}
		if d.last == 0 {
			d.last = created // never heard from: count from when it was added
		}
		d.rule.Kind = Offline
		if OfflineDue(d.rule, storage.FromMillis(d.last), now) && d.lastAlert < d.last {
			list = append(list, d)
		}
		return nil
	}, `SELECT c.id, c.node_id, c.name, c.path, c.last_heartbeat, c.created_at, r.id, r.seconds, r.notify,
			COALESCE((SELECT MAX(a.at) FROM camera_alerts a WHERE a.camera_id = c.id AND a.rule_id = r.id), 0)
		FROM cameras c JOIN camera_rules r ON r.camera_id = c.id
		WHERE c.state = 'active' AND r.kind = 'offline' AND r.enabled = 1`)
	if err != nil {
		return err
	}
	for _, d := range list {
		at := storage.FromMillis(d.last).Add(time.Duration(d.rule.Seconds) * time.Second)
		if err := s.raise(ctx, tx, Alert{CameraID: d.cam, Camera: d.name, Path: d.path, RuleID: d.rule.ID, RuleKind: Offline,
			At: at, State: Open, CreatedAt: now}, d.node, notifyList(d.notify)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) retentionJob(ctx context.Context, tx *storage.Tx, _ jobs.Job) error {
	if _, err := s.Purge(ctx, tx); err != nil {
		return err
	}
	return jobs.Schedule(ctx, tx, JobRetention, "all", s.now().Add(24*time.Hour), nil)
}
