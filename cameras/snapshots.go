package cameras

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"linli"
	"linli/audit"
	"linli/cameras/feed"
	"linli/storage"
	"linli/web"
)

// maxSnapshot bounds a stored snapshot (a JPEG of a detection).
const maxSnapshot = 2 << 20

// Snapshot stores the picture of an event where its camera allows it
// (the privacy record's choice) and attaches it to the event's alerts. A
// camera that does not allow snapshots gets nothing stored: stored is
// false, and that is not an error. The ways in call it after the event
// (Frigate's API gives the snapshot of an event id).
func (s *Service) Snapshot(ctx context.Context, src feed.Source, eventID string, data []byte) (stored bool, err error) {
	return s.snapshot(ctx, src, eventID, data, "/")
}

func (s *Service) snapshot(ctx context.Context, src feed.Source, eventID string, data []byte, scope string) (bool, error) {
	mime := http.DetectContentType(data)
	if mime != "image/jpeg" && mime != "image/png" {
		return false, linli.Invalid("快照须为 JPEG 或 PNG / a snapshot is a JPEG or PNG", linli.FieldError{Field: "body", Reason: "image/jpeg | image/png"})
	}
	if len(data) > maxSnapshot {
		return false, linli.Errorf(linli.ETooLarge, "快照超过 2 MB / snapshot larger than 2 MB")
	}
	var camID int64
	err := s.db.QueryRow(ctx, `SELECT camera_id FROM camera_events WHERE source = ? AND event_id = ?`, src, eventID).Scan(&camID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, linli.Errorf(linli.ENotFound, "事件不存在 / no such event")
	}
	if err != nil {
		return false, err
	}
	s.mu.RLock()
	p := s.byID[camID]
	s.mu.RUnlock()
	if p == nil {
		return false, linli.Errorf(linli.ENotFound, "事件不存在 / no such event")
	}
	p.mu.Lock()
	allowed, within := p.snapshots, linli.Within(p.path, scope)
	p.mu.Unlock()
	if !within {
		return false, linli.Errorf(linli.ENotFound, "事件不存在 / no such event")
	}
	if !allowed {
		return false, nil
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		id, err := tx.Insert(ctx, `INSERT INTO camera_snapshots (camera_id, mime, data, created_at) VALUES (?, ?, ?, ?)`, camID, mime, data, storage.Millis(s.now()))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE camera_alerts SET snapshot_id = ? WHERE source = ? AND event_id = ? AND snapshot_id = 0`, id, src, eventID)
		return err
	})
	return err == nil, err
}

// ViewSnapshot returns the snapshot of an alert to a guard or staff
// member of its camera's place; every view is audited.
func (s *Service) ViewSnapshot(ctx context.Context, a *linli.Actor, alertID int64) (mime string, data []byte, err error) {
	al, err := s.Alert(ctx, a, alertID)
	if err != nil {
		return "", nil, err
	}
	var snap int64
	if err := s.db.QueryRow(ctx, `SELECT snapshot_id FROM camera_alerts WHERE id = ?`, alertID).Scan(&snap); err != nil {
		return "", nil, err
	}
	if snap == 0 {
		return "", nil, linli.Errorf(linli.ENotFound, "没有快照 / no snapshot")
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT mime, data FROM camera_snapshots WHERE id = ?`, snap).Scan(&mime, &data); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return linli.Errorf(linli.ENotFound, "没有快照 / no snapshot")
			}
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera_alert.snapshot_view", Read: true, Entity: "camera_alert", EntityID: alertID, ScopePath: al.Path,
			Summary: fmt.Sprintf("查看告警 %d 的快照", alertID), SummaryEN: fmt.Sprintf("Viewed the snapshot of alert %d", alertID)})
	})
	return mime, data, err
}

// apiSnapshotIn is the HTTP way in for a snapshot: the source token, the
// event's id in the query, the image as the body.
func (s *Service) apiSnapshotIn(w http.ResponseWriter, r *http.Request) error {
	src, err := s.bearerSource(r)
	if err != nil {
		return err
	}
	id := r.URL.Query().Get("event_id")
	if id == "" {
		return linli.Invalid("缺少事件编号 / event_id missing", linli.FieldError{Field: "event_id", Reason: "必填 / required"})
	}
	data, err := readBody(w, r, maxSnapshot)
	if err != nil {
		return err
	}
	stored, err := s.snapshot(r.Context(), feed.SourceHTTP, id, data, src.Path)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, map[string]bool{"stored": stored})
	return nil
}

// snapshotPage serves an alert's snapshot (audited), never cached.
func (h *pages) snapshotPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	mime, data, err := h.s.ViewSnapshot(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	return nil
}
