package mediation_test

import (
	"strings"
	"testing"

	"linli"
	"linli/links"
	"linli/mediation"
	"linli/storage"
	"linli/storage/storagetest"
)

// closeLeak takes the Jixiang leak to a signed agreement and a follow-up
// visit that finds it performed (closed).
func (f *fixture) closeLeak() mediation.Detail {
	f.t.Helper()
	_, d := f.openLeak()
	staff := f.actor("jixiang")
	if _, err := f.svc.SaveAgreement(f.ctx, staff, d.Dispute.ID, f.completeAgreement(d, "2026-11-26")); err != nil {
		f.t.Fatalf("agreement: %v %v", err, linli.ErrorFields(err))
	}
	if _, err := f.svc.MarkSigned(f.ctx, staff, d.Dispute.ID); err != nil {
		f.t.Fatalf("sign: %v %v", err, linli.ErrorFields(err))
	}
	if _, err := f.svc.AddFollowUp(f.ctx, staff, d.Dispute.ID, mediation.FollowUpInput{Performance: mediation.PerfFull,
		Satisfaction: mediation.Satisfied, Risk: mediation.RiskNone}); err != nil {
		f.t.Fatalf("follow-up: %v %v", err, linli.ErrorFields(err))
	}
	det, err := f.svc.Get(f.ctx, staff, d.Dispute.ID)
	if err != nil || det.Dispute.State != mediation.Closed {
		f.t.Fatalf("closed leak: %s, %v", det.Dispute.State, err)
	}
	return det
}

func (f *fixture) auditCount(id int64, action string) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ? AND action = ?`, id, action).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestMediationPublishNeedsConsent: a settled dispute stays off the public
// happiness list until a manager publishes it, recording the parties'
// consent; only a performed (closed) dispute can be published; publishing
// and withdrawing are audited.
func TestMediationPublishNeedsConsent(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.actor("jixiang")
		consent := "双方当事人于回访时口头同意公开，由网格员段海鹏记录"
		entries := func(community int64) []int64 {
			t.Helper()
			es, err := f.svc.HappinessEntries(f.ctx, community)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, e := range es {
				ids = append(ids, e.ID)
			}
			return ids
		}

		// Not yet performed: 409.
		_, open := f.openLeak()
		_, err := f.svc.Publish(f.ctx, staff, open.Dispute.ID, mediation.PublishInput{Consent: consent})
		wantCode(t, "publish an open dispute", err, linli.EConflict)

		det := f.closeLeak()
		id, community := det.Dispute.ID, det.Dispute.CommunityID
		if det.Dispute.Public || len(entries(community)) != 0 {
			t.Fatalf("a closed dispute is public without consent: public %v, entries %v", det.Dispute.Public, entries(community))
		}

		_, err = f.svc.Publish(f.ctx, staff, id, mediation.PublishInput{Consent: "  "})
		wantCode(t, "publish without consent", err, linli.EInvalid)
		if got := fields(err); len(got) != 1 || got[0] != "consent" {
			t.Errorf("fields %v", got)
		}
		_, err = f.svc.Publish(f.ctx, staff, id, mediation.PublishInput{Consent: strings.Repeat("同", 501)})
		wantCode(t, "consent too long", err, linli.EInvalid)
		_, err = f.svc.Publish(f.ctx, f.actor("jxresident"), id, mediation.PublishInput{Consent: consent})
		wantCode(t, "a party publishes", err, linli.EForbidden)
		_, err = f.svc.Publish(f.ctx, f.actor("xueyuan"), id, mediation.PublishInput{Consent: consent})
		wantCode(t, "another community's staff publish", err, linli.ENotFound)
		if len(entries(community)) != 0 || f.auditCount(id, "dispute.publish") != 0 {
			t.Fatal("a refused publication changed something")
		}

		det, err = f.svc.Publish(f.ctx, staff, id, mediation.PublishInput{Consent: " " + consent + " "})
		if err != nil {
			t.Fatalf("publish: %v %v", err, linli.ErrorFields(err))
		}
		if !det.Dispute.Public || det.Dispute.PublicConsent != consent || !det.Dispute.PublishedAt.Equal(f.clock.Now()) {
			t.Errorf("published %v, consent %q, at %v", det.Dispute.Public, det.Dispute.PublicConsent, det.Dispute.PublishedAt)
		}
		if got := entries(community); len(got) != 1 || got[0] != id {
			t.Errorf("entries after publishing %v, want [%d]", got, id)
		}
		_, err = f.svc.Publish(f.ctx, staff, id, mediation.PublishInput{Consent: consent})
		wantCode(t, "publish twice", err, linli.EConflict)
		var summary string
		if err := db.QueryRow(f.ctx, `SELECT summary FROM audit_log WHERE entity = 'dispute' AND entity_id = ? AND action = 'dispute.publish'`, id).Scan(&summary); err != nil ||
			!strings.Contains(summary, consent) {
			t.Errorf("publish audit %q, %v", summary, err)
		}

		// Withdrawn: off the list, audited; the party cannot withdraw it
		// themselves (they ask the committee).
		_, err = f.svc.Unpublish(f.ctx, f.actor("jxresident"), id)
		wantCode(t, "a party withdraws", err, linli.EForbidden)
		det, err = f.svc.Unpublish(f.ctx, f.actor("jxgrid"), id)
		if err != nil {
			t.Fatalf("unpublish by the mediator: %v", err)
		}
		if det.Dispute.Public || det.Dispute.PublicConsent != "" || !det.Dispute.PublishedAt.IsZero() || len(entries(community)) != 0 {
			t.Errorf("after withdrawing: %+v, entries %v", det.Dispute, entries(community))
		}
		_, err = f.svc.Unpublish(f.ctx, staff, id)
		wantCode(t, "withdraw twice", err, linli.EConflict)
		if p, u := f.auditCount(id, "dispute.publish"), f.auditCount(id, "dispute.unpublish"); p != 1 || u != 1 {
			t.Errorf("audit: %d publish, %d unpublish rows", p, u)
		}
	})
}

// TestMediationRevealPhone: a mediator of the dispute (even one without
// the staff's mediation permission) gets a party's full phone, audited;
// parties get forbidden, anyone else not found; the detail stays masked.
func TestMediationRevealPhone(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, d := f.openLeak()
		id := d.Dispute.ID
		applicant := d.Dispute.Parties[0]
		var plain string
		if err := db.QueryRow(f.ctx, `SELECT phone FROM people WHERE id = ?`, applicant.PersonID).Scan(&plain); err != nil || plain == "" {
			t.Fatalf("the demo owner of 402 has no phone (%q, %v)", plain, err)
		}
		if applicant.Phone == plain || !strings.Contains(applicant.Phone, "****") {
			t.Fatalf("detail phone %q not masked", applicant.Phone)
		}
		for _, who := range []string{"jixiang", "jxgrid", "street"} {
			got, err := f.svc.RevealPhone(f.ctx, f.actor(who), id, applicant.ID)
			if err != nil || got.Phone != plain || got.PartyID != applicant.ID || got.Name != applicant.Name {
				t.Errorf("%s reveals: %+v, %v; want %s", who, got, err, plain)
			}
		}
		_, err := f.svc.RevealPhone(f.ctx, f.actor("jxresident"), id, d.Dispute.Parties[1].ID)
		wantCode(t, "a party reveals", err, linli.EForbidden)
		_, err = f.svc.RevealPhone(f.ctx, f.actor("xueyuan"), id, applicant.ID)
		wantCode(t, "another community's staff reveal", err, linli.ENotFound)
		_, err = f.svc.RevealPhone(f.ctx, f.actor("resident"), id, applicant.ID)
		wantCode(t, "another resident reveals", err, linli.ENotFound)

		// A typed-in party: the number typed. A party of another dispute
		// is not found through this one.
		other, err := f.svc.Open(f.ctx, f.actor("jixiang"), mediation.DisputeInput{Type: mediation.TypeNeighbour, Title: "楼道堆物",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: f.h402}, {Role: mediation.RoleRespondent, Name: "王某", Address: "吉祥花园1号楼2单元302", Phone: "138 1234 5678"}}})
		if err != nil {
			t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
		}
		got, err := f.svc.RevealPhone(f.ctx, f.actor("jixiang"), other.Dispute.ID, other.Dispute.Parties[1].ID)
		if err != nil || got.Phone != "13812345678" {
			t.Errorf("typed party: %+v, %v", got, err)
		}
		_, err = f.svc.RevealPhone(f.ctx, f.actor("jixiang"), id, other.Dispute.Parties[1].ID)
		wantCode(t, "a party of another dispute", err, linli.ENotFound)
		_, err = f.svc.RevealPhone(f.ctx, f.actor("jixiang"), id+1000, applicant.ID)
		wantCode(t, "no such dispute", err, linli.ENotFound)

		if n := f.auditCount(id, "dispute.reveal"); n != 3 {
			t.Errorf("%d reveal audit rows, want 3 (refusals are not reveals)", n)
		}
		var leaked int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'dispute.reveal' AND (summary LIKE ? OR after_json LIKE ?)`,
			"%"+plain+"%", "%"+plain+"%").Scan(&leaked); err != nil || leaked != 0 {
			t.Errorf("the audit log holds the number: %d, %v", leaked, err)
		}
		det, err := f.svc.Get(f.ctx, f.actor("jixiang"), id)
		if err != nil || det.Dispute.Parties[0].Phone == plain {
			t.Errorf("detail after reveal shows %q, %v", det.Dispute.Parties[0].Phone, err)
		}
	})
}

// TestMediationDetailLinks: the detail carries the links the actor may
// see: the case it came from.
func TestMediationDetailLinks(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, d := f.openLeak()
		if len(d.Links) != 1 || d.Links[0].Ref != (links.Ref{Kind: links.KindCase, ID: c.ID}) || d.Links[0].URL == "" {
			t.Errorf("links %+v", d.Links)
		}
		other, err := f.svc.Open(f.ctx, f.actor("jixiang"), mediation.DisputeInput{Title: "楼道堆物",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: f.h402}, {Role: mediation.RoleRespondent, HouseholdID: f.h502}}})
		if err != nil || other.Links == nil || len(other.Links) != 0 {
			t.Errorf("a dispute without links: %#v, %v", other.Links, err)
		}
	})
}
