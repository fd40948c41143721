// Package demotest gives the capabilities' service tests the demo world on
// one database: the places and accounts of package demo, the case service
// with its categories seeded, and a links registry that resolves cases, on
// a fake clock. Each capability's test fixture adds its own service and the
// stand-ins for the capabilities it talks to.
package demotest

import (
	"context"
	"maps"
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

// New loads the demo places and accounts into db (migrated) with the clock
// at now, seeds the case categories and links cases.
func New(t testing.TB, db *storage.DB, now time.Time) *World {
	t.Helper()
	ctx := context.Background()
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	clock := linli.NewFakeClock(now)
	reg := registry.New(db, clock)
	au := auth.New(db, clock, reg, auth.CheapHashParams(), auth.DefaultPolicy())
	if _, err := demo.Load(ctx, reg, au, demo.Build()); err != nil {
		t.Fatalf("demo load: %v %v", err, linli.ErrorFields(err))
	}
	cs := cases.New(db, clock, cal, reg, Beijing)
	if err := cs.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	lr := &links.Registry{DB: db}
	cs.Links = lr
	lr.Register(links.KindCase, cs.ResolveLinks)
	return &World{Ctx: ctx, DB: db, Clock: clock, Zone: Beijing, Calendar: cal, Registry: reg, Auth: au, Cases: cs, Links: lr}
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
