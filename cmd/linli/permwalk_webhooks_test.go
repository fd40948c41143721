package main

import (
	"context"
	"strconv"
	"testing"

	"linli"
	"linli/outbox"
	"linli/storage"
	"linli/webhooks"
)

// The routes of package webhooks in the permission walk's table.
func init() {
	hook, delivery := []string{"webhook"}, []string{"webhook", "webhookdelivery"}
	for route, r := range map[string]permRoute{
		"GET /api/webhooks": {login, nil}, "POST /api/webhooks": {login, nil},
		"GET /api/webhooks/{id}": {scoped, hook}, "DELETE /api/webhooks/{id}": {scoped, hook},
		"POST /api/webhooks/{id}/enable": {scoped, hook}, "POST /api/webhooks/{id}/disable": {scoped, hook},
		"POST /api/webhooks/{id}/rotate": {scoped, hook}, "POST /webhooks/{id}/rotate": {scoped, hook},
		"GET /api/webhooks/{id}/deliveries":                       {scoped, hook},
		"POST /api/webhooks/{id}/deliveries/{delivery}/redeliver": {scoped, delivery},
		"GET /webhooks": {login, nil}, "POST /webhooks": {login, nil}, "GET /webhooks/{id}": {scoped, hook},
		"POST /webhooks/{id}/enable": {scoped, hook}, "POST /webhooks/{id}/disable": {scoped, hook}, "POST /webhooks/{id}/delete": {scoped, hook},
		"POST /webhooks/{id}/deliveries/{delivery}/redeliver": {scoped, delivery},
	} {
		permRoutes[route] = r
	}
}

// webhookFixture makes, for the permission walk, a disabled subscription
// of a community (node id c) and a dead delivery of it: the kinds
// "webhook" and "webhookdelivery".
func webhookFixture(t *testing.T, s *testServer, c string) map[string]string {
	t.Helper()
	ctx := context.Background()
	n, _ := strconv.ParseInt(c, 10, 64)
	off := false
	sub, err := s.Webhooks.Create(ctx, linli.System(), webhooks.Input{Name: "permwalk", URL: "https://hook.example.invalid/permwalk",
		Events: []string{webhooks.CaseCreated}, Scope: []int64{n}, Enabled: &off})
	if err != nil {
		t.Fatal(err, linli.ErrorFields(err))
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		if id, err = outbox.Enqueue(ctx, tx, s.Config.Clock.Now(), outbox.Message{Channel: outbox.Webhook, To: webhooks.Recipient(sub.ID), NodeID: n,
			Kind: webhooks.CaseCreated, Body: []byte(`{"type":"case.created"}`)}); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE outbox SET status = 'dead' WHERE id = ?`, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"webhook": strconv.FormatInt(sub.ID, 10), "webhookdelivery": strconv.FormatInt(id, 10)}
}
