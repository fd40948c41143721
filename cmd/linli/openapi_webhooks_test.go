package main

import (
	"slices"
	"testing"

	"linli/webhooks"
)

func init() {
	oaWritten["WebhookSubscription"], oaWritten["WebhookCreated"], oaWritten["WebhookScopeNode"] = webhooks.Subscription{}, webhooks.Created{}, webhooks.ScopeNode{}
	oaWritten["WebhookDelivery"], oaWritten["WebhookEvent"] = webhooks.Delivery{}, webhooks.Body{}
	oaWritten["WebhookCaseData"], oaWritten["WebhookProjectData"] = webhooks.CaseData{}, webhooks.ProjectData{}
	oaWritten["WebhookVoteData"], oaWritten["WebhookNoticeData"] = webhooks.VoteData{}, webhooks.NoticeData{}
	oaWritten["WebhookVoteTally"] = webhooks.VoteTally{}
	oaRead["WebhookInput"], oaRead["WebhookRotateInput"] = webhooks.Input{}, webhooks.RotateInput{}
}

// TestOpenAPIWebhookEvents: the documented event types are the code's, and
// the document's webhooks section (OpenAPI 3.1) describes each of them.
func TestOpenAPIWebhookEvents(t *testing.T) {
	doc := oaDoc(t)
	var enum []string
	for _, v := range oaList(oaSchema(t, doc, "WebhookEventType")["enum"]) {
		enum = append(enum, v.(string))
	}
	if !slices.Equal(enum, webhooks.Types()) {
		t.Errorf("WebhookEventType enum %v, code has %v", enum, webhooks.Types())
	}
	hooks, _ := doc["webhooks"].(map[string]any)
	for _, ty := range webhooks.Types() {
		if _, ok := hooks[ty].(map[string]any)["post"]; !ok {
			t.Errorf("webhooks section: no POST for %s", ty)
		}
	}
	if len(hooks) != len(webhooks.Types()) {
		t.Errorf("webhooks section has %d entries, code has %d types", len(hooks), len(webhooks.Types()))
	}
}
