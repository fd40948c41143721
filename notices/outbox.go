package notices

// Notices' messages to outside channels go through the outbox: written in
// the publication's transaction, sent by its delivery worker after commit.

import (
	"context"
	"fmt"
	"time"

	"linli/outbox"
	"linli/storage"
)

// enqueueSMS writes an SMS to phone in the caller's transaction; the
// delivery worker sends it after commit. The dedup key makes a second
// publication of the same notice to the same number a no-op. nodeID is the
// notice's community, so that community's staff see the message on /outbox.
func enqueueSMS(ctx context.Context, tx *storage.Tx, at time.Time, phone, text string, noticeID, nodeID int64) (int64, error) {
	ref := fmt.Sprintf("notice:%d", noticeID)
	return outbox.Enqueue(ctx, tx, at, outbox.Message{Channel: outbox.SMS, To: phone, NodeID: nodeID, Kind: "notice",
		Ref: ref, Text: text, DedupKey: ref + ":" + phone})
}

// deliveredAt says when each of the outbox rows was sent; rows not yet
// sent are left out.
func deliveredAt(ctx context.Context, q storage.Querier, ids []int64) (map[int64]time.Time, error) {
	states, err := outbox.States(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]time.Time, len(states))
	for id, st := range states {
		if st.Status == "sent" {
			out[id] = st.SentAt
		}
	}
	return out, nil
}
