package projects_test

import (
	"fmt"
	"strings"
	"testing"

	"linli/outbox"
	"linli/projects"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/webhooks"
)

// Each phase change emits project.phase_changed, in order, to a
// subscription of the project's community.
func TestAdvanceEmitsWebhook(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hooks := webhooks.New(db, f.clock, f.reg, false)
		c, err := hooks.Create(f.ctx, f.a("xueyuan"), webhooks.Input{Name: "dash", URL: "https://hook.example.cn/p",
			Events: []string{webhooks.ProjectPhaseChanged}, Scope: []int64{f.node(pBuilding[:4]...).ID}})
		if err != nil {
			t.Fatal(err)
		}
		p := f.elevator(true)
		p = f.advance(p, projects.AdvanceInput{To: projects.Consultation, Proposer: "3单元602等12户居民", Outcome: "为1号楼8个单元加装电梯"})
		f.advance(p, projects.AdvanceInput{To: projects.ConsentVote, Outcome: "召开三次协调会"})
		rows, err := outbox.OfRecipient(f.ctx, db, outbox.Webhook, webhooks.Recipient(c.ID), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{`"phase":"consent_vote","from_phase":"consultation"`, `"phase":"consultation","from_phase":"proposal"`} // newest first
		if len(rows) != 2 {
			t.Fatalf("rows %+v", rows)
		}
		for i, r := range rows {
			if r.Kind != webhooks.ProjectPhaseChanged || r.Ref != fmt.Sprintf("project:%d", p.ID) || !strings.Contains(r.Text, want[i]) {
				t.Errorf("row %d: %+v, want %s", i, r, want[i])
			}
		}
	})
}
