-- Durable timers (package jobs): deadline warnings, overdue escalation,
-- whistle acknowledgement lapses. A job exists iff the change that needs it
-- committed, and runs exactly once: its handler's effect and the deletion of
-- its row commit together. Done jobs are deleted; jobs that kept failing are
-- parked with state 'failed' for an operator to inspect.
-- state: pending | failed. key is the caller's idempotency key (often a case id).
CREATE TABLE jobs (
	id {{ID}},
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	due_at BIGINT NOT NULL,
	payload {{BLOB}} NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
);
-- One pending job per kind and key; scheduling again replaces it (an
-- extension moves the deadline). Parked jobs do not block a new one.
CREATE UNIQUE INDEX jobs_pending_key ON jobs(kind, key) WHERE state = 'pending';
CREATE INDEX jobs_state_due ON jobs(state, due_at);
