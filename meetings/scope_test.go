package meetings_test

import (
	"testing"

	"linli"
	"linli/meetings"
	"linli/storage"
	"linli/storage/storagetest"
)

// TestMeetingAccountIDsStayInScope: an invitee reads the meeting and an
// action's owner is told and may complete it, so only accounts working in
// the meeting's community (or above it: the street) are accepted. Another
// community's account gets the answer an unknown one gets, and its name
// is not copied into the meeting.
func TestMeetingAccountIDsStayInScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		d := f.meeting()
		for _, who := range []string{"jixiang", "jxresident"} {
			_, err := f.svc.Invite(ctx, staff, d.ID, meetings.InviteInput{AccountIDs: []int64{f.a(who).AccountID}})
			if code(err) != linli.EInvalid || !hasField(err, "account_ids[0]") {
				t.Errorf("invite %s of another community: %v %v", who, err, linli.ErrorFields(err))
			}
			if _, err := f.svc.Get(ctx, f.a(who), d.ID); code(err) != linli.ENotFound {
				t.Errorf("%s reads the meeting after the refused invitation: %v", who, err)
			}
		}
		_, out := f.svc.Invite(ctx, staff, d.ID, meetings.InviteInput{AccountIDs: []int64{f.a("jixiang").AccountID}})
		_, unknown := f.svc.Invite(ctx, staff, d.ID, meetings.InviteInput{AccountIDs: []int64{99999999}})
		if fa, fb := linli.ErrorFields(out), linli.ErrorFields(unknown); len(fa) != 1 || len(fb) != 1 || fa[0].Reason != fb[0].Reason {
			t.Errorf("out of scope %v, unknown %v: the answers differ", linli.ErrorFields(out), linli.ErrorFields(unknown))
		}
		if n := f.count(`SELECT COUNT(*) FROM meeting_invitees WHERE meeting_id = ? AND account_id IN (?, ?)`, d.ID, f.a("jixiang").AccountID, f.a("jxresident").AccountID); n != 0 {
			t.Errorf("%d invitations of another community stored", n)
		}
		// The street's staff work in every community of the street.
		if _, err := f.svc.Invite(ctx, staff, d.ID, meetings.InviteInput{AccountIDs: []int64{f.a("street").AccountID}}); err != nil {
			t.Errorf("invite the street: %v %v", err, linli.ErrorFields(err))
		}

		f.held(d)
		_, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "x", OwnerAccountID: f.a("jixiang").AccountID, Due: "2026-03-20"})
		if code(err) != linli.EInvalid || !hasField(err, "owner_account_id") {
			t.Errorf("an owner of another community: %v %v", err, linli.ErrorFields(err))
		}
		if n := f.count(`SELECT COUNT(*) FROM meeting_actions WHERE meeting_id = ?`, d.ID); n != 0 {
			t.Errorf("%d refused actions stored", n)
		}
		if _, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "x", OwnerAccountID: f.a("grid1").AccountID, Due: "2026-03-20"}); err != nil {
			t.Errorf("the community's grid worker as owner: %v %v", err, linli.ErrorFields(err))
		}
	})
}
