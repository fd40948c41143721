package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"linli/storage"
)

// ErrNoAccount is returned by AccountPhone for an id that names no account.
var ErrNoAccount = errors.New("no such account")

// AccountPhone is the plain phone number to send an account's messages to
// (package outbox delivers "notify" messages by SMS): the account's own
// phone, else its person's in the register; "" when neither has one. It
// is for delivery only and is not shown: pages mask phones.
func (s *Service) AccountPhone(ctx context.Context, q storage.Querier, id int64) (string, error) {
	var phone sql.NullString
	var person sql.NullInt64
	err := q.QueryRow(ctx, `SELECT phone, person_id FROM accounts WHERE id = ?`, id).Scan(&phone, &person)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoAccount
	}
	if err != nil {
		return "", fmt.Errorf("account phone: %w", err)
	}
	if phone.String != "" || !person.Valid || s.Registry == nil {
		return phone.String, nil
	}
	p, err := s.Registry.Person(ctx, q, person.Int64)
	if err != nil {
		return "", nil // a person gone from the register: no phone
	}
	return p.Phone, nil
}
