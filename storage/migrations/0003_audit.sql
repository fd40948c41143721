-- Append-only audit log: who, when, what, which record, before/after.
-- scope_path is the node path of the record, so staff browse their scope.
CREATE TABLE audit_log (
	id {{ID}},
	at BIGINT NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id BIGINT NOT NULL DEFAULT 0,
	scope_path TEXT NOT NULL DEFAULT '/',
	summary TEXT NOT NULL DEFAULT '',
	before_json TEXT NOT NULL DEFAULT '',
	after_json TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_scope ON audit_log(scope_path, id);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, id);
