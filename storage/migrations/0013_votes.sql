-- Consent votes (Civil Code art. 278) and cost plans (package votes).
-- Node, household, account and project ids are plain BIGINT columns: those
-- tables belong to other capabilities.

-- A vote of the households under one scope node (a unit or a building).
-- path is the scope node's path, for scope checks. closed_at is 0 until a
-- manager closes the vote early; a vote also closes at closes_at.
CREATE TABLE votes (
	id {{ID}},
	community_id BIGINT NOT NULL,
	scope_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	project_id BIGINT NOT NULL DEFAULT 0,
	title TEXT NOT NULL,
	matter TEXT NOT NULL,
	unanimous INTEGER NOT NULL DEFAULT 0,
	opens_at BIGINT NOT NULL,
	closes_at BIGINT NOT NULL,
	closed_at BIGINT NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX votes_path ON votes(path);
CREATE INDEX votes_project ON votes(project_id);

-- Households that must consent themselves (e.g. the shaft occupies their
-- exclusive part).
CREATE TABLE vote_required (
	vote_id BIGINT NOT NULL REFERENCES votes(id),
	household_id BIGINT NOT NULL,
	PRIMARY KEY (vote_id, household_id)
);

-- Every ballot ever cast; a household's latest (highest id) is the one
-- counted, the earlier ones are its history. method: paper (recorded by
-- staff, collector named) or online (cast by the owner's account).
CREATE TABLE vote_ballots (
	id {{ID}},
	vote_id BIGINT NOT NULL REFERENCES votes(id),
	household_id BIGINT NOT NULL,
	choice TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	method TEXT NOT NULL,
	collector TEXT NOT NULL DEFAULT '',
	account_id BIGINT NOT NULL DEFAULT 0,
	recorded_by TEXT NOT NULL DEFAULT '',
	cast_at BIGINT NOT NULL
);
CREATE INDEX vote_ballots_vote ON vote_ballots(vote_id, household_id, id);

-- An objection opened by a disagree ballot with a reason, followed to
-- resolution (resolved_at 0 while open).
CREATE TABLE vote_objections (
	id {{ID}},
	vote_id BIGINT NOT NULL REFERENCES votes(id),
	household_id BIGINT NOT NULL,
	ballot_id BIGINT NOT NULL,
	reason TEXT NOT NULL,
	opened_at BIGINT NOT NULL,
	resolved_at BIGINT NOT NULL DEFAULT 0,
	resolution TEXT NOT NULL DEFAULT '',
	resolved_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vote_objections_vote ON vote_objections(vote_id, household_id);

CREATE TABLE vote_objection_notes (
	id {{ID}},
	objection_id BIGINT NOT NULL REFERENCES vote_objections(id),
	note TEXT NOT NULL,
	author TEXT NOT NULL DEFAULT '',
	account_id BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX vote_objection_notes_objection ON vote_objection_notes(objection_id, id);

-- A cost plan shares total − subsidy (fen) among the households of a scope
-- by floor coefficient × area. coefficients is JSON:
-- [{"floor":3,"num":7,"den":10}, …].
CREATE TABLE cost_plans (
	id {{ID}},
	community_id BIGINT NOT NULL,
	scope_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	vote_id BIGINT NOT NULL DEFAULT 0,
	project_id BIGINT NOT NULL DEFAULT 0,
	title TEXT NOT NULL,
	total_fen BIGINT NOT NULL,
	subsidy_fen BIGINT NOT NULL,
	coefficients TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX cost_plans_path ON cost_plans(path);
CREATE INDEX cost_plans_vote ON cost_plans(vote_id);
