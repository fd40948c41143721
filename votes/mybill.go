package votes

import (
	"context"
	"database/sql"

	"linli"
	"linli/consent"
	"linli/storage"
)

// HouseholdBill is what a project's cost plan asks of one of the reader's
// own households: its line of the bill table, with the plan it comes from.
type HouseholdBill struct {
	PlanID      int64  `json:"plan_id"`
	Plan        string `json:"plan"`  // the plan's title
	Scope       string `json:"scope"` // 荟萃花园南区1号楼3单元
	HouseholdID int64  `json:"household_id"`
	Household   string `json:"household"` // 1号楼3单元602
	Floor       int    `json:"floor"`
	Area        string `json:"area"` // m²
	Coefficient string `json:"coefficient"`
	AmountFen   int64  `json:"amount_fen"`
	PayableFen  int64  `json:"payable_fen"` // what the plan shares among the owners
	TotalFen    int64  `json:"total_fen"`
	SubsidyFen  int64  `json:"subsidy_fen"`
	Households  int    `json:"households"` // how many households share it
}

// HouseholdBills is, for each household of the actor's own resident
// grants, its share under the newest cost plan of the project covering it
// ("what it costs my household"). Nobody else's line is ever returned:
// staff, who read every bill on the cost-plan page, get none here, and a
// plan whose households can no longer be shared (Problem) is skipped.
func (s *Service) HouseholdBills(ctx context.Context, a *linli.Actor, projectID int64) ([]HouseholdBill, error) {
	out := []HouseholdBill{}
	own := s.ownHouseholds(ctx, a)
	if len(own) == 0 {
		return out, nil
	}
	type loaded struct {
		p  CostPlan
		sc consent.Scheme
	}
	ps, err := storage.Select(ctx, s.db, func(r *sql.Rows) (loaded, error) {
		p, sc, err := s.scanPlan(ctx, s.db, r)
		return loaded{p, sc}, err
	}, `SELECT `+planColumns+` FROM cost_plans WHERE project_id = ? ORDER BY id DESC`, projectID)
	if err != nil {
		return nil, err
	}
	billed := map[int64]bool{}
	for _, l := range ps { // newest first: a household's newest plan wins
		mine := map[int64]bool{}
		for _, h := range own {
			if linli.Within(h.path, l.p.Path) && !billed[h.id] {
				mine[h.id] = true
			}
		}
		if len(mine) == 0 {
			continue
		}
		hs, err := s.planVoters(ctx, s.db, l.p.VoteID, l.p.Path)
		if err != nil {
			return nil, err
		}
		sh, err := sheet(l.p, l.sc, hs)
		if err != nil {
			return nil, err
		}
		for _, b := range sh.Bills {
			if !mine[b.HouseholdID] {
				continue
			}
			billed[b.HouseholdID] = true
			out = append(out, HouseholdBill{PlanID: l.p.ID, Plan: l.p.Title, Scope: l.p.Scope, HouseholdID: b.HouseholdID, Household: b.Label,
				Floor: b.Floor, Area: b.Area, Coefficient: b.Coefficient, AmountFen: b.AmountFen, PayableFen: l.p.PayableFen,
				TotalFen: l.p.TotalFen, SubsidyFen: l.p.SubsidyFen, Households: len(sh.Bills)})
		}
	}
	return out, nil
}
