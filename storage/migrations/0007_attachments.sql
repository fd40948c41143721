-- Files attached to records (case photos, visit notes, signed agreements).
-- The bytes live in the database, not on local disk, because several
-- replicas share one PostgreSQL. A blob is stored once per SHA-256 (the same
-- photo sent twice is one blob, two attachments); thumb is a JPEG of at most
-- 320 px on the long side, NULL for files that are not images.
CREATE TABLE blobs (
	id {{ID}},
	sha256 TEXT NOT NULL,
	size BIGINT NOT NULL,
	data {{BLOB}} NOT NULL,
	thumb {{BLOB}},
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX blobs_sha256 ON blobs(sha256);

-- owner names the kind of record ("case", "visit", …) and owner_id its row;
-- there is no foreign key because owners live in many tables. event_id is
-- the timeline step the file belongs to, 0 when none. content_type is what
-- the bytes are (sniffed and decoded), never what the client claimed.
CREATE TABLE attachments (
	id {{ID}},
	owner TEXT NOT NULL,
	owner_id BIGINT NOT NULL,
	event_id BIGINT NOT NULL DEFAULT 0,
	blob_id BIGINT NOT NULL REFERENCES blobs(id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX attachments_owner ON attachments(owner, owner_id, id);
CREATE INDEX attachments_blob ON attachments(blob_id);
