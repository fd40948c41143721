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
