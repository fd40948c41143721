package cameras

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"linli"
	"linli/audit"
	"linli/storage"
)

const ruleCols = `id, camera_id, kind, zone, labels, seconds, from_minute, to_minute, cooldown, count, enabled, notify`

func scanRule(r interface{ Scan(...any) error }) (Rule, error) {
	var x Rule
	var labels, notify string
	var enabled int64
	err := r.Scan(&x.ID, &x.CameraID, &x.Kind, &x.Zone, &labels, &x.Seconds, &x.FromMinute, &x.ToMinute, &x.Cooldown, &x.Count, &enabled, &notify)
	if labels != "" {
		x.Labels = strings.Split(labels, ",")
	}
	x.Notify = notifyList(notify)
	x.Enabled = enabled != 0
	return x, err
}

// allRules reads every rule, by camera.
func (s *Service) allRules(ctx context.Context) (map[int64][]Rule, error) {
	rs, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Rule, error) { return scanRule(r) },
		`SELECT `+ruleCols+` FROM camera_rules ORDER BY camera_id, id`)
	out := map[int64][]Rule{}
	for _, r := range rs {
		out[r.CameraID] = append(out[r.CameraID], r)
	}
	return out, err
}

// Rules lists a camera's rules.
func (s *Service) Rules(ctx context.Context, a *linli.Actor, cameraID int64) ([]Rule, error) {
	if _, err := s.Camera(ctx, a, cameraID); err != nil {
		return nil, err
	}
	return storage.Select(ctx, s.db, func(r *sql.Rows) (Rule, error) { return scanRule(r) },
		`SELECT `+ruleCols+` FROM camera_rules WHERE camera_id = ? ORDER BY id`, cameraID)
}

func cleanLabels(ls []string) string {
	var out []string
	for _, l := range ls {
		if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, ",") {
			out = append(out, l)
		}
	}
	return strings.Join(out, ",")
}

// SaveRule adds a rule to a camera (r.ID zero) or changes one; the next
// event of the camera is judged by it.
func (s *Service) SaveRule(ctx context.Context, a *linli.Actor, cameraID int64, r Rule) (Rule, error) {
	c, err := s.Camera(ctx, a, cameraID)
	if err != nil {
		return Rule{}, err
	}
	if !a.Can(linli.PermCamerasManage, c.Path) {
		return Rule{}, errForbidden()
	}
	if err := r.validate(); err != nil {
		return Rule{}, err
	}
	r.CameraID = cameraID
	labels, notify := cleanLabels(r.Labels), cleanNotify(r.Notify)
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := storage.Millis(s.now())
		if r.ID == 0 {
			r.ID, err = tx.Insert(ctx, `INSERT INTO camera_rules (camera_id, kind, zone, labels, seconds, from_minute, to_minute, cooldown, count, enabled, notify, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				cameraID, r.Kind, r.Zone, labels, r.Seconds, r.FromMinute, r.ToMinute, r.Cooldown, r.Count, storage.Int(r.Enabled), notify, now, now)
			if err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE camera_rules SET kind = ?, zone = ?, labels = ?, seconds = ?, from_minute = ?, to_minute = ?, cooldown = ?, count = ?, enabled = ?, notify = ?, updated_at = ?
				WHERE id = ? AND camera_id = ?`,
				r.Kind, r.Zone, labels, r.Seconds, r.FromMinute, r.ToMinute, r.Cooldown, r.Count, storage.Int(r.Enabled), notify, now, r.ID, cameraID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return linli.Errorf(linli.ENotFound, "规则不存在 / rule not found")
			}
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.rule", Entity: "camera", EntityID: cameraID, ScopePath: c.Path,
			Summary: fmt.Sprintf("设置摄像头 %s 的规则 %d（%s）", c.Code, r.ID, r.Kind), SummaryEN: fmt.Sprintf("Set rule %d (%s) of camera %s", r.ID, r.Kind, c.Code), After: r})
	})
	if err != nil {
		return Rule{}, err
	}
	s.changed(ctx)
	return scanRule(s.db.QueryRow(ctx, `SELECT `+ruleCols+` FROM camera_rules WHERE id = ?`, r.ID))
}

// DeleteRule removes a rule of a camera.
func (s *Service) DeleteRule(ctx context.Context, a *linli.Actor, cameraID, ruleID int64) error {
	c, err := s.Camera(ctx, a, cameraID)
	if err != nil {
		return err
	}
	if !a.Can(linli.PermCamerasManage, c.Path) {
		return errForbidden()
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM camera_rules WHERE id = ? AND camera_id = ?`, ruleID, cameraID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return linli.Errorf(linli.ENotFound, "规则不存在 / rule not found")
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.rule_delete", Entity: "camera", EntityID: cameraID, ScopePath: c.Path,
			Summary: fmt.Sprintf("删除摄像头 %s 的规则 %d", c.Code, ruleID), SummaryEN: fmt.Sprintf("Deleted rule %d of camera %s", ruleID, c.Code)})
	})
	if errors.Is(err, sql.ErrNoRows) {
		return linli.Errorf(linli.ENotFound, "规则不存在 / rule not found")
	}
	if err != nil {
		return err
	}
	s.changed(ctx)
	return nil
}
