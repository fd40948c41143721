package notices_test

import (
	"fmt"
	"strings"
	"testing"

	"linli/outbox"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/webhooks"
)

// Publishing a notice emits notice.published to the subscriptions whose
// scope holds it, in the publishing transaction, without its body or any
// recipient; another community's subscription gets nothing.
func TestPublishEmitsWebhook(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hooks := webhooks.New(db, f.w.Clock, f.w.Registry, false)
		subscribe := func(who string, community []string) int64 {
			c, err := hooks.Create(f.ctx, f.a(who), webhooks.Input{Name: who, URL: "https://hook.example.cn/" + who,
				Events: []string{webhooks.NoticePublished}, Scope: []int64{f.node(community...).ID}})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		mine, other := subscribe("xueyuan", pHuicui[:4]), subscribe("jixiang", []string{"运城市", "盐湖区", "东城街道", "吉祥社区"})
		d := f.publish(f.windNotice())
		rows, err := outbox.OfRecipient(f.ctx, db, outbox.Webhook, webhooks.Recipient(mine), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Kind != webhooks.NoticePublished || !strings.Contains(rows[0].Text, fmt.Sprintf(`"notice_id":%d`, d.ID)) ||
			!strings.Contains(rows[0].Text, `"title":"大风蓝色预警"`) || strings.Contains(rows[0].Text, "太阳能热水器") {
			t.Fatalf("rows of the subscription: %+v", rows)
		}
		if rows, _ := outbox.OfRecipient(f.ctx, db, outbox.Webhook, webhooks.Recipient(other), 0, 0); len(rows) != 0 {
			t.Errorf("another community's subscription got %+v", rows)
		}
	})
}
