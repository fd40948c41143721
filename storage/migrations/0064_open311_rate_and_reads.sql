-- Open311 integrators' rate limit, counted in the database so that it
-- holds for the whole deployment however many replicas serve it (issue
-- 13): one row per integrator and clock minute (fixed windows), the
-- requests taken in it. A request past the limit is not counted. Rows of
-- earlier minutes are deleted as the integrator's next minute begins.
CREATE TABLE open311_rate (
	integrator_id BIGINT NOT NULL,
	minute BIGINT NOT NULL,
	taken INTEGER NOT NULL,
	PRIMARY KEY (integrator_id, minute)
);

-- Open311's GET requests (cases.PublicRequests): the newest public cases
-- of a jurisdiction reported in a window, 1,000 at most. Walking
-- cases_created read and skipped every case of the window outside the
-- jurisdiction or not public, each fetched from the table (about 30,000
-- rows for one community of twenty at a million cases). A community's
-- jurisdiction walks its own public cases, newest first, and stops at the
-- 1,000th; a street's walks the public cases newest first and tests the
-- path in the index, fetching only the rows it answers.
CREATE INDEX cases_community_public ON cases(community_id, public, created_at, id);
CREATE INDEX cases_public_new ON cases(public, created_at, id, path);
