package cases_test

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"linli/cases"
	"linli/outbox"
	"linli/storage"
	"linli/storage/storagetest"
)

// Messages cases sends go through outbox.Enqueue: the caller's SMS carries
// the case's community (its staff see it on /outbox), a ref to the case
// and the phone as its recipient, and starts pending.
func TestCaseMessagesCarryTheirCommunity(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.open("xueyuan", cases.NewCase{Category: "noise", Title: "夜间施工噪声", Source: cases.SourceHotline,
			LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID, ReporterName: "王先生", ReporterPhone: "139 1234 5678"})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept})
		type row struct {
			id                 int64
			channel, recipient string
			node               int64
		}
		var rows []row
		err := storage.Each(f.ctx, db, func(rs *sql.Rows) error {
			var r row
			if err := rs.Scan(&r.id, &r.channel, &r.recipient, &r.node); err != nil {
				return err
			}
			rows = append(rows, r)
			return nil
		}, `SELECT id, channel, recipient, node_id FROM outbox WHERE ref = ? ORDER BY id`, fmt.Sprintf("case:%d", c.ID))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 || rows[0].channel != outbox.SMS || rows[0].recipient != "13912345678" || rows[0].node != c.CommunityID {
			t.Fatalf("outbox rows %+v, want the caller's SMS in community %d", rows, c.CommunityID)
		}
		st, err := outbox.States(f.ctx, db, []int64{rows[0].id})
		if err != nil || st[rows[0].id].Status != outbox.Pending {
			t.Fatalf("%+v %v", st, err)
		}
	})
}
