package meetings

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// A meeting page's roll: every invitee once, with whether they signed in,
// grouped by unit (invited households) after the invited people, then the
// walk-ins. It replaces the invitation list followed by the sign-in list,
// which named a building's hundred households twice.

// rollEntry is one invitee or walk-in on the roll.
type rollEntry struct {
	Name     string // the person, or the household's room
	Rep      string // who signed in for a household
	Signed   bool
	SignedAt time.Time
	Self     bool // signed in on their own phone
	Walkin   bool
}

// rollGroup is the invited people, one unit's households, or the
// walk-ins.
type rollGroup struct {
	Kind    string // people (invited accounts), unit (households), walkin
	Title   string // the unit's, "1号楼3单元"
	unit    int64
	Entries []rollEntry
	Signed  int
}

// roll is the page's attendance: the groups, and the invitees signed in
// out of all invited (walk-ins apart).
type roll struct {
	Groups          []rollGroup
	Signed, Invited int
	Walkins         int
}

// rollOf builds the roll from the invitees (their sign-in marked) and the
// sign-ins. Household invitees are grouped by building and unit, read
// from the register in one call, rooms in invitation order.
func (s *Service) rollOf(ctx context.Context, d Detail) (roll, error) {
	var r roll
	var hhIDs []int64
	for _, i := range d.Invitees {
		if i.HouseholdID != 0 {
			hhIDs = append(hhIDs, i.HouseholdID)
		}
	}
	hs, err := s.reg.HouseholdsAt(ctx, s.db, hhIDs)
	if err != nil {
		return r, err
	}
	rep, self := map[int64]string{}, map[string]bool{}
	for _, t := range d.Attendance {
		if t.HouseholdID != 0 {
			rep[t.HouseholdID] = t.Name
		}
		if t.Self {
			self[attendeeKey(t.AccountID, t.HouseholdID)] = true
		}
	}
	people := rollGroup{Kind: "people"}
	units := map[string]int{} // group title → index in r.Groups after people
	var unitGroups []rollGroup
	for _, i := range d.Invitees {
		e := rollEntry{Name: i.Name, Signed: i.Attended, SignedAt: i.SignedAt, Self: self[attendeeKey(i.AccountID, i.HouseholdID)]}
		g := &people
		if i.HouseholdID != 0 {
			title, unit := "", int64(0)
			if h, ok := hs[i.HouseholdID]; ok {
				title, unit, e.Name = h.Building+h.Unit, h.UnitID, h.Room
			}
			k, ok := units[title]
			if !ok {
				k = len(unitGroups)
				units[title] = k
				unitGroups = append(unitGroups, rollGroup{Kind: "unit", Title: title, unit: unit})
			}
			g = &unitGroups[k]
			e.Rep = rep[i.HouseholdID]
		}
		g.Entries = append(g.Entries, e)
		if e.Signed {
			g.Signed++
			r.Signed++
		}
		r.Invited++
	}
	if len(people.Entries) > 0 {
		r.Groups = append(r.Groups, people)
	}
	// Units in the register's order (made in order: 1单元, 2单元, …).
	slices.SortStableFunc(unitGroups, func(a, b rollGroup) int { return cmp.Compare(a.unit, b.unit) })
	r.Groups = append(r.Groups, unitGroups...)
	walk := rollGroup{Kind: "walkin"}
	for _, t := range d.Attendance {
		if t.AccountID == 0 && t.HouseholdID == 0 {
			walk.Entries = append(walk.Entries, rollEntry{Name: t.Name, Signed: true, SignedAt: t.SignedAt, Walkin: true})
			walk.Signed++
		}
	}
	if r.Walkins = len(walk.Entries); r.Walkins > 0 {
		r.Groups = append(r.Groups, walk)
	}
	return r, nil
}

// attendeeKey names an invitee across the invitation and sign-in lists.
func attendeeKey(account, household int64) string {
	if household != 0 {
		return "h" + itoa(household)
	}
	return "a" + itoa(account)
}
