// Package webhooks sends Linli's events to integrators (the 12345
// hotline platform, a city dashboard): a subscription names a receiver's
// URL, the event types it wants, the nodes whose events it gets (its
// scope) and the secret its deliveries are signed with.
//
// The capabilities emit events with Emit inside the transaction of the
// change (cases' state machine, escalation, overdue and rating; projects'
// phase changes; votes' closing; notices' publication). Emit fans each
// event out to the enabled subscriptions that want its type and whose
// scope holds its place, as one outbox row per subscription (channel
// webhook, recipient "subscription:<id>"); which do is decided from a
// cache of the subscriptions that each process keeps and every replica
// forgets on a change (cache.go), so an event that none wants reads
// nothing. The outbox's worker then
// delivers them after commit, signed (X-Linli-Signature), in id order per
// subscription — so in order per case — with retries, backoff and dead
// letters; this package resolves the recipient to the URL and secret
// (Service.Endpoint, wired into outbox.Worker.Endpoint).
//
// Why a package beside outbox and not inside it: a subscription is a
// capability of its own (its table, its pages, its event contract and
// documentation), while outbox stays a generic delivery service that
// knows no event types. webhooks imports outbox (to enqueue) and only
// linli, storage, web, audit and registry besides, so cases, projects,
// votes and notices may all import it without a cycle.
//
// Bodies are versioned ({"type","version":1,"id","occurred_at",
// "subject","data"}) and carry no personal data: ids, numbers, states,
// categories, titles staff wrote — never a resident's name, phone,
// address or the words of a report.
package webhooks
