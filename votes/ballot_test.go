package votes_test

import (
	"testing"

	"linli"
	"linli/consent"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
)

// A ballot names a household of the vote's scope: one of another unit, of
// another community, or none at all is refused with 422 on household_id.
func TestVoteBallotHouseholdOutsideScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		unit4 := f.node(append(append([]string{}, pUnit3[:7]...), "4单元")...)
		var other, far int64
		if err := db.QueryRow(f.ctx, `SELECT id FROM households WHERE unit_id = ? ORDER BY id LIMIT 1`, unit4.ID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		jx := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
		if err := db.QueryRow(f.ctx, `SELECT id FROM households WHERE path LIKE ? ORDER BY id LIMIT 1`, jx.Path+"%").Scan(&far); err != nil {
			t.Fatal(err)
		}
		for name, id := range map[string]int64{"4单元": other, "吉祥社区": far, "no such household": 99999999} {
			_, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, votes.BallotInput{HouseholdID: id, Choice: consent.Agree,
				Method: votes.MethodPaper, Collector: "柴晓燕"})
			if fe := linli.ErrorFields(err); code(err) != linli.EInvalid || len(fe) != 1 || fe[0].Field != "household_id" {
				t.Errorf("%s: %v %v", name, err, fe)
			}
		}
		// One of the scope is taken, labelled as the register names it.
		b := f.paper(v.ID, "602", consent.Agree, "")
		if b.HouseholdID != f.rooms["602"] {
			t.Errorf("ballot %+v", b)
		}
		d, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil || d.Tally.ParticipatingOwners != 1 {
			t.Errorf("tally after one ballot: %+v %v", d.Tally, err)
		}
	})
}
