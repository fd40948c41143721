package cameras

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"linli"
	"linli/cameras/feed"
	"linli/capability"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/live"
	"linli/registry"
	"linli/storage"
)

// Links kinds of this package's records.
const (
	KindCamera = "camera"       // "camera:3": its consultation links to it
	KindAlert  = "camera_alert" // "camera_alert:12": the case it became links to it
)

// Service is the cameras capability and the feed.Sink of the ways in. New
// builds it; what it keeps in memory (the cameras by source, their rules
// and the rules' per-camera memory, the counters) is reloaded from the
// database after every change of a camera or a rule, so a rule change
// applies to the next event without a restart.
type Service struct {
	db    *storage.DB
	clock linli.Clock
	loc   *time.Location
	reg   *registry.Service
	cs    *cases.Service
	lk    *links.Registry

	mu     sync.RWMutex
	loaded bool
	cams   map[camKey]*point // by source and the source's name of it
	byID   map[int64]*point
	counts map[feed.Source]*Counts
	hub    *live.Hub // the boards' stream; nil: none

	queue      chan eventReq // events waiting to be written together
	gatherOnce sync.Once
	closing    chan struct{} // closed by Stop
	stopped    chan struct{} // closed when gather has returned
	closeOnce  sync.Once
	notify     func(Change) // tells the boards an alert changed (after commit)
	used       sync.Map     // HTTP source id → when its last_used_at was last written (sources.go)
}

type camKey struct {
	source feed.Source
	ref    string
}

// point is a camera as the ingestion path sees it.
type point struct {
	id        int64
	nodeID    int64
	name      string
	path      string
	state     State
	snapshots bool
	rules     []Rule

	mu      sync.Mutex // serialises the camera's events through its Track
	track   *Track
	dirty   bool         // track changed since it was saved
	saved   time.Time    // when track was last saved (the clock's time)
	hb      time.Time    // the last heartbeat written
	dropped atomic.Int64 // dropped since start while not active
}

// Counts are what the Sink did with one source's events since start.
type Counts struct {
	Accepted   atomic.Int64 // stored and through the rules
	Duplicate  atomic.Int64 // the same message again: nothing done
	OutOfOrder atomic.Int64 // older than the stored message of its event: not applied
	Unknown    atomic.Int64 // no camera of Linli's has this source name
	Inactive   atomic.Int64 // the camera is draft or inactive
	Alerts     atomic.Int64 // alerts raised
}

// New builds the cameras capability and registers its link resolvers.
// hub carries alerts to the guard-room boards; nil serves no stream.
func New(d capability.Deps, hub *live.Hub) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, reg: d.Registry, cs: d.Cases, lk: d.Links, hub: hub,
		counts: map[feed.Source]*Counts{feed.SourceFrigate: {}, feed.SourceGB28181: {}, feed.SourceHTTP: {}},
		queue:  make(chan eventReq, 4*maxGather), closing: make(chan struct{}), stopped: make(chan struct{})}
	if hub != nil {
		s.notify = func(ch Change) { publish(hub, ch) }
	}
	if s.lk != nil {
		s.lk.Register(KindAlert, s.resolveAlerts)
		s.lk.Register(KindCamera, s.resolveCameras)
	}
	return s
}

// Parts are the capability's routes and timers.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "cameras", Pages: Pages(), Routes: s.Routes,
		Jobs: map[string]jobs.Handler{JobOfflineCheck: s.offlineJob, JobRetention: s.retentionJob}, Home: s.HomePanels}
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

// SourceCounts returns the counts of one source (nil for an unknown kind).
func (s *Service) SourceCounts(src feed.Source) *Counts { return s.counts[src] }

func errNotFound() error {
	return linli.Errorf(linli.ENotFound, "摄像头不存在 / camera not found")
}
func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权操作 / not allowed")
}

// mayWatch: guards and staff of the camera's estate see its alerts.
func mayWatch(a *linli.Actor, path string) bool {
	return a.Can(linli.PermCamerasWatch, path) || a.Can(linli.PermCamerasManage, path)
}

// watchScopes are the node paths whose cameras the actor sees.
func watchScopes(a *linli.Actor) []string {
	return append(a.Scopes(linli.PermCamerasWatch), a.Scopes(linli.PermCamerasManage)...)
}

// reload reads every camera and its rules into memory, keeping the rules'
// memory of cameras that stay. Called at the first event and after every
// committed change of a camera or rule.
func (s *Service) reload(ctx context.Context) error {
	cams, err := s.allCameras(ctx)
	if err != nil {
		return err
	}
	rules, err := s.allRules(ctx)
	if err != nil {
		return err
	}
	// At start the rules' memory is what the last run saved.
	s.mu.RLock()
	first := s.byID == nil
	s.mu.RUnlock()
	var saved map[int64]*Track
	if first {
		if saved, err = s.loadTracks(ctx); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	byKey := make(map[camKey]*point, len(cams))
	byID := make(map[int64]*point, len(cams))
	for _, c := range cams {
		l := s.byID[c.ID]
		if l == nil {
			l = &point{id: c.ID, track: NewTrack(), hb: c.LastHeartbeat, saved: s.now()}
			if t := saved[c.ID]; t != nil {
				l.track = t
			}
		}
		l.mu.Lock()
		l.nodeID, l.name, l.path, l.state, l.snapshots, l.rules = c.NodeID, c.Name, c.Path, c.State, c.Snapshots, rules[c.ID]
		l.mu.Unlock()
		// A retired camera gives its source's name up to the one that
		// replaced it.
		if k := (camKey{c.Source, c.SourceRef}); c.State != Retired || byKey[k] == nil {
			byKey[k] = l
		}
		byID[c.ID] = l
	}
	s.cams, s.byID, s.loaded = byKey, byID, true
	return nil
}

// changed reloads after a commit; a failed reload is retried at the next
// event (loaded is cleared).
func (s *Service) changed(ctx context.Context) {
	if err := s.reload(context.WithoutCancel(ctx)); err != nil {
		s.mu.Lock()
		s.loaded = false
		s.mu.Unlock()
	}
}

// camera returns the live camera of a source's name, loading on first use.
func (s *Service) camera(ctx context.Context, src feed.Source, ref string) (*point, error) {
	s.mu.RLock()
	loaded := s.loaded
	l := s.cams[camKey{src, ref}]
	s.mu.RUnlock()
	if loaded {
		return l, nil
	}
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cams[camKey{src, ref}], nil
}
