package visits

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the visits capability. cmd/linli fills the fields and calls
// Register before serving.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Zone     *time.Location
	Registry *registry.Service
	Cases    *cases.Service
	Links    *links.Registry
}

// Register adds the capability's link resolvers and building-view layers.
func (s *Service) Register() {
	if s.Links != nil {
		s.Links.Register(links.KindVisit, s.resolveLinks)
	}
	if s.Registry != nil {
		s.Registry.RegisterLayer(LayerKind, layerSource{s})
	}
}

// JobHandlers are the capability's timers, by kind. Visits have none.
func (s *Service) JobHandlers() map[string]jobs.Handler { return nil }

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "visits", Catalog: catalog(), Funcs: template.FuncMap{
		"stanceLabel":  func(s Stance) string { return s.Label() },
		"concernLabel": func(c Concern) string { return c.Label() },
		"stances":      Stances,
		"concerns":     Concerns,
		"stanceClass": func(s Stance) string {
			switch s {
			case Support:
				return "green"
			case Oppose:
				return "red"
			}
			return "amber"
		},
	}}
}

func (s *Service) now() time.Time { return s.Clock.Now() }

func (s *Service) zone() *time.Location {
	if s.Zone == nil {
		return time.UTC
	}
	return s.Zone
}

type querier interface {
	QueryRow(context.Context, string, ...any) *sql.Row
	Query(context.Context, string, ...any) (*sql.Rows, error)
}

func errNotFound() error {
	return linli.Errorf(linli.ENotFound, "走访记录不存在 / visit not found")
}

func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权操作此走访记录 / not allowed on this visit")
}

// refuse answers an actor who may not read a record at path: 403 when the
// actor works in the same community, 404 otherwise, so records of other
// communities do not reveal that they exist.
func (s *Service) refuse(ctx context.Context, a *linli.Actor, path string, notFound error) error {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	last, err := strconv.ParseInt(segs[len(segs)-1], 10, 64)
	if err != nil || a == nil {
		return notFound
	}
	line, err := s.Registry.Lineage(ctx, s.DB, last)
	if err != nil {
		return notFound
	}
	for _, n := range line {
		if n.Kind != registry.KindCommunity {
			continue
		}
		for _, g := range a.Grants {
			if linli.Within(g.NodePath, n.Path) || linli.Within(n.Path, g.NodePath) {
				return errForbidden()
			}
		}
	}
	return notFound
}

// house is what a visit needs to know about a household.
type house struct {
	ID, UnitID, BuildingID int64
	Path, Label            string
}

func (s *Service) household(ctx context.Context, q querier, id int64) (house, error) {
	var h house
	var room, unit, building, estate string
	err := q.QueryRow(ctx, `SELECT h.id, h.unit_id, u.parent_id, h.path, h.room, u.name, b.name, e.name
		FROM households h JOIN nodes u ON u.id = h.unit_id JOIN nodes b ON b.id = u.parent_id JOIN nodes e ON e.id = b.parent_id
		WHERE h.id = ?`, id).Scan(&h.ID, &h.UnitID, &h.BuildingID, &h.Path, &room, &unit, &building, &estate)
	if errors.Is(err, sql.ErrNoRows) {
		return h, linli.Invalid("住户不存在 / no such household", linli.FieldError{Field: "household_id", Reason: "住户不存在 / no such household"})
	}
	h.Label = estate + building + unit + room
	return h, err
}

// commonPath is the deepest node path containing both paths.
func commonPath(a, b string) string {
	as, bs := strings.Split(strings.Trim(a, "/"), "/"), strings.Split(strings.Trim(b, "/"), "/")
	var out []string
	for i := 0; i < len(as) && i < len(bs) && as[i] == bs[i]; i++ {
		out = append(out, as[i])
	}
	if len(out) == 0 {
		return "/"
	}
	return "/" + strings.Join(out, "/") + "/"
}

// lastID is the node id at the end of a path.
func lastID(path string) int64 {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	n, _ := strconv.ParseInt(segs[len(segs)-1], 10, 64)
	return n
}

func ms(t time.Time) int64 { return storage.Millis(t) }

// date writes a time as the Chinese date in the deployment's zone.
func (s *Service) date(t time.Time) string { return t.In(s.zone()).Format("2006年1月2日") }
