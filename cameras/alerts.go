package cameras

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/cases"
	"linli/links"
	"linli/storage"
)

// DefaultCaseCategory is the category of a case opened from an alert.
const DefaultCaseCategory = "safety_hazard"

// Change is one row of the alerts' log: an alert raised or handled. ID
// grows across every estate; the board's stream resumes from it.
type Change struct {
	ID    int64  `json:"id"`
	What  string `json:"what"` // raised | acknowledged | handled | false_alarm | escalated
	Alert Alert  `json:"alert"`
}

// logAlert appends the alert's change to the log in tx; the board hears
// of it after commit.
func (s *Service) logAlert(ctx context.Context, tx *storage.Tx, al Alert, what string) error {
	id, err := tx.Insert(ctx, `INSERT INTO camera_alert_log (alert_id, path, what, at) VALUES (?, ?, ?, ?)`, al.ID, al.Path, what, storage.Millis(s.now()))
	if err != nil {
		return err
	}
	if s.notify != nil {
		ch := Change{ID: id, What: what, Alert: al}
		tx.AfterCommit(func() { s.notify(ch) })
	}
	return nil
}

const alertCols = `a.id, a.camera_id, c.name, a.path, a.rule_id, a.rule_kind, a.source, a.event_id, a.label, a.score, a.zone, a.at, a.state,
	a.ack_name, a.ack_at, a.ack_note, a.closed_at, a.close_note, a.case_id, a.snapshot_id, a.created_at`

// alertTimes holds an alert row's stored times until they are read into it.
type alertTimes struct{ at, ackAt, closedAt, snap, created int64 }

// alertDest are the scan destinations of alertCols.
func alertDest(al *Alert, t *alertTimes) []any {
	return []any{&al.ID, &al.CameraID, &al.Camera, &al.Path, &al.RuleID, &al.RuleKind, &al.Source, &al.EventID, &al.Label, &al.Score, &al.Zone, &t.at, &al.State,
		&al.AckBy, &t.ackAt, &al.AckNote, &t.closedAt, &al.CloseNote, &al.CaseID, &t.snap, &t.created}
}

func (t alertTimes) fill(al *Alert) {
	al.At, al.CreatedAt = storage.FromMillis(t.at), storage.FromMillis(t.created)
	if t.ackAt != 0 {
		al.AckAt = storage.FromMillis(t.ackAt)
	}
	if t.closedAt != 0 {
		al.ClosedAt = storage.FromMillis(t.closedAt)
	}
	al.Snapshot = t.snap != 0
}

func scanAlert(r interface{ Scan(...any) error }) (Alert, error) {
	var al Alert
	var t alertTimes
	err := r.Scan(alertDest(&al, &t)...)
	t.fill(&al)
	return al, err
}

func (s *Service) alert(ctx context.Context, q storage.Querier, id int64) (Alert, error) {
	al, err := scanAlert(q.QueryRow(ctx, `SELECT `+alertCols+` FROM camera_alerts a JOIN cameras c ON c.id = a.camera_id WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return al, linli.Errorf(linli.ENotFound, "告警不存在 / alert not found")
	}
	return al, err
}

// Alert returns one alert of a camera the actor watches.
func (s *Service) Alert(ctx context.Context, a *linli.Actor, id int64) (Alert, error) {
	al, err := s.alert(ctx, s.db, id)
	if err != nil {
		return al, err
	}
	if !mayWatch(a, al.Path) {
		return Alert{}, linli.Errorf(linli.ENotFound, "告警不存在 / alert not found")
	}
	return al, nil
}

// AlertFilter narrows the alerts list; zero fields do not filter.
type AlertFilter struct {
	CameraID int64
	States   []AlertState
	From, To time.Time // the alert's own time, To excluded
	Limit    int       // default 100, at most 500
	all      bool      // no limit: the statistics, over a bounded period
}

// Alerts lists the alerts the actor watches, newest first.
func (s *Service) Alerts(ctx context.Context, a *linli.Actor, f AlertFilter) ([]Alert, error) {
	scopes := watchScopes(a)
	if len(scopes) == 0 {
		return nil, errForbidden()
	}
	where, args := storage.ScopeFilter("a.path", scopes)
	q := `SELECT ` + alertCols + ` FROM camera_alerts a JOIN cameras c ON c.id = a.camera_id WHERE ` + where
	if f.CameraID != 0 {
		q += ` AND a.camera_id = ?`
		args = append(args, f.CameraID)
	}
	if len(f.States) > 0 {
		q += ` AND a.state IN (` + storage.Placeholders(len(f.States)) + `)`
		args = append(args, storage.Args(f.States)...)
	}
	if !f.From.IsZero() {
		q += ` AND a.at >= ?`
		args = append(args, storage.Millis(f.From))
	}
	if !f.To.IsZero() {
		q += ` AND a.at < ?`
		args = append(args, storage.Millis(f.To))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q += ` ORDER BY a.at DESC, a.id DESC`
	if !f.all {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	return storage.Select(ctx, s.db, func(r *sql.Rows) (Alert, error) { return scanAlert(r) }, q, args...)
}

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return "", linli.Invalid("备注过长 / note too long", linli.FieldError{Field: "note", Reason: "不超过 1000 字 / at most 1000 characters"})
	}
	return note, nil
}

func errState(al Alert) error {
	return linli.Errorf(linli.EConflict, "告警当前状态为 %s，不能这样处理 / the alert is %s", al.State, al.State)
}

// handle loads an alert the actor watches, in one of the states from, and
// applies change in one transaction with the audit row and the log row.
func (s *Service) handle(ctx context.Context, a *linli.Actor, id int64, note string, what string, from []AlertState,
	change func(tx *storage.Tx, al *Alert, note string, now time.Time) error) (Alert, error) {
	note, err := checkNote(note)
	if err != nil {
		return Alert{}, err
	}
	if _, err := s.Alert(ctx, a, id); err != nil {
		return Alert{}, err
	}
	var out Alert
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		al, err := s.alert(ctx, tx, id)
		if err != nil {
			return err
		}
		ok := false
		for _, st := range from {
			ok = ok || al.State == st
		}
		if !ok {
			return errState(al)
		}
		now := s.now()
		if err := change(tx, &al, note, now); err != nil {
			return err
		}
		if err := s.logAlert(ctx, tx, al, what); err != nil {
			return err
		}
		out = al
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "camera_alert." + what, Entity: "camera_alert", EntityID: id, ScopePath: al.Path,
			Summary: fmt.Sprintf("摄像头告警 %d：%s %s", id, what, note), SummaryEN: fmt.Sprintf("Camera alert %d: %s %s", id, what, note)})
	})
	return out, err
}

// Acknowledge: a guard or staff member has seen the alert (who, when, a note).
func (s *Service) Acknowledge(ctx context.Context, a *linli.Actor, id int64, note string) (Alert, error) {
	return s.handle(ctx, a, id, note, string(Acknowledged), []AlertState{Open}, func(tx *storage.Tx, al *Alert, note string, now time.Time) error {
		al.State, al.AckBy, al.AckAt, al.AckNote = Acknowledged, name(a), now, note
		_, err := tx.Exec(ctx, `UPDATE camera_alerts SET state = ?, ack_by = ?, ack_name = ?, ack_at = ?, ack_note = ? WHERE id = ?`,
			Acknowledged, a.AccountID, al.AckBy, storage.Millis(now), note, id)
		return err
	})
}

// Close ends an open or acknowledged alert as handled or as a false alarm.
func (s *Service) Close(ctx context.Context, a *linli.Actor, id int64, outcome AlertState, note string) (Alert, error) {
	if outcome != Handled && outcome != FalseAlarm {
		return Alert{}, linli.Invalid("结果须为 handled 或 false_alarm / outcome must be handled or false_alarm",
			linli.FieldError{Field: "outcome", Reason: "handled | false_alarm"})
	}
	return s.handle(ctx, a, id, note, string(outcome), []AlertState{Open, Acknowledged}, func(tx *storage.Tx, al *Alert, note string, now time.Time) error {
		al.State, al.ClosedAt, al.CloseNote = outcome, now, note
		_, err := tx.Exec(ctx, `UPDATE camera_alerts SET state = ?, closed_by = ?, closed_at = ?, close_note = ? WHERE id = ?`,
			outcome, a.AccountID, storage.Millis(now), note, id)
		return err
	})
}

// Escalate turns an open or acknowledged alert into a case (source
// "camera") at the camera's place, linked both ways: the case page shows
// the alert through the link resolver. Asking twice opens one case.
func (s *Service) Escalate(ctx context.Context, a *linli.Actor, id int64, note string) (Alert, error) {
	note, err := checkNote(note)
	if err != nil {
		return Alert{}, err
	}
	al, err := s.Alert(ctx, a, id)
	if err != nil {
		return Alert{}, err
	}
	if al.State != Open && al.State != Acknowledged {
		return Alert{}, errState(al)
	}
	var nodeID int64
	if err := s.db.QueryRow(ctx, `SELECT node_id FROM cameras WHERE id = ?`, al.CameraID).Scan(&nodeID); err != nil {
		return Alert{}, err
	}
	desc := fmt.Sprintf("摄像头「%s」于 %s 告警（%s，%s，区域 %s）。", al.Camera, al.At.In(s.zone()).Format("2006-01-02 15:04:05"), ruleLabel(al.RuleKind), al.Label, al.Zone)
	if note != "" {
		desc += note
	}
	c, err := s.cs.Open(ctx, a, cases.NewCase{Category: DefaultCaseCategory, Title: "视频告警：" + al.Camera + " " + ruleLabel(al.RuleKind),
		Description: desc, Source: cases.SourceCamera, SourceRef: links.Ref{Kind: KindAlert, ID: id}.String(), LocationID: nodeID,
		IdempotencyKey: fmt.Sprintf("camera-alert:%d", id)})
	if err != nil {
		return Alert{}, err
	}
	return s.handle(ctx, a, id, note, string(Escalated), []AlertState{Open, Acknowledged}, func(tx *storage.Tx, al *Alert, note string, now time.Time) error {
		al.State, al.CaseID, al.ClosedAt, al.CloseNote = Escalated, c.ID, now, note
		if _, err := tx.Exec(ctx, `UPDATE camera_alerts SET state = ?, case_id = ?, closed_by = ?, closed_at = ?, close_note = ? WHERE id = ?`,
			Escalated, c.ID, a.AccountID, storage.Millis(now), note, id); err != nil {
			return err
		}
		return links.Add(ctx, tx, links.Ref{Kind: KindAlert, ID: id}, links.Ref{Kind: links.KindCase, ID: c.ID}, "alert", now)
	})
}

func name(a *linli.Actor) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

// ruleLabel is the Chinese name of a rule kind, for texts stored in cases.
func ruleLabel(k RuleKind) string {
	switch k {
	case Loiter:
		return "异常徘徊"
	case NightEntry:
		return "夜间进入"
	case Reappear:
		return "反复出现"
	case Offline:
		return "摄像头离线"
	}
	return string(k)
}

// resolveAlerts describes alerts for links: the case page shows the alert
// it came from.
func (s *Service) resolveAlerts(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		al, err := s.Alert(ctx, a, id)
		if code := linli.ErrorCode(err); code == linli.ENotFound || code == linli.EForbidden {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = links.Item{Title: fmt.Sprintf("视频告警 %d：%s %s", id, al.Camera, ruleLabel(al.RuleKind)),
			TitleEN: fmt.Sprintf("Camera alert %d: %s %s", id, al.Camera, al.RuleKind),
			URL:     fmt.Sprintf("/cameras/alerts/%d", id), State: string(al.State), At: al.At}
	}
	return out, nil
}
