package cameras

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/storage"
)

// Source kinds an ingest source may be.
const (
	SourceKindHTTP    = "http"    // posts events with a bearer token
	SourceKindGB28181 = "gb28181" // a GB/T 28181 device registering with its password
)

// IngestSource is an analytics box allowed to send events, for the
// cameras under one place.
type IngestSource struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Path     string `json:"-"`
	DeviceID string `json:"device_id,omitempty"`
	// Token is the HTTP source's bearer token, returned once when the
	// source is created and never again (only its SHA-256 is stored).
	Token string `json:"token,omitempty"`
	// The list's fields (Sources): the place's name, who added it and
	// when, when an HTTP source's token was last accepted (to the
	// minute; zero: never), when it was revoked (zero: in use).
	Place     string    `json:"place,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used_at"`
	RevokedAt time.Time `json:"revoked_at"`
}

// SourceInput creates an ingest source on a place.
type SourceInput struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	NodeID   int64  `json:"node_id"`
	DeviceID string `json:"device_id"` // GB/T 28181: the device's 20-digit ID
	Secret   string `json:"secret"`    // GB/T 28181: its SIP digest password
	// Token is an HTTP source's token given instead of a drawn one. Only
	// the demo sets it, so that `linli demo` can print a ready replay
	// command; the API cannot (json "-").
	Token string `json:"-"`
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// CreateSource adds an ingest source. An HTTP source's token is in the
// answer, once.
func (s *Service) CreateSource(ctx context.Context, a *linli.Actor, in SourceInput) (IngestSource, error) {
	var v linli.Validation
	in.Name = strings.TrimSpace(in.Name)
	if in.Kind != SourceKindHTTP && in.Kind != SourceKindGB28181 {
		v.Add("kind", "须为 http 或 gb28181 / must be http or gb28181")
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 80 {
		v.Add("name", "必填，不超过 80 字 / required, at most 80 characters")
	}
	if in.Kind == SourceKindGB28181 {
		if len(in.DeviceID) != 20 || strings.Trim(in.DeviceID, "0123456789") != "" {
			v.Add("device_id", "须为 20 位数字 / must be 20 digits")
		}
		if len(in.Secret) < 8 || len(in.Secret) > 64 {
			v.Add("secret", "8 到 64 个字符 / 8 to 64 characters")
		}
	}
	if in.Token != "" && (in.Kind != SourceKindHTTP || !strings.HasPrefix(in.Token, "cam_") || len(in.Token) < 24) {
		v.Add("token", "须为 cam_ 开头、至少 24 个字符 / must start with cam_, at least 24 characters")
	}
	if err := v.Err(); err != nil {
		return IngestSource{}, err
	}
	n, err := s.place(ctx, a, in.NodeID)
	if err != nil {
		return IngestSource{}, err
	}
	out := IngestSource{Kind: in.Kind, Name: in.Name, Path: n.Path, DeviceID: in.DeviceID, Place: n.Name, CreatedBy: name(a), CreatedAt: s.now()}
	hash := ""
	if in.Kind == SourceKindHTTP {
		out.Token = in.Token
		if out.Token == "" {
			b := make([]byte, 24)
			_, _ = rand.Read(b)
			out.Token = "cam_" + hex.EncodeToString(b)
		}
		hash = hashToken(out.Token)
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		out.ID, err = tx.Insert(ctx, `INSERT INTO camera_sources (kind, name, path, token_hash, device_id, secret, created_by, created_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Kind, in.Name, n.Path, hash, in.DeviceID, in.Secret, a.AccountID, name(a), storage.Millis(s.now()))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.source", Entity: "camera_source", EntityID: out.ID, ScopePath: n.Path,
			Summary: "新增摄像头事件来源 " + in.Name, SummaryEN: "Added camera event source " + in.Name})
	})
	return out, err
}

// sourceForToken finds the HTTP source a bearer token belongs to.
func (s *Service) sourceForToken(ctx context.Context, token string) (IngestSource, error) {
	var src IngestSource
	err := s.db.QueryRow(ctx, `SELECT id, kind, name, path FROM camera_sources WHERE token_hash = ? AND kind = 'http' AND revoked_at = 0`,
		hashToken(token)).Scan(&src.ID, &src.Kind, &src.Name, &src.Path)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return src, linli.Errorf(linli.EUnauthorized, "事件来源令牌无效 / invalid source token")
	}
	if err == nil {
		s.touchSource(ctx, src.ID)
	}
	return src, err
}

// usedEvery is how often a source's last use is written: the sources page
// shows it to the minute, and a busy box must not cost a write a request.
const usedEvery = time.Minute

// touchSource records that a source's token was accepted now, at most
// once a usedEvery per source (a failed write is only a stale "last used").
func (s *Service) touchSource(ctx context.Context, id int64) {
	now := s.now()
	if last, ok := s.used.Load(id); ok && now.Sub(last.(time.Time)) < usedEvery {
		return
	}
	s.used.Store(id, now)
	_ = s.db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE camera_sources SET last_used_at = ? WHERE id = ?`, storage.Millis(now), id)
		return err
	})
}

// Sources lists the ingest sources of the places where the actor manages
// cameras (staff; guards do not see them), the revoked ones last.
func (s *Service) Sources(ctx context.Context, a *linli.Actor) ([]IngestSource, error) {
	scopes := a.Scopes(linli.PermCamerasManage)
	if len(scopes) == 0 {
		return nil, errForbidden()
	}
	where, args := storage.ScopeFilter("s.path", scopes)
	out, err := storage.Select(ctx, s.db, func(r *sql.Rows) (IngestSource, error) {
		var src IngestSource
		var created, used, revoked int64
		err := r.Scan(&src.ID, &src.Kind, &src.Name, &src.Path, &src.DeviceID, &src.CreatedBy, &created, &used, &revoked)
		src.CreatedAt = storage.FromMillis(created)
		if used != 0 {
			src.LastUsed = storage.FromMillis(used)
		}
		if revoked != 0 {
			src.RevokedAt = storage.FromMillis(revoked)
		}
		return src, err
	}, `SELECT s.id, s.kind, s.name, s.path, s.device_id, s.created_name, s.created_at, s.last_used_at, s.revoked_at
		FROM camera_sources s WHERE `+where+` ORDER BY s.revoked_at <> 0, s.path, s.id`, args...)
	if err != nil {
		return nil, err
	}
	// The places' names, from the last id of each path.
	ids := make([]int64, 0, len(out))
	for _, src := range out {
		if id, ok := pathNode(src.Path); ok {
			ids = append(ids, id)
		}
	}
	nodes, err := s.reg.NodesAt(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for i, src := range out {
		if id, ok := pathNode(src.Path); ok {
			out[i].Place = nodes[id].Name
		}
	}
	return out, nil
}

// pathNode is the node a path ends with ("/1/5/9/" → 9).
func pathNode(path string) (int64, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	id, err := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	return id, err == nil
}

// RevokeSource stops an ingest source: its token (or the device's
// password) is refused from now on. Revoking twice is nothing.
func (s *Service) RevokeSource(ctx context.Context, a *linli.Actor, id int64) error {
	var name, path string
	var revoked int64
	err := s.db.QueryRow(ctx, `SELECT name, path, revoked_at FROM camera_sources WHERE id = ?`, id).Scan(&name, &path, &revoked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.Can(linli.PermCamerasManage, path)) {
		return linli.Errorf(linli.ENotFound, "事件来源不存在 / source not found")
	}
	if err != nil || revoked != 0 {
		return err
	}
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE camera_sources SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at = 0`, storage.Millis(s.now()), a.AccountID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "camera.source_revoke", Entity: "camera_source", EntityID: id, ScopePath: path,
			Summary: "停用摄像头事件来源 " + name, SummaryEN: "Revoked camera event source " + name})
	})
}

// DeviceSecret is the SIP digest password of a registered GB/T 28181
// device (for the gb28181 way in); ok is false for an unknown device.
func (s *Service) DeviceSecret(ctx context.Context, deviceID string) (secret string, ok bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT secret FROM camera_sources WHERE kind = 'gb28181' AND device_id = ? AND revoked_at = 0 ORDER BY id DESC LIMIT 1`,
		deviceID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return secret, err == nil, err
}
