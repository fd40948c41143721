package mediation

import (
	"time"

	"linli"
	"linli/calendar"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// Service is the mediation capability. cmd/linli fills the fields and calls
// Register before serving.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Zone     *time.Location
	Registry *registry.Service
	Cases    *cases.Service
	Links    *links.Registry
	// Calendar says which days are worked, for periods that end on a
	// working day; nil means the calendar Linli ships.
	Calendar *calendar.Calendar
}

// Timer kinds.
const (
	JobDue           = "mediation.due"            // the one-month target has passed
	JobCourtReminder = "mediation.court_reminder" // the court-confirmation window is closing
)

// Register adds the capability's link resolver.
func (s *Service) Register() {
	if s.Links != nil {
		s.Links.Register(links.KindDispute, s.ResolveLinks)
	}
}

// JobHandlers are the capability's timers, by kind.
func (s *Service) JobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobDue: s.handleDue, JobCourtReminder: s.handleCourtReminder}
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

func (s *Service) zone() *time.Location {
	if s.Zone == nil {
		return time.FixedZone("CST", 8*3600)
	}
	return s.Zone
}

func errNotFound() error {
	return linli.Errorf(linli.ENotFound, "调解案件不存在 / dispute not found")
}

func errState(d Dispute, what string) error {
	return linli.Errorf(linli.EConflict, "案件%s，不能%s / the dispute is %s", d.State.Label(), what, d.State)
}

// workCalendar is the working calendar, the shipped one when none was
// given.
func (s *Service) workCalendar() (*calendar.Calendar, error) {
	if s.Calendar != nil {
		return s.Calendar, nil
	}
	return calendar.Default()
}
