package auth

import (
	"context"

	"linli/storage"
)

// HasAccounts reports whether any account exists: an empty database is a
// fresh installation (the demo loads its data only into one).
func (s *Service) HasAccounts(ctx context.Context, q storage.Querier) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM accounts LIMIT 1) a`).Scan(&n)
	return n > 0, err
}
