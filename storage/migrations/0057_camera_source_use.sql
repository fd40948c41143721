-- When an HTTP ingest source last sent something (its token was accepted),
-- for the sources page: written at most once a minute per source, not on
-- every request. 0: never.
ALTER TABLE camera_sources ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
-- Who revoked a source (revoked_at says when).
ALTER TABLE camera_sources ADD COLUMN revoked_by BIGINT NOT NULL DEFAULT 0;
