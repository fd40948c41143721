-- Statistics by street and district (see cases/stats.go): the same
-- counters as stats_community_day, summed one level and two levels up, so a
-- district's or a city's dashboard reads a few rows per day instead of
-- every community's (at 500 communities, 15,000 rows a month). In these
-- tables community_id holds the STREET's (the DISTRICT's) id: the rollups
-- keep one shape, and every tool that walks cases.StatTables (the fold,
-- the rebuild, the generator, the crash test's check) treats them alike.
--   street by day               — totals and trend of a street; a district's rows by street
--   district by day             — totals and trend of a district (a city sums its districts)
--   district by category, month — a district's or a city's rows by category
-- A case is counted under the street and district of its community when
-- its change is folded; after moving a community or a street, run
-- `linli stats rebuild` (cases follow their place from then on).
CREATE TABLE stats_street_day (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0, response_due INTEGER NOT NULL DEFAULT 0,
	due_closed INTEGER NOT NULL DEFAULT 0, due_extended INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (community_id, period, ref_id)
);
CREATE TABLE stats_district_day (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0, response_due INTEGER NOT NULL DEFAULT 0,
	due_closed INTEGER NOT NULL DEFAULT 0, due_extended INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (community_id, period, ref_id)
);
CREATE TABLE stats_district_category_month (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0, response_due INTEGER NOT NULL DEFAULT 0,
	due_closed INTEGER NOT NULL DEFAULT 0, due_extended INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, community_id, ref_id)
);
-- What was counted before this migration, from the community rollups and
-- the tree as it is now.
INSERT INTO stats_street_day (period, community_id, ref_id, reported, dispatched, responded, responded_on_time, due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, rework, extended, escalated, response_due, due_closed, due_extended)
	SELECT st.period, s.id, 0, SUM(st.reported), SUM(st.dispatched), SUM(st.responded), SUM(st.responded_on_time), SUM(st.due), SUM(st.closed), SUM(st.closed_on_time), SUM(st.resolved), SUM(st.satisfied), SUM(st.basic), SUM(st.unsatisfied), SUM(st.rework), SUM(st.extended), SUM(st.escalated), SUM(st.response_due), SUM(st.due_closed), SUM(st.due_extended)
	FROM stats_community_day st JOIN nodes c ON c.id = st.community_id JOIN nodes s ON s.id = c.parent_id AND s.kind = 'street'
	GROUP BY st.period, s.id;
INSERT INTO stats_district_day (period, community_id, ref_id, reported, dispatched, responded, responded_on_time, due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, rework, extended, escalated, response_due, due_closed, due_extended)
	SELECT st.period, d.id, 0, SUM(st.reported), SUM(st.dispatched), SUM(st.responded), SUM(st.responded_on_time), SUM(st.due), SUM(st.closed), SUM(st.closed_on_time), SUM(st.resolved), SUM(st.satisfied), SUM(st.basic), SUM(st.unsatisfied), SUM(st.rework), SUM(st.extended), SUM(st.escalated), SUM(st.response_due), SUM(st.due_closed), SUM(st.due_extended)
	FROM stats_community_day st JOIN nodes c ON c.id = st.community_id JOIN nodes s ON s.id = c.parent_id AND s.kind = 'street'
	JOIN nodes d ON d.id = s.parent_id AND d.kind = 'district'
	GROUP BY st.period, d.id;
INSERT INTO stats_district_category_month (period, community_id, ref_id, reported, dispatched, responded, responded_on_time, due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, rework, extended, escalated, response_due, due_closed, due_extended)
	SELECT st.period, d.id, st.ref_id, SUM(st.reported), SUM(st.dispatched), SUM(st.responded), SUM(st.responded_on_time), SUM(st.due), SUM(st.closed), SUM(st.closed_on_time), SUM(st.resolved), SUM(st.satisfied), SUM(st.basic), SUM(st.unsatisfied), SUM(st.rework), SUM(st.extended), SUM(st.escalated), SUM(st.response_due), SUM(st.due_closed), SUM(st.due_extended)
	FROM stats_category_month st JOIN nodes c ON c.id = st.community_id JOIN nodes s ON s.id = c.parent_id AND s.kind = 'street'
	JOIN nodes d ON d.id = s.parent_id AND d.kind = 'district'
	GROUP BY st.period, d.id, st.ref_id;
