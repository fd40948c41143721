package votes

import (
	"context"
	"database/sql"
	"strings"

	"linli"
	"linli/consent"
	"linli/links"
	"linli/registry/ledger"
	"linli/storage"
)

// Detail returns a vote with its tally (live while the vote is open, over
// the frozen electorate once it is closed), its households with their
// current choice and ballot history, its objections, its cost plans and
// links. Who may record ballots (projects.manage or visits.write in the
// scope: staff, grid workers, building and unit heads, residents'
// representatives) sees every household with its ballots, reasons and
// owners, and the objections; a resident sees the own household's row and
// objection; every other reader (property, contractor, department) sees
// the tally, the counts and the cost tables only.
func (s *Service) Detail(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	v, err := s.Vote(ctx, a, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Vote: v}
	hs, err := s.voters(ctx, s.db, v)
	if err != nil {
		return d, err
	}
	history, err := ballotHistory(ctx, s.db, v.ID)
	if err != nil {
		return d, err
	}
	choices := map[int64]consent.Choice{}
	for h, bs := range history {
		choices[h] = bs[len(bs)-1].Choice
	}
	d.Tally = evaluate(v, hs, choices).forReader(canFollow(a, v.Path))
	if d.Objections, err = s.objections(ctx, a, v); err != nil {
		return d, err
	}
	openObj := map[int64]bool{}
	for _, o := range d.Objections {
		if o.Open() {
			openObj[o.HouseholdID] = true
		}
	}
	d.Can = Permissions{Manage: a.Can(linli.PermProjectsManage, v.Path), Record: canFollow(a, v.Path), MyHouseholds: []int64{}}
	own := map[int64]bool{}
	for _, h := range s.ownHouseholdsUnder(ctx, a, v.Path) {
		own[h] = true
		if ok, err := s.isOwner(ctx, s.db, a, h); err != nil {
			return d, err
		} else if ok {
			d.Can.MyHouseholds = append(d.Can.MyHouseholds, h)
		}
	}
	record := d.Can.Record
	var owners map[int64]string
	if record && a.Can(linli.PermRegistryRead, v.Path) {
		if owners, err = s.ownerNames(ctx, s.db, v.Path); err != nil {
			return d, err
		}
	}
	required := map[int64]bool{}
	for _, h := range v.Required {
		required[h] = true
	}
	d.Households = []VoteHousehold{}
	for _, h := range hs {
		if !record && !own[h.ID] {
			continue
		}
		vh := VoteHousehold{ID: h.ID, Label: h.label(), Unit: h.Unit, Floor: h.Floor, Room: h.Room, AreaCenti: h.AreaCenti,
			Area: ledger.FormatArea(h.AreaCenti), Owners: owners[h.ID], Required: required[h.ID], Choice: choices[h.ID],
			History: history[h.ID], OpenObjection: openObj[h.ID]}
		if vh.History == nil {
			vh.History = []Ballot{}
		}
		d.Households = append(d.Households, vh)
	}
	if d.CostPlans, err = s.costSheetsForVote(ctx, v, hs); err != nil {
		return d, err
	}
	if d.Links, err = s.links.Items(ctx, a, links.Ref{Kind: links.KindVote, ID: v.ID}); err != nil {
		return d, err
	}
	if d.Links == nil {
		d.Links = []links.Item{}
	}
	return d, nil
}

// ballotHistory is every ballot of the vote by household, oldest first;
// the last one of each household counts.
func ballotHistory(ctx context.Context, q storage.Querier, voteID int64) (map[int64][]Ballot, error) {
	out := map[int64][]Ballot{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		b := Ballot{VoteID: voteID}
		var at int64
		if err := r.Scan(&b.ID, &b.HouseholdID, &b.Choice, &b.Reason, &b.Method, &b.Collector, &b.RecordedBy, &at, &b.OverrideReason); err != nil {
			return err
		}
		b.CastAt = storage.FromMillis(at)
		out[b.HouseholdID] = append(out[b.HouseholdID], b)
		return nil
	}, `SELECT id, household_id, choice, reason, method, collector, recorded_by, cast_at, override_reason FROM vote_ballots WHERE vote_id = ? ORDER BY id`, voteID)
	return out, err
}

// ownerNames are the owners of each household under path, joined by 、
// (registry.OwnersUnder).
func (s *Service) ownerNames(ctx context.Context, q storage.Querier, path string) (map[int64]string, error) {
	owners, err := s.registry.OwnersUnder(ctx, q, path)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(owners))
	for h, os := range owners {
		names := make([]string, len(os))
		for i, o := range os {
			names[i] = o.Name
		}
		out[h] = strings.Join(names, "、")
	}
	return out, nil
}
