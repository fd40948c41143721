package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/geomap"
	"linli/links"
	"linli/live"
	"linli/registry"
	"linli/storage"
)

// Service is the case loop.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Calendar *calendar.Calendar
	Registry *registry.Service
	Zone     *time.Location
	// BasicWeight is the weight of "basically satisfied" in the
	// satisfaction rate (0.9 in one published practice).
	BasicWeight float64
	// Links shows what a case came out of or led to; set at start-up.
	Links *links.Registry
	// MapTiles is the intranet tile server under the maps, if any.
	MapTiles geomap.Tiles
	// notifyEN words, per kind, the English of notifications another
	// capability wrote before they carried it (RegisterNotificationEnglish);
	// filled at start-up, read only afterwards.
	notifyEN map[string]func(zh string) string
	// bell rings the accounts' open pages (bell.go); nil: none.
	bell *live.Hub

	staffMu sync.Mutex
	staff   map[int64]staffEntry

	catMu sync.Mutex
	cats  map[string]Category
	catAt time.Time

	current atomic.Pointer[calendar.Calendar] // see UseCalendar

	// holders answers "who holds this role on this node" (auth's read on
	// its grants); only its reads are used, which need the registry alone.
	holders *auth.Service
}

// New builds the service.
func New(db *storage.DB, clock linli.Clock, cal *calendar.Calendar, reg *registry.Service, zone *time.Location) *Service {
	if clock == nil {
		clock = linli.SystemClock{}
	}
	s := &Service{DB: db, Clock: clock, Calendar: cal, Registry: reg, Zone: zone, BasicWeight: 0.9,
		holders: &auth.Service{DB: db, Clock: clock, Registry: reg}}
	s.forgetOnSignals()
	return s
}

func (s *Service) now() time.Time { return s.Clock.Now() }

// UseCalendar swaps the working calendar for the deadlines computed from
// now on (an administrator loaded a year); safe while requests run.
func (s *Service) UseCalendar(c *calendar.Calendar) { s.current.Store(c) }

// WorkingCalendar is the calendar deadlines are counted on: the last one
// UseCalendar installed, else Calendar.
func (s *Service) WorkingCalendar() *calendar.Calendar {
	if c := s.current.Load(); c != nil {
		return c
	}
	return s.Calendar
}

// day is the statistics day (YYYYMMDD in the deployment's zone).
func (s *Service) day(t time.Time) int {
	t = t.In(s.Zone)
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}

func errNotFound() error { return linli.Errorf(linli.ENotFound, "案件不存在 / case not found") }
func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权操作此案件 / not allowed on this case")
}

// place is what a case needs to know about its location.
type place struct {
	Location  registry.Node
	Community registry.Node
	Street    registry.Node
	Grid      registry.Node // zero when the location is above grid level
	Estate    registry.Node // zero when above estate level
	Label     string
}

// locate resolves a node id to its community, grid and estate.
func (s *Service) locate(ctx context.Context, q storage.Querier, nodeID int64) (place, error) {
	var p place
	line, err := s.Registry.Lineage(ctx, q, nodeID)
	if err != nil {
		return p, err
	}
	n := line[len(line)-1]
	p.Location = n
	var names []string
	for _, a := range line {
		switch a.Kind {
		case registry.KindStreet:
			p.Street = a
		case registry.KindCommunity:
			p.Community = a
		case registry.KindGrid:
			p.Grid = a
		case registry.KindEstate:
			p.Estate = a
			names = append(names, a.Name)
		case registry.KindBuilding, registry.KindUnit:
			names = append(names, a.Name)
		}
	}
	if p.Community.ID == 0 {
		return p, linli.Invalid("地点须在社区内 / the location must be inside a community",
			linli.FieldError{Field: "location_id", Reason: "地点须在社区或以下 / pick a community or a place inside one"})
	}
	if len(names) == 0 {
		names = append(names, n.Name)
	}
	p.Label = strings.Join(names, "")
	return p, nil
}

const caseColumns = `c.id, c.number, c.community_id, c.grid_id, c.location_id, c.household_id, c.lat_e6, c.lon_e6, c.address, c.path,
	c.category_id, k.name, k.name_en, c.title, c.description, c.source, c.source_ref, c.reporter_id, c.reporter_name, c.reporter_phone, c.priority, c.public,
	c.state, c.assignee_kind, c.assignee_id, c.assignee_name, c.handler_id, c.response_due, c.resolve_due, c.dispatched_at, c.responded_at,
	c.handled_at, c.closed_at, c.overdue, c.warned, c.escalation_level, c.reopened, c.extensions, c.rating, c.rating_comment, c.merged_into,
	c.created_at, c.updated_at, c.version, COALESCE(d.name_en, '')`

// caseFrom joins a case's category and, when a department handles it, the
// department (for its English name).
const caseFrom = ` FROM cases c JOIN categories k ON k.id = c.category_id` + deptJoin

const deptJoin = ` LEFT JOIN departments d ON c.assignee_kind = 'department' AND d.id = c.assignee_id`

type scanner interface{ Scan(...any) error }

func scanCase(r scanner) (Case, error) {
	var c Case
	var lat, lon, pub, rd, sd, dis, resp, hand, clo, over, warn, cr, up int64
	err := r.Scan(&c.ID, &c.Number, &c.CommunityID, &c.GridID, &c.LocationID, &c.HouseholdID, &lat, &lon, &c.Address, &c.Path,
		&c.CategoryID, &c.Category, &c.CategoryEN, &c.Title, &c.Description, &c.Source, &c.SourceRef, &c.ReporterID, &c.ReporterName, &c.ReporterPhone, &c.Priority, &pub,
		&c.State, &c.AssigneeKind, &c.AssigneeID, &c.AssigneeName, &c.HandlerID, &rd, &sd, &dis, &resp,
		&hand, &clo, &over, &warn, &c.EscalationLevel, &c.Reopened, &c.Extensions, &c.Rating, &c.RatingComment, &c.MergedInto,
		&cr, &up, &c.Version, &c.AssigneeNameEN)
	c.Lat, c.Lon = float64(lat)/1e6, float64(lon)/1e6
	c.Public, c.Overdue, c.Warned = pub != 0, over != 0, warn != 0
	c.ResponseDue, c.ResolveDue, c.DispatchedAt, c.RespondedAt = storage.FromMillis(rd), storage.FromMillis(sd), storage.FromMillis(dis), storage.FromMillis(resp)
	c.HandledAt, c.ClosedAt, c.CreatedAt, c.UpdatedAt = storage.FromMillis(hand), storage.FromMillis(clo), storage.FromMillis(cr), storage.FromMillis(up)
	if c.ReporterPhone != "" {
		c.ReporterPhone = registry.MaskPhone(c.ReporterPhone)
	}
	return c, err
}

func (s *Service) get(ctx context.Context, q storage.Querier, id int64, forUpdate bool) (Case, error) {
	qs := `SELECT ` + caseColumns + caseFrom + ` WHERE c.id = ?`
	if forUpdate && s.DB.Dialect == storage.Postgres {
		qs += ` FOR UPDATE OF c`
	}
	c, err := scanCase(q.QueryRow(ctx, qs, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errNotFound()
	}
	c.Overdue, c.Warning = c.OverdueAt(s.now()), c.WarningAt(s.now())
	if cal := s.WorkingCalendar(); c.State.Open() && cal != nil {
		c.CalendarGap = cal.Beyond(c.DispatchedAt, c.ResolveDue)
	}
	return c, err
}

// access is how an actor may see a case.
type access int

const (
	noAccess access = iota
	// fullAccess: staff and workers of its place, its assignee, a level
	// whistled in, its reporter.
	fullAccess
	// neighbourAccess: a resident of the community seeing a public case.
	// Public means the problem and its progress, never who reported it:
	// see forNeighbours.
	neighbourAccess
)

// accessTo decides how the actor may see the case: staff and workers of
// its place, the reporter, and — for public cases — residents of the
// community, who see it without the reporter (forNeighbours).
func (s *Service) accessTo(ctx context.Context, a *linli.Actor, c Case) access {
	if a == nil {
		return noAccess
	}
	if a.AccountID != 0 && a.AccountID == c.ReporterID {
		return fullAccess
	}
	if a.Can(linli.PermCasesRead, c.Path) {
		return fullAccess
	}
	if ok, _ := s.isAssignee(ctx, s.DB, a, c); ok {
		return fullAccess
	}
	if ok, _ := s.isWhistled(ctx, s.DB, a, c); ok {
		return fullAccess
	}
	if c.Public {
		for _, g := range a.Grants {
			if g.Role == linli.RoleResident && linli.Within(g.NodePath, communityPath(c.Path)) {
				return neighbourAccess
			}
		}
	}
	return noAccess
}

// canRead reports whether the actor may see the case at all.
func (s *Service) canRead(ctx context.Context, a *linli.Actor, c Case) bool {
	return s.accessTo(ctx, a, c) != noAccess
}

// forNeighbours is a public case as residents of its community see it:
// the problem, where at building level, and its progress — not the
// reporter's account, name or phone, their household and room, the exact
// address or position of a problem reported at home, nor the comment of
// their rating.
func (c Case) forNeighbours() Case {
	c.ReporterID, c.ReporterName, c.ReporterPhone, c.RatingComment = 0, "", "", ""
	if c.HouseholdID != 0 {
		c.HouseholdID, c.Address, c.Lat, c.Lon = 0, "", 0, 0
	}
	c.ForNeighbours = true
	return c
}

// communityPath cuts a location path down to its community: the tree is
// city/district/street/community, so the community is the fourth id.
func communityPath(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 4 {
		return path
	}
	return "/" + strings.Join(parts[:4], "/") + "/"
}

// Get returns one case the actor may read; a neighbour gets it without
// the reporter (forNeighbours).
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Case, error) {
	c, acc, err := s.getAs(ctx, a, id)
	if err != nil {
		return c, err
	}
	if acc == neighbourAccess {
		c = c.forNeighbours()
	}
	c.Location, _ = s.locationLabel(ctx, c)
	return c, nil
}

// getAs loads a case, whole, with the actor's access to it; not found
// when there is none.
func (s *Service) getAs(ctx context.Context, a *linli.Actor, id int64) (Case, access, error) {
	c, err := s.get(ctx, s.DB, id, false)
	if err != nil {
		return c, noAccess, err
	}
	acc := s.accessTo(ctx, a, c)
	if acc == noAccess {
		// A case the actor may not see answers like one that does not
		// exist: a 403 would tell which ids (and so how many cases) exist.
		return Case{}, noAccess, errNotFound()
	}
	return c, acc, nil
}

func (s *Service) locationLabel(ctx context.Context, c Case) (string, error) {
	p, err := s.locate(ctx, s.DB, c.LocationID)
	if err != nil {
		return "", err
	}
	label := p.Label
	if c.HouseholdID != 0 {
		if h, err := s.Registry.HouseholdAt(ctx, s.DB, c.HouseholdID); err == nil {
			label += h.Room
		}
	}
	return label, nil
}

// Timeline returns the case's events; the reporter and residents see only
// the public ones.
func (s *Service) Timeline(ctx context.Context, a *linli.Actor, id int64) ([]Event, error) {
	c, acc, err := s.getAs(ctx, a, id)
	if err != nil {
		return nil, err
	}
	full := a.Can(linli.PermCasesRead, c.Path)
	if !full {
		full, _ = s.isAssignee(ctx, s.DB, a, c)
	}
	var out []Event
	err = storage.Each(ctx, s.DB, func(rows *sql.Rows) error {
		var e Event
		var at, pub int64
		if err := rows.Scan(&e.ID, &e.CaseID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.From, &e.To, &e.Note, &e.Data, &pub); err != nil {
			return err
		}
		e.At, e.Public = storage.FromMillis(at), pub != 0
		if acc == neighbourAccess {
			// The progress, not who reported it: the reporter's own
			// steps keep their action but not their name or words, and
			// no event's data (it can name a household).
			if e.ActorID != 0 && e.ActorID == c.ReporterID {
				e.ActorID, e.ActorName, e.Note = 0, "报告人", ""
			}
			e.Data = ""
		}
		if e.Public || full {
			out = append(out, e)
		}
		return nil
	}, `SELECT id, case_id, at, actor_id, actor_name, action, from_state, to_state, note, data, public FROM case_events WHERE case_id = ? ORDER BY id`, id)
	return out, err
}

// Whistles returns the whistles blown on a case.
func (s *Service) Whistles(ctx context.Context, a *linli.Actor, id int64) ([]Whistle, error) {
	if _, err := s.Get(ctx, a, id); err != nil {
		return nil, err
	}
	return s.whistles(ctx, s.DB, id)
}

func (s *Service) whistles(ctx context.Context, q storage.Querier, id int64) ([]Whistle, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (Whistle, error) {
		var w Whistle
		var auto, called, due, acked, lapsed int64
		err := rows.Scan(&w.ID, &w.CaseID, &w.TargetKind, &w.TargetID, &w.TargetName, &w.Level, &auto, &w.Reason, &called, &due, &acked, &w.AckedBy, &lapsed)
		w.Automatic = auto != 0
		w.CalledAt, w.AckDue, w.AckedAt, w.LapsedAt = storage.FromMillis(called), storage.FromMillis(due), storage.FromMillis(acked), storage.FromMillis(lapsed)
		return w, err
	}, `SELECT id, case_id, target_kind, target_id, target_name, level, automatic, reason, called_at, ack_due, acked_at, acked_by, lapsed_at
		FROM case_whistles WHERE case_id = ? ORDER BY id`, id)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// systemName is the timers' name on the timeline (Event.ActorIn words it
// in English).
const systemName = "系统"

// actorName is how an actor appears on the timeline.
func actorName(a *linli.Actor) string {
	if a == nil {
		return systemName
	}
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

func fmtNumber(prefix string, day, seq int) string {
	return fmt.Sprintf("%s-%08d-%04d", prefix, day, seq)
}

func fromMs(ms int64) time.Time { return storage.FromMillis(ms) }

// ResolveLinks describes linked cases the actor may read (a links.Resolver).
func (s *Service) ResolveLinks(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		c, err := s.Get(ctx, a, id)
		if linli.ErrorCode(err) == linli.ENotFound || linli.ErrorCode(err) == linli.EForbidden {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = links.Item{Title: c.Number + " " + c.Title, URL: fmt.Sprintf("/cases/%d", id), State: c.State.Label(), At: c.CreatedAt}
	}
	return out, nil
}

// Count is how many cases the database holds (linli backup and restore
// say it, so the two can be compared).
func Count(ctx context.Context, q storage.Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n)
	return n, err
}
