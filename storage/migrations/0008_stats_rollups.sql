-- Statistics at city scale. One detailed table per (day, grid, category)
-- grows as large as the cases themselves; the dashboards instead read
-- rollups sized for their questions, all maintained in the same
-- transaction as the case change (see cases/stats.go):
--   community by day   — totals, trend, by community/street (exact days)
--   grid by day        — grids of a small scope (exact days)
--   grid by month      — grids of a large scope (whole months)
--   category by day    — categories of a small scope
--   category by month  — categories of a large scope
DROP TABLE case_stats;
CREATE TABLE stats_community_day (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (community_id, period, ref_id)
);
CREATE TABLE stats_grid_day (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (community_id, period, ref_id)
);
CREATE TABLE stats_grid_month (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, community_id, ref_id)
);
CREATE TABLE stats_category_day (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (community_id, period, ref_id)
);
CREATE TABLE stats_category_month (
	period INTEGER NOT NULL, community_id BIGINT NOT NULL, ref_id BIGINT NOT NULL DEFAULT 0,
	reported INTEGER NOT NULL DEFAULT 0, dispatched INTEGER NOT NULL DEFAULT 0, responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0, closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0, rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, community_id, ref_id)
);
