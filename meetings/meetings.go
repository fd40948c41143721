package meetings

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli"
	"linli/auth"
	"linli/cases"
	"linli/links"
	"linli/registry"
	"linli/storage"
)

// Create schedules a meeting in the scope (projects.manage there), with
// its agenda and, optionally, its first invitations. A subject links the
// meeting to what it is about: a project shows it among its meetings.
func (s *Service) Create(ctx context.Context, a *linli.Actor, in MeetingInput) (Detail, error) {
	if err := in.validate(); err != nil {
		return Detail{}, err
	}
	comm, scope, err := s.community(ctx, s.db, in.ScopeID)
	if linli.ErrorCode(err) == linli.ENotFound {
		return Detail{}, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "scope_id", Reason: "地点不存在 / place not found"})
	}
	if err != nil {
		return Detail{}, err
	}
	if !a.Can(linli.PermProjectsManage, scope.Path) {
		if !registry.Sees(a, scope.Path) {
			// A place the actor cannot see is answered like one that
			// does not exist.
			return Detail{}, linli.Invalid("地点不存在 / place not found", linli.FieldError{Field: "scope_id", Reason: "地点不存在 / place not found"})
		}
		return Detail{}, linli.Errorf(linli.EForbidden, "无权在此地点召集会议 / not allowed to call meetings here")
	}
	if in.Subject != nil && !in.Subject.IsZero() {
		// What the meeting is about must exist and be the caller's to see
		// (its owner's link resolver says so): not project:99999, not
		// another community's project.
		ok, err := s.lk.Visible(ctx, a, *in.Subject)
		if err != nil {
			return Detail{}, err
		}
		if !ok {
			return Detail{}, linli.Invalid("议题不存在或无权查看 / no such subject, or not visible to you",
				linli.FieldError{Field: "subject", Reason: "议题不存在或无权查看 / no such record, or not visible to you"})
		}
	}
	now := s.now()
	var id int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var sk string
		var sid int64
		if in.Subject != nil && !in.Subject.IsZero() {
			sk, sid = in.Subject.Kind, in.Subject.ID
		}
		ms := storage.Millis(now)
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO meetings (community_id, scope_id, path, subject_kind, subject_id, kind, title, starts_at, ends_at, place, host,
			state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			comm.ID, scope.ID, scope.Path, sk, sid, in.Kind, in.Title, storage.Millis(in.StartsAt), storage.Millis(in.EndsAt), in.Place, in.Host,
			Planned, a.AccountID, ms, ms)
		if err != nil {
			return err
		}
		for i, t := range in.Agenda {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_agenda (meeting_id, seq, title, note) VALUES (?, ?, ?, '')`, id, i+1, t); err != nil {
				return err
			}
		}
		m := Meeting{ID: id, Path: scope.Path, CommunityID: comm.ID, Title: in.Title, Kind: in.Kind, StartsAt: in.StartsAt, EndsAt: in.EndsAt, State: Planned}
		if sk != "" {
			// The project page lists its meetings; another record shows
			// the meeting as what came out of it.
			rel := "origin"
			if sk == links.KindProject {
				rel = "meeting"
			}
			if err := links.Add(ctx, tx, links.Ref{Kind: sk, ID: sid}, links.Ref{Kind: links.KindMeeting, ID: id}, rel, now); err != nil {
				return err
			}
		}
		if err := record(ctx, tx, a, now, m, "create", fmt.Sprintf("召集%s「%s」", in.Kind.Label(), in.Title), nil, in); err != nil {
			return err
		}
		if in.Invite != nil && !in.Invite.empty() {
			if _, err := s.invite(ctx, tx, a, m, *in.Invite, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// Get returns a meeting as the actor may see it: those who read the scope
// see everything; invitees see the meeting, their own sign-in and — once
// published — the minutes, decisions and actions. Anyone else gets 404.
func (s *Service) Get(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	m, x, err := s.readable(ctx, s.db, a, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Meeting: m, Agenda: []AgendaItem{}, Invitees: []Invitee{}, Attendance: []Attendance{}, Decisions: []Decision{}, Actions: []Action{},
		CanManage: x.manage, SeeMinutes: x.seeMinutes(m)}
	d.CanSignIn = x.signIn && (m.State == Planned || m.State == Held)
	if d.Agenda, err = s.agenda(ctx, s.db, id); err != nil {
		return d, err
	}
	att, err := s.attendance(ctx, s.db, id)
	if err != nil {
		return d, err
	}
	for _, t := range att {
		if (a != nil && t.AccountID != 0 && t.AccountID == a.AccountID) || containsID(x.households, t.HouseholdID) {
			d.CheckedIn = true
		}
	}
	d.CanCheckIn = x.invited() && !d.CheckedIn && s.inWindow(m, s.now()) && (m.State == Planned || m.State == Held)
	if x.full {
		d.Attendance = att
		if d.Invitees, err = s.invitees(ctx, s.db, id, att); err != nil {
			return d, err
		}
	}
	if d.Links, err = s.lk.Items(ctx, a, links.Ref{Kind: links.KindMeeting, ID: id}); err != nil {
		return d, err
	}
	if d.Links == nil {
		d.Links = []links.Item{}
	}
	if !d.SeeMinutes {
		d.Minutes, d.Recorder = "", ""
		return d, nil
	}
	if d.Decisions, err = s.decisions(ctx, s.db, id); err != nil {
		return d, err
	}
	if d.Actions, err = s.actions(ctx, s.db, id); err != nil {
		return d, err
	}
	cases := map[int64]links.Item{}
	for _, it := range d.Links {
		if it.Ref.Kind == links.KindCase && it.Rel == "action" {
			cases[it.Ref.ID] = it
		}
	}
	for i := range d.Actions {
		if it, ok := cases[d.Actions[i].CaseID]; ok {
			d.Actions[i].Case = &it
		}
	}
	return d, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id && id != 0 {
			return true
		}
	}
	return false
}

// inWindow reports whether an invitee may sign in on their phone at t.
func (s *Service) inWindow(m Meeting, t time.Time) bool {
	return !t.Before(m.StartsAt.Add(-SelfSignInEarly)) && !t.After(m.EndsAt)
}

// List returns the meetings the actor may see: in the scopes where they
// read projects, and those they (or their household) are invited to.
func (s *Service) List(ctx context.Context, a *linli.Actor, f ListFilter) (Lists, error) {
	out := Lists{Upcoming: []Meeting{}, Past: []Meeting{}}
	var or []string
	var args []any
	if scopes := a.Scopes(linli.PermProjectsRead); len(scopes) > 0 {
		cond, scopeArgs := storage.ScopeFilter("m.path", scopes)
		or = append(or, cond)
		args = append(args, scopeArgs...)
	}
	var inv []string
	var invArgs []any
	if a != nil && a.AccountID != 0 {
		inv = append(inv, "i.account_id = ?")
		invArgs = append(invArgs, a.AccountID)
	}
	for _, h := range residentHouseholds(a) {
		inv = append(inv, "i.household_id = ?")
		invArgs = append(invArgs, h)
	}
	if len(inv) > 0 {
		or = append(or, "m.id IN (SELECT i.meeting_id FROM meeting_invitees i WHERE "+strings.Join(inv, " OR ")+")")
		args = append(args, invArgs...)
	}
	if len(or) == 0 {
		return out, nil
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	if !f.Day.IsZero() {
		or = []string{"(" + strings.Join(or, " OR ") + ") AND m.starts_at >= ? AND m.starts_at < ? AND m.state <> ?"}
		args = append(args, storage.Millis(f.Day), storage.Millis(f.Day.AddDate(0, 0, 1)), Cancelled)
	}
	now := s.now()
	err := storage.Each(ctx, s.db, func(rows *sql.Rows) error {
		m, err := scanMeeting(rows)
		if err != nil {
			return err
		}
		if m.State == Planned && !m.EndsAt.Before(now) {
			out.Upcoming = append([]Meeting{m}, out.Upcoming...) // soonest first
		} else {
			out.Past = append(out.Past, m)
		}
		return nil
	}, `SELECT `+meetingColumns+` FROM meetings m WHERE (`+strings.Join(or, " OR ")+`) ORDER BY m.starts_at DESC, m.id DESC LIMIT `+itoa(int64(f.Limit)), args...)
	if err != nil {
		return out, err
	}
	for _, l := range [][]Meeting{out.Upcoming, out.Past} {
		for i := range l {
			l[i].Scope = s.scopeLabel(ctx, s.db, l[i].ScopeID)
			if !a.Can(linli.PermProjectsRead, l[i].Path) {
				l[i].Minutes, l[i].Recorder = "", ""
			}
		}
	}
	return out, nil
}

// Invite invites accounts and households to a planned meeting; node_ids
// invite every household of those units or buildings. Those newly invited
// are told in-app.
func (s *Service) Invite(ctx context.Context, a *linli.Actor, id int64, in InviteInput) ([]Invitee, error) {
	if in.empty() {
		return nil, linli.Invalid("请选择邀请对象 / nobody to invite", linli.FieldError{Field: "account_ids", Reason: "请选择账号、住户或单元 / pick accounts, households or units"})
	}
	var added []Invitee
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if m.State != Planned {
			return errState(m, "邀请 / invite")
		}
		added, err = s.invite(ctx, tx, a, m, in, s.now())
		return err
	})
	if added == nil {
		added = []Invitee{}
	}
	return added, err
}

// invite adds invitees inside tx; already invited ones are skipped.
func (s *Service) invite(ctx context.Context, tx *storage.Tx, a *linli.Actor, m Meeting, in InviteInput, now time.Time) ([]Invitee, error) {
	comm, err := s.reg.NodeByID(ctx, m.CommunityID)
	if err != nil {
		return nil, err
	}
	var v linli.Validation
	type hh struct {
		id    int64
		label string
	}
	var accounts []Invitee
	for i, acc := range in.AccountIDs {
		// An invitee reads the meeting, so only an account working in the
		// meeting's community (or above it) may be invited; another
		// community's account is answered like an unknown one.
		name, ok, err := auth.WorkerIn(ctx, s.reg, tx, acc, comm.Path)
		if err != nil {
			return nil, err
		}
		if !ok {
			v.Add(fmt.Sprintf("account_ids[%d]", i), "账号不存在或已停用 / no such active account")
			continue
		}
		accounts = append(accounts, Invitee{AccountID: acc, Name: name})
	}
	var households []hh
	known, err := s.reg.HouseholdsAt(ctx, tx, in.HouseholdIDs)
	if err != nil {
		return nil, err
	}
	for i, hid := range in.HouseholdIDs {
		h, ok := known[hid]
		if !ok || !linli.Within(h.Path, comm.Path) {
			v.Add(fmt.Sprintf("household_ids[%d]", i), "住户不存在或不在本社区 / no such household in this community")
			continue
		}
		households = append(households, hh{h.ID, h.Label()})
	}
	for i, nid := range in.NodeIDs {
		n, err := s.reg.NodeByID(ctx, nid)
		if err != nil || !linli.Within(n.Path, comm.Path) {
			v.Add(fmt.Sprintf("node_ids[%d]", i), "地点不存在或不在本社区 / no such place in this community")
			continue
		}
		got, err := s.reg.HouseholdsUnder(ctx, tx, n.Path)
		if err != nil {
			return nil, err
		}
		if len(got) == 0 {
			v.Add(fmt.Sprintf("node_ids[%d]", i), "该地点没有住户 / no households there")
		}
		// Invited in the order of their paths, as always.
		slices.SortStableFunc(got, func(x, y registry.Household) int {
			return cmp.Or(cmp.Compare(x.Path, y.Path), cmp.Compare(x.Floor, y.Floor), cmp.Compare(x.Room, y.Room))
		})
		for _, h := range got {
			households = append(households, hh{h.ID, h.Label()})
		}
	}
	if len(households) > 5000 {
		v.Add("node_ids", "一次最多邀请5000户 / at most 5000 households at once")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ms := storage.Millis(now)
	var added []Invitee
	var notify []int64
	var newHouseholds []int64
	exists := func(acc, hid int64) (bool, error) {
		var n int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_invitees WHERE meeting_id = ? AND account_id = ? AND household_id = ?`, m.ID, acc, hid).Scan(&n)
		return n > 0, err
	}
	for _, inv := range accounts {
		if ok, err := exists(inv.AccountID, 0); err != nil || ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		if inv.ID, err = tx.Insert(ctx, `INSERT INTO meeting_invitees (meeting_id, account_id, household_id, name, invited_at) VALUES (?, ?, 0, ?, ?)`,
			m.ID, inv.AccountID, inv.Name, ms); err != nil {
			return nil, err
		}
		inv.InvitedAt = now
		added = append(added, inv)
		notify = append(notify, inv.AccountID)
	}
	for _, h := range households {
		if ok, err := exists(0, h.id); err != nil || ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		inv := Invitee{HouseholdID: h.id, Name: h.label, InvitedAt: now}
		if inv.ID, err = tx.Insert(ctx, `INSERT INTO meeting_invitees (meeting_id, account_id, household_id, name, invited_at) VALUES (?, 0, ?, ?, ?)`,
			m.ID, h.id, h.label, ms); err != nil {
			return nil, err
		}
		added = append(added, inv)
		newHouseholds = append(newHouseholds, h.id)
	}
	residents, err := s.residentAccounts(ctx, tx, newHouseholds)
	if err != nil {
		return nil, err
	}
	notify = append(notify, residents...)
	text := cases.Text{ZH: fmt.Sprintf("邀请您参加%s「%s」：%s，%s", m.Kind.Label(), m.Title, m.StartsAt.In(s.zone()).Format("1月2日 15:04"), m.Place),
		EN: fmt.Sprintf("You are invited to the %s “%s”: %s, %s", strings.ToLower(m.Kind.LabelEN()), m.Title, m.StartsAt.In(s.zone()).Format("2 Jan 15:04"), m.Place)}
	if err := s.cs.NotifyAbout(ctx, tx, notify, "meeting_invite", links.Ref{Kind: links.KindMeeting, ID: m.ID}, text, now); err != nil {
		return nil, err
	}
	if len(added) == 0 {
		return added, nil
	}
	if err := s.touch(ctx, tx, m.ID, now); err != nil {
		return nil, err
	}
	return added, record(ctx, tx, a, now, m, "invite", fmt.Sprintf("邀请%d个账号、%d户参加「%s」", len(added)-len(newHouseholds), len(newHouseholds), m.Title),
		nil, map[string]any{"account_ids": notifyAccounts(added), "household_ids": newHouseholds})
}

func notifyAccounts(inv []Invitee) []int64 {
	var out []int64
	for _, i := range inv {
		if i.AccountID != 0 {
			out = append(out, i.AccountID)
		}
	}
	return out
}

// residentAccounts are the accounts of residents of the households,
// disabled ones too (they are told in-app; the notice waits for them).
func (s *Service) residentAccounts(ctx context.Context, q storage.Querier, households []int64) ([]int64, error) {
	var out []int64
	for start := 0; start < len(households); start += 500 {
		hs, err := s.au.Holders(ctx, q, auth.HolderQuery{Households: households[start:min(start+500, len(households))], IncludeDisabled: true})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			out = append(out, h.ID)
		}
	}
	return out, nil
}

// inviteeAccounts are everyone an invitation reached: invited accounts and
// the residents of invited households.
func (s *Service) inviteeAccounts(ctx context.Context, q storage.Querier, id int64) ([]int64, error) {
	var accs, hhs []int64
	err := storage.Each(ctx, q, func(rows *sql.Rows) error {
		var acc, hid int64
		if err := rows.Scan(&acc, &hid); err != nil {
			return err
		}
		if acc != 0 {
			accs = append(accs, acc)
		}
		if hid != 0 {
			hhs = append(hhs, hid)
		}
		return nil
	}, `SELECT account_id, household_id FROM meeting_invitees WHERE meeting_id = ?`, id)
	if err != nil {
		return nil, err
	}
	res, err := s.residentAccounts(ctx, q, hhs)
	return append(accs, res...), err
}

// AddAgendaItem appends an item to a planned meeting's agenda.
func (s *Service) AddAgendaItem(ctx context.Context, a *linli.Actor, id int64, in AgendaInput) (AgendaItem, error) {
	if err := in.validate(); err != nil {
		return AgendaItem{}, err
	}
	var it AgendaItem
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if m.State != Planned {
			return errState(m, "修改议程 / change the agenda")
		}
		now := s.now()
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_agenda WHERE meeting_id = ?`, id).Scan(&it.Seq); err != nil {
			return err
		}
		it.Title, it.Note = in.Title, in.Note
		if it.ID, err = tx.Insert(ctx, `INSERT INTO meeting_agenda (meeting_id, seq, title, note) VALUES (?, ?, ?, ?)`, id, it.Seq, it.Title, it.Note); err != nil {
			return err
		}
		if err := s.touch(ctx, tx, id, now); err != nil {
			return err
		}
		return record(ctx, tx, a, now, m, "agenda", fmt.Sprintf("议程增加第%d项：%s", it.Seq, it.Title), nil, it)
	})
	return it, err
}

// Hold marks a planned meeting as held, once it has started; minutes,
// decisions and actions can then be recorded.
func (s *Service) Hold(ctx context.Context, a *linli.Actor, id int64) (Meeting, error) {
	return s.transition(ctx, a, id, func(tx *storage.Tx, m *Meeting, now time.Time) error {
		if m.State != Planned {
			return errState(*m, "标记为已召开 / mark it held")
		}
		if now.Before(m.StartsAt) {
			return linli.Errorf(linli.EConflict, "会议尚未开始 / the meeting has not started yet")
		}
		m.State, m.HeldAt = Held, now
		_, err := tx.Exec(ctx, `UPDATE meetings SET state = ?, held_at = ?, updated_at = ? WHERE id = ?`, Held, storage.Millis(now), storage.Millis(now), m.ID)
		if err != nil {
			return err
		}
		return record(ctx, tx, a, now, *m, "hold", fmt.Sprintf("「%s」已召开", m.Title), map[string]State{"state": Planned}, map[string]State{"state": Held})
	})
}

// Cancel cancels a planned meeting and tells the invitees.
func (s *Service) Cancel(ctx context.Context, a *linli.Actor, id int64, in CancelInput) (Meeting, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return Meeting{}, linli.Invalid("请说明取消原因 / give the reason", linli.FieldError{Field: "reason", Reason: "请说明取消原因 / the reason is required"})
	}
	return s.transition(ctx, a, id, func(tx *storage.Tx, m *Meeting, now time.Time) error {
		if m.State != Planned {
			return errState(*m, "取消 / cancel it")
		}
		m.State, m.CancelledAt, m.CancelReason = Cancelled, now, in.Reason
		_, err := tx.Exec(ctx, `UPDATE meetings SET state = ?, cancelled_at = ?, cancel_reason = ?, updated_at = ? WHERE id = ?`,
			Cancelled, storage.Millis(now), in.Reason, storage.Millis(now), m.ID)
		if err != nil {
			return err
		}
		who, err := s.inviteeAccounts(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		text := cases.Text{ZH: fmt.Sprintf("%s「%s」（%s）已取消：%s", m.Kind.Label(), m.Title, m.StartsAt.In(s.zone()).Format("1月2日 15:04"), in.Reason),
			EN: fmt.Sprintf("%s “%s” (%s) is cancelled: %s", m.Kind.LabelEN(), m.Title, m.StartsAt.In(s.zone()).Format("2 Jan 15:04"), in.Reason)}
		if err := s.cs.NotifyAbout(ctx, tx, who, "meeting_cancelled", links.Ref{Kind: links.KindMeeting, ID: m.ID}, text, now); err != nil {
			return err
		}
		return record(ctx, tx, a, now, *m, "cancel", fmt.Sprintf("取消「%s」：%s", m.Title, in.Reason), map[string]State{"state": Planned}, map[string]any{"state": Cancelled, "reason": in.Reason})
	})
}

// RecordMinutes records (or rewrites) the minutes of a held meeting.
func (s *Service) RecordMinutes(ctx context.Context, a *linli.Actor, id int64, in MinutesInput) (Meeting, error) {
	if err := in.validate(); err != nil {
		return Meeting{}, err
	}
	return s.transition(ctx, a, id, func(tx *storage.Tx, m *Meeting, now time.Time) error {
		if m.State != Held {
			return errState(*m, "记录纪要 / record minutes")
		}
		before := map[string]string{"minutes": m.Minutes, "recorder": m.Recorder}
		m.Minutes, m.Recorder = in.Minutes, in.Recorder
		if _, err := tx.Exec(ctx, `UPDATE meetings SET minutes = ?, recorder = ?, updated_at = ? WHERE id = ?`, in.Minutes, in.Recorder, storage.Millis(now), m.ID); err != nil {
			return err
		}
		return record(ctx, tx, a, now, *m, "minutes", fmt.Sprintf("记录「%s」的会议纪要", m.Title), before, in)
	})
}

// PublishMinutes publishes the minutes of a held meeting: invitees may
// then read them, and those who attended are told.
func (s *Service) PublishMinutes(ctx context.Context, a *linli.Actor, id int64) (Meeting, error) {
	return s.transition(ctx, a, id, func(tx *storage.Tx, m *Meeting, now time.Time) error {
		if m.State != Held {
			return errState(*m, "发布纪要 / publish the minutes")
		}
		if strings.TrimSpace(m.Minutes) == "" {
			return linli.Invalid("请先记录会议纪要 / record the minutes first", linli.FieldError{Field: "minutes", Reason: "纪要为空 / the minutes are empty"})
		}
		m.State, m.PublishedAt = Published, now
		if _, err := tx.Exec(ctx, `UPDATE meetings SET state = ?, published_at = ?, updated_at = ? WHERE id = ?`, Published, storage.Millis(now), storage.Millis(now), m.ID); err != nil {
			return err
		}
		att, err := s.attendance(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		var who, hhs []int64
		for _, t := range att {
			who = append(who, t.AccountID)
			if t.HouseholdID != 0 {
				hhs = append(hhs, t.HouseholdID)
			}
		}
		res, err := s.residentAccounts(ctx, tx, hhs)
		if err != nil {
			return err
		}
		text := cases.Text{ZH: fmt.Sprintf("%s「%s」的会议纪要已发布", m.Kind.Label(), m.Title),
			EN: fmt.Sprintf("The minutes of the %s “%s” are published", strings.ToLower(m.Kind.LabelEN()), m.Title)}
		if err := s.cs.NotifyAbout(ctx, tx, append(who, res...), "meeting_minutes", links.Ref{Kind: links.KindMeeting, ID: m.ID}, text, now); err != nil {
			return err
		}
		return record(ctx, tx, a, now, *m, "publish", fmt.Sprintf("发布「%s」的会议纪要", m.Title), map[string]State{"state": Held}, map[string]State{"state": Published})
	})
}

// transition runs a change of a meeting the actor manages in one
// transaction and returns the meeting after it.
func (s *Service) transition(ctx context.Context, a *linli.Actor, id int64, f func(tx *storage.Tx, m *Meeting, now time.Time) error) (Meeting, error) {
	var m Meeting
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if m, err = s.managed(ctx, tx, a, id); err != nil {
			return err
		}
		now := s.now()
		if err := f(tx, &m, now); err != nil {
			return err
		}
		m.UpdatedAt = now
		return nil
	})
	if err != nil {
		return Meeting{}, err
	}
	return m, nil
}

// agenda lists the agenda in order.
func (s *Service) agenda(ctx context.Context, q storage.Querier, id int64) ([]AgendaItem, error) {
	out, err := storage.Select(ctx, q, func(rows *sql.Rows) (AgendaItem, error) {
		var it AgendaItem
		err := rows.Scan(&it.ID, &it.Seq, &it.Title, &it.Note)
		return it, err
	}, `SELECT id, seq, title, note FROM meeting_agenda WHERE meeting_id = ? ORDER BY seq`, id)
	return nonNil(out), err
}

// invitees lists the invitees, accounts first, with their sign-in.
func (s *Service) invitees(ctx context.Context, q storage.Querier, id int64, att []Attendance) ([]Invitee, error) {
	byAcc, byHH := map[int64]Attendance{}, map[int64]Attendance{}
	for _, t := range att {
		if t.AccountID != 0 && t.HouseholdID == 0 {
			byAcc[t.AccountID] = t
		}
		if t.HouseholdID != 0 {
			byHH[t.HouseholdID] = t
		}
	}
	out, err := storage.Select(ctx, q, func(rows *sql.Rows) (Invitee, error) {
		var i Invitee
		var at int64
		err := rows.Scan(&i.ID, &i.AccountID, &i.HouseholdID, &i.Name, &at)
		i.InvitedAt = storage.FromMillis(at)
		t, ok := byAcc[i.AccountID]
		if i.HouseholdID != 0 {
			t, ok = byHH[i.HouseholdID]
		}
		if ok {
			i.Attended, i.SignedAt = true, t.SignedAt
		}
		return i, err
	}, `SELECT id, account_id, household_id, name, invited_at FROM meeting_invitees WHERE meeting_id = ?
		ORDER BY CASE WHEN account_id <> 0 THEN 0 ELSE 1 END, id`, id)
	return nonNil(out), err
}
