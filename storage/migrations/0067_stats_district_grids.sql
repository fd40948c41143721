-- The grids of a district by month (see cases/stats.go and 0066): the
-- same rows as stats_grid_month, with community_id holding the grid's
-- DISTRICT. A city's or district's grid ranking and rows by grid then
-- pick their rows by one or a few districts instead of testing each
-- grid-month against a list of 500 communities (which PostgreSQL does
-- one element at a time: most of the city view's time there).
CREATE TABLE stats_district_grid_month (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0, response_due INTEGER NOT NULL DEFAULT 0,
	due_closed INTEGER NOT NULL DEFAULT 0, due_extended INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, community_id, ref_id)
);
INSERT INTO stats_district_grid_month (period, community_id, ref_id, reported, dispatched, responded, responded_on_time, due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, rework, extended, escalated, response_due, due_closed, due_extended)
	SELECT st.period, d.id, st.ref_id, SUM(st.reported), SUM(st.dispatched), SUM(st.responded), SUM(st.responded_on_time), SUM(st.due), SUM(st.closed), SUM(st.closed_on_time), SUM(st.resolved), SUM(st.satisfied), SUM(st.basic), SUM(st.unsatisfied), SUM(st.rework), SUM(st.extended), SUM(st.escalated), SUM(st.response_due), SUM(st.due_closed), SUM(st.due_extended)
	FROM stats_grid_month st JOIN nodes c ON c.id = st.community_id JOIN nodes s ON s.id = c.parent_id AND s.kind = 'street'
	JOIN nodes d ON d.id = s.parent_id AND d.kind = 'district'
	GROUP BY st.period, d.id, st.ref_id;
