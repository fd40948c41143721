package cameras

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/audit"
	"linli/cameras/feed"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

const cameraCols = `id, code, name, node_id, path, direction, source, source_ref, snapshots, state, last_heartbeat, dropped, created_at, updated_at`

func scanCamera(r interface{ Scan(...any) error }) (Camera, error) {
	var c Camera
	var snaps, hb, created, updated int64
	err := r.Scan(&c.ID, &c.Code, &c.Name, &c.NodeID, &c.Path, &c.Direction, &c.Source, &c.SourceRef, &snaps, &c.State, &hb, &c.Dropped, &created, &updated)
	c.Snapshots = snaps != 0
	if hb != 0 {
		c.LastHeartbeat = storage.FromMillis(hb)
	}
	c.CreatedAt, c.UpdatedAt = storage.FromMillis(created), storage.FromMillis(updated)
	return c, err
}

func (s *Service) allCameras(ctx context.Context) ([]Camera, error) {
	return storage.Select(ctx, s.db, func(r *sql.Rows) (Camera, error) { return scanCamera(r) },
		`SELECT `+cameraCols+` FROM cameras ORDER BY id`)
}

func (in *CameraInput) validate() error {
	var v linli.Validation
	in.Code, in.Name, in.SourceRef = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.SourceRef)
	if in.Code == "" || utf8.RuneCountInString(in.Code) > 40 {
		v.Add("code", "必填，不超过 40 字 / required, at most 40 characters")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 80 {
		v.Add("name", "必填，不超过 80 字 / required, at most 80 characters")
	}
	if in.NodeID <= 0 {
		v.Add("node_id", "请选择小区大门或楼栋入口 / choose an estate gate or a building entrance")
	}
	if !slices.Contains([]feed.Source{feed.SourceFrigate, feed.SourceGB28181, feed.SourceHTTP}, in.Source) {
		v.Add("source", "须为 frigate、gb28181 或 http / must be frigate, gb28181 or http")
	}
	if in.SourceRef == "" || len(in.SourceRef) > 100 {
		v.Add("source_ref", "必填：Frigate 摄像头名或国标设备/通道编号 / required: the Frigate camera name or the GB/T 28181 device or channel ID")
	}
	if utf8.RuneCountInString(in.Direction) > 80 {
		v.Add("direction", "不超过 80 字 / at most 80 characters")
	}
	seen := map[string]bool{}
	for i, z := range in.Zones {
		name := strings.TrimSpace(z.Name)
		if name == "" || seen[name] {
			v.Add(fmt.Sprintf("zones[%d].name", i), "必填且不重复 / required and unique")
		}
		seen[name] = true
		in.Zones[i].Name = name
	}
	return v.Err()
}

// place checks the camera's node: an estate (its gate), a building or a
// unit (its entrance), on which the actor manages cameras. A place the
// actor does not see (registry.Sees) answers exactly like an unknown one
// (the same 422 on node_id, before its kind is looked at): a 403 there, or
// a kind error, would tell which ids exist in other communities.
func (s *Service) place(ctx context.Context, a *linli.Actor, nodeID int64) (registry.Node, error) {
	if !a.CanAny(linli.PermCamerasManage) {
		return registry.Node{}, errForbidden() // tells nothing of the id
	}
	n, err := s.reg.NodeByID(ctx, nodeID)
	if err == nil && !registry.Sees(a, n.Path) {
		err = linli.Errorf(linli.ENotFound, "no place in view")
	}
	if linli.ErrorCode(err) == linli.ENotFound {
		return registry.Node{}, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "node_id", Reason: "地点不存在 / place not found"})
	}
	if err != nil {
		return n, err
	}
	if n.Kind != registry.KindEstate && n.Kind != registry.KindBuilding && n.Kind != registry.KindUnit {
		return n, linli.Invalid("摄像头须装在小区大门或楼栋入口 / a camera stands at an estate gate or a building entrance",
			linli.FieldError{Field: "node_id", Reason: "须为小区、楼栋或单元 / must be an estate, building or unit"})
	}
	if !a.Can(linli.PermCamerasManage, n.Path) {
		return n, errForbidden() // a place the actor sees, not its to equip
	}
	return n, nil
}

func conflict(err error) error {
	if storage.IsUnique(err) {
		return linli.Invalid("编号或来源已被占用 / code or source already used",
			linli.FieldError{Field: "code", Reason: "编号或来源名已被其他摄像头使用 / the code or the source name is another camera's"})
	}
	return err
}

// CreateCamera adds a camera as a draft, with an empty privacy record.
func (s *Service) CreateCamera(ctx context.Context, a *linli.Actor, in CameraInput) (Camera, error) {
	if err := in.validate(); err != nil {
		return Camera{}, err
	}
	n, err := s.place(ctx, a, in.NodeID)
	if err != nil {
		return Camera{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := storage.Millis(s.now())
		id, err = tx.Insert(ctx, `INSERT INTO cameras (code, name, node_id, path, direction, source, source_ref, snapshots, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Code, in.Name, n.ID, n.Path, in.Direction, in.Source, in.SourceRef, storage.Int(in.Snapshots), Draft, a.AccountID, now, now)
		if err != nil {
			return conflict(err)
		}
		if err := writeZones(ctx, tx, id, in.Zones); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO camera_privacy (camera_id) VALUES (?)`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.create", Entity: "camera", EntityID: id, ScopePath: n.Path,
			Summary: "新增摄像头 " + in.Code + " " + in.Name, SummaryEN: "Added camera " + in.Code + " " + in.Name, After: in})
	})
	if err != nil {
		return Camera{}, err
	}
	s.changed(ctx)
	return s.Camera(ctx, a, id)
}

func writeZones(ctx context.Context, tx *storage.Tx, id int64, zones []Zone) error {
	if _, err := tx.Exec(ctx, `DELETE FROM camera_zones WHERE camera_id = ?`, id); err != nil {
		return err
	}
	for _, z := range zones {
		if _, err := tx.Exec(ctx, `INSERT INTO camera_zones (camera_id, name, covers) VALUES (?, ?, ?)`, id, z.Name, z.Covers); err != nil {
			return err
		}
	}
	return nil
}

// UpdateCamera changes a camera's description, source and zones.
func (s *Service) UpdateCamera(ctx context.Context, a *linli.Actor, id int64, in CameraInput) (Camera, error) {
	before, err := s.Camera(ctx, a, id)
	if err != nil {
		return Camera{}, err
	}
	if err := in.validate(); err != nil {
		return Camera{}, err
	}
	if !a.Can(linli.PermCamerasManage, before.Path) {
		// Seen (a guard watches it) but not the actor's to change.
		return Camera{}, errForbidden()
	}
	n, err := s.place(ctx, a, in.NodeID)
	if err != nil {
		return Camera{}, err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE cameras SET code = ?, name = ?, node_id = ?, path = ?, direction = ?, source = ?, source_ref = ?, snapshots = ?, updated_at = ? WHERE id = ?`,
			in.Code, in.Name, n.ID, n.Path, in.Direction, in.Source, in.SourceRef, storage.Int(in.Snapshots), storage.Millis(s.now()), id)
		if err != nil {
			return conflict(err)
		}
		if err := writeZones(ctx, tx, id, in.Zones); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.update", Entity: "camera", EntityID: id, ScopePath: n.Path,
			Summary: "修改摄像头 " + in.Code, SummaryEN: "Changed camera " + in.Code, Before: before, After: in})
	})
	if err != nil {
		return Camera{}, err
	}
	s.changed(ctx)
	return s.Camera(ctx, a, id)
}

// Camera returns one camera the actor watches or manages.
func (s *Service) Camera(ctx context.Context, a *linli.Actor, id int64) (Camera, error) {
	c, err := scanCamera(s.db.QueryRow(ctx, `SELECT `+cameraCols+` FROM cameras WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errNotFound()
	}
	if err != nil {
		return c, err
	}
	if !mayWatch(a, c.Path) {
		return Camera{}, errNotFound()
	}
	c.Online = Online(c, s.now(), onlineWindow)
	c.Zones, err = storage.Select(ctx, s.db, func(r *sql.Rows) (Zone, error) {
		var z Zone
		return z, r.Scan(&z.Name, &z.Covers)
	}, `SELECT name, covers FROM camera_zones WHERE camera_id = ? ORDER BY id`, id)
	return c, err
}

// Cameras lists the cameras the actor watches or manages, by place and code.
func (s *Service) Cameras(ctx context.Context, a *linli.Actor) ([]Camera, error) {
	scopes := watchScopes(a)
	if len(scopes) == 0 {
		return nil, errForbidden()
	}
	where, args := storage.ScopeFilter("path", scopes)
	now := s.now()
	return storage.Select(ctx, s.db, func(r *sql.Rows) (Camera, error) {
		c, err := scanCamera(r)
		c.Online = Online(c, now, onlineWindow)
		return c, err
	}, `SELECT `+cameraCols+` FROM cameras WHERE `+where+` ORDER BY path, code`, args...)
}

// Privacy returns a camera's privacy record.
func (s *Service) Privacy(ctx context.Context, a *linli.Actor, id int64) (Privacy, error) {
	if _, err := s.Camera(ctx, a, id); err != nil {
		return Privacy{}, err
	}
	return s.privacy(ctx, s.db, id)
}

func (s *Service) privacy(ctx context.Context, q storage.Querier, id int64) (Privacy, error) {
	var p Privacy
	var kind, masks string
	var cid, noView, updated int64
	err := q.QueryRow(ctx, `SELECT purpose, consult_kind, consult_id, no_private_view, view_photo_id, masks, signage_photo_id, signage_text, reviewer, reviewed_on, updated_at
		FROM camera_privacy WHERE camera_id = ?`, id).Scan(&p.Purpose, &kind, &cid, &noView, &p.ViewPhotoID, &masks, &p.SignagePhotoID, &p.SignageText, &p.Reviewer, &p.ReviewedOn, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNotFound()
	}
	if cid != 0 {
		p.Consultation = links.Ref{Kind: kind, ID: cid}.String()
	}
	p.NoPrivateView = noView != 0
	if masks != "" {
		if err := json.Unmarshal([]byte(masks), &p.Masks); err != nil {
			return p, err
		}
	}
	if updated != 0 {
		p.UpdatedAt = storage.FromMillis(updated)
	}
	return p, err
}

// Missing names the fields of a privacy record still to fill before the
// camera may be switched on: every one is required (PIPL art. 26; the
// regulation in force 2025-04-01 asks for the purpose, the signs and
// that private spaces are not filmed; the consultation is the community's
// own rule, the Lindao way).
func (p Privacy) Missing() []linli.FieldError {
	var out []linli.FieldError
	add := func(field, reason string) { out = append(out, linli.FieldError{Field: field, Reason: reason}) }
	if strings.TrimSpace(p.Purpose) == "" {
		add("purpose", "请写明用途 / state the purpose")
	}
	if p.Consultation == "" {
		add("consultation", "请关联决定此事的居民会议或走访 / link the residents' meeting or visits that decided it")
	}
	if !p.NoPrivateView {
		add("no_private_view", "请确认画面中没有阳台、窗户或私人空间 / confirm no balcony, window or private space is in view")
	}
	if p.ViewPhotoID == 0 {
		add("view_photo_id", "请上传画面照片 / upload the photo of the view")
	}
	if len(p.Masks) == 0 {
		add("masks", "请记录遮挡区域 / document the mask polygons")
	}
	if p.SignagePhotoID == 0 {
		add("signage_photo_id", "请上传提示牌照片 / upload the photo of the sign")
	}
	if strings.TrimSpace(p.SignageText) == "" {
		add("signage_text", "请填写提示牌文字 / give the sign's text")
	}
	if strings.TrimSpace(p.Reviewer) == "" {
		add("reviewer", "请填写审核人 / name the reviewer")
	}
	if p.ReviewedOn == "" {
		add("reviewed_on", "请填写审核日期 / give the review date")
	}
	return out
}

func (p *Privacy) validate() (links.Ref, error) {
	var v linli.Validation
	var ref links.Ref
	if p.Consultation != "" {
		r, err := links.Parse(p.Consultation)
		if err != nil || (r.Kind != links.KindMeeting && r.Kind != links.KindVisit) {
			v.Add("consultation", "须为会议或走访，如 meeting:12 / must be a meeting or a visit, e.g. meeting:12")
		}
		ref = r
	}
	if p.ReviewedOn != "" {
		if _, err := time.Parse(time.DateOnly, p.ReviewedOn); err != nil {
			v.Add("reviewed_on", "日期格式为 YYYY-MM-DD / date as YYYY-MM-DD")
		}
	}
	for i, poly := range p.Masks {
		if len(poly) < 3 {
			v.Add(fmt.Sprintf("masks[%d]", i), "多边形至少三个点 / a polygon has at least three points")
		}
		for _, pt := range poly {
			if pt[0] < 0 || pt[0] > 1 || pt[1] < 0 || pt[1] > 1 {
				v.Add(fmt.Sprintf("masks[%d]", i), "坐标须在 0 到 1 之间 / coordinates in 0..1 of the frame")
				break
			}
		}
	}
	if utf8.RuneCountInString(p.Purpose) > 500 || utf8.RuneCountInString(p.SignageText) > 500 {
		v.Add("purpose", "不超过 500 字 / at most 500 characters")
	}
	return ref, v.Err()
}

// SavePrivacy stores a camera's privacy record; the consultation must be
// a meeting or visit the actor sees, and is linked to the camera.
func (s *Service) SavePrivacy(ctx context.Context, a *linli.Actor, id int64, p Privacy) (Privacy, error) {
	c, err := s.Camera(ctx, a, id)
	if err != nil {
		return Privacy{}, err
	}
	if !a.Can(linli.PermCamerasManage, c.Path) {
		return Privacy{}, errForbidden()
	}
	ref, err := p.validate()
	if err != nil {
		return Privacy{}, err
	}
	if err := s.ownPhotos(ctx, id, p); err != nil {
		return Privacy{}, err
	}
	if !ref.IsZero() {
		ok, err := s.lk.Visible(ctx, a, ref)
		if err != nil {
			return Privacy{}, err
		}
		if !ok {
			return Privacy{}, linli.Invalid("找不到该会议或走访 / meeting or visit not found",
				linli.FieldError{Field: "consultation", Reason: "不存在或无权查看 / not found or not visible"})
		}
	}
	masks := ""
	if len(p.Masks) > 0 {
		b, _ := json.Marshal(p.Masks)
		masks = string(b)
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := s.now()
		_, err := tx.Exec(ctx, `UPDATE camera_privacy SET purpose = ?, consult_kind = ?, consult_id = ?, no_private_view = ?, view_photo_id = ?, masks = ?,
			signage_photo_id = ?, signage_text = ?, reviewer = ?, reviewed_on = ?, updated_by = ?, updated_at = ? WHERE camera_id = ?`,
			p.Purpose, ref.Kind, ref.ID, storage.Int(p.NoPrivateView), p.ViewPhotoID, masks, p.SignagePhotoID, p.SignageText, p.Reviewer, p.ReviewedOn,
			a.AccountID, storage.Millis(now), id)
		if err != nil {
			return err
		}
		if !ref.IsZero() {
			if err := links.Add(ctx, tx, ref, links.Ref{Kind: KindCamera, ID: id}, "consultation", now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "camera.privacy", Entity: "camera", EntityID: id, ScopePath: c.Path,
			Summary: "更新摄像头隐私记录 " + c.Code, SummaryEN: "Updated the privacy record of camera " + c.Code, After: p})
	})
	if err != nil {
		return Privacy{}, err
	}
	return s.privacy(ctx, s.db, id)
}

// ownPhotos refuses a photo id that is not an attachment of this camera:
// the id comes from the client, and a case's photo or another estate's
// camera photo named here would be shown on this camera's page.
func (s *Service) ownPhotos(ctx context.Context, cameraID int64, p Privacy) error {
	var v linli.Validation
	for _, ph := range []struct {
		field string
		id    int64
	}{{"view_photo_id", p.ViewPhotoID}, {"signage_photo_id", p.SignagePhotoID}} {
		if ph.id == 0 {
			continue
		}
		att, err := attach.Get(ctx, s.db, ph.id)
		if err != nil && linli.ErrorCode(err) != linli.ENotFound {
			return err
		}
		if err != nil || att.Owner != KindCamera || att.OwnerID != cameraID || !att.IsImage() {
			v.Add(ph.field, "须为本摄像头上传的照片 / must be a photo uploaded for this camera")
		}
	}
	return v.Err()
}

// AddPhoto stores a photo (of the view or of the sign) as an attachment
// of the camera, for its privacy record to name.
func (s *Service) AddPhoto(ctx context.Context, a *linli.Actor, cameraID int64, up attach.Upload) (attach.Attachment, error) {
	c, err := s.Camera(ctx, a, cameraID)
	if err != nil {
		return attach.Attachment{}, err
	}
	if !a.Can(linli.PermCamerasManage, c.Path) {
		return attach.Attachment{}, errForbidden()
	}
	files, err := attach.Check(attach.PhotoLimits(), []attach.Upload{up})
	if err != nil {
		return attach.Attachment{}, err
	}
	var out attach.Attachment
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		saved, err := attach.Save(ctx, tx, KindCamera, cameraID, 0, a.AccountID, files, s.now())
		if err != nil {
			return err
		}
		out = saved[0]
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.photo", Entity: "camera", EntityID: cameraID, ScopePath: c.Path,
			Summary: "上传摄像头照片 " + c.Code, SummaryEN: "Uploaded a photo of camera " + c.Code, After: out})
	})
	return out, err
}

// Photo returns a photo of a camera's privacy record (or its thumbnail)
// to whoever may see the camera; a file of another record is not found.
// A photo of the view shows the street and whoever walks in it: every
// full-size view is audited, like an alert's snapshot (ViewSnapshot) and a
// phone number's reveal. The thumbnails on the record's page are not: at
// that size no one is recognisable, and each page view would write rows.
func (s *Service) Photo(ctx context.Context, a *linli.Actor, fileID int64, thumb bool) (attach.Attachment, []byte, error) {
	att, err := attach.Get(ctx, s.db, fileID)
	if err != nil {
		return att, nil, err
	}
	if att.Owner != KindCamera {
		return attach.Attachment{}, nil, errNotFound()
	}
	c, err := s.Camera(ctx, a, att.OwnerID)
	if err != nil {
		return attach.Attachment{}, nil, err
	}
	att, data, err := attach.OpenOwned(ctx, s.db, KindCamera, att.OwnerID, fileID, thumb)
	if err != nil || thumb {
		return att, data, err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.photo_view", Entity: "camera", EntityID: c.ID, ScopePath: c.Path, Read: true,
			Summary: fmt.Sprintf("查看摄像头 %s 的隐私备案照片 %d", c.Code, fileID), SummaryEN: fmt.Sprintf("Viewed photo %d of the privacy record of camera %s", fileID, c.Code),
			After: map[string]int64{"file_id": fileID}})
	})
	if err != nil {
		return attach.Attachment{}, nil, err
	}
	return att, data, nil
}

// SetState switches a camera on (active) or off (inactive). A camera is
// switched on only with a complete privacy record: the refusal names
// every missing field.
func (s *Service) SetState(ctx context.Context, a *linli.Actor, id int64, to State) (Camera, error) {
	c, err := s.Camera(ctx, a, id)
	if err != nil {
		return Camera{}, err
	}
	if !a.Can(linli.PermCamerasManage, c.Path) {
		return Camera{}, errForbidden()
	}
	if c.State == Retired {
		return Camera{}, linli.Errorf(linli.EConflict, "该摄像头已退役，不能再启用或停用 / the camera is retired: it cannot be switched on or off")
	}
	if to != Active && to != Inactive {
		return Camera{}, linli.Invalid("状态须为 active 或 inactive / state must be active or inactive", linli.FieldError{Field: "state", Reason: "active | inactive"})
	}
	if to == Active {
		p, err := s.privacy(ctx, s.db, id)
		if err != nil {
			return Camera{}, err
		}
		if miss := p.Missing(); len(miss) > 0 {
			return Camera{}, linli.Invalid("隐私记录不完整，不能启用 / the privacy record is incomplete: the camera cannot be switched on", miss...)
		}
	}
	if c.State == to {
		return c, nil
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE cameras SET state = ?, updated_at = ? WHERE id = ?`, to, storage.Millis(s.now()), id); err != nil {
			return err
		}
		zh, en := "停用", "Switched off"
		if to == Active {
			zh, en = "启用", "Switched on"
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.state", Entity: "camera", EntityID: id, ScopePath: c.Path,
			Summary: zh + "摄像头 " + c.Code, SummaryEN: en + " camera " + c.Code, Before: c.State, After: to})
	})
	if err != nil {
		return Camera{}, err
	}
	s.changed(ctx)
	return s.Camera(ctx, a, id)
}

// resolveCameras describes cameras for links (a meeting's page lists the
// cameras it decided).
func (s *Service) resolveCameras(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		c, err := s.Camera(ctx, a, id)
		if code := linli.ErrorCode(err); code == linli.ENotFound || code == linli.EForbidden {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = links.Item{Title: "摄像头 " + c.Code + " " + c.Name, TitleEN: "Camera " + c.Code + " " + c.Name,
			URL: fmt.Sprintf("/cameras/%d", id), State: string(c.State), At: c.CreatedAt}
	}
	return out, nil
}
