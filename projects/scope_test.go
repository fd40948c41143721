package projects_test

import (
	"context"
	"fmt"
	"testing"

	"linli"
	"linli/projects"
	"linli/storage"
	"linli/storage/storagetest"
)

// TestProjectIDsStayInScope: every id a project's inputs copy from
// elsewhere must lie in the project's community — a person's account, an
// approving office, a complaint's household or place — and another
// community's id gets the answer an unknown one gets. Another community
// itself is unknown to staff who cannot see it.
func TestProjectIDsStayInScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		p := f.elevator(false)
		jx := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
		jxUnit := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元")

		// People: an account of another community is refused like an
		// unknown one; the community's grid worker is named.
		_, err := f.svc.AddPerson(ctx, staff, p.ID, projects.PersonInput{Role: projects.Roles()[0], AccountID: f.a("jixiang").AccountID})
		if linli.ErrorCode(err) != linli.EInvalid || !hasField(err, "account_id") {
			t.Errorf("person of another community: %v %v", err, linli.ErrorFields(err))
		}
		_, unknown := f.svc.AddPerson(ctx, staff, p.ID, projects.PersonInput{Role: projects.Roles()[0], AccountID: 99999999})
		if fa, fb := linli.ErrorFields(err), linli.ErrorFields(unknown); len(fa) == 0 || fmt.Sprint(fa) != fmt.Sprint(fb) {
			t.Errorf("out of scope %v, unknown %v: the answers differ", fa, fb)
		}
		if pp, err := f.svc.AddPerson(ctx, staff, p.ID, projects.PersonInput{Role: projects.Roles()[0], AccountID: f.a("grid1").AccountID}); err != nil || pp.Name == "" {
			t.Errorf("the community's grid worker: %+v %v %v", pp, err, linli.ErrorFields(err))
		}

		// Creating in a community the actor does not see: 422, as unknown.
		_, err = f.svc.Create(ctx, staff, projects.ProjectInput{CommunityID: jx.ID, Scope: []int64{jxUnit.ID}, Title: "x", Kind: "elevator"})
		if linli.ErrorCode(err) != linli.EInvalid || !hasField(err, "community_id") {
			t.Errorf("create in another community: %v %v", err, linli.ErrorFields(err))
		}

		// Approval by a department node of another community is refused.
		f.useGate(func(context.Context, int64) ([]string, error) { return nil, nil })
		p = f.advance(p, projects.AdvanceInput{To: projects.Consultation, Proposer: "居民", Outcome: "加装电梯"})
		p = f.advance(p, projects.AdvanceInput{To: projects.ConsentVote, Outcome: "协调会"})
		p = f.advance(p, projects.AdvanceInput{To: projects.Approval})
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Construction, ApprovalNumber: "1号", ApprovalDepartmentID: jxUnit.ID, ApprovalDate: "2026-04-10"})
		if linli.ErrorCode(err) != linli.EInvalid || !hasField(err, "approval_department_id") {
			t.Errorf("approval by another community's node: %v %v", err, linli.ErrorFields(err))
		}
		p = f.advance(p, projects.AdvanceInput{To: projects.Construction, ApprovalNumber: "1号", ApprovalDepartment: "盐湖区住房和城乡建设局", ApprovalDate: "2026-04-10"})

		// A complaint linked to the project must be about a place of its
		// community, even when the reporter (here the system, as staff above both) reaches both.
		for _, tc := range []struct {
			name  string
			in    projects.ComplaintInput
			field string
		}{
			{"a Jixiang household", projects.ComplaintInput{Category: "noise", Title: "噪声", HouseholdID: 1}, "household_id"},
			{"a Jixiang place", projects.ComplaintInput{Category: "noise", Title: "噪声", LocationID: jxUnit.ID}, "location_id"},
		} {
			if tc.field == "household_id" {
				id, err := f.reg.HouseholdByRoom(ctx, jxUnit.ID, "402")
				if err != nil {
					t.Fatal(err)
				}
				tc.in.HouseholdID = id
			}
			_, err := f.svc.Complain(ctx, linli.System(), p.ID, tc.in)
			if linli.ErrorCode(err) != linli.EInvalid || !hasField(err, tc.field) {
				t.Errorf("%s: %v %v", tc.name, err, linli.ErrorFields(err))
			}
		}
	})
}
