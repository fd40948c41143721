package outbox

import (
	"context"
	"database/sql"
	"testing"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
)

func TestEnqueueDedupAndStates(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		a := enqueue(t, db, t0, Message{Channel: SMS, To: "13800000001", Text: "你好", DedupKey: "notice:1:acc:2"})
		b := enqueue(t, db, t0, Message{Channel: SMS, To: "13800000001", Text: "你好", DedupKey: "notice:1:acc:2"})
		c := enqueue(t, db, t0, Message{Channel: SMS, To: "13800000001", Text: "再见"})
		if a != b || a == c {
			t.Fatalf("ids %d %d %d: the dedup key must give the first row back, and only then", a, b, c)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("%d rows (%v), want 2", n, err)
		}
		st, err := States(context.Background(), db, []int64{a, c, 999})
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || st[a].Status != Pending || st[c].Attempts != 0 {
			t.Fatalf("states %+v", st)
		}
	})
}

func TestEnqueueRefusesBadMessages(t *testing.T) {
	db := storagetest.SQLite(t)
	for _, m := range []Message{
		{Channel: "fax", To: "1", Text: "x"},
		{Channel: SMS, Text: "x"},
		{Channel: Notify, Text: "x"},
		{Channel: Email, To: "a@b.c"},
	} {
		err := db.InTx(context.Background(), func(tx *storage.Tx) error {
			_, err := Enqueue(context.Background(), tx, t0, m)
			return err
		})
		if linli.ErrorCode(err) != linli.EInvalid || len(linli.ErrorFields(err)) == 0 {
			t.Errorf("%+v: %v, want a 422 naming the field", m, err)
		}
	}
}

// Rows written before migration 0042 become pending rows with their
// recipient and kind read from the payload; delivered ones become sent.
func TestMigrationKeepsOldRows(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		undo := []string{`DROP INDEX outbox_dedup`, `DROP INDEX outbox_due`, `DROP INDEX outbox_recipient`, `DROP INDEX outbox_node`, `DROP TABLE outbox_channels`}
		for _, c := range []string{"status", "next_at", "last_error", "sent_at", "recipient", "node_id", "kind", "ref", "dedup_key", "claimed_until", "claimed_by"} {
			undo = append(undo, `ALTER TABLE outbox DROP COLUMN `+c)
		}
		undo = append(undo, `DELETE FROM schema_migrations WHERE version IN (42, 43)`,
			`INSERT INTO outbox (at, channel, payload) VALUES (1000, 'sms', '{"phone":"13900000009","kind":"signup_code","text":"码 123456"}')`,
			`INSERT INTO outbox (at, channel, account_id, payload) VALUES (2000, 'notify', 7, '{"kind":"case","case_id":3,"text":"已受理"}')`,
			`INSERT INTO outbox (at, channel, payload, delivered_at) VALUES (3000, 'sms', '{"phone":"1","text":"old"}', 3500)`)
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for _, q := range undo {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, func() int64 { return 1 }); err != nil {
			t.Fatal(err)
		}
		type r struct {
			status, recipient, kind string
			next                    int64
		}
		var got []r
		err = storage.Each(ctx, db, func(rows *sql.Rows) error {
			var x r
			if err := rows.Scan(&x.status, &x.recipient, &x.kind, &x.next); err != nil {
				return err
			}
			got = append(got, x)
			return nil
		}, `SELECT status, recipient, kind, next_at FROM outbox ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		want := []r{{"pending", "13900000009", "signup_code", 1000}, {"pending", "account:7", "case", 2000}, {"sent", "1", "", 0}}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2].status != "sent" {
			t.Fatalf("after migration %+v, want %+v", got, want)
		}
	})
}
