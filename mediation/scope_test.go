package mediation_test

import (
	"slices"
	"testing"

	"linli"
	"linli/mediation"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// TestMediationPartyIDsStayInScope: a party's person or household id from
// another community is refused as if it did not exist — whether or not
// the name and phone were typed in too — so the register of another
// community can be neither copied into a dispute nor revealed through it.
func TestMediationPartyIDsStayInScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		h, err := f.reg.Household(f.ctx, linli.System(), f.h402)
		if err != nil || len(h.Members) == 0 {
			t.Fatalf("402: %+v %v", h, err)
		}
		jxPerson := h.Members[0].PersonID
		unit := f.node("运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元")
		own, err := f.reg.HouseholdByRoom(f.ctx, unit.ID, "602")
		if err != nil {
			t.Fatal(err)
		}
		before := f.count(`SELECT COUNT(*) FROM disputes`)
		for _, tc := range []struct {
			name  string
			party mediation.PartyInput
			field string
		}{
			{"a Jixiang person", mediation.PartyInput{Role: mediation.RoleRespondent, PersonID: jxPerson}, "parties[2].person_id"},
			{"a Jixiang person with name and phone typed", mediation.PartyInput{Role: mediation.RoleRespondent, PersonID: jxPerson, Name: "某人", Phone: "13800000000"}, "parties[2].person_id"},
			{"a Jixiang household", mediation.PartyInput{Role: mediation.RoleRespondent, HouseholdID: f.h402}, "parties[2].household_id"},
			{"an unknown person", mediation.PartyInput{Role: mediation.RoleRespondent, PersonID: 99999999}, "parties[2].person_id"},
		} {
			_, err := f.svc.Open(f.ctx, f.actor("xueyuan"), mediation.DisputeInput{Title: "噪音",
				Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: own}, tc.party}})
			wantCode(t, tc.name, err, linli.EInvalid)
			if got := fields(err); !slices.Equal(got, []string{tc.field}) {
				t.Errorf("%s: fields %v, want %s", tc.name, got, tc.field)
			}
		}
		// The out-of-scope answer is word for word the unknown one.
		_, e1 := f.svc.Open(f.ctx, f.actor("xueyuan"), mediation.DisputeInput{Title: "x",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: own}, {Role: mediation.RoleRespondent, PersonID: jxPerson}}})
		_, e2 := f.svc.Open(f.ctx, f.actor("xueyuan"), mediation.DisputeInput{Title: "x",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: own}, {Role: mediation.RoleRespondent, PersonID: 99999999}}})
		if fa, fb := linli.ErrorFields(e1), linli.ErrorFields(e2); len(fa) != 1 || len(fb) != 1 || fa[0].Reason != fb[0].Reason {
			t.Errorf("out of scope %v, unknown %v: the answers differ", linli.ErrorFields(e1), linli.ErrorFields(e2))
		}
		if n := f.count(`SELECT COUNT(*) FROM disputes`); n != before {
			t.Errorf("%d refused disputes stored", n-before)
		}
		// The community's own people are taken from the register.
		d, err := f.svc.Open(f.ctx, f.actor("xueyuan"), mediation.DisputeInput{Title: "噪音",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: own}, {Role: mediation.RoleRespondent, HouseholdID: own}}})
		if err != nil {
			t.Fatalf("own households: %v %v", err, linli.ErrorFields(err))
		}
		// A party row that names another community's person (as accepted
		// before parties were checked) reveals no number from the register,
		// even to the dispute's own staff.
		if err := db.InTx(f.ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(f.ctx, `UPDATE dispute_parties SET person_id = ?, phone = '138****0000' WHERE id = ?`, jxPerson, d.Dispute.Parties[1].ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.RevealPhone(f.ctx, f.actor("xueyuan"), d.Dispute.ID, d.Dispute.Parties[1].ID)
		if err != nil || got.Phone != "" {
			t.Errorf("reveal of another community's person: %+v %v, want no number", got, err)
		}
	})
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) node(path ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, path)
	if err != nil {
		f.t.Fatalf("%v: %v", path, err)
	}
	return n
}
