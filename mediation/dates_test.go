package mediation_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/mediation"
	"linli/storage"
	"linli/storage/storagetest"
)

// TestMediationSignaturesWithinTheDispute: a signature, the mediator's or
// the seal cannot be dated before the dispute was accepted (26 November
// in the fixture), nor after today; the acceptance day itself is fine.
func TestMediationSignaturesWithinTheDispute(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, d := f.openLeak()
		staff := f.actor("jixiang")
		in := f.completeAgreement(d, "2026-11-25")
		_, err := f.svc.SaveAgreement(f.ctx, staff, d.Dispute.ID, in)
		wantCode(t, "signed the day before acceptance", err, linli.EInvalid)
		want := []string{"mediator_signed_on", "sealed_on", "party_signatures[1].on", "party_signatures[2].on"}
		if got := fields(err); !slices.Equal(got, want) {
			t.Errorf("fields %v, want %v", got, want)
		}
		in = f.completeAgreement(d, "2026-11-26")
		in.PartySignatures[1].On = "2026-11-27" // tomorrow
		_, err = f.svc.SaveAgreement(f.ctx, staff, d.Dispute.ID, in)
		if wantCode(t, "signed tomorrow", err, linli.EInvalid); !slices.Equal(fields(err), []string{"party_signatures[2].on"}) {
			t.Errorf("fields %v", fields(err))
		}
		if _, err := f.svc.SaveAgreement(f.ctx, staff, d.Dispute.ID, f.completeAgreement(d, "2026-11-26")); err != nil {
			t.Errorf("signed on the day of acceptance: %v %v", err, linli.ErrorFields(err))
		}
	})
}

// TestMediationOralAgreementAndPartyCopy: an oral agreement (art. 28) is
// recorded without signatures, seal or copies and takes effect on the day
// it was reached (art. 30), not before acceptance; the parties' basic
// situation follows the template, and the parties' copies print the
// contacts in full for the mediators only, each print audited.
func TestMediationOralAgreementAndPartyCopy(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, d := f.openLeak()
		id, staff := d.Dispute.ID, f.actor("jixiang")
		f.clock.Set(time.Date(2026, 12, 3, 10, 0, 0, 0, f.zone))
		in := f.completeAgreement(d, "")
		in.PartySignatures, in.MediatorSigned, in.Sealed = nil, false, false
		in.Oral, in.AgreedOn = true, "2026-11-25"
		_, err := f.svc.SaveAgreement(f.ctx, staff, id, in)
		if wantCode(t, "oral agreement before acceptance", err, linli.EInvalid); !slices.Equal(fields(err), []string{"agreed_on"}) {
			t.Errorf("fields %v", fields(err))
		}
		in.AgreedOn = "2026-12-01"
		in.Parties[1].Sex = "x"
		_, err = f.svc.SaveAgreement(f.ctx, staff, id, in)
		if wantCode(t, "bad sex", err, linli.EInvalid); !slices.Equal(fields(err), []string{"parties[2].sex"}) {
			t.Errorf("fields %v", fields(err))
		}
		in.Parties[1].Sex = mediation.SexMale
		ag, err := f.svc.SaveAgreement(f.ctx, staff, id, in)
		if err != nil || !ag.Oral || len(ag.Missing) != 0 {
			t.Fatalf("oral agreement: %+v %v %v", ag, err, linli.ErrorFields(err))
		}
		det, err := f.svc.MarkSigned(f.ctx, staff, id)
		if err != nil {
			t.Fatalf("mark the oral agreement: %v %v", err, linli.ErrorFields(err))
		}
		// Effective on 1 December; day 30 is Thursday 31 December.
		if want := time.Date(2026, 12, 1, 0, 0, 0, 0, f.zone); !det.Agreement.EffectiveOn.Equal(want) {
			t.Errorf("effective %v, want %v", det.Agreement.EffectiveOn, want)
		}
		if want := time.Date(2026, 12, 31, 0, 0, 0, 0, f.zone); !det.Agreement.CourtDeadline.Equal(want) {
			t.Errorf("court deadline %v, want %v", det.Agreement.CourtDeadline, want)
		}
		p := det.Dispute.Parties[0]
		if p.Sex != mediation.SexFemale || p.Ethnicity != "汉族" || p.BirthDate != "1968-03-12" || p.Occupation != "退休职工" || det.Dispute.Parties[1].Age != 45 {
			t.Errorf("basic situation not kept: %+v %+v", p, det.Dispute.Parties[1])
		}

		var plain string
		if err := db.QueryRow(f.ctx, `SELECT phone FROM people WHERE id = ?`, p.PersonID).Scan(&plain); err != nil || plain == "" {
			t.Fatalf("402's phone: %q %v", plain, err)
		}
		copyDet, err := f.svc.PartyCopy(f.ctx, f.actor("jxgrid"), id)
		if err != nil || !copyDet.PartyCopy || copyDet.Dispute.Parties[0].Phone != plain {
			t.Errorf("the mediator's party copy: %v, phone %q, want %q", err, copyDet.Dispute.Parties[0].Phone, plain)
		}
		_, err = f.svc.PartyCopy(f.ctx, f.actor("jxresident"), id)
		wantCode(t, "a party prints the copies", err, linli.EForbidden)
		_, err = f.svc.PartyCopy(f.ctx, f.actor("xueyuan"), id)
		wantCode(t, "another community prints the copies", err, linli.ENotFound)
		var n int
		var scope string
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*), MIN(scope_path) FROM audit_log WHERE action = 'dispute.print_copy' AND entity_id = ?`, id).Scan(&n, &scope); err != nil || n != 1 {
			t.Errorf("%d print audit rows (%v), want 1", n, err)
		}
		if !strings.HasPrefix(scope, f.node("运城市", "盐湖区", "东城街道", "吉祥社区").Path) {
			t.Errorf("the print is audited in %q, not in the dispute's community", scope)
		}
	})
}
