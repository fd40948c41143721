package votes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/consent"
	"linli/jobs"
	"linli/links"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
)

func errNotFound() error { return linli.Errorf(linli.ENotFound, "表决不存在 / vote not found") }

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}

const voteColumns = `v.id, v.community_id, v.scope_id, v.path, v.project_id, v.title, v.matter, v.unanimous, v.opens_at, v.closes_at, v.closed_at, v.created_by, v.created_at, v.updated_at, COALESCE(vs.taken_at, 0)`
const voteFrom = ` FROM votes v LEFT JOIN vote_snapshots vs ON vs.vote_id = v.id`

func (s *Service) scanVote(r interface{ Scan(...any) error }) (Vote, error) {
	var v Vote
	var unanimous, opens, closes, closed, created, updated, frozen int64
	err := r.Scan(&v.ID, &v.CommunityID, &v.ScopeID, &v.Path, &v.ProjectID, &v.Title, &v.Matter, &unanimous, &opens, &closes, &closed,
		&v.CreatedBy, &created, &updated, &frozen)
	v.Unanimous = storage.Bool(unanimous)
	v.SnapshotAt = storage.FromMillis(frozen)
	v.OpensAt, v.ClosesAt, v.ClosedAt = storage.FromMillis(opens), storage.FromMillis(closes), storage.FromMillis(closed)
	v.CreatedAt, v.UpdatedAt = storage.FromMillis(created), storage.FromMillis(updated)
	return v, err
}

// state is where the vote stands at now.
func (v Vote) stateAt(now time.Time) string {
	switch {
	case !v.ClosedAt.IsZero() || !now.Before(v.ClosesAt):
		return StateClosed
	case now.Before(v.OpensAt):
		return StatePending
	}
	return StateOpen
}

// vote loads a vote without a permission check, with its full scope name
// and required households.
func (s *Service) vote(ctx context.Context, q storage.Querier, id int64) (Vote, error) {
	v, err := s.scanVote(q.QueryRow(ctx, `SELECT `+voteColumns+voteFrom+` WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, errNotFound()
	}
	if err != nil {
		return v, err
	}
	return s.complete(ctx, q, v)
}

// complete fills what a vote row does not hold: the scope's full name and
// kind (from registry), the required households and the state. A closed
// vote whose electorate is not frozen yet is frozen now (snapshot.go), in
// q when q is a transaction.
func (s *Service) complete(ctx context.Context, q storage.Querier, v Vote) (Vote, error) {
	v.State = v.stateAt(s.now())
	line, err := s.registry.Lineage(ctx, q, v.ScopeID)
	if err != nil {
		return v, err
	}
	v.Scope = lineName(line)
	if len(line) > 0 {
		v.ScopeKind = line[len(line)-1].Kind
	}
	required, err := storage.Scalars[int64](ctx, q, `SELECT household_id FROM vote_required WHERE vote_id = ? ORDER BY household_id`, v.ID)
	if err != nil {
		return v, err
	}
	v.Required = append([]int64{}, required...)
	if v.State == StateClosed && v.SnapshotAt.IsZero() {
		if v.SnapshotAt, err = s.freezeVia(ctx, q, nil, v); err != nil {
			return v, err
		}
	}
	return v, nil
}

// placeName is a scope's name from its estate down ("荟萃花园南区1号楼3单元").
func (s *Service) placeName(ctx context.Context, q storage.Querier, nodeID int64) (string, error) {
	line, err := s.registry.Lineage(ctx, q, nodeID)
	if err != nil {
		return "", err
	}
	return lineName(line), nil
}

// lineName names the last node of a lineage from its estate down.
func lineName(line []registry.Node) string {
	var b strings.Builder
	for _, n := range line {
		if n.Kind == registry.KindEstate || n.Kind == registry.KindBuilding || n.Kind == registry.KindUnit {
			b.WriteString(n.Name)
		}
	}
	if b.Len() == 0 && len(line) > 0 {
		return line[len(line)-1].Name
	}
	return b.String()
}

// communityOf is the community node above (or at) a node.
func (s *Service) communityOf(ctx context.Context, q storage.Querier, nodeID int64) (int64, error) {
	line, err := s.registry.Lineage(ctx, q, nodeID)
	if err != nil {
		return 0, err
	}
	for _, n := range line {
		if n.Kind == registry.KindCommunity {
			return n.ID, nil
		}
	}
	return 0, nil
}

// electorate is one household of a scope as the tally and the bills see it.
type electorate struct {
	ID        int64
	Path      string
	Unit      string
	Building  string
	Floor     int
	Room      string
	AreaCenti int64
	OwnerKey  string // who owns it, for the headcount (owners.go); "" its own owner
}

func (e electorate) label() string { return e.Building + e.Unit + e.Room }

// electorateOf lists the households under a scope node, by unit, floor
// and room (registry.HouseholdsUnder). It reads the register directly (no
// permission check): the caller has checked the actor on the vote or plan.
func (s *Service) electorateOf(ctx context.Context, q storage.Querier, path string) ([]electorate, error) {
	hs, err := s.registry.HouseholdsUnder(ctx, q, path)
	if err != nil {
		return nil, err
	}
	out := make([]electorate, len(hs))
	for i, h := range hs {
		out[i] = electorate{ID: h.ID, Path: h.Path, Unit: h.Unit, Building: h.Building, Floor: h.Floor, Room: h.Room, AreaCenti: h.AreaCenti}
	}
	return out, nil
}

// scopeNode loads and checks the node a vote or a cost plan covers. A
// node outside every scope where the actor reads projects is answered as
// one that does not exist (422 on field, "no such place"): an id in an
// input tells nothing of places the actor may not see. One it sees but
// may not manage is the caller's 403.
func (s *Service) scopeNode(ctx context.Context, q storage.Querier, a *linli.Actor, id int64, field string) (registry.Node, error) {
	if id <= 0 {
		return registry.Node{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: field, Reason: "请选择单元或楼栋 / choose a unit or a building"})
	}
	n, err := s.registry.NodeByID(ctx, id)
	if linli.ErrorCode(err) == linli.ENotFound || (err == nil && !a.Can(linli.PermProjectsRead, n.Path)) {
		return registry.Node{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: field, Reason: "地点不存在 / no such place"})
	}
	if err != nil {
		return n, err
	}
	if n.Kind != registry.KindUnit && n.Kind != registry.KindBuilding {
		return n, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: field, Reason: "表决和分摊按单元或楼栋进行 / votes and cost plans cover a unit or a building"})
	}
	return n, nil
}

// CreateVote opens a consent vote for the households under a unit or a
// building. The actor needs projects.manage on the scope. A project id is
// checked through the Projects hook (visible: else 422 on project_id;
// managed by the actor: else 403; its scope holding the vote's: else 422
// on scope_id), stored and linked (project → vote, rel "vote").
func (s *Service) CreateVote(ctx context.Context, a *linli.Actor, in VoteInput) (Vote, error) {
	var out Vote
	// The project is read before the transaction (the hook reads through
	// its own service).
	var project ProjectScope
	var projectErr *linli.FieldError
	if in.ProjectID > 0 {
		var err error
		if project, projectErr, err = s.projectOf(ctx, a, in.ProjectID, "发起表决"); err != nil {
			return out, err
		}
	}
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		n, err := s.scopeNode(ctx, tx, a, in.ScopeID, "scope_id")
		if err != nil && linli.ErrorCode(err) != linli.EInvalid {
			return err
		}
		if err == nil && !a.Can(linli.PermProjectsManage, n.Path) {
			return linli.Errorf(linli.EForbidden, "无权在此发起表决 / not allowed to open a vote here")
		}
		var v linli.Validation
		if err != nil {
			v.Fields = append(v.Fields, linli.ErrorFields(err)...)
		}
		if projectErr != nil {
			v.Fields = append(v.Fields, *projectErr)
		} else if in.ProjectID > 0 && err == nil {
			if fe := s.inProjectScope(ctx, project, n); fe != nil {
				v.Fields = append(v.Fields, *fe)
			}
		}
		in.Title = strings.TrimSpace(in.Title)
		switch {
		case in.Title == "":
			v.Add("title", "标题必填 / title is required")
		case utf8.RuneCountInString(in.Title) > 100:
			v.Add("title", "标题不超过100字 / title is at most 100 characters")
		}
		if in.Matter != consent.Renovation && in.Matter != consent.Ordinary {
			v.Add("matter", "请选择表决事项类别 / choose renovation or ordinary")
		}
		if in.ProjectID < 0 {
			v.Add("project_id", "项目编号无效 / bad project id")
		}
		if in.OpensAt.IsZero() {
			v.Add("opens_at", "开始时间必填 / opening time is required")
		}
		if in.ClosesAt.IsZero() {
			v.Add("closes_at", "截止时间必填 / closing time is required")
		} else if !in.OpensAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
			v.Add("closes_at", "截止时间须晚于开始时间 / must be after the opening time")
		} else if !in.ClosesAt.After(s.now()) {
			v.Add("closes_at", "截止时间须在将来 / must be in the future")
		}
		var required []int64
		if err == nil {
			hs, herr := s.electorateOf(ctx, tx, n.Path)
			if herr != nil {
				return herr
			}
			if len(hs) == 0 {
				v.Add("scope_id", "该地点下没有住户 / no households there")
			}
			required = resolveRequired(hs, in, &v)
		}
		if err := v.Err(); err != nil {
			return err
		}
		community, err := s.communityOf(ctx, tx, n.ID)
		if err != nil {
			return err
		}
		now := s.now()
		id, err := tx.Insert(ctx, `INSERT INTO votes (community_id, scope_id, path, project_id, title, matter, unanimous, opens_at, closes_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, community, n.ID, n.Path, in.ProjectID, in.Title, string(in.Matter), storage.Int(in.Unanimous),
			storage.Millis(in.OpensAt), storage.Millis(in.ClosesAt), actorName(a), storage.Millis(now), storage.Millis(now))
		if err != nil {
			return err
		}
		for _, h := range required {
			if _, err := tx.Exec(ctx, `INSERT INTO vote_required (vote_id, household_id) VALUES (?, ?)`, id, h); err != nil {
				return err
			}
		}
		// At its closing time the vote's electorate is frozen.
		if err := jobs.Schedule(ctx, tx, CloseJob, strconv.FormatInt(id, 10), in.ClosesAt, nil); err != nil {
			return err
		}
		if in.ProjectID > 0 {
			if err := links.Add(ctx, tx, links.Ref{Kind: links.KindProject, ID: in.ProjectID}, links.Ref{Kind: links.KindVote, ID: id}, "vote", now); err != nil {
				return err
			}
		}
		if out, err = s.vote(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "vote.create", Entity: "vote", EntityID: id, ScopePath: n.Path,
			Summary: fmt.Sprintf("发起表决「%s」（%s）", out.Title, out.Scope), After: out})
	})
	return out, err
}

// resolveRequired turns the ids and rooms of in into household ids of the
// electorate, reporting the ones that are not in it.
func resolveRequired(hs []electorate, in VoteInput, v *linli.Validation) []int64 {
	var out []int64
	byID := map[int64]bool{}
	for _, h := range hs {
		byID[h.ID] = true
	}
	for _, id := range in.Required {
		if !byID[id] {
			v.Add("required_household_ids", fmt.Sprintf("住户#%d不在表决范围内 / household #%d is not in the scope", id, id))
			continue
		}
		out = append(out, id)
	}
	for _, room := range in.RequiredRooms {
		room = strings.TrimSpace(room)
		if room == "" {
			continue
		}
		var match []int64
		for _, h := range hs {
			if h.Room == room || h.Unit+h.Room == room || h.label() == room {
				match = append(match, h.ID)
			}
		}
		switch len(match) {
		case 1:
			out = append(out, match[0])
		case 0:
			v.Add("required_rooms", fmt.Sprintf("表决范围内没有房号%s / no room %s in the scope", room, room))
		default:
			v.Add("required_rooms", fmt.Sprintf("房号%s不唯一，请写明单元，如3单元%s / room %s is ambiguous; name the unit", room, room, room))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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

// canRead reports whether the actor may see the vote at path: staff and
// grid workers reading projects in the scope, and residents whose own
// household lies under it.
func (s *Service) canRead(ctx context.Context, a *linli.Actor, path string) bool {
	if a.Can(linli.PermProjectsRead, path) {
		return true
	}
	return len(s.ownHouseholdsUnder(ctx, a, path)) > 0
}

// ownHouseholdsUnder lists the households of the actor's resident grants
// that lie under path, in the order of the grants.
func (s *Service) ownHouseholdsUnder(ctx context.Context, a *linli.Actor, path string) []int64 {
	var out []int64
	for _, h := range s.ownHouseholds(ctx, a) {
		if linli.Within(h.path, path) {
			out = append(out, h.id)
		}
	}
	return out
}

// ownHousehold is a household of one of the actor's resident grants.
type ownHousehold struct {
	id   int64
	path string
}

// ownHouseholds are the households of the actor's resident grants with
// their paths, in the order of the grants, read in one call
// (registry.HouseholdsAt). A household the register no longer holds, or a
// failed read, gives none.
func (s *Service) ownHouseholds(ctx context.Context, a *linli.Actor) []ownHousehold {
	if a == nil {
		return nil
	}
	var ids []int64
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			ids = append(ids, g.HouseholdID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	hs, err := s.registry.HouseholdsAt(ctx, s.db, ids)
	if err != nil {
		return nil
	}
	out := make([]ownHousehold, 0, len(ids))
	for _, id := range ids {
		if h, ok := hs[id]; ok {
			out = append(out, ownHousehold{id: id, path: h.Path})
		}
	}
	return out
}

// nodeVisible reports whether a place given as a filter lies where the
// actor may read votes: inside a projects.read scope, above one (a grid
// worker filtering by the community), or on the line of the actor's own
// household. Any other place is answered as one that does not exist.
func (s *Service) nodeVisible(ctx context.Context, a *linli.Actor, path string) bool {
	if a.Can(linli.PermProjectsRead, path) {
		return true
	}
	for _, sc := range a.Scopes(linli.PermProjectsRead) {
		if linli.Within(sc, path) {
			return true
		}
	}
	for _, h := range s.ownHouseholds(ctx, a) {
		if linli.Within(h.path, path) || linli.Within(path, h.path) {
			return true
		}
	}
	return false
}

// Vote returns a vote the actor may see (404 otherwise: its existence does
// not leak to other communities).
func (s *Service) Vote(ctx context.Context, a *linli.Actor, id int64) (Vote, error) {
	v, err := s.vote(ctx, s.db, id)
	if err != nil {
		return v, err
	}
	if !s.canRead(ctx, a, v.Path) {
		return Vote{}, errNotFound()
	}
	return v, nil
}

// VoteFilter narrows ListVotes.
type VoteFilter struct {
	ProjectID int64  // 0: any
	NodeID    int64  // votes whose scope is in, under or over this node; 0: any
	State     string // StatePending, StateOpen or StateClosed (now); "": any
}

// ListVotes lists the votes the actor may see, newest first.
func (s *Service) ListVotes(ctx context.Context, a *linli.Actor, f VoteFilter) ([]Vote, error) {
	q := `SELECT ` + voteColumns + voteFrom + ` WHERE 1 = 1`
	var args []any
	if f.ProjectID != 0 {
		q += ` AND v.project_id = ?`
		args = append(args, f.ProjectID)
	}
	if f.NodeID != 0 {
		n, err := s.registry.NodeByID(ctx, f.NodeID)
		if linli.ErrorCode(err) == linli.ENotFound || (err == nil && !s.nodeVisible(ctx, a, n.Path)) {
			return nil, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "node_id", Reason: "地点不存在 / no such place"})
		}
		if err != nil {
			return nil, err
		}
		q += ` AND (v.path LIKE ? OR ? LIKE v.path || '%')`
		args = append(args, n.Path+"%", n.Path)
	}
	// Narrow by scope in SQL: the actor's project scopes (votes under
	// them), and its own households (votes over them: the household's
	// path starts with the vote's).
	var or []string
	if scopes := a.Scopes(linli.PermProjectsRead); len(scopes) > 0 {
		cond, cargs := storage.ScopeFilter("v.path", scopes)
		or = append(or, cond)
		args = append(args, cargs...)
	}
	for _, h := range s.ownHouseholds(ctx, a) {
		or = append(or, `? LIKE v.path || '%'`)
		args = append(args, h.path)
	}
	if len(or) == 0 {
		return []Vote{}, nil
	}
	q += ` AND (` + strings.Join(or, " OR ") + `) ORDER BY v.id DESC LIMIT 500`
	out, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Vote, error) { return s.scanVote(r) }, q, args...)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for i := range out {
		if out[i], err = s.complete(ctx, s.db, out[i]); err != nil {
			return nil, err
		}
		if f.State == "" || out[i].State == f.State {
			kept = append(kept, out[i])
		}
	}
	if kept == nil {
		kept = []Vote{}
	}
	return kept, nil
}

// CloseVote ends a vote before its closing time; no ballot is accepted
// afterwards. The actor needs projects.manage on the scope.
func (s *Service) CloseVote(ctx context.Context, a *linli.Actor, id int64) (Vote, error) {
	var out Vote
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		v, err := s.vote(ctx, tx, id)
		if err != nil {
			return err
		}
		if !s.canRead(ctx, a, v.Path) {
			return errNotFound()
		}
		if !a.Can(linli.PermProjectsManage, v.Path) {
			return linli.Errorf(linli.EForbidden, "无权结束表决 / not allowed to close the vote")
		}
		if v.State == StateClosed {
			return linli.Errorf(linli.EConflict, "表决已结束 / the vote is already closed")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE votes SET closed_at = ?, updated_at = ? WHERE id = ?`, storage.Millis(now), storage.Millis(now), id); err != nil {
			return err
		}
		// The electorate is frozen as the vote closes (and its timer
		// cancelled); reading the closed vote back would do it too, but
		// then the audit row would name the system, not the manager.
		if _, err := s.freeze(ctx, tx, a, v); err != nil {
			return err
		}
		if out, err = s.vote(ctx, tx, id); err != nil {
			return err
		}
		t, err := s.tally(ctx, tx, out)
		if err != nil {
			return err
		}
		result := "未通过 / not valid"
		if t.Valid {
			result = "有效通过 / valid"
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "vote.close", Entity: "vote", EntityID: id, ScopePath: v.Path,
			Summary: fmt.Sprintf("结束表决「%s」：%s", v.Title, result), Before: v, After: out})
	})
	return out, err
}

// current is each household's counted (latest) ballot choice.
func currentChoices(ctx context.Context, q storage.Querier, voteID int64) (map[int64]consent.Choice, error) {
	out := map[int64]consent.Choice{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		var h int64
		var c consent.Choice
		if err := r.Scan(&h, &c); err != nil {
			return err
		}
		out[h] = c // later rows overwrite: the latest ballot counts
		return nil
	}, `SELECT household_id, choice FROM vote_ballots WHERE vote_id = ? ORDER BY id`, voteID)
	return out, err
}

// tally counts the vote's ballots now (consent.Evaluate), over the
// frozen electorate once the vote is closed.
func (s *Service) tally(ctx context.Context, q storage.Querier, v Vote) (Tally, error) {
	hs, err := s.voters(ctx, q, v)
	if err != nil {
		return Tally{}, err
	}
	choices, err := currentChoices(ctx, q, v.ID)
	if err != nil {
		return Tally{}, err
	}
	return evaluate(v, hs, choices), nil
}

// evaluate counts one vote: the households of the scope with their latest
// ballots, under the vote's rule. Each household is one owner, and the
// households of one owner (same OwnerKey) are one owner together (consent
// package doc, "Headcount"). The tally names the households that have not
// agreed; forReader takes the names out for readers who may not see them.
func evaluate(v Vote, hs []electorate, choices map[int64]consent.Choice) Tally {
	rule := consent.Rule{Matter: v.Matter, Unanimous: v.Unanimous, Required: v.Required}
	in := make([]consent.Household, len(hs))
	var t Tally
	for i, h := range hs {
		in[i] = consent.Household{ID: h.ID, Label: h.label(), AreaCenti: h.AreaCenti, Floor: h.Floor, Owner: h.OwnerKey, Choice: choices[h.ID]}
		switch choices[h.ID] {
		case consent.Agree:
			t.Agree++
		case consent.Disagree:
			t.Disagree++
		case consent.Abstain:
			t.Abstain++
		}
	}
	c := consent.Evaluate(rule, in)
	t.Households = len(hs)
	t.TotalOwners, t.TotalAreaCenti = c.TotalOwners, c.TotalArea
	t.ParticipatingOwners, t.ParticipatingAreaCenti = c.ParticipatingOwners, c.ParticipatingArea
	t.AgreeOwners, t.AgreeAreaCenti = c.AgreeOwners, c.AgreeArea
	t.TotalArea, t.ParticipatingArea, t.AgreeArea = ledger.FormatArea(c.TotalArea), ledger.FormatArea(c.ParticipatingArea), ledger.FormatArea(c.AgreeArea)
	t.ParticipationOK, t.ApprovalOK, t.UnanimityOK, t.RequiredOK, t.Valid = c.ParticipationOK, c.ApprovalOK, c.UnanimityOK, c.RequiredOK, c.Valid
	t.Missing, t.Problems, t.missingCounts = nonNil(c.Missing), nonNil(c.Problems), nonNil(c.MissingCounts)
	t.HeadcountRule = HeadcountRule
	t.ParticipationRule = "参与表决：专有面积和业主人数均≥2/3 / participation: ≥ 2/3 of the area and of the owners"
	if v.Matter == consent.Renovation {
		t.ApprovalRule = "同意：参与表决的面积和人数均≥3/4（改建、重建等） / approval: ≥ 3/4 of the participating area and owners (renovation)"
	} else {
		t.ApprovalRule = "同意：参与表决的面积和人数均过半数 / approval: more than half of the participating area and owners"
	}
	t.Summary = []string{
		fmt.Sprintf("参与表决业主%d/%d人（%d户），面积%s/%s㎡ / owners taking part: %d of %d (%d households), %s of %s m²",
			t.ParticipatingOwners, t.TotalOwners, t.Households, t.ParticipatingArea, t.TotalArea, t.ParticipatingOwners, t.TotalOwners, t.Households, t.ParticipatingArea, t.TotalArea),
		fmt.Sprintf("同意%d人，面积%s㎡；反对%d户，弃权%d户 / owners agreeing: %d (%s m²); households disagreeing: %d, abstaining: %d",
			t.AgreeOwners, t.AgreeArea, t.Disagree, t.Abstain, t.AgreeOwners, t.AgreeArea, t.Disagree, t.Abstain),
	}
	return t
}

// forReader is the tally as a reader sees it: whoever may record ballots
// (canFollow) sees which households have not agreed; every other reader —
// a resident, property, a contractor, a department, the project page —
// gets the same lines with counts in place of the households.
func (t Tally) forReader(mayRecord bool) Tally {
	if !mayRecord {
		t.Missing = t.missingCounts
	}
	return t
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// Tally is the live count of a vote the actor may see.
func (s *Service) Tally(ctx context.Context, a *linli.Actor, id int64) (Tally, error) {
	v, err := s.Vote(ctx, a, id)
	if err != nil {
		return Tally{}, err
	}
	t, err := s.tally(ctx, s.db, v)
	return t.forReader(canFollow(a, v.Path)), err
}
