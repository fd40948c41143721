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
// Unclaimed uploads are not deleted yet (like every blob, see the package
// comment); PendingTTL bounds how long one can be claimed.
const PendingOwner = "upload"

// PendingTTL is how long a pending upload can be claimed after it was
// sent: long enough to finish a form on a slow afternoon, short enough
// that an old id lying in a page is worthless.
const PendingTTL = 24 * time.Hour

// SavePending stores checked files as pending uploads of an account.
func SavePending(ctx context.Context, tx *storage.Tx, by int64, files []Checked, now time.Time) ([]Attachment, error) {
	if by <= 0 {
		return nil, fmt.Errorf("attach: pending upload without an account")
	}
	return Save(ctx, tx, PendingOwner, by, 0, by, files, now)
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
