-- Event webhooks for integrators (package webhooks): a subscription is a
-- receiver's URL, the event types it wants, its signing secret (shown
-- once, masked after) and its scope, the nodes under which events are
-- sent (none: the whole deployment, administrators only). Deliveries are
-- outbox rows (channel webhook, recipient 'subscription:<id>').
CREATE TABLE webhook_subscriptions (
	id {{ID}},
	name TEXT NOT NULL,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	events TEXT NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE TABLE webhook_scopes (
	subscription_id BIGINT NOT NULL,
	node_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	PRIMARY KEY (subscription_id, node_id)
);
