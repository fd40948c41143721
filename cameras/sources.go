package cameras

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
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
	out := IngestSource{Kind: in.Kind, Name: in.Name, Path: n.Path, DeviceID: in.DeviceID}
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
		out.ID, err = tx.Insert(ctx, `INSERT INTO camera_sources (kind, name, path, token_hash, device_id, secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Kind, in.Name, n.Path, hash, in.DeviceID, in.Secret, a.AccountID, storage.Millis(s.now()))
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
	return src, err
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
