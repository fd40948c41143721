-- Mediation is private (人民调解法 art. 15, 23: respect the parties'
-- privacy); a settled dispute appears on the public happiness list only
-- when a manager publishes it with a record of how both parties agreed
-- (public_consent). public: 0 | 1; published_at ms UTC, 0 when private.
ALTER TABLE disputes ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disputes ADD COLUMN public_consent TEXT NOT NULL DEFAULT '';
ALTER TABLE disputes ADD COLUMN published_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE disputes ADD COLUMN published_by BIGINT NOT NULL DEFAULT 0;
CREATE INDEX disputes_public ON disputes(community_id, public, state);
