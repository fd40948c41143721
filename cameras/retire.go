package cameras

import (
	"context"
	"fmt"

	"linli"
	"linli/attach"
	"linli/audit"
	"linli/links"
	"linli/storage"
)

// Use is what a camera has produced: a camera with neither events nor
// alerts may be deleted; otherwise it is retired.
type Use struct {
	Events int `json:"events"` // stored events (within the retention period)
	Alerts int `json:"alerts"`
}

// Deletable is true for a camera that never produced an event or alert.
func (u Use) Deletable() bool { return u.Events == 0 && u.Alerts == 0 }

func (s *Service) use(ctx context.Context, q storage.Querier, id int64) (Use, error) {
	var u Use
	err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM camera_events WHERE camera_id = ?), (SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?)`, id, id).Scan(&u.Events, &u.Alerts)
	return u, err
}

// managed is Camera for those who manage it: others are refused.
func (s *Service) managed(ctx context.Context, a *linli.Actor, id int64) (Camera, error) {
	c, err := s.Camera(ctx, a, id)
	if err != nil {
		return c, err
	}
	if !a.Can(linli.PermCamerasManage, c.Path) {
		return Camera{}, errForbidden()
	}
	return c, nil
}

// DeleteCamera deletes a camera that never produced an event or alert
// (one added by mistake), with its zones, rules, privacy record, photos
// and links. A camera with events or alerts is refused (409): retire it.
func (s *Service) DeleteCamera(ctx context.Context, a *linli.Actor, id int64) error {
	c, err := s.managed(ctx, a, id)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		u, err := s.use(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.Deletable() {
			return linli.Errorf(linli.EConflict, "该摄像头已有 %d 条事件、%d 条告警，不能删除，请改为退役 / the camera has %d events and %d alerts: it cannot be deleted, retire it instead",
				u.Events, u.Alerts, u.Events, u.Alerts)
		}
		for _, q := range []string{`DELETE FROM camera_tracks WHERE camera_id = ?`, `DELETE FROM cameras WHERE id = ?`, `DELETE FROM camera_zones WHERE camera_id = ?`, `DELETE FROM camera_rules WHERE camera_id = ?`,
			`DELETE FROM camera_privacy WHERE camera_id = ?`} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		photos, err := attach.DeleteOwned(ctx, tx, KindCamera, id)
		if err != nil {
			return err
		}
		if err := links.Remove(ctx, tx, links.Ref{Kind: KindCamera, ID: id}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.delete", Entity: "camera", EntityID: id, ScopePath: c.Path,
			Summary:   fmt.Sprintf("删除摄像头 %s %s（从未产生事件或告警；照片 %d 张）", c.Code, c.Name, photos),
			SummaryEN: fmt.Sprintf("Deleted camera %s %s (it never produced an event or alert; %d photos)", c.Code, c.Name, photos), Before: c})
	})
	if err != nil {
		return err
	}
	s.changed(ctx)
	return nil
}

// Retirement is what retiring a camera did.
type Retirement struct {
	Camera        Camera `json:"camera"`
	EventsDropped int    `json:"events_dropped"` // its stored events, deleted
	AlertsKept    int    `json:"alerts_kept"`
}

// RetireCamera decommissions a camera for good: state retired, its stored
// events deleted and counted, its alerts (and their snapshots, until the
// retention period) kept for the record but left off the board; events
// still arriving for it are dropped and counted as for an inactive
// camera. Its source's name is free for the camera that replaces it.
func (s *Service) RetireCamera(ctx context.Context, a *linli.Actor, id int64) (Retirement, error) {
	c, err := s.managed(ctx, a, id)
	if err != nil {
		return Retirement{}, err
	}
	if c.State == Retired {
		return Retirement{}, linli.Errorf(linli.EConflict, "该摄像头已退役 / the camera is already retired")
	}
	var out Retirement
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE cameras SET state = ?, updated_at = ? WHERE id = ?`, Retired, storage.Millis(s.now()), id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM camera_events WHERE camera_id = ?`, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		out.EventsDropped = int(n)
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, id).Scan(&out.AlertsKept); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.retire", Entity: "camera", EntityID: id, ScopePath: c.Path,
			Summary:   fmt.Sprintf("摄像头 %s 退役：删除事件 %d 条，保留告警 %d 条", c.Code, out.EventsDropped, out.AlertsKept),
			SummaryEN: fmt.Sprintf("Retired camera %s: %d events deleted, %d alerts kept", c.Code, out.EventsDropped, out.AlertsKept),
			Before:    c.State, After: map[string]int{"events_dropped": out.EventsDropped, "alerts_kept": out.AlertsKept}})
	})
	if err != nil {
		return Retirement{}, err
	}
	s.changed(ctx)
	out.Camera, err = s.Camera(ctx, a, id)
	return out, err
}
