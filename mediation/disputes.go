package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/auth"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// OpenFromCase accepts a dispute that came out of a case (the leak a
// resident reported): the case must be one the actor may read; the title,
// facts, place and — when the case names a household — the applicant are
// taken from it unless in says otherwise. The case and the dispute are
// linked both ways (rel "mediation").
func (s *Service) OpenFromCase(ctx context.Context, a *linli.Actor, caseID int64, in DisputeInput) (Detail, error) {
	if s.cs == nil {
		return Detail{}, linli.Errorf(linli.EInternal, "mediation: no case service")
	}
	c, err := s.cs.Get(ctx, a, caseID)
	if err != nil {
		if code := linli.ErrorCode(err); code == linli.ENotFound || code == linli.EForbidden {
			return Detail{}, linli.Invalid("案件不存在或无权查看 / case not found",
				linli.FieldError{Field: "case_id", Reason: "案件不存在或无权查看 / no such case in your scope"})
		}
		return Detail{}, err
	}
	in.CaseID = c.ID
	if in.LocationID == 0 {
		in.LocationID = c.LocationID
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = c.Title
	}
	if strings.TrimSpace(in.Facts) == "" {
		in.Facts = c.Description
	}
	if in.Type == "" && c.Category == "漏水渗水" {
		in.Type = TypeLeak
	}
	if len(in.Parties) == 0 && c.HouseholdID != 0 {
		in.Parties = []PartyInput{{Role: RoleApplicant, HouseholdID: c.HouseholdID}}
	}
	return s.open(ctx, a, in)
}

// Open accepts a dispute (受理): it is numbered, the one-month target
// starts, and a timer marks it overdue when the target passes. With
// in.CaseID it is OpenFromCase.
func (s *Service) Open(ctx context.Context, a *linli.Actor, in DisputeInput) (Detail, error) {
	if in.CaseID != 0 {
		return s.OpenFromCase(ctx, a, in.CaseID, in)
	}
	return s.open(ctx, a, in)
}

// where is what a dispute needs to know about its place.
type where struct {
	loc, street, community registry.Node
}

func (s *Service) locate(ctx context.Context, id int64) (where, error) {
	var w where
	line, err := s.reg.Lineage(ctx, s.db, id)
	if err != nil {
		if linli.ErrorCode(err) == linli.ENotFound {
			return w, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "location_id", Reason: "地点不存在 / place not found"})
		}
		return w, err
	}
	w.loc = line[len(line)-1]
	for _, n := range line {
		switch n.Kind {
		case registry.KindStreet:
			w.street = n
		case registry.KindCommunity:
			w.community = n
		}
	}
	if w.community.ID == 0 {
		return w, linli.Invalid("地点须在社区内 / the place must be inside a community",
			linli.FieldError{Field: "location_id", Reason: "请选择社区或社区以下的地点 / pick a community or a place inside one"})
	}
	return w, nil
}

func (s *Service) open(ctx context.Context, a *linli.Actor, in DisputeInput) (Detail, error) {
	if err := in.validate(); err != nil {
		return Detail{}, err
	}
	if in.LocationID == 0 {
		for i, p := range in.Parties {
			if p.HouseholdID != 0 {
				// The place is taken from a household only when the actor
				// may read it: another community's household gets the
				// answer an unknown one gets, not a 403 telling it exists.
				h, err := s.reg.HouseholdAt(ctx, s.db, p.HouseholdID)
				if err != nil && linli.ErrorCode(err) != linli.ENotFound {
					return Detail{}, err
				}
				if err != nil || !a.CanHousehold(linli.PermRegistryRead, h.Path, p.HouseholdID) {
					f := fmt.Sprintf("parties[%d].household_id", i+1)
					return Detail{}, linli.Invalid("住户不存在或不在本社区 / no such household in this community",
						linli.FieldError{Field: f, Reason: "住户不存在或不在本社区 / no such household in this community"})
				}
				in.LocationID = h.UnitID
				break
			}
		}
	}
	if in.LocationID == 0 {
		return Detail{}, linli.Invalid("请选择纠纷发生地 / where is the dispute?",
			linli.FieldError{Field: "location_id", Reason: "请选择地点或当事人住户 / pick a place or a party's household"})
	}
	w, err := s.locate(ctx, in.LocationID)
	if err != nil {
		return Detail{}, err
	}
	if !a.Can(linli.PermMediate, w.loc.Path) {
		if !registry.Sees(a, w.loc.Path) {
			// A place the actor cannot see is answered like one that
			// does not exist.
			return Detail{}, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "location_id", Reason: "地点不存在 / place not found"})
		}
		return Detail{}, linli.Errorf(linli.EForbidden, "无权在此受理人民调解 / not allowed to accept a mediation here")
	}
	parties, err := s.resolveParties(ctx, a, w, in.Parties)
	if err != nil {
		return Detail{}, err
	}
	ids := in.Mediators
	if len(ids) == 0 && a.AccountID != 0 {
		ids = []int64{a.AccountID}
	}
	meds, err := s.resolveMediators(ctx, w.community.Path, ids)
	if err != nil {
		return Detail{}, err
	}
	now := s.now()
	zone := s.zone()
	year := now.In(zone).Year()
	due := DueDate(now, zone)
	committee := Committee(w.street.Name, w.community.Name)
	var id int64
	var number string
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var seq int
		if err := tx.QueryRow(ctx, `INSERT INTO dispute_counters (street_id, year, last) VALUES (?, ?, 1)
			ON CONFLICT (street_id, year) DO UPDATE SET last = dispute_counters.last + 1 RETURNING last`, w.street.ID, year).Scan(&seq); err != nil {
			return err
		}
		number = Number(year, w.street.Name, seq)
		ms := storage.Millis(now)
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO disputes (number, street_id, year, seq, community_id, location_id, path, committee, type, title, facts, state,
			case_id, accepted_at, due_date, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			number, w.street.ID, year, seq, w.community.ID, w.loc.ID, w.loc.Path, committee, in.Type, in.Title, in.Facts, Accepted,
			in.CaseID, ms, storage.Millis(due), a.AccountID, ms, ms)
		if err != nil {
			return err
		}
		for i, p := range parties {
			if _, err := tx.Exec(ctx, `INSERT INTO dispute_parties (dispute_id, sort, role, household_id, person_id, name, address, phone, claims)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, p.Role, p.HouseholdID, p.PersonID, p.Name, p.Address, p.Phone, p.Claims); err != nil {
				return err
			}
		}
		for _, m := range meds {
			if _, err := tx.Exec(ctx, `INSERT INTO dispute_mediators (dispute_id, account_id, name) VALUES (?, ?, ?)`, id, m.AccountID, m.Name); err != nil {
				return err
			}
		}
		// The timer fires when the last day of the target has passed.
		if err := jobs.Schedule(ctx, tx, JobDue, strconv.FormatInt(id, 10), due.AddDate(0, 0, 1), nil); err != nil {
			return err
		}
		if in.CaseID != 0 {
			if err := links.Add(ctx, tx, links.Ref{Kind: links.KindCase, ID: in.CaseID}, links.Ref{Kind: links.KindDispute, ID: id}, "mediation", now); err != nil {
				return err
			}
		}
		var names []string
		for _, p := range parties {
			names = append(names, RoleLabel(p.Role)+p.Name)
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "dispute.accept", Entity: "dispute", EntityID: id, ScopePath: w.loc.Path,
			Summary: fmt.Sprintf("受理人民调解 %s：%s（%s）", number, in.Title, strings.Join(names, "、")),
			After:   map[string]any{"number": number, "type": in.Type, "title": in.Title, "case_id": in.CaseID, "parties": len(parties), "mediators": meds}})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// resolveParties fills names, addresses and phones from the register and
// checks every household and person lies in the dispute's community and
// is one the actor may read in the register: an id from another
// community gets the same answer as an id that does not exist, so the
// register of another community can be neither read nor probed through a
// dispute.
func (s *Service) resolveParties(ctx context.Context, a *linli.Actor, w where, in []PartyInput) ([]PartyInput, error) {
	out := make([]PartyInput, len(in))
	var v linli.Validation
	for i, p := range in {
		f := fmt.Sprintf("parties[%d]", i+1)
		if p.HouseholdID != 0 {
			h, err := s.reg.Household(ctx, linli.System(), p.HouseholdID)
			if linli.ErrorCode(err) == linli.ENotFound || (err == nil && (!linli.Within(h.Path, w.community.Path) || !a.CanHousehold(linli.PermRegistryRead, h.Path, h.ID))) {
				v.Add(f+".household_id", "住户不存在或不在本社区 / no such household in this community")
				continue
			}
			if err != nil {
				return nil, err
			}
			if p.Address == "" {
				p.Address = h.Estate + h.Label()
			}
			if p.PersonID == 0 && p.Name == "" {
				for _, m := range h.Members {
					if m.IsOwner {
						p.PersonID, p.Name = m.PersonID, m.Name
						if p.Phone == "" {
							p.Phone = m.Phone // already masked
						}
						break
					}
				}
			}
		}
		if p.PersonID != 0 {
			_, ok, err := s.reg.PersonIn(ctx, s.db, a, p.PersonID, w.community.Path)
			if err != nil {
				return nil, err
			}
			var person registry.PersonAt
			if ok {
				person, err = s.reg.Person(ctx, s.db, p.PersonID)
			}
			if !ok || linli.ErrorCode(err) == linli.ENotFound {
				v.Add(f+".person_id", "人员不存在或不在本社区 / no such person in this community")
				continue
			}
			if err != nil {
				return nil, err
			}
			if p.HouseholdID != 0 && !slices.Contains(person.Households, p.HouseholdID) {
				v.Add(f+".person_id", "此人不是该住户成员 / the person is not a member of the household")
				continue
			}
			if p.Name == "" {
				p.Name = person.Name
			}
			if p.Phone == "" && person.Phone != "" {
				p.Phone = registry.MaskPhone(person.Phone)
			}
		}
		if p.Name == "" {
			v.Add(f+".name", "请填写当事人姓名 / the party's name is required")
		}
		out[i] = p
	}
	return out, v.Err()
}

// notMediators are the roles that never make an account a people's
// mediator: residents and the property company are the parties of
// neighbourhood disputes, and a contractor is one of a project's. Every
// other role may be named (committee members, grid workers, volunteers,
// residents' representatives…): naming a mediator is wider than
// linli.PermMediate, which says who manages every dispute of a place.
var notMediators = []linli.Role{linli.RoleResident, linli.RoleProperty, linli.RoleContractor}

// mediatorRoles are the roles that may be named mediators.
func mediatorRoles() []linli.Role {
	var out []linli.Role
	for _, r := range linli.Roles() {
		if !slices.Contains(notMediators, r) {
			out = append(out, r)
		}
	}
	return out
}

// resolveMediators checks each account may be named a mediator in the
// dispute's community: it holds a mediator role (mediatorRoles) there or
// above it.
func (s *Service) resolveMediators(ctx context.Context, community string, ids []int64) ([]Mediator, error) {
	if len(ids) == 0 {
		return nil, linli.Invalid("请指定人民调解员 / a mediator is required",
			linli.FieldError{Field: "mediators", Reason: "至少一名调解员 / at least one mediator"})
	}
	var out []Mediator
	var v linli.Validation
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		name, ok, err := auth.WorkerIn(ctx, s.reg, s.db, id, community, notMediators...)
		if err != nil {
			return nil, err
		}
		if !ok {
			v.Add(fmt.Sprintf("mediators[%d]", i+1), "该账号不是本社区的工作人员 / the account does not work in this community")
			continue
		}
		out = append(out, Mediator{AccountID: id, Name: name})
	}
	return out, v.Err()
}

// canManage: staff holding mediation.manage on the dispute's place, and
// the dispute's own mediators.
func canManage(a *linli.Actor, d Dispute) bool {
	if a == nil {
		return false
	}
	if a.Can(linli.PermMediate, d.path) {
		return true
	}
	for _, m := range d.Mediators {
		if a.AccountID != 0 && m.AccountID == a.AccountID {
			return true
		}
	}
	return false
}

// isParty: a resident of a party household reads the dispute's agreement.
func isParty(a *linli.Actor, d Dispute) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Role != linli.RoleResident || g.HouseholdID == 0 {
			continue
		}
		for _, p := range d.Parties {
			if p.HouseholdID == g.HouseholdID {
				return true
			}
		}
	}
	return false
}

// Get returns a dispute with its sessions, agreement and follow-up visits.
// Parties (residents of a party household) get the dispute and its
// agreement only; anyone else gets not found, so a dispute's existence
// does not leak.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	d, err := s.load(ctx, s.db, id, false)
	if err != nil {
		return Detail{}, err
	}
	manage := canManage(a, d)
	if !manage && !isParty(a, d) {
		return Detail{}, errNotFound()
	}
	det := Detail{Dispute: d, Manage: manage, Sessions: []Session{}, FollowUps: []FollowUp{}}
	if manage {
		if det.Sessions, err = s.sessions(ctx, s.db, id); err != nil {
			return det, err
		}
		if det.FollowUps, err = s.followUps(ctx, s.db, id); err != nil {
			return det, err
		}
		if det.Sessions == nil {
			det.Sessions = []Session{}
		}
		if det.FollowUps == nil {
			det.FollowUps = []FollowUp{}
		}
	}
	if det.Agreement, err = s.agreement(ctx, s.db, d); err != nil {
		return det, err
	}
	if s.lk != nil {
		if det.Links, err = s.lk.Items(ctx, a, links.Ref{Kind: links.KindDispute, ID: id}); err != nil {
			return det, err
		}
	}
	if det.Links == nil {
		det.Links = []links.Item{}
	}
	return det, nil
}

// ListFilter narrows List.
type ListFilter struct {
	State   State
	Overdue bool // only open disputes past the one-month target
	Limit   int
}

// List returns the disputes the actor manages or is a party to, newest
// first.
func (s *Service) List(ctx context.Context, a *linli.Actor, f ListFilter) ([]Dispute, error) {
	if f.State != "" && f.State.Label() == "" {
		return nil, &linli.Error{Code: linli.EBadRequest, Message: "未知状态 / unknown state",
			Fields: []linli.FieldError{{Field: "state", Reason: "未知状态 / unknown state"}}}
	}
	var or []string
	var args []any
	if scopes := a.Scopes(linli.PermMediate); len(scopes) > 0 {
		cond, scopeArgs := storage.ScopeFilter("path", scopes)
		or = append(or, cond)
		args = append(args, scopeArgs...)
	}
	if a.AccountID != 0 {
		or = append(or, "id IN (SELECT dispute_id FROM dispute_mediators WHERE account_id = ?)")
		args = append(args, a.AccountID)
	}
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			or = append(or, "id IN (SELECT dispute_id FROM dispute_parties WHERE household_id = ?)")
			args = append(args, g.HouseholdID)
		}
	}
	if len(or) == 0 {
		return []Dispute{}, nil
	}
	q := `SELECT ` + disputeColumns + ` FROM disputes WHERE (` + strings.Join(or, " OR ") + `)`
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, f.State)
	}
	if f.Overdue {
		q += ` AND overdue = 1 AND state IN ('accepted', 'mediating')`
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q += ` ORDER BY accepted_at DESC, id DESC LIMIT ?`
	args = append(args, f.Limit)
	now, zone := s.now(), s.zone()
	out, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (Dispute, error) {
		d, err := scanDispute(rows)
		if err == nil && d.State.Open() {
			d.DaysLeft = DaysLeft(d.DueDate, now, zone)
		}
		return d, err
	}, q, args...)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Dispute{}
	}
	for i := range out {
		if out[i].Parties, err = s.parties(ctx, s.db, out[i].ID); err != nil {
			return nil, err
		}
		if out[i].Mediators, err = s.mediators(ctx, s.db, out[i].ID); err != nil {
			return nil, err
		}
		if out[i].Parties == nil {
			out[i].Parties = []Party{}
		}
		if out[i].Mediators == nil {
			out[i].Mediators = []Mediator{}
		}
	}
	return out, nil
}

// ResolveLinks describes linked disputes the actor may see (a
// links.Resolver).
func (s *Service) ResolveLinks(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
	out := map[int64]links.Item{}
	for _, id := range ids {
		d, err := s.load(ctx, s.db, id, false)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !canManage(a, d) && !isParty(a, d) {
			continue
		}
		out[id] = links.Item{Title: "人民调解 " + d.Number + " " + d.Title, URL: fmt.Sprintf("/mediation/%d", id), State: d.State.Label(), At: d.AcceptedAt, Path: d.path}
	}
	return out, nil
}

// change runs f on a dispute the actor manages, in a transaction with the
// row locked, and records the audit entry f describes.
func (s *Service) change(ctx context.Context, a *linli.Actor, id int64, f func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error)) error {
	// The permission check reads outside the writer, as most requests
	// that fail, fail here.
	d, err := s.load(ctx, s.db, id, false)
	if err != nil {
		return err
	}
	if !canManage(a, d) {
		if isParty(a, d) {
			return linli.Errorf(linli.EForbidden, "当事人不能修改调解记录 / parties cannot change the mediation record")
		}
		return errNotFound()
	}
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		d, err := s.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		now := s.now()
		c, err := f(tx, d, now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE disputes SET updated_at = ? WHERE id = ?`, storage.Millis(now), id); err != nil {
			return err
		}
		c.Entity, c.EntityID, c.ScopePath = "dispute", id, d.path
		return audit.Record(ctx, tx, a, now, c)
	})
}
