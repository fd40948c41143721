CREATE TABLE accounts (
	id {{ID}},
	username TEXT NOT NULL,
	phone TEXT,
	display_name TEXT NOT NULL,
	person_id BIGINT REFERENCES people(id),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	last_login_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_username ON accounts(username);
CREATE UNIQUE INDEX accounts_phone ON accounts(phone);

-- A role held on a node; household_id is set (non-zero) for residents.
CREATE TABLE grants (
	id {{ID}},
	account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	role TEXT NOT NULL,
	node_id BIGINT NOT NULL REFERENCES nodes(id),
	household_id BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX grants_unique ON grants(account_id, role, node_id, household_id);
CREATE INDEX grants_node ON grants(node_id);

-- Server-side sessions; id is the SHA-256 of the cookie value, so a leaked
-- database does not leak live sessions.
CREATE TABLE sessions (
	id TEXT PRIMARY KEY,
	account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	user_agent TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE api_tokens (
	id {{ID}},
	account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_used_at BIGINT NOT NULL DEFAULT 0,
	revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);

-- Failed logins per login name (known or not), for throttling and lockout.
CREATE TABLE login_failures (
	login TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	first_at BIGINT NOT NULL,
	locked_until BIGINT NOT NULL DEFAULT 0
);
