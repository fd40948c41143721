package mediation

import (
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/capability"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// Service is the mediation capability; New builds it and nothing changes
// it afterwards.
type Service struct {
	db    *storage.DB
	clock linli.Clock
	loc   *time.Location
	reg   *registry.Service
	au    *auth.Service
	cs    *cases.Service
	lk    *links.Registry
	// cal is the working calendar in force now, for periods that end on a
	// working day: read at each use, since an administrator may load a new
	// year while Linli runs (nil, or nil returned: the calendar Linli ships).
	cal func() *calendar.Calendar
}

// New builds the mediation capability and registers its link resolver.
func New(d capability.Deps) *Service {
	s := &Service{db: d.DB, clock: d.Clock, loc: d.Zone, reg: d.Registry, au: d.Auth, cs: d.Cases, lk: d.Links, cal: d.Calendar}
	if s.lk != nil {
		s.lk.Register(links.KindDispute, s.ResolveLinks)
	}
	return s
}

// Parts are the capability's templates, routes and timers.
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "mediation", Pages: Pages(), Routes: s.Routes,
		Jobs: map[string]jobs.Handler{JobDue: s.handleDue, JobCourtReminder: s.handleCourtReminder}}
}

// Timer kinds.
const (
	JobDue           = "mediation.due"            // the one-month target has passed
	JobCourtReminder = "mediation.court_reminder" // the court-confirmation window is closing
)

func (s *Service) now() time.Time {
	if s.clock == nil {
		return time.Now()
	}
	return s.clock.Now()
}

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.FixedZone("CST", 8*3600)
	}
	return s.loc
}

func errNotFound() error {
	return linli.Errorf(linli.ENotFound, "调解案件不存在 / dispute not found")
}

func errState(d Dispute, what string) error {
	return linli.Errorf(linli.EConflict, "案件%s，不能%s / the dispute is %s", d.State.Label(), what, d.State)
}

// workCalendar is the working calendar in force now, the shipped one
// when none was given.
func (s *Service) workCalendar() (*calendar.Calendar, error) {
	if s.cal != nil {
		if c := s.cal(); c != nil {
			return c, nil
		}
	}
	return calendar.Default()
}
