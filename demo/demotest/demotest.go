// Package demotest gives the capabilities' service tests the demo world on
// one database: the places and accounts of package demo, the case service
// with its categories seeded, and a links registry that resolves cases, on
// a fake clock. Each capability's test fixture adds its own service and the
// stand-ins for the capabilities it talks to.
package demotest

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/demo"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// Beijing is the deployments' zone (Asia/Shanghai), fixed at UTC+8 as it
// has been since 1991, so tests need no time-zone database.
var Beijing = time.FixedZone("CST", 8*3600)

// World is the demo loaded on one engine.
type World struct {
	Ctx      context.Context
	DB       *storage.DB
	Clock    *linli.FakeClock
	Zone     *time.Location
	Calendar *calendar.Calendar
	Registry *registry.Service
	Auth     *auth.Service
	Cases    *cases.Service
	Links    *links.Registry
}

// snapshots holds, per engine and clock reading, a freshly migrated
// database with the demo loaded at that time, built once per test process:
// loading the demo takes seconds under -race, and the service tests load
// it hundreds of times.
var snapshots struct {
	mu   sync.Mutex
	took map[string]*storagetest.Snapshot
}

// New loads the demo places and accounts into db (migrated, and written
// to by nobody yet) with the clock at now, seeds the case categories and
// links cases. The demo is copied from a database loaded once per test
// process at the same now.
func New(t testing.TB, db *storage.DB, now time.Time) *World {
	t.Helper()
	ctx := context.Background()
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	snapshot(t, db.Dialect, cal, now).Restore(t, db)
	clock := linli.NewFakeClock(now)
	reg := registry.New(db, clock)
	au := auth.New(db, clock, reg, auth.CheapHashParams(), auth.DefaultPolicy())
	cs := cases.New(db, clock, cal, reg, Beijing)
	lr := &links.Registry{DB: db}
	cs.Links = lr
	lr.Register(links.KindCase, cs.ResolveLinks)
	return &World{Ctx: ctx, DB: db, Clock: clock, Zone: Beijing, Calendar: cal, Registry: reg, Auth: au, Cases: cs, Links: lr}
}

// load loads the demo and seeds the categories into db at now.
func load(t testing.TB, db *storage.DB, cal *calendar.Calendar, now time.Time) {
	t.Helper()
	ctx := context.Background()
	clock := linli.NewFakeClock(now)
	reg := registry.New(db, clock)
	au := auth.New(db, clock, reg, auth.CheapHashParams(), auth.DefaultPolicy())
	if _, err := demo.Load(ctx, reg, au, demo.Build()); err != nil {
		t.Fatalf("demo load: %v %v", err, linli.ErrorFields(err))
	}
	if err := cases.New(db, clock, cal, reg, Beijing).Seed(ctx); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns a migrated database with the demo loaded at now on
// the engine, building it on first use.
func snapshot(t testing.TB, engine storage.Dialect, cal *calendar.Calendar, now time.Time) *storagetest.Snapshot {
	t.Helper()
	key := string(engine) + " " + now.String()
	snapshots.mu.Lock()
	defer snapshots.mu.Unlock()
	if s, ok := snapshots.took[key]; ok {
		return s
	}
	var db *storage.DB
	if engine == storage.Postgres {
		db = storagetest.Postgres(t)
	} else {
		db = storagetest.SQLite(t)
	}
	load(t, db, cal, now)
	s, err := storagetest.Take(db)
	if err != nil {
		t.Fatal(err)
	}
	if snapshots.took == nil {
		snapshots.took = map[string]*storagetest.Snapshot{}
	}
	snapshots.took[key] = s
	return s
}

// Actors returns the named demo accounts as actors.
func (w *World) Actors(t testing.TB, usernames ...string) map[string]*linli.Actor {
	t.Helper()
	out := make(map[string]*linli.Actor, len(usernames))
	for _, u := range usernames {
		a, err := w.Auth.ActorByUsername(w.Ctx, u)
		if err != nil {
			t.Fatalf("actor %s: %v", u, err)
		}
		out[u] = a
	}
	return out
}

// AddActors copies the named demo accounts into m.
func (w *World) AddActors(t testing.TB, m map[string]*linli.Actor, usernames ...string) {
	t.Helper()
	maps.Copy(m, w.Actors(t, usernames...))
}
