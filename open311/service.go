package open311

import (
	"sync"
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

	// The requests of each integrator in the current minute, for its
	// rate limit (per process: a deployment with several replicas allows
	// that many times the limit).
	mu     sync.Mutex
	minute int64
	counts map[int64]int
}

// New builds the Open311 capability.
func New(d capability.Deps) *Service {
	zone := d.Zone
	if zone == nil {
		zone = time.UTC
	}
	return &Service{db: d.DB, clock: d.Clock, zone: zone, reg: d.Registry, cs: d.Cases, counts: map[int64]int{}}
}

// Parts are the capability's pages and routes.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "open311", Pages: Pages(), Routes: s.Routes}
}

func (s *Service) now() time.Time { return s.clock.Now() }

// allow counts one request of the integrator against its limit per
// minute (fixed windows of the clock's minutes).
func (s *Service) allow(id int64, perMinute int) bool {
	m := s.now().Unix() / 60
	s.mu.Lock()
	defer s.mu.Unlock()
	if m != s.minute {
		s.minute, s.counts = m, map[int64]int{}
	}
	if s.counts[id] >= perMinute {
		return false
	}
	s.counts[id]++
	return true
}
