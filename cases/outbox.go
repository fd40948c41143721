package cases

import (
	"context"

	"linli/outbox"
	"linli/storage"
)

// SendSMS queues a text message to a phone in the outbox, for the delivery
// worker to send: the outbox's way in for capabilities that have a
// message for someone outside Linli (auth's registration codes). kind
// names what it is ("signup_code"). It commits on its own: call it after
// the caller's own change has committed.
func (s *Service) SendSMS(ctx context.Context, kind, phone, text string) error {
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		_, err := outbox.Enqueue(ctx, tx, s.now(), outbox.Message{Channel: outbox.SMS, To: phone, Kind: kind, Text: text})
		return err
	})
}
