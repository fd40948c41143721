package campaigns

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"linli"
	"linli/registry"
	"linli/storage"
	"linli/workbook"
)

// Sheet is one place of a campaign's scope as a task group reports it
// upward: every household under it (inspected or not), then the roofs and
// unclaimed devices recorded there. The export has one sheet per place;
// the print shows one.
type Sheet struct {
	Estate EstateBoard
	Rows   []SheetRow
}

// SheetRow is one line of a sheet. Phones are masked.
type SheetRow struct {
	Target   Target
	Building string
	Unit     string
	Floor    string
	Room     string
	Owner    string
	Phone    string
	Answers  string
	Hazard   string // 是 / 否, "" when not inspected
	Severity Severity
	Plan     PlanKind
	Due      Day
	State    string // 未排查, 正常, 待确认, 待定方案, 整改中, 已整改, 已拆除, 无需处理
	Who      string // who recorded the finding
	Assignee string // who carries out the plan
}

// sheetHeader is the sheet's first row.
var sheetHeader = []string{"楼栋", "单元", "楼层", "房号", "业主", "电话", "排查结果", "隐患", "等级", "整改方案", "整改期限", "状态", "排查人", "整改负责人"}

// forReport loads a campaign whose sheets the actor may take: those who
// run it, its task group, and those who may read the register there
// (owners' names are the register's). Another reader gets 403; anyone
// else 404.
func (s *Service) forReport(ctx context.Context, a *linli.Actor, id int64) (Campaign, error) {
	c, x, err := s.campaignFor(ctx, s.db, a, id)
	if err != nil {
		return c, err
	}
	if !x.manage && !x.member && !a.Can(linli.PermRegistryRead, c.Path) {
		return Campaign{}, linli.Errorf(linli.EForbidden, "无权导出排查清单 / not allowed to take the campaign's lists")
	}
	return c, nil
}

// Export writes the campaign's findings and plans as an .xlsx workbook,
// one sheet per place of its scope. tr translates the words the system
// writes (the header, yes/no, states, severities, plan kinds) into the
// reader's language; nil keeps them in Chinese. Names, places and answers
// are data and stay as entered.
func (s *Service) Export(ctx context.Context, a *linli.Actor, id int64, w io.Writer, tr func(string) string) error {
	if tr == nil {
		tr = func(s string) string { return s }
	}
	c, err := s.forReport(ctx, a, id)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	used := map[string]bool{}
	for i, p := range c.Scope {
		sh, err := s.sheet(ctx, c, p)
		if err != nil {
			return err
		}
		name := workbook.SheetName(p.Name, used)
		if i == 0 {
			err = x.SetSheetName("Sheet1", name)
		} else {
			_, err = x.NewSheet(name)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(x, name, sh, tr); err != nil {
			return err
		}
	}
	if len(c.Scope) == 0 {
		if err := x.SetSheetName("Sheet1", tr("排查")); err != nil {
			return err
		}
	}
	return x.Write(w)
}

func writeSheet(x *excelize.File, name string, sh Sheet, tr func(string) string) error {
	row := 1
	set := func(vals []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return x.SetSheetRow(name, cell, &vals)
	}
	header := make([]any, len(sheetHeader))
	for i, h := range sheetHeader {
		header[i] = tr(h)
	}
	if err := set(header); err != nil {
		return err
	}
	word := func(s string) string {
		if s == "" {
			return s
		}
		return tr(s)
	}
	for _, r := range sh.Rows {
		if r.Target != TargetHousehold {
			r.Room = word(r.Room) // 楼顶, 无主/业主不明
		}
		if err := set([]any{r.Building, r.Unit, r.Floor, r.Room, r.Owner, r.Phone, r.Answers, word(r.Hazard), word(r.Severity.Label()), word(r.Plan.Label()),
			r.Due.String(), word(r.State), r.Who, r.Assignee}); err != nil {
			return err
		}
	}
	return x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// EstateSheet is one place of the scope for the print (the same rules as
// Export).
func (s *Service) EstateSheet(ctx context.Context, a *linli.Actor, id, placeID int64) (Campaign, Sheet, error) {
	c, err := s.forReport(ctx, a, id)
	if err != nil {
		return c, Sheet{}, err
	}
	for _, p := range c.Scope {
		if p.ID == placeID {
			sh, err := s.sheet(ctx, c, p)
			return c, sh, err
		}
	}
	return c, Sheet{}, linli.Errorf(linli.ENotFound, "排查范围内没有此处 / no such place in the campaign")
}

// sheet gathers one place's rows.
func (s *Service) sheet(ctx context.Context, c Campaign, p Place) (Sheet, error) {
	sh := Sheet{Estate: EstateBoard{ID: p.ID, Name: p.Name, Kind: p.Kind, Path: p.Path}, Rows: []SheetRow{}}
	hs, err := s.reg.HouseholdsUnder(ctx, s.db, p.Path)
	if err != nil {
		return sh, err
	}
	owners, err := s.reg.OwnerPhonesUnder(ctx, s.db, p.Path)
	if err != nil {
		return sh, err
	}
	fs, err := s.findingsWhere(ctx, s.db, `f.campaign_id = ? AND f.status = 'current' AND f.path LIKE ?`, c.ID, p.Path+"%")
	if err != nil {
		return sh, err
	}
	plans := map[int64]Plan{}
	err = storage.Each(ctx, s.db, func(r *sql.Rows) error {
		pl, err := scanPlan(r)
		plans[pl.FindingID] = pl
		return err
	}, `SELECT `+planColumns+planFrom+` WHERE p.campaign_id = ? AND p.path LIKE ?`, c.ID, p.Path+"%")
	if err != nil {
		return sh, err
	}
	byHouse := map[int64]Finding{}
	var others []Finding
	for _, f := range fs {
		if f.Target == TargetHousehold {
			byHouse[f.HouseholdID] = f
		} else {
			others = append(others, f)
		}
	}
	buildings := map[int64]string{}
	for _, h := range hs {
		buildings[h.BuildingID] = h.Building
		row := SheetRow{Target: TargetHousehold, Building: h.Building, Unit: h.Unit, Floor: strconv.Itoa(h.Floor), Room: h.Room, State: "未排查"}
		var names, phones []string
		for _, o := range owners[h.ID] {
			names = append(names, o.Name)
			if o.Phone != "" {
				phones = append(phones, registry.MaskPhone(o.Phone))
			}
		}
		row.Owner, row.Phone = strings.Join(names, "、"), strings.Join(phones, "、")
		if f, ok := byHouse[h.ID]; ok {
			fillRow(&row, c.Checklist, f, plans)
			sh.Estate.Inspected++
			if f.Hazard {
				sh.Estate.Hazards++
			}
		}
		sh.Rows = append(sh.Rows, row)
	}
	sh.Estate.Households = len(hs)
	for _, f := range others {
		row := SheetRow{Target: f.Target, Building: buildings[f.BuildingID], Room: f.Target.Label(), Owner: "—"}
		if row.Building == "" {
			row.Building = f.Label
		}
		fillRow(&row, c.Checklist, f, plans)
		if f.Hazard {
			sh.Estate.Hazards++
		}
		sh.Rows = append(sh.Rows, row)
	}
	sh.Estate.Devices = len(fs)
	return sh, nil
}

// fillRow writes a finding and its plan into a row.
func fillRow(row *SheetRow, cl Checklist, f Finding, plans map[int64]Plan) {
	var parts []string
	for _, it := range cl {
		if _, ok := f.Answers[it.Key]; ok {
			parts = append(parts, it.Label+"："+answerText(it, f.Answers))
		}
	}
	if f.Note != "" {
		parts = append(parts, "备注："+f.Note)
	}
	row.Answers, row.Who = strings.Join(parts, "；"), f.RecorderName
	row.Hazard, row.State = "否", "正常"
	if f.SelfReported && f.ConfirmedAt.IsZero() {
		row.State = "待确认"
	}
	if !f.Hazard {
		return
	}
	row.Hazard, row.Severity, row.State = "是", f.Severity, "待定方案"
	pl, ok := plans[f.ID]
	if !ok {
		return
	}
	row.Plan, row.Due, row.Assignee = pl.Kind, pl.DueOn, pl.AssigneeName
	switch {
	case pl.Kind == PlanNone:
		row.State = PlanNone.Label()
	case pl.State != PlanDone:
		row.State = "整改中"
	case pl.Kind == PlanRemove:
		row.State = "已拆除"
	default:
		row.State = "已整改"
	}
}

// answerText is an answer as people read it: 是/否, a number with its
// unit, how many photos ("—" when unanswered).
func answerText(it Item, answers map[string]string) string {
	v, ok := answers[it.Key]
	if !ok {
		return "—"
	}
	switch it.Kind {
	case KindYesNo:
		return map[string]string{"yes": "是", "no": "否"}[v]
	case KindNumber:
		return v + it.Unit
	case KindPhoto:
		return v + " 张"
	}
	return v
}

// exportName is the workbook's file name (ASCII: the campaign's id).
func exportName(c Campaign) string { return fmt.Sprintf("campaign-%d.xlsx", c.ID) }
