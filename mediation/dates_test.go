package mediation_test

import (
	"slices"
	"testing"

	"linli"
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
