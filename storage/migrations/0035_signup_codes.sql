-- One-time codes of resident self-registration (auth, signup.go): a
-- 6-digit code sent to a phone through the outbox. Only its hash is kept
-- (sha256 of a per-row salt and the code); it expires after 10 minutes,
-- accepts a few wrong tries, and is used once. The rows also count the
-- codes sent per phone and per address for the rate limits.
CREATE TABLE signup_codes (
	id {{ID}},
	phone TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	salt TEXT NOT NULL,
	code_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX signup_codes_phone ON signup_codes(phone, created_at);
CREATE INDEX signup_codes_ip ON signup_codes(ip, created_at);
