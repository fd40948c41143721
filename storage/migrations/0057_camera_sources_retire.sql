-- When an HTTP ingest source last sent something (its token was accepted),
-- for the sources page: written at most once a minute per source, not on
-- every request. 0: never.
ALTER TABLE camera_sources ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
-- Who revoked a source (revoked_at says when), and the name of who added
-- it as it was then (accounts are auth's table; alerts keep ack_name the
-- same way).
ALTER TABLE camera_sources ADD COLUMN revoked_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE camera_sources ADD COLUMN created_name TEXT NOT NULL DEFAULT '';

-- A retired camera (decommissioned: state 'retired', its alerts kept for
-- the record) no longer holds its source's name: the camera put up in its
-- place may report under the same Frigate name or device channel.
DROP INDEX cameras_source;
CREATE UNIQUE INDEX cameras_source ON cameras(source, source_ref) WHERE state <> 'retired';
