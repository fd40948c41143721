-- Audit retention: entries older than the retention period are exported
-- to a file, then removed. Each export is recorded here, in the same
-- transaction as the removal, and the database refuses to delete any
-- entry no export covers: the log stays append-only except for entries
-- already written out (first_id..last_id, older than cutoff_at).
CREATE TABLE audit_exports (
	id {{ID}},
	file TEXT NOT NULL,
	first_id BIGINT NOT NULL,
	last_id BIGINT NOT NULL,
	cutoff_at BIGINT NOT NULL,
	entries BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	exported_at BIGINT NOT NULL
);
-- (One line: migrations are split at semicolons that end a line.)
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_exports e WHERE OLD.id BETWEEN e.first_id AND e.last_id AND OLD.at < e.cutoff_at) THEN RETURN OLD; END IF; RAISE EXCEPTION 'audit log is append-only: only exported entries may be removed'; END $$;
