package attach

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"linli"
	"linli/storage"
)

// Pending uploads: photos sent before the record they belong to exists.
// A phone uploads each photo as soon as it is chosen (compressed, with
// progress), and a form refused for a missing title keeps the photos it
// carried; either way the photos wait as attachments of the owner
// PendingOwner whose owner id is the uploader's account, until the form
// that names them is accepted and Claim moves them to the new record.
// Only the uploader can claim or see them (OpenOwned with the account id),
// so an id typed into another user's form claims nothing.
//
// Unclaimed uploads are deleted once PendingTTL has passed (SweepPending,
// run by a durable timer of the capability that takes the uploads), and an
// account holds at most PendingMaxFiles files or PendingMaxBytes bytes of
// claimable uploads at a time (SavePending answers 429 beyond).
const PendingOwner = "upload"

// The per-account cap on claimable pending uploads: enough for several
// reports' photos in progress, too little to use Linli as file storage.
const (
	PendingMaxFiles = 30
	PendingMaxBytes = 100 << 20
)

// PendingTTL is how long a pending upload can be claimed after it was
// sent: long enough to finish a form on a slow afternoon, short enough
// that an old id lying in a page is worthless.
const PendingTTL = 24 * time.Hour

// pendingCap is the cap SavePending applies (the constants; lowered by
// tests).
var pendingCap = struct {
	files int
	bytes int64
}{PendingMaxFiles, PendingMaxBytes}

// SavePending stores checked files as pending uploads of an account.
func SavePending(ctx context.Context, tx *storage.Tx, by int64, files []Checked, now time.Time) ([]Attachment, error) {
	if by <= 0 {
		return nil, fmt.Errorf("attach: pending upload without an account")
	}
	var n, size int64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM attachments WHERE owner = ? AND owner_id = ? AND created_at >= ?`,
		PendingOwner, by, storage.Millis(now.Add(-PendingTTL))).Scan(&n, &size); err != nil {
		return nil, fmt.Errorf("attach: pending count: %w", err)
	}
	for _, f := range files {
		n, size = n+1, size+int64(len(f.Data))
	}
	if n > int64(pendingCap.files) || size > pendingCap.bytes {
		reason := fmt.Sprintf("待提交的照片最多%d张、共%d MB，请先提交或稍后再试 / at most %d pending uploads of %d MB in all; submit a form first or try later",
			PendingMaxFiles, PendingMaxBytes>>20, PendingMaxFiles, PendingMaxBytes>>20)
		return nil, linli.Errorf(linli.ETooMany, "%s", reason).WithFields(linli.FieldError{Field: "photos", Reason: reason})
	}
	return Save(ctx, tx, PendingOwner, by, 0, by, files, now)
}

// SweepPending deletes every pending upload sent before now − PendingTTL
// (nobody can claim it any more), with the blobs no other attachment
// shares, inside tx. It returns how many it deleted and when by's oldest
// remaining upload expires (zero when by has none left), for the timer
// that runs it to wake again then.
func SweepPending(ctx context.Context, tx *storage.Tx, by int64, now time.Time) (int, time.Time, error) {
	cut := storage.Millis(now.Add(-PendingTTL))
	blobs, err := storage.Scalars[int64](ctx, tx, `SELECT DISTINCT blob_id FROM attachments WHERE owner = ? AND created_at < ?`, PendingOwner, cut)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("attach: sweep: %w", err)
	}
	res, err := tx.Exec(ctx, `DELETE FROM attachments WHERE owner = ? AND created_at < ?`, PendingOwner, cut)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("attach: sweep: %w", err)
	}
	deleted, _ := res.RowsAffected()
	if err := dropUnused(ctx, tx, blobs); err != nil {
		return 0, time.Time{}, err
	}
	var next time.Time
	if by > 0 {
		if next, err = PendingExpiry(ctx, tx, by); err != nil {
			return 0, time.Time{}, err
		}
	}
	return int(deleted), next, nil
}

// PendingExpiry is when by's oldest pending upload stops being claimable
// (the first instant SweepPending deletes it), or zero when by has none.
func PendingExpiry(ctx context.Context, q storage.Querier, by int64) (time.Time, error) {
	var oldest sql.NullInt64
	if err := q.QueryRow(ctx, `SELECT MIN(created_at) FROM attachments WHERE owner = ? AND owner_id = ?`, PendingOwner, by).Scan(&oldest); err != nil {
		return time.Time{}, fmt.Errorf("attach: pending expiry: %w", err)
	}
	if !oldest.Valid {
		return time.Time{}, nil
	}
	return storage.FromMillis(oldest.Int64 + 1).Add(PendingTTL), nil
}

// PendingOf returns those of ids that are pending uploads of the account,
// still claimable at now, in the order of ids; others are left out.
func PendingOf(ctx context.Context, q storage.Querier, by int64, ids []int64, now time.Time) ([]Attachment, error) {
	if len(ids) == 0 || by <= 0 {
		return nil, nil
	}
	args := []any{PendingOwner, by, by, storage.Millis(now.Add(-PendingTTL))}
	for _, id := range ids {
		args = append(args, id)
	}
	found, err := storage.Select(ctx, q, func(rows *sql.Rows) (Attachment, error) { return scanAttachment(rows) },
		selectAttachments("")+` WHERE a.owner = ? AND a.owner_id = ? AND a.created_by = ? AND a.created_at >= ? AND a.id IN (`+
			storage.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("attach: pending: %w", err)
	}
	byID := make(map[int64]Attachment, len(found))
	for _, a := range found {
		byID[a.ID] = a
	}
	out := make([]Attachment, 0, len(found))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
			delete(byID, id)
		}
	}
	return out, nil
}

// Claim moves pending uploads of the account to a record, inside the
// record's transaction. Every id must be the account's own pending upload,
// still claimable: otherwise nothing is claimed and the error (422, field
// "upload") says the photo must be chosen again.
func Claim(ctx context.Context, tx *storage.Tx, by int64, ids []int64, owner string, ownerID, eventID int64, now time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if owner == "" || owner == PendingOwner || ownerID <= 0 {
		return 0, fmt.Errorf("attach: claim for owner %q/%d", owner, ownerID)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		n, err := tx.Exec(ctx, `UPDATE attachments SET owner = ?, owner_id = ?, event_id = ? WHERE id = ? AND owner = ? AND owner_id = ? AND created_by = ? AND created_at >= ?`,
			owner, ownerID, eventID, id, PendingOwner, by, by, storage.Millis(now.Add(-PendingTTL)))
		if err != nil {
			return 0, fmt.Errorf("attach: claim %d: %w", id, err)
		}
		if k, _ := n.RowsAffected(); k != 1 {
			return 0, linli.Invalid("照片已失效，请重新选择 / a photo has expired, choose it again",
				linli.FieldError{Field: "upload", Reason: "照片已失效或不属于您，请重新选择 / the photo has expired or is not yours; choose it again"})
		}
	}
	return len(seen), nil
}

// Count is how many attachments the database holds (linli backup and
// restore say it, so the two can be compared).
func Count(ctx context.Context, q storage.Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM attachments`).Scan(&n)
	return n, err
}

// dropUnused deletes those of blobs no attachment refers to any more
// (blobs are shared by identical bytes).
func dropUnused(ctx context.Context, tx *storage.Tx, blobs []int64) error {
	for len(blobs) > 0 {
		chunk := blobs[:min(len(blobs), 500)]
		blobs = blobs[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if _, err := tx.Exec(ctx, `DELETE FROM blobs WHERE id IN (`+storage.Placeholders(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = blobs.id)`, args...); err != nil {
			return fmt.Errorf("attach: drop blobs: %w", err)
		}
	}
	return nil
}

// DeleteOwned deletes every attachment of one record (owner, ownerID),
// and their bytes where no other attachment shares them, inside tx: for
// a record that is itself deleted. It returns how many it deleted.
func DeleteOwned(ctx context.Context, tx *storage.Tx, owner string, ownerID int64) (int, error) {
	blobs, err := storage.Scalars[int64](ctx, tx, `SELECT DISTINCT blob_id FROM attachments WHERE owner = ? AND owner_id = ?`, owner, ownerID)
	if err != nil {
		return 0, fmt.Errorf("attach: delete %s %d: %w", owner, ownerID, err)
	}
	res, err := tx.Exec(ctx, `DELETE FROM attachments WHERE owner = ? AND owner_id = ?`, owner, ownerID)
	if err != nil {
		return 0, fmt.Errorf("attach: delete %s %d: %w", owner, ownerID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), dropUnused(ctx, tx, blobs)
}
