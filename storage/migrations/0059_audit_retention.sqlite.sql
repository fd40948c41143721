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
DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_exports e WHERE OLD.id BETWEEN e.first_id AND e.last_id AND OLD.at < e.cutoff_at)
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: only exported entries may be removed'); END;
