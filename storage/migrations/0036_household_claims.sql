-- "This is my home": an account's claim of a household (auth, claims.go).
-- An owner whose phone is an owner's phone in the register is granted the
-- resident role at once (state 'approved', decided_by 0); other claims wait
-- for community staff, and tenants and family also for an owner of the
-- household. The decision is audited.
CREATE TABLE household_claims (
	id {{ID}},
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	household_id BIGINT NOT NULL,
	household_path TEXT NOT NULL,
	relation TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending',
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	decided_at BIGINT NOT NULL DEFAULT 0,
	decided_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX household_claims_account ON household_claims(account_id, id);
CREATE INDEX household_claims_pending ON household_claims(state, household_path);
