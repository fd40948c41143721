package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
)

// NewCase is a report. LocationID is a node of the register (community or
// below); HouseholdID, when set, narrows it to a household (and sets the
// location to its unit).
type NewCase struct {
	Category       string   `json:"category"` // code, e.g. "water_leak"
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Source         Source   `json:"source"`
	SourceRef      string   `json:"source_ref"` // e.g. the meeting or inspection id
	LocationID     int64    `json:"location_id"`
	HouseholdID    int64    `json:"household_id"`
	Lat            float64  `json:"lat"`
	Lon            float64  `json:"lon"`
	Address        string   `json:"address"`
	Priority       Priority `json:"priority"`
	Public         bool     `json:"public"`
	ReporterName   string   `json:"reporter_name"`  // hotline entries by staff
	ReporterPhone  string   `json:"reporter_phone"` // hotline entries by staff
	IdempotencyKey string   `json:"-"`
	// Photos are checked uploads saved with the case, in its transaction.
	Photos []attach.Checked `json:"-"`
	// Uploads are the reporter's pending uploads (attach.SavePending) the
	// case claims in its transaction: photos sent ahead by the phone, or
	// kept from a form that was refused.
	Uploads []int64 `json:"-"`
	// Also writes the caller's own rows of the new case (Open311's
	// moderated-intake token) in the case's transaction: both are stored,
	// or neither.
	Also func(ctx context.Context, tx *storage.Tx, c Case) error `json:"-"`
}

func (in *NewCase) validate() error {
	var v linli.Validation
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	if in.Category == "" {
		v.Add("category", "请选择类别 / category is required")
	}
	if in.Title == "" && in.Description == "" {
		v.Add("title", "请用一句话描述问题 / describe the problem in a sentence")
	}
	if utf8.RuneCountInString(in.Title) > 80 {
		v.Add("title", "标题不超过80字 / title is at most 80 characters")
	}
	if utf8.RuneCountInString(in.Description) > 4000 {
		v.Add("description", "描述不超过4000字 / description is at most 4000 characters")
	}
	if in.Source == "" {
		in.Source = SourceResident
	}
	if !in.Source.Valid() {
		v.Add("source", "来源无效 / unknown source")
	}
	if in.Priority == "" {
		in.Priority = Normal
	}
	if in.Priority.Label() == "" {
		v.Add("priority", "优先级应为 normal、urgent 或 emergency / unknown priority")
	}
	if in.LocationID == 0 && in.HouseholdID == 0 && in.Lat == 0 && in.Lon == 0 {
		v.Add("location_id", "请选择地点或给出坐标 / a location or a map point is required")
	}
	if in.Lat != 0 || in.Lon != 0 {
		if in.Lat < -90 || in.Lat > 90 || in.Lon < -180 || in.Lon > 180 {
			v.Add("lat", "坐标超出范围 / coordinates out of range")
		}
	}
	if in.ReporterPhone = ledger.NormalizePhone(in.ReporterPhone); in.ReporterPhone != "" && !ledger.ValidPhone(in.ReporterPhone) {
		v.Add("reporter_phone", "手机号无效 / not a valid phone number")
	}
	if n := len(in.Photos) + len(in.Uploads); n > attach.PhotoLimits().MaxFiles {
		v.Add("photos", fmt.Sprintf("最多%d张照片 / at most %d photos", attach.PhotoLimits().MaxFiles, attach.PhotoLimits().MaxFiles))
	}
	if len(in.IdempotencyKey) > 200 {
		v.Add("Idempotency-Key", "不超过200字符 / at most 200 characters")
	}
	return v.Err()
}

// Open reports a case. Residents report in their own community; staff and
// grid workers within their scope; other capabilities (inspections,
// meetings, cameras) call Open with the system actor or their user. A
// grid worker's patrol report is registered and dispatched to their grid at
// once. With an idempotency key, a retry returns the case the first call
// created.
func (s *Service) Open(ctx context.Context, a *linli.Actor, in NewCase) (Case, error) {
	c, _, err := s.OpenIdempotent(ctx, a, in)
	return c, err
}

// OpenIdempotent is Open that also says whether the idempotency key
// matched an earlier call (replay).
//
// The reads and checks happen first, outside the writer (prepare); only
// the writes go into the shared transaction (write), because SQLite has
// one writer and whatever runs there runs on one core for everyone.
func (s *Service) OpenIdempotent(ctx context.Context, a *linli.Actor, in NewCase) (Case, bool, error) {
	if err := in.validate(); err != nil {
		return Case{}, false, err
	}
	if in.Title == "" {
		in.Title = firstRunes(in.Description, 30)
	}
	o, err := s.prepareOpen(ctx, a, in)
	if err != nil {
		return Case{}, false, err
	}
	replay := false
	var c Case
	err = s.DB.Batch(ctx, func(tx *storage.Tx) error {
		var err error
		if c, err = s.writeOpen(ctx, tx, a, in, o); err != nil || in.Also == nil {
			return err
		}
		return in.Also(ctx, tx, c)
	})
	if errors.Is(err, errReplay) || (err != nil && in.IdempotencyKey != "" && a.AccountID != 0 && storage.IsUnique(err)) {
		// The key was used before (errReplay), or a concurrent call with
		// the same key committed first: a replay of that case.
		if s.DB.QueryRow(ctx, `SELECT id FROM cases WHERE reporter_id = ? AND idem_key = ?`, a.AccountID, in.IdempotencyKey).Scan(&c.ID) == nil {
			err, replay = nil, true
		}
	}
	if err != nil {
		return Case{}, false, err
	}
	if replay || c.State != Reported {
		c, err = s.Get(ctx, a, c.ID)
	}
	return c, replay, err
}

// opening is what prepareOpen learned about a new report.
type opening struct {
	cat   Category
	place place
	loc   int64
	staff []int64 // community staff, told of the new report
	label string
}

// notReportable is the answer for a household or place that does not
// exist or is outside where the actor may report: one answer for both.
func notReportable(field string) error {
	what := "地点不存在或不在您可上报的范围 / no such place where you may report"
	if field == "household_id" {
		what = "住户不存在或不在您可上报的范围 / no such household where you may report"
	}
	return linli.Invalid(what, linli.FieldError{Field: field, Reason: what})
}

// belongsTo reports whether one of the actor's roles is held in the
// community at path, above it or below it.
func belongsTo(a *linli.Actor, community string) bool {
	for _, g := range a.Grants {
		if linli.Within(community, g.NodePath) || linli.Within(g.NodePath, community) {
			return true
		}
	}
	return false
}

// prepareOpen resolves and checks a report with reads only.
func (s *Service) prepareOpen(ctx context.Context, a *linli.Actor, in NewCase) (opening, error) {
	var o opening
	var err error
	if o.cat, err = s.categoryCached(ctx, in.Category); err != nil {
		return o, err
	}
	o.loc = in.LocationID
	var room string
	seesHousehold := false
	if in.HouseholdID != 0 {
		h, err := s.Registry.HouseholdAt(ctx, s.DB, in.HouseholdID)
		if err != nil {
			return o, notReportable("household_id")
		}
		o.loc, room = h.UnitID, h.Room
		seesHousehold = a.CanHousehold(linli.PermRegistryRead, h.Path, h.ID)
	}
	if o.loc == 0 {
		// A map point: the grid whose boundary contains it.
		if o.loc, err = s.gridAt(ctx, reportScope(a), in.Lon, in.Lat); err != nil {
			return o, err
		}
	}
	if o.place, err = s.locate(ctx, s.DB, o.loc); err != nil {
		if linli.ErrorCode(err) == linli.ENotFound {
			return o, notReportable("location_id")
		}
		return o, err
	}
	o.label = o.place.Label + room
	path := o.place.Location.Path
	if !s.mayReport(a, path, in.HouseholdID, o.place.Community.Path) {
		// A household the actor may read, or a place in a community the
		// actor belongs to, is known to them: the refusal is a 403.
		// Otherwise the same answer as an unknown id — a 403 would tell
		// which ids exist where the actor cannot look.
		if in.HouseholdID != 0 {
			if seesHousehold {
				return o, errForbidden()
			}
			return o, notReportable("household_id")
		}
		if belongsTo(a, o.place.Community.Path) {
			return o, errForbidden()
		}
		return o, notReportable("location_id")
	}
	if in.Source == SourcePatrol && !a.HasRole(linli.RoleGridWorker) {
		return o, linli.Invalid("只有网格员可以提交巡查发现 / only grid workers report patrol findings", linli.FieldError{Field: "source", Reason: "巡查来源仅限网格员 / patrol is for grid workers"})
	}
	if in.Source == SourceVolunteer && !a.HasRole(linli.RoleVolunteer) {
		return o, linli.Invalid("只有志愿者可以提交志愿者巡查 / only volunteers report volunteer patrol findings", linli.FieldError{Field: "source", Reason: "志愿者巡查来源仅限志愿者 / volunteer patrol is for volunteers"})
	}
	if in.Source == SourceHotline && !a.Can(linli.PermCasesManage, path) {
		return o, linli.Invalid("热线工单由工作人员录入 / hotline entries are made by staff", linli.FieldError{Field: "source", Reason: "热线来源仅限工作人员 / hotline is for staff"})
	}
	if len(in.Uploads) > 0 {
		// Checked here with a read, so a stale or foreign id is a form
		// error before anything is written; Claim checks again in the
		// write.
		got, err := attach.PendingOf(ctx, s.DB, a.AccountID, in.Uploads, s.now())
		if err != nil {
			return o, err
		}
		if len(got) != len(uniqueIDs(in.Uploads)) {
			return o, linli.Invalid("照片已失效，请重新选择 / a photo has expired, choose it again",
				linli.FieldError{Field: "photos", Reason: "照片已失效或不属于您，请重新选择 / the photo has expired or is not yours; choose it again"})
		}
	}
	o.staff, err = s.communityStaff(ctx, o.place.Community.ID)
	return o, err
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// reportScope is where a point a reporter drops is looked for: the
// reporter's own scope, a resident's community, or anywhere for the system.
func reportScope(a *linli.Actor) string {
	if sc := a.Scopes(linli.PermCasesRead); len(sc) == 1 {
		return sc[0]
	} else if len(sc) == 0 {
		for _, g := range a.Grants {
			if g.Role == linli.RoleResident {
				return communityPath(g.NodePath)
			}
		}
	}
	return "/"
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// writeOpen writes a prepared report inside the shared transaction and
// returns the case as written.
func (s *Service) writeOpen(ctx context.Context, tx *storage.Tx, a *linli.Actor, in NewCase, o opening) (Case, error) {
	p, cat := o.place, o.cat
	path := p.Location.Path
	now := s.now()
	ms := storage.Millis(now)
	day := s.day(now)
	seq, err := s.nextNumber(ctx, tx, p.Community.ID, day)
	if err != nil {
		return Case{}, err
	}
	prefix := p.Community.Abbr
	if prefix == "" {
		prefix = "C" + itoa(p.Community.ID)
	}
	reporterName, reporterPhone := in.ReporterName, in.ReporterPhone
	if in.Source != SourceHotline || reporterName == "" {
		reporterName = actorName(a)
	}
	var idem any
	if in.IdempotencyKey != "" {
		idem = in.IdempotencyKey
	}
	c := Case{Number: fmtNumber(prefix, day, seq), CommunityID: p.Community.ID, GridID: p.Grid.ID, LocationID: p.Location.ID, HouseholdID: in.HouseholdID,
		Lat: float64(int64(in.Lat*1e6)) / 1e6, Lon: float64(int64(in.Lon*1e6)) / 1e6, Address: in.Address, Path: path, CategoryID: cat.ID, Category: cat.Name, CategoryEN: cat.NameEN,
		Title: in.Title, Description: in.Description, Source: in.Source, SourceRef: in.SourceRef, ReporterID: a.AccountID, ReporterName: reporterName,
		Priority: maxPriority(in.Priority, cat.Priority), Public: in.Public, State: Reported, Location: o.label, CreatedAt: storage.FromMillis(ms),
		UpdatedAt: storage.FromMillis(ms), Version: 1}
	if reporterPhone != "" {
		c.ReporterPhone = registry.MaskPhone(reporterPhone)
	}
	// With an idempotency key the insert itself is the check: a key the
	// reporter used before inserts nothing, and the report is a replay
	// (errReplay rolls this request back; the caller reads the first case).
	// One statement instead of a look-up first — and no plan to go wrong:
	// PostgreSQL, planning the look-up on a young table, may walk all of
	// an integrator's cases through cases_reporter on every report.
	insert := insertCase
	replayable := in.IdempotencyKey != "" && a.AccountID != 0
	if replayable {
		insert += ` ON CONFLICT (reporter_id, idem_key) DO NOTHING`
	}
	c.ID, err = tx.Insert(ctx, insert,
		c.Number, c.CommunityID, c.GridID, c.LocationID, c.HouseholdID, int64(in.Lat*1e6), int64(in.Lon*1e6), c.Address, path, cat.ID,
		c.Title, c.Description, c.Source, c.SourceRef, a.AccountID, reporterName, reporterPhone, c.Priority, storage.Int(c.Public), Reported, idem, ms, ms)
	if replayable && errors.Is(err, sql.ErrNoRows) {
		return c, errReplay
	}
	if err != nil {
		return c, err
	}
	doc := makeSearchDoc(c, o.label, reporterPhone)
	// The statistics change and the timeline step are queued
	// (storage.Tx.Queue): on PostgreSQL they reach the server together,
	// when the event's webhook lookup runs. The search row is queued last
	// (see the end).
	if err := s.bump(ctx, tx, day, p.Community.ID, p.Grid.ID, cat.ID, "reported", 1); err != nil {
		return c, err
	}
	if err := s.event(ctx, tx, c.ID, a, now, "report", "", Reported, in.Title, nil, true); err != nil {
		return c, err
	}
	photos := len(in.Photos)
	if len(in.Photos) > 0 {
		if _, err := attach.Save(ctx, tx, "case", c.ID, 0, a.AccountID, in.Photos, now); err != nil {
			return c, err
		}
	}
	if len(in.Uploads) > 0 {
		n, err := attach.Claim(ctx, tx, a.AccountID, in.Uploads, "case", c.ID, 0, now)
		if err != nil {
			return c, err
		}
		photos += n
	}
	if photos > 0 {
		if err := s.event(ctx, tx, c.ID, a, now, "photos", "", "", fmt.Sprintf("上传%d张照片", photos), nil, true); err != nil {
			return c, err
		}
	}
	// A grid worker's own patrol finding needs no registration step: it is
	// registered and dispatched to the worker's grid straight away.
	if in.Source == SourcePatrol && p.Grid.ID != 0 {
		if c, err = s.transition(ctx, tx, a, c, ActAccept, ActionInput{Note: "巡查发现，自动立案", trusted: true}); err != nil {
			return c, err
		}
		c, err = s.transition(ctx, tx, a, c, ActDispatch, ActionInput{AssigneeKind: "grid", AssigneeID: p.Grid.ID, Note: "巡查发现，派本网格", trusted: true})
	} else {
		err = s.notify(ctx, tx, o.staff, "case", c.ID, Text{fmt.Sprintf("新上报：%s（%s）", c.Title, c.Number), fmt.Sprintf("New report: %s (%s)", c.Title, c.Number)}, false)
	}
	if err != nil {
		return c, err
	}
	// Last, so nothing after it sends it: on SQLite a group commit then
	// writes all its reports' search rows together (storage.Tx.Queue).
	return c, s.indexNew(ctx, tx, c.ID, doc)
}

// insertCase is writeOpen's INSERT (storage's Tx.Insert adds RETURNING id).
const insertCase = `INSERT INTO cases (number, community_id, grid_id, location_id, household_id, lat_e6, lon_e6, address, path, category_id,
		title, description, source, source_ref, reporter_id, reporter_name, reporter_phone, priority, public, state, idem_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// errReplay: the reporter's idempotency key is already on a case.
var errReplay = errors.New("cases: idempotency key already used")

func maxPriority(a, b Priority) Priority {
	rank := map[Priority]int{Normal: 0, Urgent: 1, Emergency: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// mayReport: staff, workers and volunteers within their scope
// (linli.Actor.ReportScopes); residents in their own community (location
// their own household or a shared place).
func (s *Service) mayReport(a *linli.Actor, path string, householdID int64, communityPath string) bool {
	for _, sc := range a.ReportScopes() {
		if linli.Within(path, sc) {
			return true
		}
	}
	for _, g := range a.Grants {
		if g.Role != linli.RoleResident || !linli.Within(g.NodePath, communityPath) {
			continue
		}
		if householdID == 0 || householdID == g.HouseholdID {
			return true
		}
	}
	return false
}

// nextNumber returns the next sequence number of a community's day. One
// upsert, so two first reports of the day cannot both insert the row (on
// PostgreSQL the second would fail with a duplicate key). It runs through
// storage's Tx.Counter: on PostgreSQL the counter row is locked for that
// one statement, not until the report commits, so a community's reports
// no longer run one at a time — and a report that fails after taking its
// number leaves a gap (see the package comment).
func (s *Service) nextNumber(ctx context.Context, tx *storage.Tx, community int64, day int) (int, error) {
	seq, err := tx.Counter(ctx, bumpNumber, newNumber, community, day)
	return int(seq), err
}

// bumpNumber and newNumber are nextNumber's statements (storage's
// Tx.Counter runs the first and, for the day's first report, the second).
const (
	bumpNumber = `UPDATE case_counters SET last = last + 1 WHERE community_id = ? AND day = ? RETURNING last`
	newNumber  = `INSERT INTO case_counters (community_id, day, last) VALUES (?, ?, 1)
		ON CONFLICT (community_id, day) DO UPDATE SET last = case_counters.last + 1 RETURNING last`
)

// event appends a timeline step.
func (s *Service) event(ctx context.Context, tx *storage.Tx, caseID int64, a *linli.Actor, at time.Time, action string, from, to State, note string, data any, public bool) error {
	js := ""
	if data != nil {
		js = toJSON(data)
	}
	var actorID int64
	if a != nil {
		actorID = a.AccountID
	}
	err := tx.Queue(ctx, `INSERT INTO case_events (case_id, at, actor_id, actor_name, action, from_state, to_state, note, data, public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		caseID, storage.Millis(at), actorID, actorName(a), action, from, to, note, js, storage.Int(public))
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, caseID, at, action, from, to, data)
}

// communityStaff is accountsFor(community) through a cache of a few
// seconds: every new report notifies the community's staff, and roles
// change rarely (a new staff member is told of reports from then on, at
// most staffTTL late).
func (s *Service) communityStaff(ctx context.Context, community int64) ([]int64, error) {
	s.staffMu.Lock()
	e, ok := s.staff[community]
	s.staffMu.Unlock()
	if ok && time.Since(e.at) < staffTTL {
		return e.ids, nil
	}
	ids, err := s.accountsFor(ctx, s.DB, AssignCommunity, community)
	if err != nil {
		return nil, err
	}
	s.staffMu.Lock()
	if s.staff == nil || len(s.staff) > 10000 {
		s.staff = map[int64]staffEntry{}
	}
	s.staff[community] = staffEntry{ids: ids, at: time.Now()}
	s.staffMu.Unlock()
	return ids, nil
}

const staffTTL = 5 * time.Second

type staffEntry struct {
	ids []int64
	at  time.Time
}
