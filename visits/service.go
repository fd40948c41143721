package visits

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"time"

	"linli"
	"linli/capability"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/web"
)

// Service is the visits capability, built by New; nothing changes it
// afterwards.
type Service struct {
	db       *storage.DB
	clock    linli.Clock
	loc      *time.Location
	registry *registry.Service
	links    *links.Registry
}

// New builds the visits capability from d and registers its link
// resolver and its building-view layer.
func New(d capability.Deps) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, registry: d.Registry, links: d.Links}
	if s.links != nil {
		s.links.Register(links.KindVisit, s.resolveLinks)
	}
	if s.registry != nil {
		s.registry.RegisterLayer(LayerKind, layerSource{s})
	}
	return s
}

// Parts are the visits' templates and routes; visits have no timers.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "visits", Pages: Pages(), Routes: s.Routes}
}

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

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

func errNotFound() error {
	return linli.Errorf(linli.ENotFound, "走访记录不存在 / visit not found")
}

func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权操作此走访记录 / not allowed on this visit")
}

// canRead reports whether the actor may read visit records at path.
// Visits carry what a household said at its door — its stance, its worries
// — so only those who go door to door read them (PermVisitsWrite: staff,
// grid workers, building and unit heads, residents' representatives), not
// everyone who follows the project (property companies, departments,
// contractors). A visit the actor may not read answers 404, in the
// actor's own community as elsewhere: whether a household was visited
// about a matter is itself what is kept from them.
func canRead(a *linli.Actor, path string) bool { return a.Can(linli.PermVisitsWrite, path) }

// readScopes are the node paths under which the actor reads visits.
func readScopes(a *linli.Actor) []string { return a.Scopes(linli.PermVisitsWrite) }

// errSubjectUnseen refuses a reference to a record that does not exist or
// that the actor may not see.
func errSubjectUnseen() error {
	return linli.Invalid("所涉事项不存在或无权查看 / no such subject, or not visible to you", subjectUnseen())
}

func subjectUnseen() linli.FieldError {
	return linli.FieldError{Field: "subject", Reason: "所涉事项不存在或无权查看 / no such record, or not visible to you"}
}

// checkSubject asks the owning capability, through the links registry,
// whether the actor may see the project, vote or dispute a visit or a
// matter is about. Records that do not exist, or of another community, are
// refused with 422 naming "subject".
func (s *Service) checkSubject(ctx context.Context, a *linli.Actor, subject links.Ref) error {
	if subject.IsZero() || subject.Kind == KindMatter {
		return nil
	}
	ok, err := s.links.Visible(ctx, a, subject)
	if err != nil {
		return err
	}
	if !ok {
		return errSubjectUnseen()
	}
	return nil
}

// withField adds a field error to a validation error (or makes one),
// leaving err itself unchanged.
func withField(err error, fe linli.FieldError) error {
	var e *linli.Error
	if errors.As(err, &e) && e.Code == linli.EInvalid {
		return e.WithFields(fe)
	}
	return linli.Invalid("输入有误 / invalid input", fe)
}

// house is what a visit needs to know about a household.
type house struct {
	ID, UnitID, BuildingID int64
	Path, Label            string
}

func (s *Service) household(ctx context.Context, q storage.Querier, id int64) (house, error) {
	hs, err := s.registry.HouseholdsAt(ctx, q, []int64{id})
	if err != nil {
		return house{}, err
	}
	h, ok := hs[id]
	if !ok {
		return house{}, linli.Invalid("住户不存在 / no such household", linli.FieldError{Field: "household_id", Reason: "住户不存在 / no such household"})
	}
	return house{ID: h.ID, UnitID: h.UnitID, BuildingID: h.BuildingID, Path: h.Path, Label: h.Estate + h.Building + h.Unit + h.Room}, nil
}

func ms(t time.Time) int64 { return storage.Millis(t) }

// date writes a time as the Chinese date in the deployment's zone.
func (s *Service) date(t time.Time) string { return t.In(s.zone()).Format("2006年1月2日") }
