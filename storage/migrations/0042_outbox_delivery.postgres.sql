-- The outbox is delivered (package outbox). Each row gets a status
-- (pending → sent, or dead after too many failed tries), the time of its
-- next try, the failures so far, and the routing columns the worker
-- reads: the recipient (a phone, an address, "account:ID", a channel
-- name), the community node it belongs to (staff see their own), what it
-- is (kind, ref) and a dedup key (one row per key). next_at doubles as the
-- claim lease: a worker that claims a row moves next_at to the end of its
-- lease, so a crashed worker's rows come back by themselves;
-- claimed_until/claimed_by say who holds it. Rows already there become
-- pending, due now, unless they were marked delivered.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN next_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sent_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN node_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN ref TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN dedup_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
UPDATE outbox SET status = 'sent', sent_at = delivered_at WHERE delivered_at <> 0;
UPDATE outbox SET next_at = at WHERE status = 'pending';
UPDATE outbox SET recipient = 'account:' || account_id WHERE channel = 'notify';
UPDATE outbox SET recipient = COALESCE(payload::json->>'phone', ''),
	kind = COALESCE(payload::json->>'kind', '') WHERE channel = 'sms' AND payload LIKE '{%';
UPDATE outbox SET kind = COALESCE(payload::json->>'kind', '') WHERE channel = 'notify' AND payload LIKE '{%';
CREATE UNIQUE INDEX outbox_dedup ON outbox(dedup_key) WHERE dedup_key <> '';
CREATE INDEX outbox_due ON outbox(status, id);
CREATE INDEX outbox_recipient ON outbox(channel, recipient, status, next_at);
CREATE INDEX outbox_node ON outbox(node_id, status, id);
