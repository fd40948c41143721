package projects

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/cases"
	"linli/links"
	"linli/storage"
)

// SetConstruction sets the contractor, the schedule and the permitted and
// quiet hours. Each change is kept with its reason; changing settings
// already made needs one ("居民反映午休噪声，调整施工时间").
func (s *Service) SetConstruction(ctx context.Context, a *linli.Actor, projectID int64, in ConstructionInput) (Project, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return p, err
	}
	var v linli.Validation
	in.Contractor, in.Reason = strings.TrimSpace(in.Contractor), strings.TrimSpace(in.Reason)
	if in.Contractor == "" {
		v.Add("contractor", "请填写施工单位 / contractor is required")
	} else if utf8.RuneCountInString(in.Contractor) > 80 {
		v.Add("contractor", "不超过80字 / at most 80 characters")
	}
	for _, f := range []struct{ name, val string }{{"start_date", in.StartDate}, {"end_date", in.EndDate}} {
		if f.val == "" {
			v.Add(f.name, "请填写日期 / date is required")
		} else if !validDate(f.val) {
			v.Add(f.name, "日期格式应为 2006-01-02 / date must be YYYY-MM-DD")
		}
	}
	if validDate(in.StartDate) && validDate(in.EndDate) && in.EndDate < in.StartDate {
		v.Add("end_date", "完工日期早于开工日期 / the end is before the start")
	}
	work, why := parseSpans(in.WorkHours)
	if why != "" {
		v.Add("work_hours", why)
	} else if len(work) == 0 {
		v.Add("work_hours", "请填写允许施工的时段 / permitted working hours are required")
	}
	quiet, qwhy := parseSpans(in.QuietHours)
	if qwhy != "" {
		v.Add("quiet_hours", qwhy)
	}
	if why == "" && qwhy == "" {
		if o := overlapping(work, quiet); o != "" {
			v.Add("quiet_hours", o)
		}
	}
	wh, qh := joinHours(spanStrings(work)), joinHours(spanStrings(quiet))
	changed := p.Contractor != "" && (p.Contractor != in.Contractor || p.StartDate != in.StartDate || p.EndDate != in.EndDate ||
		joinHours(p.WorkHours) != wh || joinHours(p.QuietHours) != qh)
	if changed && in.Reason == "" {
		v.Add("reason", "调整已登记的施工安排须说明原因 / say why the settings change")
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		v.Add("reason", "不超过500字 / at most 500 characters")
	}
	if err := v.Err(); err != nil {
		return p, err
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE projects SET contractor = ?, start_date = ?, end_date = ?, work_hours = ?, quiet_hours = ?, updated_at = ? WHERE id = ?`,
			in.Contractor, in.StartDate, in.EndDate, wh, qh, storage.Millis(now), p.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_hours (project_id, at, contractor, start_date, end_date, work_hours, quiet_hours, reason, by_name)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, storage.Millis(now), in.Contractor, in.StartDate, in.EndDate, wh, qh, in.Reason, actorName(a)); err != nil {
			return err
		}
		if changed {
			text := "施工时间调整为 " + strings.ReplaceAll(strings.ReplaceAll(wh, ",", "、"), "-", "–")
			if in.Reason != "" {
				text += "（" + in.Reason + "）"
			}
			if err := s.post(ctx, tx, a, p, "hours", text, now); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, now, p, "construction", "施工安排："+in.Contractor+" "+wh,
			map[string]any{"contractor": p.Contractor, "start_date": p.StartDate, "end_date": p.EndDate, "work_hours": p.WorkHours, "quiet_hours": p.QuietHours},
			map[string]any{"contractor": in.Contractor, "start_date": in.StartDate, "end_date": in.EndDate, "work_hours": wh, "quiet_hours": qh, "reason": in.Reason})
	})
	if err != nil {
		return Project{}, err
	}
	return s.Get(ctx, a, p.ID)
}

func (s *Service) hoursHistory(ctx context.Context, id int64) ([]HoursChange, error) {
	out, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (HoursChange, error) {
		var h HoursChange
		var at int64
		var w, q string
		err := rows.Scan(&h.ID, &at, &h.Contractor, &h.StartDate, &h.EndDate, &w, &q, &h.Reason, &h.By)
		h.At, h.WorkHours, h.QuietHours = storage.FromMillis(at), splitHours(w), splitHours(q)
		return h, err
	}, `SELECT id, at, contractor, start_date, end_date, work_hours, quiet_hours, reason, by_name FROM project_hours
		WHERE project_id = ? ORDER BY id DESC`, id)
	if out == nil {
		out = []HoursChange{}
	}
	return out, err
}

// Complain records a complaint during construction: a case opened through
// the case loop (a resident's own report; a call or a patrol finding when
// staff or a grid worker enter it), linked to the project with rel
// "complaint". Only while the project is under construction.
func (s *Service) Complain(ctx context.Context, a *linli.Actor, projectID int64, in ComplaintInput) (cases.Case, error) {
	p, err := s.view(ctx, a, projectID)
	if err != nil {
		return cases.Case{}, err
	}
	if p.Phase != Construction {
		return cases.Case{}, linli.Errorf(linli.EConflict, "项目不在施工阶段（当前：%s） / the project is not under construction", p.Phase.Label())
	}
	if in.Category == "" {
		in.Category = "construction"
	}
	if in.LocationID == 0 && in.HouseholdID == 0 && len(p.Scope) > 0 {
		in.LocationID = p.Scope[0].ID
	}
	// The complaint is linked to this project: its place must lie in the
	// project's community, whatever else the reporter may reach. An id
	// from elsewhere is answered like an unknown one.
	if in.HouseholdID != 0 {
		path, ok, err := s.reg.HouseholdPath(ctx, s.db, in.HouseholdID)
		if err != nil {
			return cases.Case{}, err
		}
		if !ok || !linli.Within(path, p.Path) {
			return cases.Case{}, linli.Invalid("住户不存在 / household not found", linli.FieldError{Field: "household_id", Reason: "住户不存在 / household not found"})
		}
	} else if in.LocationID != 0 {
		n, err := s.reg.NodeByID(ctx, in.LocationID)
		if err != nil && linli.ErrorCode(err) != linli.ENotFound {
			return cases.Case{}, err
		}
		if err != nil || !linli.Within(n.Path, p.Path) {
			return cases.Case{}, linli.Invalid("地点不存在 / location not found", linli.FieldError{Field: "location_id", Reason: "地点不存在 / location not found"})
		}
	}
	nc := cases.NewCase{Category: in.Category, Title: in.Title, Description: in.Description, LocationID: in.LocationID,
		HouseholdID: in.HouseholdID, SourceRef: fmt.Sprintf("project:%d", p.ID), ReporterName: in.ReporterName, ReporterPhone: in.ReporterPhone}
	switch {
	case a.Can(linli.PermCasesManage, p.Path):
		nc.Source = cases.SourceHotline // staff entering a call or a visit
	case a.HasRole(linli.RoleGridWorker) && a.Can(linli.PermCasesRead, p.Path) && in.HouseholdID == 0:
		nc.Source = cases.SourcePatrol
	default:
		nc.Source = cases.SourceResident
		nc.ReporterName, nc.ReporterPhone = "", ""
	}
	c, err := s.cs.Open(ctx, a, nc)
	if err != nil {
		return c, err
	}
	// Open has its own transaction; the link and the project's record of
	// the complaint follow in the next one.
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if err := links.Add(ctx, tx, links.Ref{Kind: links.KindProject, ID: p.ID}, links.Ref{Kind: links.KindCase, ID: c.ID}, "complaint", now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_complaints (project_id, case_id, created_at) VALUES (?, ?, ?)`, p.ID, c.ID, storage.Millis(now)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "complaint", "施工投诉立案："+c.Number+" "+c.Title, nil, map[string]any{"case_id": c.ID, "number": c.Number})
	})
	return c, err
}

func (s *Service) complaintIDs(ctx context.Context, projectID int64) ([]int64, error) {
	return storage.Scalars[int64](ctx, s.db, `SELECT case_id FROM project_complaints WHERE project_id = ? ORDER BY created_at, case_id`, projectID)
}

// RecordMeasure records what was done about a complaint ("施工时间调整为
// 8:00–12:00、14:30–18:00", "设置临时材料堆放区"); the followers are told.
func (s *Service) RecordMeasure(ctx context.Context, a *linli.Actor, projectID, caseID int64, text string) (Measure, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Measure{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Measure{}, linli.Invalid("请填写采取的措施 / the measure is required", linli.FieldError{Field: "text", Reason: "必填 / required"})
	}
	if utf8.RuneCountInString(text) > 500 {
		return Measure{}, linli.Invalid("不超过500字 / at most 500 characters", linli.FieldError{Field: "text", Reason: "不超过500字 / at most 500 characters"})
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM project_complaints WHERE project_id = ? AND case_id = ?`, projectID, caseID).Scan(&n); err != nil {
		return Measure{}, err
	}
	if n == 0 {
		return Measure{}, linli.Errorf(linli.ENotFound, "该投诉不属于本项目 / no such complaint on this project")
	}
	c, err := s.cs.Get(ctx, linli.System(), caseID)
	if err != nil {
		return Measure{}, err
	}
	now := s.now()
	m := Measure{CaseID: caseID, Text: text, At: storage.FromMillis(storage.Millis(now)), By: actorName(a)}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		m.ID, err = tx.Insert(ctx, `INSERT INTO project_measures (project_id, case_id, text, at, by_name) VALUES (?, ?, ?, ?, ?)`,
			projectID, caseID, text, storage.Millis(now), m.By)
		if err != nil {
			return err
		}
		if err := s.post(ctx, tx, a, p, "measure", "针对施工投诉（"+c.Category+"）采取措施："+text, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "measure", "投诉 "+c.Number+" 的处理措施："+text, nil, m)
	})
	return m, err
}

// complaints lists the complaint cases with their measures. Number, category
// and state are shown to every reader of the project (how complaints were
// handled is part of the project's record); the title only to those who
// may read the case.
func (s *Service) complaints(ctx context.Context, a *linli.Actor, projectID int64) ([]Complaint, error) {
	ids, err := s.complaintIDs(ctx, projectID)
	if err != nil {
		return nil, err
	}
	measures := map[int64][]Measure{}
	err = storage.Each(ctx, s.db, func(rows *sql.Rows) error {
		var m Measure
		var at int64
		if err := rows.Scan(&m.ID, &m.CaseID, &m.Text, &at, &m.By); err != nil {
			return err
		}
		m.At = storage.FromMillis(at)
		measures[m.CaseID] = append(measures[m.CaseID], m)
		return nil
	}, `SELECT id, case_id, text, at, by_name FROM project_measures WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, err
	}
	out := []Complaint{}
	for _, id := range ids {
		c, err := s.cs.Get(ctx, linli.System(), id)
		if linli.ErrorCode(err) == linli.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		k := Complaint{CaseID: id, Number: c.Number, Category: c.Category, CategoryEN: c.CategoryEN, State: string(c.State), Label: c.State.Label(), Open: c.State.Open(),
			At: c.CreatedAt, Measures: measures[id]}
		if k.Measures == nil {
			k.Measures = []Measure{}
		}
		if _, err := s.cs.Get(ctx, a, id); err == nil {
			k.Title, k.Readable = c.Title, true
		}
		out = append(out, k)
	}
	return out, nil
}
