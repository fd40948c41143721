package open311

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/registry"
	"linli/storage"
)

// Service is the Open311 capability: the integrator accounts and the
// GeoReport v2 server.
type Service struct {
	db    *storage.DB
	clock linli.Clock
	zone  *time.Location
	reg   *registry.Service
	cs    *cases.Service
}

// New builds the Open311 capability.
func New(d capability.Deps) *Service {
	zone := d.Zone
	if zone == nil {
		zone = time.UTC
	}
	return &Service{db: d.DB, clock: d.Clock, zone: zone, reg: d.Registry, cs: d.Cases}
}

// Parts are the capability's pages and routes.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "open311", Pages: Pages(), Routes: s.Routes}
}

func (s *Service) now() time.Time { return s.clock.Now() }

// allow takes one request of the integrator from its limit per minute
// (fixed windows of the clock's minutes), or answers 429. The count is a
// row of open311_rate, so every replica on one database shares it: the
// limit is the city's, not each process's. One upsert that counts only
// below the limit: at the limit it updates nothing and returns no row.
func (s *Service) allow(ctx context.Context, ig Integrator) error {
	m := s.now().Unix() / 60
	err := s.db.Batch(ctx, func(tx *storage.Tx) error {
		var taken int
		err := tx.QueryRow(ctx, `INSERT INTO open311_rate (integrator_id, minute, taken) VALUES (?, ?, 1)
			ON CONFLICT (integrator_id, minute) DO UPDATE SET taken = open311_rate.taken + 1 WHERE open311_rate.taken < ?
			RETURNING taken`, ig.ID, m, ig.Rate).Scan(&taken)
		if err != nil {
			return err
		}
		if taken == 1 { // the minute's first request: forget the earlier ones
			_, err = tx.Exec(ctx, `DELETE FROM open311_rate WHERE integrator_id = ? AND minute < ?`, ig.ID, m)
		}
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return linli.Errorf(linli.ETooMany, "超过每分钟 %d 次的限制 / more than %d requests a minute", ig.Rate, ig.Rate)
	}
	return err
}
