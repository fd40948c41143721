-- The second factor (TOTP, RFC 6238) of an account: its secret (base32;
-- the server must compute codes, so it is kept, not hashed), when the
-- enrolment was confirmed by a first code (0: waiting for it) and the
-- highest time step accepted, so no code is accepted twice.
CREATE TABLE account_factors (
	account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
	secret TEXT NOT NULL,
	confirmed_at BIGINT NOT NULL DEFAULT 0,
	last_step BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);

-- Single-use recovery codes, SHA-256 hashed; used_at is set when one is
-- spent.
CREATE TABLE account_recovery_codes (
	id {{ID}},
	account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX account_recovery_codes_account ON account_recovery_codes(account_id);

-- A login between the password and the code: id is the SHA-256 of the
-- token the browser carries to the code step; no session exists yet.
-- enrol is 1 when the account must first enrol (policy requires a factor
-- it does not have).
CREATE TABLE login_challenges (
	id TEXT PRIMARY KEY,
	account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	enrol INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_challenges_account ON login_challenges(account_id);
