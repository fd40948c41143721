package campaigns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

// Outcomes of recording a finding.
const (
	OutcomeCreated  = "created"  // a new finding
	OutcomeUpdated  = "updated"  // the recorder's own finding, changed (history kept)
	OutcomeConflict = "conflict" // another person's finding exists: stored as a conflicting version
)

// Recorded is what Record did.
type Recorded struct {
	Finding Finding `json:"finding"`
	Outcome string  `json:"outcome"`
	// Replay: the idempotency key was seen before; nothing was stored now
	// and Finding is what the first submission made.
	Replay bool `json:"replay"`
}

// PhotoOwner is the attach owner kind of finding photos.
const PhotoOwner = "campaign_finding"

// PlanPhotoOwner is the attach owner kind of a plan's re-inspection photos.
const PlanPhotoOwner = "campaign_plan"

func errFindingNotFound() error {
	return linli.Errorf(linli.ENotFound, "排查记录不存在 / finding not found")
}

const findingColumns = `f.id, f.campaign_id, f.task_id, f.target, f.household_id, f.building_id, f.path, f.label, f.answers, f.hazard, f.severity,
	f.note, f.has_gps, f.lat_e7, f.lng_e7, f.status, f.conflict_of, f.self_reported, f.confirmed_by, f.confirmed_at, f.version,
	f.recorded_by, f.recorder_name, f.recorded_at, f.created_at, f.updated_at`

func scanFinding(r scanner) (Finding, error) {
	var f Finding
	var answers string
	var hazard, gps, self int64
	var lat, lng, conf, rec, cr, up int64
	err := r.Scan(&f.ID, &f.CampaignID, &f.TaskID, &f.Target, &f.HouseholdID, &f.BuildingID, &f.Path, &f.Label, &answers, &hazard, &f.Severity,
		&f.Note, &gps, &lat, &lng, &f.Status, &f.ConflictOf, &self, &f.ConfirmedBy, &conf, &f.Version,
		&f.RecordedBy, &f.RecorderName, &rec, &cr, &up)
	if err != nil {
		return f, err
	}
	f.Hazard, f.SelfReported = hazard != 0, self != 0
	if gps != 0 {
		la, ln := float64(lat)/1e7, float64(lng)/1e7
		f.Lat, f.Lng = &la, &ln
	}
	f.ConfirmedAt, f.RecordedAt = storage.FromMillis(conf), storage.FromMillis(rec)
	f.CreatedAt, f.UpdatedAt = storage.FromMillis(cr), storage.FromMillis(up)
	f.Photos = []Photo{}
	return f, json.Unmarshal([]byte(answers), &f.Answers)
}

// findingsWhere lists findings by a condition on f.
func (s *Service) findingsWhere(ctx context.Context, q storage.Querier, cond string, args ...any) ([]Finding, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (Finding, error) { return scanFinding(r) },
		`SELECT `+findingColumns+` FROM campaign_findings f WHERE `+cond+` ORDER BY f.path, f.household_id, f.id`, args...)
}

func (s *Service) finding(ctx context.Context, q storage.Querier, id int64) (Finding, error) {
	f, err := scanFinding(q.QueryRow(ctx, `SELECT `+findingColumns+` FROM campaign_findings f WHERE f.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, errFindingNotFound()
	}
	return f, err
}

// withPhotos adds a finding's photos and earlier versions.
func (s *Service) withPhotos(ctx context.Context, c Campaign, f *Finding) error {
	as, err := attach.List(ctx, s.db, PhotoOwner, f.ID)
	if err != nil {
		return err
	}
	for _, x := range as {
		item := ""
		if i := int(x.EventID) - 1; i >= 0 && i < len(c.Checklist) {
			item = c.Checklist[i].Key
		}
		f.Photos = append(f.Photos, Photo{ID: x.ID, Item: item, Name: x.Name, URL: fmt.Sprintf("/campaign-findings/%d/photos/%d", f.ID, x.ID)})
	}
	f.History, err = storage.Select(ctx, s.db, func(r *sql.Rows) (Version, error) {
		var v Version
		var answers string
		var hazard, at int64
		if err := r.Scan(&v.Version, &answers, &hazard, &v.Severity, &v.Note, &v.RecordedBy, &at); err != nil {
			return v, err
		}
		v.Hazard, v.RecordedAt = hazard != 0, storage.FromMillis(at)
		return v, json.Unmarshal([]byte(answers), &v.Answers)
	}, `SELECT version, answers, hazard, severity, note, recorded_by, recorded_at FROM campaign_finding_history WHERE finding_id = ? ORDER BY version DESC`, f.ID)
	return err
}

// findingFor loads a finding the actor may read: those who run the
// campaign, its task group, and the resident who self-reported it.
func (s *Service) findingFor(ctx context.Context, a *linli.Actor, id int64) (Finding, Campaign, access, error) {
	f, err := s.finding(ctx, s.db, id)
	if err != nil {
		return f, Campaign{}, access{}, err
	}
	c, err := s.get(ctx, s.db, f.CampaignID, false)
	if err != nil {
		return f, c, access{}, err
	}
	x, err := s.accessOf(ctx, s.db, a, c)
	if err != nil {
		return f, c, x, err
	}
	if !x.manage && !x.member && (a == nil || f.RecordedBy != a.AccountID) {
		return Finding{}, Campaign{}, x, errFindingNotFound()
	}
	return f, c, x, s.withPhotos(ctx, c, &f)
}

// Finding returns one finding with its photos and history.
func (s *Service) Finding(ctx context.Context, a *linli.Actor, id int64) (Finding, error) {
	f, _, _, err := s.findingFor(ctx, a, id)
	return f, err
}

// Findings lists a campaign's current findings (and conflicting
// versions) for those who run it and its task group; others who read the
// campaign (the property company, a department) see its counts only, and
// an empty list here.
func (s *Service) Findings(ctx context.Context, a *linli.Actor, campaignID int64) ([]Finding, error) {
	_, x, err := s.campaignFor(ctx, s.db, a, campaignID)
	if err != nil {
		return nil, err
	}
	if !x.manage && !x.member {
		return []Finding{}, nil
	}
	fs, err := s.findingsWhere(ctx, s.db, `f.campaign_id = ? AND f.status IN ('current', 'conflict')`, campaignID)
	if fs == nil {
		fs = []Finding{}
	}
	return fs, err
}

// keyOf namespaces an idempotency key by account, so one account's keys
// never answer for another's.
func keyOf(a *linli.Actor, key string) string {
	key = strings.TrimSpace(key)
	if key == "" {
		return ""
	}
	return itoa(a.AccountID) + ":" + key
}

// replay returns what an earlier submission with the key made.
func (s *Service) replay(ctx context.Context, a *linli.Actor, key string) (Recorded, bool, error) {
	if key == "" {
		return Recorded{}, false, nil
	}
	var id int64
	var outcome string
	err := s.db.QueryRow(ctx, `SELECT finding_id, outcome FROM campaign_finding_keys WHERE idem_key = ?`, key).Scan(&id, &outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return Recorded{}, false, nil
	}
	if err != nil {
		return Recorded{}, false, err
	}
	f, err := s.Finding(ctx, a, id)
	return Recorded{Finding: f, Outcome: outcome, Replay: true}, true, err
}

// errConflict is the answer to a finding stored as a conflicting version.
func errConflict(f Finding) error {
	return linli.Errorf(linli.EConflict, "%s已有他人的排查记录，本次记录已另存为冲突版本（#%d），待工作人员选定 / %s already has someone else's finding: "+
		"this one is kept as a conflicting version (#%d) for staff to pick", f.Label, f.ID, f.Label, f.ID)
}

// target is what a finding is about, checked against the task.
type target struct {
	householdID, buildingID int64
	path, label             string
}

// resolveTarget checks the household (or building, for a roof or an
// unclaimed device) lies in the task; 422 naming the field otherwise.
func (s *Service) resolveTarget(ctx context.Context, q storage.Querier, t Task, in FindingInput) (target, error) {
	switch in.Target {
	case TargetHousehold:
		hs, err := s.reg.HouseholdsAt(ctx, q, []int64{in.HouseholdID})
		if err != nil {
			return target{}, err
		}
		h, ok := hs[in.HouseholdID]
		if !ok || !linli.Within(h.Path, t.Path) {
			return target{}, linli.Invalid("住户不在本任务范围内 / the household is not in this task",
				linli.FieldError{Field: "household_id", Reason: "住户不在本任务范围内 / not a household of this task"})
		}
		return target{householdID: h.ID, buildingID: h.BuildingID, path: h.Path, label: h.Estate + h.Building + h.Unit + h.Room}, nil
	case TargetRoof, TargetUnclaimed:
		n, err := s.reg.NodeByID(ctx, in.BuildingID)
		if (err == nil && (n.Kind != registry.KindBuilding || !linli.Within(n.Path, t.Path))) || linli.ErrorCode(err) == linli.ENotFound {
			return target{}, linli.Invalid("楼栋不在本任务范围内 / the building is not in this task",
				linli.FieldError{Field: "building_id", Reason: "楼栋不在本任务范围内 / not a building of this task"})
		}
		if err != nil {
			return target{}, err
		}
		title, err := s.placeTitle(ctx, q, n)
		return target{buildingID: n.ID, path: n.Path, label: title + in.Target.Label()}, err
	}
	return target{}, linli.Invalid("对象无效 / invalid target", linli.FieldError{Field: "target", Reason: "应为 household、roof 或 unclaimed / must be household, roof or unclaimed"})
}

// checkFinding validates what Record and SelfCheck share: answers (with
// photo counts), GPS, the note. Field errors name "answers.<key>", "lat",
// "lng", "note".
func checkFinding(c Checklist, in FindingInput, photos map[string][]attach.Checked) (map[string]string, error) {
	var v linli.Validation
	counts := map[string]int{}
	for k, ps := range photos {
		it, ok := c.Item(k)
		if !ok || it.Kind != KindPhoto {
			v.Add(answerField(k), "此项不收照片 / this item takes no photos")
			continue
		}
		counts[k] = len(ps)
	}
	answers, err := Normalize(c, in.Answers, counts)
	if err := v.AddErr(err); err != nil {
		return nil, err
	}
	if (in.Lat == nil) != (in.Lng == nil) {
		v.Add("lat", "经纬度须同时给出 / give both latitude and longitude")
	} else if in.Lat != nil {
		if math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90 {
			v.Add("lat", "纬度应在-90到90之间 / latitude is between -90 and 90")
		}
		if math.IsNaN(*in.Lng) || *in.Lng < -180 || *in.Lng > 180 {
			v.Add("lng", "经度应在-180到180之间 / longitude is between -180 and 180")
		}
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		v.Add("note", "不超过1000字 / at most 1000 characters")
	}
	return answers, v.Err()
}

// Record records a finding for a task (contract 2 of issue 11). photos are
// the checked uploads by checklist item key. A key seen before returns
// what its first submission made (Replay), storing nothing. The task's
// people (and those who run the campaign) record; anyone else in the task
// group gets 403, others 404. Bad input is 422 naming the field, nothing
// stored. A household whose finding someone else recorded gets a
// conflicting version, and Record returns it with a 409 error.
func (s *Service) Record(ctx context.Context, a *linli.Actor, in FindingInput, photos map[string][]attach.Checked) (Recorded, error) {
	key := keyOf(a, in.IdempotencyKey)
	if r, ok, err := s.replay(ctx, a, key); ok || err != nil {
		if err == nil && r.Outcome == OutcomeConflict {
			err = errConflict(r.Finding)
		}
		return r, err
	}
	if in.Target == "" {
		in.Target = TargetHousehold
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.TaskID == 0 {
		return Recorded{}, linli.Invalid("请选择任务 / choose a task", linli.FieldError{Field: "task_id", Reason: "必填 / required"})
	}
	t, c, x, err := s.taskFor(ctx, s.db, a, in.TaskID, taskLightColumns)
	if err != nil {
		return Recorded{}, err
	}
	if !x.manage && !t.onTask(a.AccountID) {
		return Recorded{}, linli.Errorf(linli.EForbidden, "这不是您的任务 / this task is not yours")
	}
	if c.State != Active {
		return Recorded{}, errState(c, "记录排查 / record findings")
	}
	var v linli.Validation
	tg, err := s.resolveTarget(ctx, s.db, t, in)
	if err := v.AddErr(err); err != nil {
		return Recorded{}, err
	}
	answers, err := checkFinding(c.Checklist, in, photos)
	if err := v.AddErr(err); err != nil {
		return Recorded{}, err
	}
	if err := v.Err(); err != nil {
		return Recorded{}, err
	}
	rec := newVersion{campaign: c, task: t, target: in.Target, tg: tg, answers: answers, note: in.Note, lat: in.Lat, lng: in.Lng, photos: photos, key: key}
	out, err := s.store(ctx, a, rec)
	if err != nil && storage.IsUnique(err) {
		// A concurrent request committed first: the same key (a replay),
		// or another finding in force for the household (store again: it
		// is now a conflicting version or an update).
		if r, ok, rerr := s.replay(ctx, a, key); ok && rerr == nil {
			out, err = r, nil
		} else if rerr == nil {
			out, err = s.store(ctx, a, rec)
		}
	}
	if err == nil && out.Outcome == OutcomeConflict {
		err = errConflict(out.Finding)
	}
	return out, err
}

// newVersion is one submission ready to store.
type newVersion struct {
	campaign Campaign
	task     Task
	target   Target
	tg       target
	answers  map[string]string
	note     string
	lat, lng *float64
	photos   map[string][]attach.Checked
	key      string
	self     bool // a resident's self-check
}

// store writes a checked submission: a new finding, an update of the
// recorder's own (or of an unconfirmed self-report) with the old version
// kept, or a conflicting version beside another person's finding.
func (s *Service) store(ctx context.Context, a *linli.Actor, nv newVersion) (Recorded, error) {
	c := nv.campaign
	hazard, sev, _ := Evaluate(c.Checklist, nv.answers)
	body, _ := json.Marshal(nv.answers)
	var gps, lat, lng int64
	if nv.lat != nil {
		gps, lat, lng = 1, int64(math.Round(*nv.lat*1e7)), int64(math.Round(*nv.lng*1e7))
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	out := Recorded{Outcome: OutcomeCreated}
	var id int64
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		now := s.now()
		var cur Finding
		found := false
		if nv.target != TargetUnclaimed {
			fs, err := s.findingsWhere(ctx, tx, `f.campaign_id = ? AND f.target = ? AND f.household_id = ? AND f.building_id = ? AND f.status = 'current'`,
				c.ID, nv.target, nv.tg.householdID, nv.tg.buildingID)
			if err != nil {
				return err
			}
			if len(fs) > 0 {
				cur, found = fs[0], true
			}
		}
		mine := found && cur.RecordedBy == a.AccountID && a.AccountID != 0
		// An inspector's finding replaces a resident's unconfirmed
		// self-report (it is the check the self-report waited for); a
		// resident's self-report never replaces an inspector's.
		supersedes := found && !nv.self && cur.SelfReported && cur.ConfirmedAt.IsZero()
		switch {
		case found && (mine || supersedes):
			out.Outcome, id = OutcomeUpdated, cur.ID
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_finding_history (finding_id, version, answers, hazard, severity, note, recorded_by, recorded_at)
				SELECT id, version, answers, hazard, severity, note, recorded_by, recorded_at FROM campaign_findings WHERE id = ?`, cur.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_findings SET answers = ?, hazard = ?, severity = ?, note = ?, has_gps = ?, lat_e7 = ?, lng_e7 = ?,
				self_reported = ?, version = version + 1, recorded_by = ?, recorder_name = ?, recorded_at = ?, updated_at = ?, task_id = ? WHERE id = ?`,
				string(body), storage.Int(hazard), sev, nv.note, gps, lat, lng, storage.Int(nv.self), a.AccountID, name, ms(now), ms(now), nv.task.ID, cur.ID); err != nil {
				return err
			}
		default:
			status, conflictOf := StatusCurrent, int64(0)
			if found {
				out.Outcome, status, conflictOf = OutcomeConflict, StatusConflict, cur.ID
			}
			var err error
			id, err = tx.Insert(ctx, `INSERT INTO campaign_findings (campaign_id, task_id, target, household_id, building_id, path, label, answers, hazard, severity,
				note, has_gps, lat_e7, lng_e7, status, conflict_of, self_reported, version, recorded_by, recorder_name, recorded_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
				c.ID, nv.task.ID, nv.target, nv.tg.householdID, nv.tg.buildingID, nv.tg.path, nv.tg.label, string(body), storage.Int(hazard), sev,
				nv.note, gps, lat, lng, status, conflictOf, storage.Int(nv.self), a.AccountID, name, ms(now), ms(now), ms(now))
			if err != nil {
				return err
			}
		}
		if nv.key != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_finding_keys (idem_key, finding_id, outcome, created_at) VALUES (?, ?, ?, ?)`,
				nv.key, id, out.Outcome, ms(now)); err != nil {
				return err
			}
		}
		for i, it := range c.Checklist {
			if ps := nv.photos[it.Key]; len(ps) > 0 {
				if _, err := attach.Save(ctx, tx, PhotoOwner, id, int64(i+1), a.AccountID, ps, now); err != nil {
					return err
				}
			}
		}
		verb := map[string]string{OutcomeCreated: "记录", OutcomeUpdated: "更新", OutcomeConflict: "另存冲突版本："}[out.Outcome]
		if nv.self {
			verb = "居民自查："
		}
		summary := fmt.Sprintf("%s%s%s", verb, nv.tg.label, map[bool]string{true: "，发现隐患（" + sev.Label() + "）", false: "，未见隐患"}[hazard])
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_finding." + out.Outcome, Entity: "campaign_finding", EntityID: id,
			ScopePath: nv.tg.path, Summary: summary, After: nv.answers})
	})
	if err != nil {
		return out, err
	}
	f, err := s.finding(ctx, s.db, id)
	if err != nil {
		return out, err
	}
	err = s.withPhotos(ctx, c, &f)
	out.Finding = f
	return out, err
}

// Resolve settles a conflicting version: pick makes it the finding in
// force (the other version is kept as rejected); otherwise it is rejected.
// Those who run the campaign decide.
func (s *Service) Resolve(ctx context.Context, a *linli.Actor, conflictID int64, pick bool) (Finding, error) {
	var keep int64
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		o, err := s.finding(ctx, tx, conflictID)
		if err != nil {
			return err
		}
		c, err := s.managed(ctx, tx, a, o.CampaignID)
		if linli.ErrorCode(err) == linli.ENotFound {
			return errFindingNotFound()
		}
		if err != nil {
			return err
		}
		if o.Status != StatusConflict {
			return linli.Errorf(linli.EConflict, "此记录不是待选定的冲突版本 / this is not a conflicting version waiting for a choice")
		}
		now := s.now()
		keep = o.ConflictOf
		summary := "保留原记录，驳回冲突版本：" + o.Label
		if pick {
			keep = o.ID
			summary = "采用冲突版本：" + o.Label
			if _, err := tx.Exec(ctx, `UPDATE campaign_findings SET status = 'rejected', updated_at = ? WHERE id = ?`, ms(now), o.ConflictOf); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_findings SET status = 'current', conflict_of = 0, updated_at = ? WHERE id = ?`, ms(now), o.ID); err != nil {
				return err
			}
			// Other versions waiting on the old finding now wait on this one.
			if _, err := tx.Exec(ctx, `UPDATE campaign_findings SET conflict_of = ? WHERE conflict_of = ? AND status = 'conflict'`, o.ID, o.ConflictOf); err != nil {
				return err
			}
			// A plan made for the old finding follows the household's finding in force.
			if _, err := tx.Exec(ctx, `UPDATE campaign_plans SET finding_id = ?, updated_at = ? WHERE finding_id = ?`, o.ID, ms(now), o.ConflictOf); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE campaign_findings SET status = 'rejected', updated_at = ? WHERE id = ?`, ms(now), o.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_finding.resolve", Entity: "campaign_finding", EntityID: o.ID,
			ScopePath: c.Path, Summary: summary, After: map[string]any{"pick": pick, "kept": keep}})
	})
	if err != nil {
		return Finding{}, err
	}
	return s.Finding(ctx, a, keep)
}

// Confirm confirms a resident's self-reported finding as it stands.
func (s *Service) Confirm(ctx context.Context, a *linli.Actor, id int64) (Finding, error) {
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		f, err := s.finding(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err := s.managed(ctx, tx, a, f.CampaignID)
		if linli.ErrorCode(err) == linli.ENotFound {
			return errFindingNotFound()
		}
		if err != nil {
			return err
		}
		if !f.SelfReported || !f.ConfirmedAt.IsZero() || f.Status != StatusCurrent {
			return linli.Errorf(linli.EConflict, "此记录无需确认 / this finding needs no confirmation")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE campaign_findings SET confirmed_by = ?, confirmed_at = ?, updated_at = ? WHERE id = ?`, a.AccountID, ms(now), ms(now), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "campaign_finding.confirm", Entity: "campaign_finding", EntityID: id,
			ScopePath: c.Path, Summary: "确认居民自查：" + f.Label})
	})
	if err != nil {
		return Finding{}, err
	}
	return s.Finding(ctx, a, id)
}
