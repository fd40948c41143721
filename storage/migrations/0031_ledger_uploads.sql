-- Ledger files uploaded for an import preview (registry). An import is
-- shown before it is committed: the file waits here under a random token
-- until its uploader confirms, or is dropped after a day or when the same
-- account previews another file for the community. plan is the SHA-256 of
-- the change the preview showed (computed with the plain phone and ID
-- numbers, so it stays on the server); the confirmation recomputes it in its
-- transaction and refuses with 409 when the register changed in between.
-- The file is kept, not the parsed rows, so the confirmation runs exactly
-- the checks an import always runs.
CREATE TABLE ledger_uploads (
	id {{ID}},
	token TEXT NOT NULL,
	community_id BIGINT NOT NULL REFERENCES nodes(id),
	account_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	format TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	sha256 TEXT NOT NULL,
	plan TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ledger_uploads_token ON ledger_uploads(token);
CREATE INDEX ledger_uploads_account ON ledger_uploads(account_id, community_id);
