package notices

// The local adapter to the outbox (contract 1 of issue 11). Until package
// outbox is merged, notices writes its rows with the columns that exist
// today and reads their delivery from delivered_at; the merger replaces
// the two bodies with outbox.Enqueue and outbox.States:
//
//	id, err := outbox.Enqueue(ctx, tx, at, outbox.Message{Channel: "sms", To: phone, Kind: "notice",
//		Ref: "notice:<id>", Text: text, DedupKey: "notice:<id>:<phone>"})
//	states, err := outbox.States(ctx, q, ids) // delivered: State.Status == "sent", at SentAt

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"linli/storage"
)

// enqueueSMS writes an SMS to phone in the caller's transaction; the
// delivery worker sends it after commit. The dedup key lets the gateway
// drop a resend of the same notice to the same number.
func enqueueSMS(ctx context.Context, tx *storage.Tx, at time.Time, phone, text string, noticeID int64) (int64, error) {
	ref := fmt.Sprintf("notice:%d", noticeID)
	payload, err := json.Marshal(map[string]string{"phone": phone, "text": text, "kind": "notice", "ref": ref,
		"dedup_key": ref + ":" + phone})
	if err != nil {
		return 0, err
	}
	return tx.Insert(ctx, `INSERT INTO outbox (at, channel, account_id, payload) VALUES (?, ?, ?, ?)`,
		storage.Millis(at), "sms", 0, string(payload))
}

// deliveredAt says when each of the outbox rows was sent; rows not yet
// sent are left out.
func deliveredAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	for len(ids) > 0 {
		batch := ids[:min(500, len(ids))]
		ids = ids[len(batch):]
		err := storage.Each(ctx, q, func(r *sql.Rows) error {
			var id, at int64
			if err := r.Scan(&id, &at); err != nil {
				return err
			}
			out[id] = storage.FromMillis(at)
			return nil
		}, `SELECT id, delivered_at FROM outbox WHERE delivered_at > 0 AND id IN (`+storage.Placeholders(len(batch))+`)`, storage.Args(batch)...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
