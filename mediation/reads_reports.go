package mediation

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"linli/storage"
)

// PeriodDispute is a dispute as the monthly report (package reports)
// shows it: its number, type and state, never its parties or facts.
type PeriodDispute struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"`
	CommunityID int64     `json:"community_id"`
	Type        Type      `json:"type"`
	State       State     `json:"state"`
	AcceptedAt  time.Time `json:"accepted_at"`
	EndedAt     time.Time `json:"ended_at"` // agreement signed or mediation failed
}

// InPeriod lists the disputes under path that were accepted, or ended,
// in the period from (inclusive) to to (exclusive), or still open in it,
// in order of acceptance, at most limit. The caller checks the reader's
// scope.
func (s *Service) InPeriod(ctx context.Context, path string, from, to time.Time, limit int) ([]PeriodDispute, error) {
	f, t := storage.Millis(from), storage.Millis(to)
	return storage.Select(ctx, s.db, func(rows *sql.Rows) (PeriodDispute, error) {
		var d PeriodDispute
		var acc, end int64
		err := rows.Scan(&d.ID, &d.Number, &d.CommunityID, &d.Type, &d.State, &acc, &end)
		d.AcceptedAt, d.EndedAt = storage.FromMillis(acc), storage.FromMillis(end)
		return d, err
	}, `SELECT id, number, community_id, type, state, accepted_at, ended_at FROM disputes
		WHERE path LIKE ? AND accepted_at < ? AND (ended_at = 0 OR ended_at >= ?) ORDER BY accepted_at, id LIMIT `+strconv.Itoa(limit), path+"%", t, f)
}
