-- A subscription's signing secret can be rotated (package webhooks,
-- Rotate): the new secret signs every delivery from then on, and until
-- previous_until (Unix ms) the previous one signs it too, so a receiver
-- can switch to the new secret at its own pace within the overlap. After
-- it, or with no overlap, previous_secret is unused ('').
ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_subscriptions ADD COLUMN previous_until BIGINT NOT NULL DEFAULT 0;
