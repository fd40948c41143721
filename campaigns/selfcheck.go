package campaigns

import (
	"context"
	"database/sql"
	"errors"

	"linli"
	"linli/attach"
)

// SelfCheckForm is what a resident sees: the campaign, their household in
// its scope, and the checklist as they answer it (nothing required: a
// resident answers what they can; staff confirm).
type SelfCheckForm struct {
	Campaign  Campaign  `json:"campaign"`
	Household int64     `json:"household_id"`
	Label     string    `json:"label"`
	Checklist Checklist `json:"checklist"`
	// Done: the household already has a finding in force.
	Done bool `json:"done"`
}

func errNoSelfCheck() error {
	return linli.Errorf(linli.ENotFound, "没有可自查的排查 / no self-check for you here")
}

// SelfCheck is the self-check form of an active campaign for the actor's
// own household in its scope (a resident's grant); anyone else gets 404.
func (s *Service) SelfCheck(ctx context.Context, a *linli.Actor, campaignID int64) (SelfCheckForm, error) {
	c, err := s.get(ctx, s.db, campaignID, false)
	if linli.ErrorCode(err) == linli.ENotFound {
		return SelfCheckForm{}, errNoSelfCheck()
	}
	if err != nil {
		return SelfCheckForm{}, err
	}
	if c.State != Active {
		return SelfCheckForm{}, errNoSelfCheck()
	}
	tg, ok, err := s.ownHousehold(ctx, a, c)
	if err != nil {
		return SelfCheckForm{}, err
	}
	if !ok {
		return SelfCheckForm{}, errNoSelfCheck()
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND household_id = ? AND status = 'current'`,
		c.ID, tg.householdID).Scan(&n); err != nil {
		return SelfCheckForm{}, err
	}
	return SelfCheckForm{Campaign: c, Household: tg.householdID, Label: tg.label, Checklist: residentChecklist(c.Checklist), Done: n > 0}, nil
}

// residentChecklist is the checklist with nothing required.
func residentChecklist(c Checklist) Checklist {
	out := make(Checklist, len(c))
	for i, it := range c {
		it.Required = false
		out[i] = it
	}
	return out
}

// ownHousehold is the actor's household (by a resident grant) in the
// campaign's scope.
func (s *Service) ownHousehold(ctx context.Context, a *linli.Actor, c Campaign) (target, bool, error) {
	if a == nil {
		return target{}, false, nil
	}
	var ids []int64
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			ids = append(ids, g.HouseholdID)
		}
	}
	if len(ids) == 0 {
		return target{}, false, nil
	}
	hs, err := s.reg.HouseholdsAt(ctx, s.db, ids)
	if err != nil {
		return target{}, false, err
	}
	for _, id := range ids {
		h, ok := hs[id]
		if !ok {
			continue
		}
		for _, p := range c.Scope {
			if linli.Within(h.Path, p.Path) {
				return target{householdID: h.ID, buildingID: h.BuildingID, path: h.Path, label: h.Estate + h.Building + h.Unit + h.Room}, true, nil
			}
		}
	}
	return target{}, false, nil
}

// SubmitSelfCheck records a resident's answers about their own household
// as a finding marked self-reported, waiting for staff to confirm it. The
// household's task (if the scope is split already) is the finding's.
func (s *Service) SubmitSelfCheck(ctx context.Context, a *linli.Actor, campaignID int64, in FindingInput, photos map[string][]attach.Checked) (Recorded, error) {
	key := keyOf(a, in.IdempotencyKey)
	if r, ok, err := s.replay(ctx, a, key); ok || err != nil {
		if err == nil && r.Outcome == OutcomeConflict {
			err = errConflict(r.Finding)
		}
		return r, err
	}
	form, err := s.SelfCheck(ctx, a, campaignID)
	if err != nil {
		return Recorded{}, err
	}
	tg, _, err := s.ownHousehold(ctx, a, form.Campaign)
	if err != nil {
		return Recorded{}, err
	}
	answers, err := checkFinding(form.Checklist, in, photos)
	if err != nil {
		return Recorded{}, err
	}
	if len(answers) == 0 {
		return Recorded{}, linli.Invalid("请至少回答一项 / answer at least one question", linli.FieldError{Field: "answers", Reason: "请至少回答一项 / answer at least one question"})
	}
	var t Task
	err = s.db.QueryRow(ctx, `SELECT id, path FROM campaign_tasks WHERE campaign_id = ? AND ? LIKE path || '%' ORDER BY LENGTH(path) DESC LIMIT 1`,
		campaignID, tg.path).Scan(&t.ID, &t.Path)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Recorded{}, err
	}
	nv := newVersion{campaign: form.Campaign, task: t, target: TargetHousehold, tg: tg, answers: answers, note: in.Note, lat: in.Lat, lng: in.Lng,
		photos: photos, key: key, self: true}
	out, err := s.store(ctx, a, nv)
	if err == nil && out.Outcome == OutcomeConflict {
		err = errConflict(out.Finding)
	}
	return out, err
}
