package attach

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"linli"
	"linli/storage"
)

// Save stores checked files for a record inside the caller's transaction,
// so a case and its photos commit or vanish together. Identical bytes are
// stored once: the same photo twice is one blob and two attachments. by is
// the account that attached them, eventID the timeline step (0 for none).
func Save(ctx context.Context, tx *storage.Tx, owner string, ownerID, eventID, by int64, files []Checked, now time.Time) ([]Attachment, error) {
	if owner == "" || ownerID <= 0 {
		return nil, fmt.Errorf("attach: save for owner %q/%d: owner missing", owner, ownerID)
	}
	out := make([]Attachment, 0, len(files))
	for _, f := range files {
		if f.ContentType == "" || len(f.Data) == 0 {
			return nil, fmt.Errorf("attach: %s was not passed through Check", f.Field)
		}
		sum := sha256.Sum256(f.Data)
		a := Attachment{Owner: owner, OwnerID: ownerID, EventID: eventID, Name: f.Name, ContentType: f.ContentType,
			Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:]), Width: f.Width, Height: f.Height,
			CreatedAt: storage.FromMillis(storage.Millis(now)), CreatedBy: by}
		blobID, hasThumb, err := putBlob(ctx, tx, a.SHA256, f, now)
		if err != nil {
			return nil, err
		}
		a.HasThumb = hasThumb
		a.ID, err = tx.Insert(ctx, `INSERT INTO attachments (owner, owner_id, event_id, blob_id, name, content_type, size, width, height, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			owner, ownerID, eventID, blobID, a.Name, a.ContentType, a.Size, a.Width, a.Height, storage.Millis(now), by)
		if err != nil {
			return nil, fmt.Errorf("attach: insert attachment: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// putBlob returns the blob holding these bytes, inserting it if new.
// ON CONFLICT DO NOTHING rather than catching the unique violation: on
// PostgreSQL a failed INSERT aborts the caller's whole transaction, and two
// replicas saving the same photo at once must both succeed (the second waits
// for the first to commit, then finds its row).
func putBlob(ctx context.Context, tx *storage.Tx, sum string, f Checked, now time.Time) (id int64, hasThumb bool, err error) {
	var thumb []byte // a nil []byte is stored as NULL on both engines
	if len(f.Thumb) > 0 {
		thumb = f.Thumb
	}
	id, err = tx.Insert(ctx, `INSERT INTO blobs (sha256, size, data, thumb, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, sum, len(f.Data), f.Data, thumb, storage.Millis(now))
	if err == nil {
		return id, thumb != nil, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("attach: insert blob: %w", err)
	}
	var t int64
	err = tx.QueryRow(ctx, `SELECT id, CASE WHEN thumb IS NULL THEN 0 ELSE 1 END FROM blobs WHERE sha256 = ?`, sum).Scan(&id, &t)
	if err != nil {
		return 0, false, fmt.Errorf("attach: find blob: %w", err)
	}
	return id, storage.Bool(t), nil
}

// selectAttachments reads what scanAttachment scans, then the extra columns.
func selectAttachments(extra string) string {
	return `SELECT a.id, a.owner, a.owner_id, a.event_id, a.name, a.content_type, a.size, b.sha256,
	a.width, a.height, CASE WHEN b.thumb IS NULL THEN 0 ELSE 1 END, a.created_at, a.created_by` + extra + `
	FROM attachments a JOIN blobs b ON b.id = a.blob_id`
}

type scanner interface{ Scan(...any) error }

func scanAttachment(s scanner, extra ...any) (Attachment, error) {
	var a Attachment
	var thumb, created int64
	dest := append([]any{&a.ID, &a.Owner, &a.OwnerID, &a.EventID, &a.Name, &a.ContentType, &a.Size, &a.SHA256,
		&a.Width, &a.Height, &thumb, &created, &a.CreatedBy}, extra...)
	if err := s.Scan(dest...); err != nil {
		return a, err
	}
	a.HasThumb = storage.Bool(thumb)
	a.CreatedAt = storage.FromMillis(created)
	return a, nil
}

// List returns a record's attachments in the order they were attached.
func List(ctx context.Context, db *storage.DB, owner string, ownerID int64) ([]Attachment, error) {
	out, err := storage.Select(ctx, db, func(rows *sql.Rows) (Attachment, error) { return scanAttachment(rows) },
		selectAttachments("")+` WHERE a.owner = ? AND a.owner_id = ? ORDER BY a.id`, owner, ownerID)
	if err != nil {
		return nil, fmt.Errorf("attach: list: %w", err)
	}
	if out == nil {
		out = []Attachment{}
	}
	return out, nil
}

// ListOf returns the attachments of many records of one owner kind, by
// record id, each in the order they were attached: one query for a page
// of records rather than one per record.
func ListOf(ctx context.Context, db *storage.DB, owner string, ownerIDs []int64) (map[int64][]Attachment, error) {
	out := map[int64][]Attachment{}
	for len(ownerIDs) > 0 {
		chunk := ownerIDs[:min(len(ownerIDs), 500)]
		ownerIDs = ownerIDs[len(chunk):]
		args := []any{owner}
		for _, id := range chunk {
			args = append(args, id)
		}
		as, err := storage.Select(ctx, db, func(rows *sql.Rows) (Attachment, error) { return scanAttachment(rows) },
			selectAttachments("")+` WHERE a.owner = ? AND a.owner_id IN (`+storage.Placeholders(len(chunk))+`) ORDER BY a.id`, args...)
		if err != nil {
			return nil, fmt.Errorf("attach: list of %d: %w", len(chunk), err)
		}
		for _, a := range as {
			out[a.OwnerID] = append(out[a.OwnerID], a)
		}
	}
	return out, nil
}

func notFound() error { return linli.Errorf(linli.ENotFound, "附件不存在 / attachment not found") }

// Get returns one attachment's description; linli.ENotFound if none.
func Get(ctx context.Context, db *storage.DB, id int64) (Attachment, error) {
	a, err := scanAttachment(db.QueryRow(ctx, selectAttachments("")+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound()
	}
	if err != nil {
		return a, fmt.Errorf("attach: get %d: %w", id, err)
	}
	return a, nil
}

// Open returns an attachment with its bytes. With thumb, it returns the
// thumbnail instead and describes what it returns — ContentType image/jpeg,
// the thumbnail's Size, SHA256 (so its ETag differs from the original's),
// Width and Height — or linli.ENotFound when the file has no thumbnail
// (not an image).
func Open(ctx context.Context, db *storage.DB, id int64, thumb bool) (Attachment, []byte, error) {
	col := "b.data"
	if thumb {
		col = "b.thumb"
	}
	var data []byte
	a, err := scanAttachment(db.QueryRow(ctx, selectAttachments(", "+col)+` WHERE a.id = ?`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, notFound()
	}
	if err != nil {
		return a, nil, fmt.Errorf("attach: open %d: %w", id, err)
	}
	if !thumb {
		return a, data, nil
	}
	if data == nil {
		return a, nil, linli.Errorf(linli.ENotFound, "该附件没有缩略图 / attachment has no thumbnail")
	}
	sum := sha256.Sum256(data)
	a.ContentType, a.Size, a.SHA256 = JPEG, int64(len(data)), hex.EncodeToString(sum[:])
	if a.Width > 0 && a.Height > 0 {
		a.Width, a.Height = thumbDims(a.Width, a.Height)
	}
	return a, data, nil
}

// thumbDims is the size thumbnail gives an image of w×h (as displayed).
func thumbDims(w, h int) (int, int) {
	if long := max(w, h); long > ThumbSize {
		return max(1, (w*ThumbSize+long/2)/long), max(1, (h*ThumbSize+long/2)/long)
	}
	return w, h
}

// OpenOwned is Open for a file that must belong to one record (owner,
// ownerID): the check every "/{record}/{id}/files/{file}" route makes after
// checking the record may be read. A file of another record is a 404, as
// if it did not exist.
func OpenOwned(ctx context.Context, db *storage.DB, owner string, ownerID, id int64, thumb bool) (Attachment, []byte, error) {
	a, data, err := Open(ctx, db, id, thumb)
	if err != nil {
		return a, nil, err
	}
	if a.Owner != owner || a.OwnerID != ownerID {
		return Attachment{}, nil, notFound()
	}
	return a, data, nil
}
