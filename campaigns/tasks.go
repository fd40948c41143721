package campaigns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

func errTaskNotFound() error {
	return linli.Errorf(linli.ENotFound, "任务不存在 / task not found")
}

const taskColumns = `t.id, t.campaign_id, t.node_id, t.path, t.title, t.households, t.created_at, t.updated_at,
	t.completed_at, t.completed_by, t.absent, t.no_device, t.completion_note,
	(SELECT COUNT(DISTINCT f.household_id) FROM campaign_findings f WHERE f.task_id = t.id AND f.status = 'current' AND f.target = 'household'),
	(SELECT COUNT(*) FROM campaign_findings f WHERE f.task_id = t.id AND f.status = 'current' AND f.hazard = 1),
	(SELECT COUNT(*) FROM campaign_findings f WHERE f.task_id = t.id AND f.status = 'conflict')`

func scanTask(r scanner) (Task, error) {
	var t Task
	var cr, up, done int64
	err := r.Scan(&t.ID, &t.CampaignID, &t.NodeID, &t.Path, &t.Title, &t.Households, &cr, &up,
		&done, &t.CompletedBy, &t.Absent, &t.NoDevice, &t.CompletionNote, &t.Inspected, &t.Hazards, &t.Conflicts)
	t.CreatedAt, t.UpdatedAt = storage.FromMillis(cr), storage.FromMillis(up)
	if done != 0 {
		at := storage.FromMillis(done)
		t.CompletedAt = &at
	}
	return t, err
}

// people fills the tasks' people.
func (s *Service) people(ctx context.Context, q storage.Querier, ts []Task) error {
	if len(ts) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		at[t.ID], ids[i] = i, t.ID
		ts[i].People = []Member{}
	}
	return storage.Each(ctx, q, func(r *sql.Rows) error {
		var tid int64
		var m Member
		if err := r.Scan(&tid, &m.AccountID, &m.Name, &m.Role); err != nil {
			return err
		}
		ts[at[tid]].People = append(ts[at[tid]].People, m)
		return nil
	}, `SELECT p.task_id, p.account_id, p.name, COALESCE(m.role, '') FROM campaign_task_people p
		JOIN campaign_tasks t ON t.id = p.task_id
		LEFT JOIN campaign_members m ON m.campaign_id = t.campaign_id AND m.account_id = p.account_id
		WHERE p.task_id IN (`+storage.Placeholders(len(ids))+`) ORDER BY p.task_id, p.assigned_at, p.account_id`, storage.Args(ids)...)
}

func (s *Service) task(ctx context.Context, q storage.Querier, id int64) (Task, error) {
	return s.taskOf(ctx, q, id, taskColumns)
}

// taskLightColumns are a task's own columns without its counts (cheap:
// recording a finding needs no progress).
const taskLightColumns = `t.id, t.campaign_id, t.node_id, t.path, t.title, t.households, t.created_at, t.updated_at,
	t.completed_at, t.completed_by, t.absent, t.no_device, t.completion_note, 0, 0, 0`

func (s *Service) taskOf(ctx context.Context, q storage.Querier, id int64, columns string) (Task, error) {
	t, err := scanTask(q.QueryRow(ctx, `SELECT `+columns+` FROM campaign_tasks t WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errTaskNotFound()
	}
	if err != nil {
		return t, err
	}
	ts := []Task{t}
	err = s.people(ctx, q, ts)
	return ts[0], err
}

// onTask reports whether the account walks the task.
func (t Task) onTask(accountID int64) bool {
	return accountID != 0 && slices.ContainsFunc(t.People, func(m Member) bool { return m.AccountID == accountID })
}

// taskFor loads a task the actor may see: those who run the campaign and
// its task group; anyone else gets 404.
func (s *Service) taskFor(ctx context.Context, q storage.Querier, a *linli.Actor, id int64, columns string) (Task, Campaign, access, error) {
	t, err := s.taskOf(ctx, q, id, columns)
	if err != nil {
		return t, Campaign{}, access{}, err
	}
	load := s.get
	if columns == taskLightColumns {
		load = s.row
	}
	c, err := load(ctx, q, t.CampaignID, false)
	if err != nil {
		return t, c, access{}, err
	}
	x, err := s.accessOf(ctx, q, a, c)
	if err != nil {
		return t, c, x, err
	}
	if !x.manage && !x.member && !t.onTask(a.AccountID) {
		return Task{}, Campaign{}, x, errTaskNotFound()
	}
	return t, c, x, nil
}

// Tasks lists a campaign's tasks with their progress.
func (s *Service) Tasks(ctx context.Context, a *linli.Actor, campaignID int64) ([]Task, error) {
	if _, _, err := s.campaignFor(ctx, s.db, a, campaignID); err != nil {
		return nil, err
	}
	ts, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Task, error) { return scanTask(r) },
		`SELECT `+taskColumns+` FROM campaign_tasks t WHERE t.campaign_id = ? ORDER BY t.path`, campaignID)
	if err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []Task{}
	}
	return ts, s.people(ctx, s.db, ts)
}

// checkPeople resolves accounts of the task group; field names the input.
func checkPeople(c Campaign, ids []int64, field string) ([]Member, error) {
	var out []Member
	for _, id := range ids {
		i := slices.IndexFunc(c.Members, func(m Member) bool { return m.AccountID == id })
		if i < 0 {
			return nil, linli.Invalid("只能安排工作组成员 / only task group members can be assigned",
				linli.FieldError{Field: field, Reason: fmt.Sprintf("账号 %d 不在工作组 / account %d is not in the task group", id, id)})
		}
		if !slices.ContainsFunc(out, func(m Member) bool { return m.AccountID == id }) {
			out = append(out, c.Members[i])
		}
	}
	return out, nil
}

// Split makes the campaign's tasks: one per estate or per building of the
// scope (a building picked on its own is a task either way), each given
// to the accounts listed. Places that already have a task are left as
// they are, so splitting again after widening the scope adds the rest.
func (s *Service) Split(ctx context.Context, a *linli.Actor, id int64, in SplitInput) ([]Task, error) {
	if in.By != ByEstate && in.By != ByBuilding {
		return nil, linli.Invalid("请选择按小区或按楼栋 / split by estate or by building", linli.FieldError{Field: "by", Reason: "应为 estate 或 building / must be estate or building"})
	}
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.managed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.State == Closed {
			return errState(c, "分配任务 / make tasks")
		}
		people, err := checkPeople(c, in.AccountIDs, "account_ids")
		if err != nil {
			return err
		}
		var nodes []registry.Node
		for _, p := range c.Scope {
			if in.By == ByBuilding && p.Kind == string(registry.KindEstate) {
				bs, err := s.reg.NodesUnder(ctx, tx, p.Path, registry.KindBuilding)
				if err != nil {
					return err
				}
				nodes = append(nodes, bs...)
				continue
			}
			nodes = append(nodes, registry.Node{ID: p.ID, Kind: registry.Kind(p.Kind), Name: p.Name, Path: p.Path})
		}
		now := s.now()
		made := 0
		for _, n := range nodes {
			title, err := s.placeTitle(ctx, tx, n)
			if err != nil {
				return err
			}
			hs, err := s.reg.HouseholdsUnder(ctx, tx, n.Path)
			if err != nil {
				return err
			}
			var tid int64
			err = tx.QueryRow(ctx, `SELECT id FROM campaign_tasks WHERE campaign_id = ? AND node_id = ?`, id, n.ID).Scan(&tid)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			tid, err = tx.Insert(ctx, `INSERT INTO campaign_tasks (campaign_id, node_id, path, title, households, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, n.ID, n.Path, title, len(hs), ms(now), ms(now))
			if err != nil {
				return err
			}
			for _, p := range people {
				if _, err := tx.Exec(ctx, `INSERT INTO campaign_task_people (task_id, account_id, name, assigned_at) VALUES (?, ?, ?, ?)`,
					tid, p.AccountID, p.Name, ms(now)); err != nil {
					return err
				}
			}
			made++
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign.split", Entity: "campaign", EntityID: id, ScopePath: c.Path,
			Summary: fmt.Sprintf("分为%d项任务（按%s）", made, map[Split]string{ByEstate: "小区", ByBuilding: "楼栋"}[in.By]), After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Tasks(ctx, a, id)
}

// placeTitle names an estate or building: "荟萃花园南区", "荟萃花园南区1号楼".
func (s *Service) placeTitle(ctx context.Context, q storage.Querier, n registry.Node) (string, error) {
	line, err := s.reg.Lineage(ctx, q, n.ID)
	if err != nil {
		return "", err
	}
	var names []string
	for _, x := range line {
		if x.Kind == registry.KindEstate || x.Kind == registry.KindBuilding {
			names = append(names, x.Name)
		}
	}
	if len(names) == 0 {
		return n.Name, nil
	}
	return strings.Join(names, ""), nil
}

// Assign sets who walks a task, replacing who did (reassignment), audited
// with both lists.
func (s *Service) Assign(ctx context.Context, a *linli.Actor, taskID int64, in AssignInput) (Task, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		t, err := s.task(ctx, tx, taskID)
		if err != nil {
			return err
		}
		c, err := s.managed(ctx, tx, a, t.CampaignID)
		if linli.ErrorCode(err) == linli.ENotFound {
			return errTaskNotFound()
		}
		if err != nil {
			return err
		}
		if c.State == Closed {
			return errState(c, "改派 / reassign")
		}
		people, err := checkPeople(c, in.AccountIDs, "account_ids")
		if err != nil {
			return err
		}
		if len(people) == 0 {
			return linli.Invalid("请选择人员 / pick someone", linli.FieldError{Field: "account_ids", Reason: "必填 / required"})
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `DELETE FROM campaign_task_people WHERE task_id = ?`, taskID); err != nil {
			return err
		}
		var names []string
		for _, p := range people {
			names = append(names, p.Name)
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_task_people (task_id, account_id, name, assigned_at) VALUES (?, ?, ?, ?)`,
				taskID, p.AccountID, p.Name, ms(now)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE campaign_tasks SET updated_at = ? WHERE id = ?`, ms(now), taskID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_task.assign", Entity: "campaign_task", EntityID: taskID, ScopePath: t.Path,
			Summary: "任务「" + t.Title + "」安排给：" + strings.Join(names, "、"), Before: t.People, After: people})
	})
	if err != nil {
		return Task{}, err
	}
	return s.task(ctx, s.db, taskID)
}

// Walk is a task as the inspector walks it: buildings, units, floors and
// households with what is done, the roof and unclaimed findings, and the
// conflicting versions waiting for staff.
type Walk struct {
	Task      Task        `json:"task"`
	Campaign  Campaign    `json:"campaign"`
	Buildings []WalkBuild `json:"buildings"`
	Conflicts []Conflict  `json:"conflicts"`
	// MayRecord: the actor walks this task (or runs the campaign) and the
	// campaign is active. Manage: the actor runs the campaign.
	MayRecord bool `json:"may_record"`
	Manage    bool `json:"manage"`
}

// WalkBuild is one building of a task.
type WalkBuild struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Units     []WalkUnit `json:"units"`
	Roof      *Finding   `json:"roof,omitempty"`
	Unclaimed []Finding  `json:"unclaimed"`
	Done      int        `json:"done"`
	Total     int        `json:"total"`
}

// WalkUnit is one unit: its floors, top floor first (as the building
// view shows them).
type WalkUnit struct {
	ID     int64       `json:"id"`
	Name   string      `json:"name"`
	Floors []WalkFloor `json:"floors"`
}

// WalkFloor is one floor of a unit.
type WalkFloor struct {
	Floor      int         `json:"floor"`
	Households []WalkHouse `json:"households"`
}

// WalkHouse is one household and what is known of it.
type WalkHouse struct {
	ID        int64  `json:"id"`
	Room      string `json:"room"`
	Label     string `json:"label"`
	Status    string `json:"status"` // todo, fine, hazard, fixed, self (self-reported, to confirm)
	FindingID int64  `json:"finding_id,omitempty"`
	Conflict  bool   `json:"conflict,omitempty"`
}

// Conflict is a version waiting for staff to pick, beside the finding in
// force.
type Conflict struct {
	Current Finding `json:"current"`
	Other   Finding `json:"other"`
}

// Household statuses in a walk and on the layer.
const (
	HouseTodo   = "todo"
	HouseFine   = "fine"
	HouseHazard = "hazard"
	HouseFixed  = "fixed"
	HouseSelf   = "self"
)

// Walk returns the task as the inspector walks it.
func (s *Service) Walk(ctx context.Context, a *linli.Actor, taskID int64) (Walk, error) {
	t, c, x, err := s.taskFor(ctx, s.db, a, taskID, taskColumns)
	if err != nil {
		return Walk{}, err
	}
	w := Walk{Task: t, Campaign: c, Buildings: []WalkBuild{}, Conflicts: []Conflict{}, Manage: x.manage,
		MayRecord: c.State == Active && (x.manage || t.onTask(a.AccountID))}
	hs, err := s.reg.HouseholdsUnder(ctx, s.db, t.Path)
	if err != nil {
		return w, err
	}
	fs, err := s.findingsWhere(ctx, s.db, `f.task_id = ? AND f.status IN ('current', 'conflict')`, taskID)
	if err != nil {
		return w, err
	}
	done, err := s.fixedFindings(ctx, s.db, c.ID)
	if err != nil {
		return w, err
	}
	cur := map[int64]Finding{}
	byID := map[int64]Finding{}
	roof := map[int64]*Finding{}
	unclaimed := map[int64][]Finding{}
	var conflicts []Finding
	for _, f := range fs {
		byID[f.ID] = f
		switch {
		case f.Status == StatusConflict:
			conflicts = append(conflicts, f)
		case f.Target == TargetHousehold:
			cur[f.HouseholdID] = f
		case f.Target == TargetRoof:
			roof[f.BuildingID] = &f
		default:
			unclaimed[f.BuildingID] = append(unclaimed[f.BuildingID], f)
		}
	}
	conflictOn := map[int64]bool{}
	for _, o := range conflicts {
		w.Conflicts = append(w.Conflicts, Conflict{Current: byID[o.ConflictOf], Other: o})
		conflictOn[o.HouseholdID] = true
	}
	for _, h := range hs {
		if len(w.Buildings) == 0 || w.Buildings[len(w.Buildings)-1].ID != h.BuildingID {
			w.Buildings = append(w.Buildings, WalkBuild{ID: h.BuildingID, Name: h.Estate + h.Building, Roof: roof[h.BuildingID], Unclaimed: unclaimed[h.BuildingID]})
		}
		b := &w.Buildings[len(w.Buildings)-1]
		if len(b.Units) == 0 || b.Units[len(b.Units)-1].ID != h.UnitID {
			b.Units = append(b.Units, WalkUnit{ID: h.UnitID, Name: h.Unit})
		}
		u := &b.Units[len(b.Units)-1]
		i := slices.IndexFunc(u.Floors, func(f WalkFloor) bool { return f.Floor == h.Floor })
		if i < 0 {
			u.Floors = append(u.Floors, WalkFloor{Floor: h.Floor})
			i = len(u.Floors) - 1
		}
		wh := WalkHouse{ID: h.ID, Room: h.Room, Label: h.Building + h.Unit + h.Room, Status: HouseTodo, Conflict: conflictOn[h.ID] && h.ID != 0}
		if f, ok := cur[h.ID]; ok {
			wh.FindingID, wh.Status = f.ID, houseStatus(f, done[f.ID])
			b.Done++
		}
		b.Total++
		u.Floors[i].Households = append(u.Floors[i].Households, wh)
	}
	for bi := range w.Buildings {
		for ui := range w.Buildings[bi].Units {
			fl := w.Buildings[bi].Units[ui].Floors
			slices.SortStableFunc(fl, func(x, y WalkFloor) int { return y.Floor - x.Floor })
		}
		if w.Buildings[bi].Unclaimed == nil {
			w.Buildings[bi].Unclaimed = []Finding{}
		}
	}
	return w, nil
}

// houseStatus is a household's state from its current finding: fixed
// when its hazard plan is done, self when only its resident has answered.
func houseStatus(f Finding, fixed bool) string {
	switch {
	case f.SelfReported && f.ConfirmedAt.IsZero():
		return HouseSelf
	case f.Hazard && fixed:
		return HouseFixed
	case f.Hazard:
		return HouseHazard
	}
	return HouseFine
}

// fixedFindings are the findings of a campaign whose plan is done.
func (s *Service) fixedFindings(ctx context.Context, q storage.Querier, campaignID int64) (map[int64]bool, error) {
	ids, err := storage.Scalars[int64](ctx, q, `SELECT finding_id FROM campaign_plans WHERE campaign_id = ? AND state = 'done'`, campaignID)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}
