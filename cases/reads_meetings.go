package cases

import (
	"context"
	"database/sql"
	"errors"

	"linli/storage"
)

// OpenedWithKey is the id of the case reporterID opened with idempotency key (0: none); meetings use it to adopt a case an interrupted conversion opened.
func (s *Service) OpenedWithKey(ctx context.Context, q storage.Querier, reporterID int64, key string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM cases WHERE reporter_id = ? AND idem_key = ?`, reporterID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
