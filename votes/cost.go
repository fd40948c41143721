package votes

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"linli"
	"linli/audit"
	"linli/consent"
	"linli/links"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
)

// RoundingRule states how shares are rounded (consent.Allocate); the pages
// and the spreadsheet show it.
const RoundingRule = "各户先按系数×面积占比计算应摊金额并舍去分以下部分，剩余的分按舍去部分从大到小逐户加1分（同等时住户编号小者优先，即最大余数法），各户合计正好等于总价减补贴。 / Each household's exact share (coefficient × area over the sum) is rounded down to the fen; the fen left over go one each to the largest remainders (ties to the lower household id: the largest-remainder method), so the shares add up exactly to the total minus subsidies."

// CostCoefficient is one floor's factor as text ("0.7", "2/3").
type CostCoefficient struct {
	Floor  int    `json:"floor"`
	Factor string `json:"factor"`
}

// CostCoefficientInput sets one floor's factor: a decimal (number or
// string, read exactly) or a fraction string.
type CostCoefficientInput struct {
	Floor  int              `json:"floor"`
	Factor registry.Decimal `json:"factor"`
}

// CostPlan shares a project's cost among the households of a unit or a
// building by floor coefficient × exclusive area.
type CostPlan struct {
	ID           int64             `json:"id"`
	CommunityID  int64             `json:"community_id"`
	ScopeID      int64             `json:"scope_id"`
	Scope        string            `json:"scope"`
	Path         string            `json:"path"`
	VoteID       int64             `json:"vote_id"`    // 0: none
	ProjectID    int64             `json:"project_id"` // 0: none
	Title        string            `json:"title"`
	TotalFen     int64             `json:"total_fen"`
	SubsidyFen   int64             `json:"subsidy_fen"`
	PayableFen   int64             `json:"payable_fen"` // total − subsidy, shared by the owners
	Total        string            `json:"total"`       // yuan, "123456.78"
	Subsidy      string            `json:"subsidy"`
	Payable      string            `json:"payable"`
	Coefficients []CostCoefficient `json:"coefficients"`
	CreatedBy    string            `json:"created_by"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// CostPlanInput creates or changes a cost plan. Amounts are yuan with up
// to two decimals (a JSON number or string, read exactly). With no
// coefficients the default scheme applies (consent.DefaultScheme: floors
// 1–2 pay nothing, floor 3 pays 0.7, +0.1 per floor). A plan for a vote
// takes the vote's scope and project.
type CostPlanInput struct {
	ScopeID      int64                  `json:"scope_id,omitempty"`
	VoteID       int64                  `json:"vote_id,omitempty"`
	ProjectID    int64                  `json:"project_id,omitempty"`
	Title        string                 `json:"title"`
	Total        registry.Decimal       `json:"total"`
	Subsidy      registry.Decimal       `json:"subsidy,omitempty"`
	Coefficients []CostCoefficientInput `json:"coefficients,omitempty"`
}

// CostBill is one household's line of the bill table.
type CostBill struct {
	HouseholdID int64  `json:"household_id"`
	Label       string `json:"label"`
	Unit        string `json:"unit"`
	Floor       int    `json:"floor"`
	Room        string `json:"room"`
	AreaCenti   int64  `json:"area_centi"`
	Area        string `json:"area"`
	Coefficient string `json:"coefficient"`
	AmountFen   int64  `json:"amount_fen"`
	Amount      string `json:"amount"` // yuan, "1234.56"
}

// CostSheet is a plan with its bill table. Problem is set, and Bills
// empty, when the households of the scope can no longer be shared under
// the plan (a floor registered since without a coefficient).
type CostSheet struct {
	Plan     CostPlan   `json:"plan"`
	Bills    []CostBill `json:"bills"`
	SumFen   int64      `json:"sum_fen"`
	Sum      string     `json:"sum"`
	Rounding string     `json:"rounding"`
	Problem  string     `json:"problem,omitempty"`
}

type storedFactor struct {
	Floor int   `json:"floor"`
	Num   int64 `json:"num"`
	Den   int64 `json:"den"`
}

func schemeJSON(s consent.Scheme) string {
	var fs []storedFactor
	for _, c := range s.List() {
		fs = append(fs, storedFactor{c.Floor, c.Factor.Num, c.Factor.Den})
	}
	b, _ := json.Marshal(fs)
	return string(b)
}

func schemeFrom(text string) (consent.Scheme, error) {
	var fs []storedFactor
	if err := json.Unmarshal([]byte(text), &fs); err != nil {
		return consent.Scheme{}, err
	}
	s := consent.Scheme{Coefficients: map[int]consent.Ratio{}}
	for _, f := range fs {
		s.Coefficients[f.Floor] = consent.Ratio{Num: f.Num, Den: f.Den}
	}
	return s, nil
}

const planColumns = `id, community_id, scope_id, path, vote_id, project_id, title, total_fen, subsidy_fen, coefficients, created_by, created_at, updated_at`

func (s *Service) scanPlan(ctx context.Context, q storage.Querier, r interface{ Scan(...any) error }) (CostPlan, consent.Scheme, error) {
	var p CostPlan
	var coef string
	var created, updated int64
	if err := r.Scan(&p.ID, &p.CommunityID, &p.ScopeID, &p.Path, &p.VoteID, &p.ProjectID, &p.Title, &p.TotalFen, &p.SubsidyFen, &coef,
		&p.CreatedBy, &created, &updated); err != nil {
		return p, consent.Scheme{}, err
	}
	p.CreatedAt, p.UpdatedAt = storage.FromMillis(created), storage.FromMillis(updated)
	p.PayableFen = p.TotalFen - p.SubsidyFen
	p.Total, p.Subsidy, p.Payable = plainYuan(p.TotalFen), plainYuan(p.SubsidyFen), plainYuan(p.PayableFen)
	sc, err := schemeFrom(coef)
	if err != nil {
		return p, sc, err
	}
	p.Coefficients = []CostCoefficient{}
	for _, c := range sc.List() {
		p.Coefficients = append(p.Coefficients, CostCoefficient{Floor: c.Floor, Factor: c.Factor.String()})
	}
	if name, err := s.placeName(ctx, q, p.ScopeID); err == nil {
		p.Scope = name
	}
	return p, sc, nil
}

func (s *Service) plan(ctx context.Context, q storage.Querier, id int64) (CostPlan, consent.Scheme, error) {
	p, sc, err := s.scanPlan(ctx, q, q.QueryRow(ctx, `SELECT `+planColumns+` FROM cost_plans WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, sc, linli.Errorf(linli.ENotFound, "分摊方案不存在 / cost plan not found")
	}
	return p, sc, err
}

// checkPlan validates in against the scope's households: amounts, title,
// coefficients (every floor a household lives on needs one; 422 naming the
// floor otherwise). It returns the amounts in fen and the scheme.
func (s *Service) checkPlan(ctx context.Context, q storage.Querier, in *CostPlanInput, scope registry.Node, hs []electorate) (total, subsidy int64, sc consent.Scheme, err error) {
	var v linli.Validation
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		v.Add("title", "名称必填 / title is required")
	case utf8.RuneCountInString(in.Title) > 100:
		v.Add("title", "名称不超过100字 / title is at most 100 characters")
	}
	total, terr := ParseYuan(string(in.Total))
	if terr != nil {
		v.Add("total", terr.Error())
	}
	if strings.TrimSpace(string(in.Subsidy)) != "" {
		var serr error
		if subsidy, serr = ParseYuan(string(in.Subsidy)); serr != nil {
			v.Add("subsidy", serr.Error())
		} else if terr == nil && subsidy > total {
			v.Add("subsidy", fmt.Sprintf("补贴%s元超过总价%s元 / the subsidy exceeds the total", FormatYuan(subsidy), FormatYuan(total)))
		}
	}
	if len(hs) == 0 {
		v.Add("scope_id", "该地点下没有住户 / no households there")
	}
	floors := make([]int, len(hs))
	top := scope.Floors
	for i, h := range hs {
		floors[i] = h.Floor
		top = max(top, h.Floor)
	}
	if len(in.Coefficients) == 0 {
		sc = consent.DefaultScheme(top)
	} else {
		sc = consent.Scheme{Coefficients: map[int]consent.Ratio{}}
		for _, c := range in.Coefficients {
			if strings.TrimSpace(string(c.Factor)) == "" {
				continue // no coefficient for this floor: Validate names it if a household lives there
			}
			r, perr := ParseFactor(string(c.Factor))
			if perr != nil {
				v.Add("coefficients", fmt.Sprintf("第%d层：%s / floor %d: %s", c.Floor, perr.Error(), c.Floor, perr.Error()))
				continue
			}
			if _, dup := sc.Coefficients[c.Floor]; dup {
				v.Add("coefficients", fmt.Sprintf("第%d层的系数重复 / floor %d is given twice", c.Floor, c.Floor))
			}
			sc.Coefficients[c.Floor] = r
		}
	}
	if verr := sc.Validate(floors); verr != nil {
		v.Add("coefficients", linli.ErrorMessage(verr))
	}
	if err := v.Err(); err != nil {
		return 0, 0, sc, err
	}
	// Allocate refuses what Validate does not: every weight zero with an
	// amount to share.
	shares := make([]consent.Household, len(hs))
	for i, h := range hs {
		shares[i] = consent.Household{ID: h.ID, Label: h.label(), AreaCenti: h.AreaCenti, Floor: h.Floor}
	}
	if _, aerr := consent.Allocate(total, subsidy, sc, shares); aerr != nil {
		return 0, 0, sc, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "coefficients", Reason: linli.ErrorMessage(aerr)})
	}
	return total, subsidy, sc, nil
}

// planScope settles the scope, vote and project of a plan input.
func (s *Service) planScope(ctx context.Context, q storage.Querier, a *linli.Actor, in *CostPlanInput) (registry.Node, error) {
	if in.VoteID != 0 {
		v, err := s.vote(ctx, q, in.VoteID)
		if linli.ErrorCode(err) == linli.ENotFound || (err == nil && !s.canRead(ctx, a, v.Path)) {
			return registry.Node{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "vote_id", Reason: "表决不存在 / no such vote"})
		}
		if err != nil {
			return registry.Node{}, err
		}
		if in.ScopeID != 0 && in.ScopeID != v.ScopeID {
			return registry.Node{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "scope_id", Reason: "分摊范围须与表决范围相同 / the plan must cover the vote's scope"})
		}
		in.ScopeID = v.ScopeID
		switch {
		case in.ProjectID == 0:
			in.ProjectID = v.ProjectID
		case in.ProjectID != v.ProjectID:
			return registry.Node{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "project_id", Reason: "须与表决所属的项目相同 / must be the vote's project"})
		}
	}
	if in.ProjectID < 0 {
		return registry.Node{}, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "project_id", Reason: "项目编号无效 / bad project id"})
	}
	n, err := s.scopeNode(ctx, q, a, in.ScopeID, "scope_id")
	if err != nil {
		return n, err
	}
	if !a.Can(linli.PermProjectsManage, n.Path) {
		return n, linli.Errorf(linli.EForbidden, "无权制定分摊方案 / not allowed to make cost plans here")
	}
	return n, nil
}

// CreateCostPlan makes a cost plan for a unit or a building (or a vote's
// scope). The actor needs projects.manage there.
func (s *Service) CreateCostPlan(ctx context.Context, a *linli.Actor, in CostPlanInput) (CostPlan, error) {
	var out CostPlan
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		n, err := s.planScope(ctx, tx, a, &in)
		if err != nil {
			return err
		}
		// The project: visible (422), managed by the actor (403), and
		// covering the plan's scope (422).
		var pv linli.Validation
		if in.ProjectID > 0 {
			ps, fe, err := s.projectOf(ctx, a, in.ProjectID, "制定分摊方案")
			if err != nil {
				return err
			}
			if fe == nil {
				fe = s.inProjectScope(ctx, ps, n)
			}
			if fe != nil {
				pv.Fields = append(pv.Fields, *fe)
			}
		}
		hs, err := s.planVoters(ctx, tx, in.VoteID, n.Path)
		if err != nil {
			return err
		}
		total, subsidy, sc, err := s.checkPlan(ctx, tx, &in, n, hs)
		if err != nil && linli.ErrorCode(err) != linli.EInvalid {
			return err
		}
		if len(pv.Fields) > 0 {
			return linli.Invalid("输入有误 / invalid input", append(pv.Fields, linli.ErrorFields(err)...)...)
		}
		if err != nil {
			return err
		}
		community, err := s.communityOf(ctx, tx, n.ID)
		if err != nil {
			return err
		}
		now := s.now()
		id, err := tx.Insert(ctx, `INSERT INTO cost_plans (community_id, scope_id, path, vote_id, project_id, title, total_fen, subsidy_fen, coefficients, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, community, n.ID, n.Path, in.VoteID, in.ProjectID, in.Title, total, subsidy, schemeJSON(sc),
			actorName(a), storage.Millis(now), storage.Millis(now))
		if err != nil {
			return err
		}
		plan := links.Ref{Kind: links.KindCostPlan, ID: id}
		switch {
		case in.VoteID != 0:
			err = links.Add(ctx, tx, links.Ref{Kind: links.KindVote, ID: in.VoteID}, plan, "origin", now)
		case in.ProjectID != 0:
			err = links.Add(ctx, tx, links.Ref{Kind: links.KindProject, ID: in.ProjectID}, plan, "origin", now)
		}
		if err != nil {
			return err
		}
		if out, _, err = s.plan(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "cost_plan.create", Entity: "cost_plan", EntityID: id, ScopePath: n.Path,
			Summary: fmt.Sprintf("制定费用分摊方案「%s」：总价%s元，补贴%s元", out.Title, FormatYuan(total), FormatYuan(subsidy)), After: out})
	})
	return out, err
}

// UpdateCostPlan changes a plan's title, amounts and coefficients (its
// scope, vote and project stay).
func (s *Service) UpdateCostPlan(ctx context.Context, a *linli.Actor, id int64, in CostPlanInput) (CostPlan, error) {
	var out CostPlan
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		before, _, err := s.plan(ctx, tx, id)
		if err != nil {
			return err
		}
		if !s.canRead(ctx, a, before.Path) {
			return linli.Errorf(linli.ENotFound, "分摊方案不存在 / cost plan not found")
		}
		in.ScopeID, in.VoteID, in.ProjectID = before.ScopeID, 0, before.ProjectID
		n, err := s.planScope(ctx, tx, a, &in)
		if err != nil {
			return err
		}
		hs, err := s.planVoters(ctx, tx, before.VoteID, n.Path)
		if err != nil {
			return err
		}
		total, subsidy, sc, err := s.checkPlan(ctx, tx, &in, n, hs)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE cost_plans SET title = ?, total_fen = ?, subsidy_fen = ?, coefficients = ?, updated_at = ? WHERE id = ?`,
			in.Title, total, subsidy, schemeJSON(sc), storage.Millis(now), id); err != nil {
			return err
		}
		if out, _, err = s.plan(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "cost_plan.update", Entity: "cost_plan", EntityID: id, ScopePath: n.Path,
			Summary: fmt.Sprintf("修改费用分摊方案「%s」", out.Title), Before: before, After: out})
	})
	return out, err
}

// CostSheet returns a plan the actor may see with its bill table.
func (s *Service) CostSheet(ctx context.Context, a *linli.Actor, id int64) (CostSheet, error) {
	p, sc, err := s.plan(ctx, s.db, id)
	if err != nil {
		return CostSheet{}, err
	}
	if !s.canRead(ctx, a, p.Path) {
		return CostSheet{}, linli.Errorf(linli.ENotFound, "分摊方案不存在 / cost plan not found")
	}
	hs, err := s.planVoters(ctx, s.db, p.VoteID, p.Path)
	if err != nil {
		return CostSheet{}, err
	}
	return sheet(p, sc, hs)
}

// planVoters are the households a plan shares its cost over: those of the
// vote it was made from (frozen once the vote is closed: the bills of a
// closed vote's plan do not move with the register), else those of its
// scope as the register holds them now.
func (s *Service) planVoters(ctx context.Context, q storage.Querier, voteID int64, path string) ([]electorate, error) {
	if voteID != 0 {
		v, err := s.vote(ctx, q, voteID)
		if err == nil {
			return s.voters(ctx, q, v)
		}
		if linli.ErrorCode(err) != linli.ENotFound {
			return nil, err
		}
	}
	return s.electorateOf(ctx, q, path)
}

// sheet shares the plan among hs (consent.Allocate).
func sheet(p CostPlan, sc consent.Scheme, hs []electorate) (CostSheet, error) {
	out := CostSheet{Plan: p, Bills: []CostBill{}, Rounding: RoundingRule}
	in := make([]consent.Household, len(hs))
	for i, h := range hs {
		in[i] = consent.Household{ID: h.ID, Label: h.label(), AreaCenti: h.AreaCenti, Floor: h.Floor}
	}
	shares, err := consent.Allocate(p.TotalFen, p.SubsidyFen, sc, in)
	if err != nil {
		if linli.ErrorCode(err) == linli.EInternal {
			return out, err
		}
		out.Problem = linli.ErrorMessage(err)
		return out, nil
	}
	for i, sh := range shares {
		h := hs[i]
		out.Bills = append(out.Bills, CostBill{HouseholdID: h.ID, Label: h.label(), Unit: h.Unit, Floor: h.Floor, Room: h.Room,
			AreaCenti: h.AreaCenti, Area: ledger.FormatArea(h.AreaCenti), Coefficient: sc.Coefficients[h.Floor].String(),
			AmountFen: sh.AmountFen, Amount: plainYuan(sh.AmountFen)})
		out.SumFen += sh.AmountFen
	}
	out.Sum = plainYuan(out.SumFen)
	return out, nil
}

// costSheetsForVote lists the plans made for the vote, with their bills
// over hs (the vote's voters).
func (s *Service) costSheetsForVote(ctx context.Context, v Vote, hs []electorate) ([]CostSheet, error) {
	type loaded struct {
		p  CostPlan
		sc consent.Scheme
	}
	ps, err := storage.Select(ctx, s.db, func(r *sql.Rows) (loaded, error) {
		p, sc, err := s.scanPlan(ctx, s.db, r)
		return loaded{p, sc}, err
	}, `SELECT `+planColumns+` FROM cost_plans WHERE vote_id = ? ORDER BY id`, v.ID)
	if err != nil {
		return nil, err
	}
	out := []CostSheet{}
	for _, l := range ps {
		sh, err := sheet(l.p, l.sc, hs)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, nil
}

// LatestCostPlan is the id of the newest plan made for a vote the actor
// may see (404 when there is none).
func (s *Service) LatestCostPlan(ctx context.Context, a *linli.Actor, voteID int64) (int64, error) {
	v, err := s.Vote(ctx, a, voteID)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.QueryRow(ctx, `SELECT id FROM cost_plans WHERE vote_id = ? ORDER BY id DESC LIMIT 1`, v.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, linli.Errorf(linli.ENotFound, "该表决还没有费用分摊方案 / the vote has no cost plan yet")
	}
	return id, err
}

// CostSheetName is the sheet WriteCostXLSX writes the bills to.
const CostSheetName = "费用分摊"

// WriteCostXLSX writes the plan's bill table as a workbook: one row per
// household with floor, room, area, coefficient and share in yuan, then
// the total row and the rounding rule. Amounts are numbers with two
// decimals (fen / 100, which a float64 holds to the fen).
func (s *Service) WriteCostXLSX(ctx context.Context, a *linli.Actor, planID int64, w io.Writer) error {
	sh, err := s.CostSheet(ctx, a, planID)
	if err != nil {
		return err
	}
	if sh.Problem != "" {
		return linli.Errorf(linli.EConflict, "%s", sh.Problem)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", CostSheetName); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	set := func(row int, vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(CostSheetName, cell, &vals)
	}
	p := sh.Plan
	if err := set(1, p.Scope+" "+p.Title); err != nil {
		return err
	}
	if err := set(2, "总价（元）", yuanNumber(p.TotalFen), "补贴（元）", yuanNumber(p.SubsidyFen), "业主分摊（元）", yuanNumber(p.PayableFen)); err != nil {
		return err
	}
	header := []any{"住户", "单元", "楼层", "房号", "专有面积（㎡）", "分摊系数", "分摊金额（元）"}
	if err := set(4, header...); err != nil {
		return err
	}
	row := 5
	for _, b := range sh.Bills {
		if err := set(row, b.Label, b.Unit, b.Floor, b.Room, b.Area, b.Coefficient, yuanNumber(b.AmountFen)); err != nil {
			return err
		}
		row++
	}
	if err := set(row, "合计", "", "", "", "", "", yuanNumber(sh.SumFen)); err != nil {
		return err
	}
	last := row
	if err := set(row+2, "舍入规则："+RoundingRule); err != nil {
		return err
	}
	for _, err := range []error{
		f.SetCellStyle(CostSheetName, "A4", "G4", bold),
		f.SetCellStyle(CostSheetName, fmt.Sprintf("A%d", last), fmt.Sprintf("G%d", last), bold),
		f.SetCellStyle(CostSheetName, "G5", fmt.Sprintf("G%d", last), money),
		f.SetColWidth(CostSheetName, "A", "A", 20),
		f.SetColWidth(CostSheetName, "E", "G", 15),
	} {
		if err != nil {
			return err
		}
	}
	return f.Write(w)
}

// yuanNumber is fen as a number of yuan for a spreadsheet cell. float64
// holds every amount below 2^53 fen; its shortest decimal form is the
// two-decimal amount, so the cell reads back exactly.
func yuanNumber(fen int64) float64 { return float64(fen) / 100 }

// CostPlansFor lists the plans of a project, newest first (for the
// project page).
func (s *Service) CostPlansFor(ctx context.Context, a *linli.Actor, projectID int64) ([]CostPlan, error) {
	all, err := storage.Select(ctx, s.db, func(r *sql.Rows) (CostPlan, error) {
		p, _, err := s.scanPlan(ctx, s.db, r)
		return p, err
	}, `SELECT `+planColumns+` FROM cost_plans WHERE project_id = ? ORDER BY id DESC`, projectID)
	if err != nil {
		return nil, err
	}
	out := []CostPlan{}
	for _, p := range all {
		if s.canRead(ctx, a, p.Path) {
			out = append(out, p)
		}
	}
	return slices.Clip(out), nil
}
