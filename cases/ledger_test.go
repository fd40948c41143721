package cases_test

import (
	"testing"
	"time"

	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
)

// A case on the standing ledger (挂账) does not escalate; resumed after its
// deadline, it goes overdue at once. Acknowledging again after a transfer
// is not counted as a second response.
func TestShelvedCaseResumesItsClock(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.dispatched("resident", "xueyuan")
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActStart})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActShelve, Reason: "需等待维修资金审批"})
		f.advance(30 * 24 * time.Hour)
		f.runDue()
		got := f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActNote, Note: "仍在挂账"})
		if got.Overdue || got.EscalationLevel != 0 {
			t.Fatalf("a shelved case escalated: overdue %v level %d", got.Overdue, got.EscalationLevel)
		}
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActResume})
		f.runDue()
		got = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActNote, Note: "恢复办理"})
		if !got.Overdue || got.EscalationLevel != 1 {
			t.Fatalf("resumed after the deadline: overdue %v level %d, want true 1", got.Overdue, got.EscalationLevel)
		}

		d := f.dispatched("resident", "xueyuan")
		f.act("grid1", d.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("xueyuan", d.ID, cases.ActionInput{Action: cases.ActTransfer, AssigneeKind: "department", AssigneeID: f.housing.ID})
		f.act("dept", d.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		if st := f.stats(d.CommunityID); st["responded"] > st["dispatched"] {
			t.Fatalf("responded %d > dispatched %d: a transfer counted twice", st["responded"], st["dispatched"])
		}
	})
}
