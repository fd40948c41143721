package visits

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"linli"
	"linli/attach"
	"linli/audit"
	"linli/auth"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

const visitColumns = `v.id, v.matter_id, v.subject_kind, v.subject_id, v.household_id, v.path, v.visited_at, v.stance, v.concerns, v.notes,
	v.recorded_by, v.recorder_name, v.created_at`

// scanVisit reads a visit row; the household's label comes from registry
// (queryVisits).
func scanVisit(r interface{ Scan(...any) error }) (Visit, error) {
	var v Visit
	var kind, concerns string
	var sid, at, created int64
	err := r.Scan(&v.ID, &v.MatterID, &kind, &sid, &v.HouseholdID, &v.Path, &at, &v.Stance, &concerns, &v.Notes,
		&v.RecordedBy, &v.RecorderName, &created)
	v.Subject = links.Ref{Kind: kind, ID: sid}.String()
	v.VisitedAt, v.CreatedAt = storage.FromMillis(at), storage.FromMillis(created)
	v.Concerns = splitConcerns(concerns)
	v.Visitors, v.FollowUps = []Visitor{}, []FollowUp{}
	return v, err
}

// queryVisits runs a visit query (where: the conditions, order and limit
// after FROM visits v) and loads the households' labels (one registry
// read), the visitors and the follow-ups. A visit of a household the
// register no longer holds is left out.
func (s *Service) queryVisits(ctx context.Context, q storage.Querier, where string, args ...any) ([]Visit, error) {
	all, err := storage.Select(ctx, q, func(r *sql.Rows) (Visit, error) { return scanVisit(r) }, `SELECT `+visitColumns+` FROM visits v`+where, args...)
	if err != nil {
		return nil, err
	}
	hids := make([]int64, len(all))
	for i, v := range all {
		hids[i] = v.HouseholdID
	}
	hs, err := s.registry.HouseholdsAt(ctx, q, hids)
	if err != nil {
		return nil, err
	}
	out := []Visit{}
	idx := map[int64]int{}
	var ids []int64
	for _, v := range all {
		h, ok := hs[v.HouseholdID]
		if !ok {
			continue
		}
		v.Household = h.Estate + h.Building + h.Unit + h.Room
		idx[v.ID] = len(out)
		ids = append(ids, v.ID)
		out = append(out, v)
	}
	if len(ids) == 0 {
		return out, nil
	}
	in, idArgs := storage.Placeholders(len(ids)), storage.Args(ids)
	err = storage.Each(ctx, q, func(r *sql.Rows) error {
		var id int64
		var p Visitor
		if err := r.Scan(&id, &p.AccountID, &p.Name); err != nil {
			return err
		}
		out[idx[id]].Visitors = append(out[idx[id]].Visitors, p)
		return nil
	}, `SELECT visit_id, account_id, name FROM visit_visitors WHERE visit_id IN (`+in+`) ORDER BY visit_id, sort`, idArgs...)
	if err != nil {
		return nil, err
	}
	err = storage.Each(ctx, q, func(r *sql.Rows) error {
		var id, day, done, doneAt int64
		var f FollowUp
		if err := r.Scan(&id, &f.ID, &f.Text, &day, &done, &doneAt); err != nil {
			return err
		}
		f.Due, f.Done, f.DoneAt = dayString(day), storage.Bool(done), storage.FromMillis(doneAt)
		out[idx[id]].FollowUps = append(out[idx[id]].FollowUps, f)
		return nil
	}, `SELECT visit_id, id, text, due_day, done, done_at FROM visit_followups WHERE visit_id IN (`+in+`) ORDER BY visit_id, id`, idArgs...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) visit(ctx context.Context, q storage.Querier, id int64) (Visit, error) {
	vs, err := s.queryVisits(ctx, q, ` WHERE v.id = ?`, id)
	if err != nil {
		return Visit{}, err
	}
	if len(vs) == 0 {
		return Visit{}, errNotFound()
	}
	return vs[0], nil
}

// Record records a visit: the household's stance, concerns, notes,
// visitors, follow-ups and files, in one transaction with its audit entry.
// The first visit about a subject creates its visit matter, scoped to the
// household's building; a visit outside the matter's scope widens it.
// Needs PermVisitsWrite on the household.
func (s *Service) Record(ctx context.Context, a *linli.Actor, in VisitInput) (Visit, error) {
	now := s.now()
	subject, due, verr := in.validate(now)
	if in.HouseholdID <= 0 {
		return Visit{}, verr
	}
	h, err := s.household(ctx, s.db, in.HouseholdID)
	if err != nil {
		if verr != nil && linli.ErrorCode(err) == linli.EInvalid {
			return Visit{}, linli.MergeFields(verr, err)
		}
		return Visit{}, err
	}
	if !a.Can(linli.PermVisitsWrite, h.Path) {
		if !a.CanHousehold(linli.PermRegistryRead, h.Path, h.ID) {
			// A household the actor cannot see is answered like one that
			// does not exist.
			return Visit{}, linli.Invalid("住户不存在 / no such household", linli.FieldError{Field: "household_id", Reason: "住户不存在 / no such household"})
		}
		return Visit{}, linli.Errorf(linli.EForbidden, "无权走访此住户 / not allowed to record visits to this household")
	}
	if !hasFieldErr(verr, "subject") {
		// The project, vote or dispute must exist and be the actor's to see.
		if err := s.checkSubject(ctx, a, subject); linli.ErrorCode(err) == linli.EInvalid {
			verr = withField(verr, subjectUnseen())
		} else if err != nil {
			return Visit{}, err
		}
	}
	if verr != nil {
		return Visit{}, verr
	}
	visitors, err := s.visitors(ctx, a, h, in)
	if err != nil {
		return Visit{}, err
	}
	var out Visit
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, ok, err := s.matterBySubject(ctx, tx, subject)
		if err != nil {
			return err
		}
		switch {
		case subject.Kind == KindMatter && (!ok || !overlaps(a, m.Path)):
			// A general matter of another community is as unknown as one
			// that does not exist.
			return linli.Invalid("走访事项不存在 / no such visit matter", linli.FieldError{Field: "subject", Reason: "走访事项不存在 / no such visit matter"})
		case !ok:
			// The first visit about the subject — or about a new general
			// matter named only by its title — creates the matter, scoped
			// to the household's building.
			b, err := s.registry.NodeByID(ctx, h.BuildingID)
			if err != nil {
				return err
			}
			if err := s.sameCommunity(ctx, a, subject, b.Path); err != nil {
				return err
			}
			if m, err = s.insertMatter(ctx, tx, a, subject, in.MatterTitle, b.ID, b.Path); err != nil {
				return err
			}
		default:
			if m, err = s.widen(ctx, tx, a, m, h.Path); err != nil {
				return err
			}
		}
		subject = m.SubjectRef()
		id, err := tx.Insert(ctx, `INSERT INTO visits (matter_id, subject_kind, subject_id, household_id, path, visited_at, stance, concerns, notes,
			recorded_by, recorder_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, subject.Kind, subject.ID, h.ID, h.Path, ms(in.VisitedAt), string(in.Stance), joinConcerns(in.Concerns), in.Notes,
			a.AccountID, actorName(a), ms(now), ms(now))
		if err != nil {
			return err
		}
		for i, p := range visitors {
			if _, err := tx.Exec(ctx, `INSERT INTO visit_visitors (visit_id, sort, account_id, name) VALUES (?, ?, ?, ?)`, id, i, p.AccountID, p.Name); err != nil {
				return err
			}
		}
		for i, f := range in.FollowUps {
			if _, err := tx.Insert(ctx, `INSERT INTO visit_followups (visit_id, text, due_day) VALUES (?, ?, ?)`, id, f.Text, due[i]); err != nil {
				return err
			}
		}
		if len(in.Files) > 0 {
			if _, err := attach.Save(ctx, tx, "visit", id, 0, a.AccountID, in.Files, now); err != nil {
				return err
			}
		}
		if subject.Kind != KindMatter && !subject.IsZero() {
			// The subject's page lists its visits; the visit links back.
			if err := links.Add(ctx, tx, subject, links.Ref{Kind: links.KindVisit, ID: id}, "visit", now); err != nil {
				return err
			}
		}
		if out, err = s.visit(ctx, tx, id); err != nil {
			return err
		}
		summary := fmt.Sprintf("走访 %s（%s）：%s", h.Label, m.Title, in.Stance.Label())
		if c := out.ConcernLabels(); c != "" {
			summary += " · " + c
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "visit.create", Entity: "visit", EntityID: id, ScopePath: h.Path,
			Summary: summary, After: out})
	})
	return out, err
}

func actorName(a *linli.Actor) string {
	if a == nil {
		return ""
	}
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

// visitors resolves the visitor accounts and names; with none given, the
// recorder made the visit. A visitor account must work in the visited
// household's community (or above it): another community's account is
// answered like an unknown one and its name is not copied.
func (s *Service) visitors(ctx context.Context, a *linli.Actor, h house, in VisitInput) ([]Visitor, error) {
	var out []Visitor
	var v linli.Validation
	seen := map[int64]bool{}
	community := ""
	if len(in.VisitorIDs) > 0 {
		line, err := s.registry.Lineage(ctx, s.db, h.UnitID)
		if err != nil {
			return nil, err
		}
		for _, n := range line {
			if n.Kind == registry.KindCommunity {
				community = n.Path
			}
		}
	}
	for i, id := range in.VisitorIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		name, ok, err := auth.WorkerIn(ctx, s.registry, s.db, id, community)
		if err != nil {
			return nil, err
		}
		if !ok {
			v.Add(fmt.Sprintf("visitor_ids[%d]", i), "账号不存在 / no such account")
			continue
		}
		out = append(out, Visitor{AccountID: id, Name: name})
	}
	for _, n := range in.VisitorNames {
		dup := false
		for _, p := range out {
			dup = dup || p.Name == n
		}
		if !dup {
			out = append(out, Visitor{Name: n})
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 && a != nil && a.AccountID != 0 {
		out = append(out, Visitor{AccountID: a.AccountID, Name: actorName(a)})
	}
	return out, nil
}

// Get returns one visit the actor may read (PermVisitsWrite on the
// household; see canRead); any other visit is 404.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Visit, error) {
	v, err := s.visit(ctx, s.db, id)
	if err != nil {
		return v, err
	}
	if !canRead(a, v.Path) {
		return Visit{}, errNotFound()
	}
	return v, nil
}

// Filter narrows List.
type Filter struct {
	MatterID    int64
	HouseholdID int64
	Subject     links.Ref
	Limit       int
	Offset      int
}

// List returns the visits in the actor's scope, most recent first, and the
// total matching.
func (s *Service) List(ctx context.Context, a *linli.Actor, f Filter) ([]Visit, int, error) {
	scopes := readScopes(a)
	if len(scopes) == 0 {
		return nil, 0, errForbidden()
	}
	cond, args := storage.ScopeFilter("v.path", scopes)
	where := ` WHERE ` + cond
	if f.MatterID != 0 {
		where += ` AND v.matter_id = ?`
		args = append(args, f.MatterID)
	}
	if f.HouseholdID != 0 {
		where += ` AND v.household_id = ?`
		args = append(args, f.HouseholdID)
	}
	if !f.Subject.IsZero() {
		where += ` AND v.subject_kind = ? AND v.subject_id = ?`
		args = append(args, f.Subject.Kind, f.Subject.ID)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM visits v`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	vs, err := s.queryVisits(ctx, s.db, where+` ORDER BY v.visited_at DESC, v.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	return vs, total, err
}

// SetFollowUp marks a follow-up done or not done. Needs PermVisitsWrite on
// the household.
func (s *Service) SetFollowUp(ctx context.Context, a *linli.Actor, visitID, itemID int64, done bool) (FollowUp, error) {
	var out FollowUp
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		v, err := s.visit(ctx, tx, visitID)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermVisitsWrite, v.Path) {
			// Who may not write a visit may not read it either (canRead).
			return errNotFound()
		}
		var before *FollowUp
		for i := range v.FollowUps {
			if v.FollowUps[i].ID == itemID {
				before = &v.FollowUps[i]
			}
		}
		if before == nil {
			return linli.Errorf(linli.ENotFound, "后续事项不存在 / follow-up not found")
		}
		out = *before
		if before.Done == done {
			return nil
		}
		now := s.now()
		at := int64(0)
		if done {
			at = ms(now)
		}
		if _, err := tx.Exec(ctx, `UPDATE visit_followups SET done = ?, done_at = ?, done_by = ? WHERE id = ?`, storage.Int(done), at, a.AccountID, itemID); err != nil {
			return err
		}
		out.Done, out.DoneAt = done, storage.FromMillis(at)
		action, verb := "visit.followup_done", "完成"
		if !done {
			action, verb = "visit.followup_reopen", "重新打开"
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: action, Entity: "visit", EntityID: visitID, ScopePath: v.Path,
			Summary: fmt.Sprintf("%s走访后续事项：%s", verb, out.Text), Before: before, After: out})
	})
	return out, err
}

// Photo is a file attached to a visit, with its addresses.
type Photo struct {
	attach.Attachment
	URL   string `json:"url"`
	Thumb string `json:"thumb"`
}

// AddFiles attaches checked files to a visit. Needs PermVisitsWrite on the
// household.
func (s *Service) AddFiles(ctx context.Context, a *linli.Actor, visitID int64, files []attach.Checked) error {
	if len(files) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		v, err := s.visit(ctx, tx, visitID)
		if err != nil {
			return err
		}
		if !a.Can(linli.PermVisitsWrite, v.Path) {
			// Who may not write a visit may not read it either (canRead).
			return errNotFound()
		}
		now := s.now()
		as, err := attach.Save(ctx, tx, "visit", visitID, 0, a.AccountID, files, now)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "visit.files", Entity: "visit", EntityID: visitID, ScopePath: v.Path,
			Summary: fmt.Sprintf("走访记录上传%d个附件", len(files)), After: as})
	})
}

// Files lists a visit's attachments for an actor who may read the visit.
func (s *Service) Files(ctx context.Context, a *linli.Actor, visitID int64) ([]Photo, error) {
	if _, err := s.Get(ctx, a, visitID); err != nil {
		return nil, err
	}
	as, err := attach.List(ctx, s.db, "visit", visitID)
	if err != nil {
		return nil, err
	}
	out := make([]Photo, 0, len(as))
	for _, x := range as {
		p := Photo{Attachment: x, URL: fmt.Sprintf("/visits/%d/files/%d", visitID, x.ID)}
		p.Thumb = p.URL
		if x.HasThumb {
			p.Thumb += "?thumb=1"
		}
		out = append(out, p)
	}
	return out, nil
}

// ForHousehold lists the household's visits about a matter that the actor
// may read (canRead), oldest first, as link items ("2026年3月5日 走访：反对 · 结构安全").
func (s *Service) ForHousehold(ctx context.Context, a *linli.Actor, subject links.Ref, householdID int64) ([]links.Item, error) {
	vs, err := s.queryVisits(ctx, s.db, ` WHERE v.subject_kind = ? AND v.subject_id = ? AND v.household_id = ? ORDER BY v.visited_at, v.id`,
		subject.Kind, subject.ID, householdID)
	if err != nil {
		return nil, err
	}
	out := []links.Item{}
	for _, v := range vs {
		if canRead(a, v.Path) {
			out = append(out, s.item(v))
		}
	}
	return out, nil
}

// Title is how a visit is named in lists and links.
func (s *Service) Title(v Visit) string {
	t := s.date(v.VisitedAt) + " 走访：" + v.Stance.Label()
	if c := v.ConcernLabels(); c != "" {
		t += " · " + c
	}
	return t
}

// TitleEN is Title in English ("3 Mar 2026 visit: Oppose · Structural
// safety"), the words from the catalogue.
func (s *Service) TitleEN(v Visit) string {
	en := catalog()
	word := func(zh string) string {
		if e, ok := en[zh]; ok && e != "" {
			return e
		}
		return zh
	}
	t := v.VisitedAt.In(s.zone()).Format("2 Jan 2006") + " visit: " + word(v.Stance.Label())
	var cs []string
	for _, c := range v.Concerns {
		cs = append(cs, word(c.Label()))
	}
	if len(cs) > 0 {
		t += " · " + strings.Join(cs, ", ")
	}
	return t
}

func (s *Service) item(v Visit) links.Item {
	return links.Item{Ref: v.Ref(), Title: s.Title(v), TitleEN: s.TitleEN(v), URL: fmt.Sprintf("/visits/%d", v.ID), State: v.Stance.Label(), At: v.VisitedAt}
}

// resolveLinks describes linked visits the actor may see.
func (s *Service) resolveLinks(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	vs, err := s.queryVisits(ctx, s.db, ` WHERE v.id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if canRead(a, v.Path) {
			it := s.item(v)
			it.Title = v.Household + " " + it.Title
			out[v.ID] = it
		}
	}
	return out, nil
}

// hasFieldErr reports whether err names the field.
func hasFieldErr(err error, field string) bool {
	for _, fe := range linli.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}
