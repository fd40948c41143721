-- Outside channels entered on /outbox/channels: a WeCom or DingTalk group
-- robot or a generic webhook, for the whole deployment (node_id 0) or
-- for one community node and everything under it. url and secret are
-- secrets (a robot's key sits in its URL): they are never shown again
-- after saving, only masked. Deployment-wide SMTP and SMS gateways come
-- from flags (linli serve --smtp-url, --sms-gateway).
CREATE TABLE outbox_channels (
	id {{ID}},
	node_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	url TEXT NOT NULL,
	secret TEXT NOT NULL DEFAULT '',
	enabled INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX outbox_channels_node ON outbox_channels(node_id, kind);
