-- Door-to-door visits (逐户走访). A visit matter is what visitors go door
-- to door about: a project, a consent vote, a dispute, or a general matter
-- named only by its title (subject_kind 'matter', subject_id = its own id).
-- scope_path is the place whose households the matter concerns; coverage
-- and the building-view layer count households under it.
CREATE TABLE visit_matters (
	id {{ID}},
	subject_kind TEXT NOT NULL,
	subject_id BIGINT NOT NULL,
	title TEXT NOT NULL,
	scope_id BIGINT NOT NULL,
	scope_path TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX visit_matters_subject ON visit_matters(subject_kind, subject_id);
CREATE INDEX visit_matters_scope ON visit_matters(scope_path);

-- One visit to one household. path is the household's path (its unit's
-- node path) for scope checks; concerns are tags joined with commas
-- ("light,noise"); stance is support, oppose or undecided.
CREATE TABLE visits (
	id {{ID}},
	matter_id BIGINT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id BIGINT NOT NULL,
	household_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	visited_at BIGINT NOT NULL,
	stance TEXT NOT NULL,
	concerns TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	recorded_by BIGINT NOT NULL DEFAULT 0,
	recorder_name TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX visits_matter ON visits(matter_id, household_id, visited_at);
CREATE INDEX visits_household ON visits(household_id, visited_at);
CREATE INDEX visits_path ON visits(path, visited_at);

-- Who went: accounts (account_id) and/or people named in words (a
-- resident representative without an account); name is always filled.
CREATE TABLE visit_visitors (
	visit_id BIGINT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
	sort INTEGER NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	name TEXT NOT NULL,
	PRIMARY KEY (visit_id, sort)
);

-- Follow-ups promised during a visit ("bring the drawings next week").
-- due is a calendar date as days since 1970-01-01 (0 = no date).
CREATE TABLE visit_followups (
	id {{ID}},
	visit_id BIGINT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
	text TEXT NOT NULL,
	due_day INTEGER NOT NULL DEFAULT 0,
	done INTEGER NOT NULL DEFAULT 0,
	done_at BIGINT NOT NULL DEFAULT 0,
	done_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX visit_followups_visit ON visit_followups(visit_id, id);
