-- Counter changes queue here, one row each, in the same transaction as the
-- case change; they are folded into the rollups in batches (and before
-- every statistics read), so a report costs one insert instead of five
-- upserts on the single SQLite writer.
CREATE TABLE stats_deltas (
	id {{ID}},
	day INTEGER NOT NULL,
	community_id BIGINT NOT NULL,
	grid_id BIGINT NOT NULL,
	category_id BIGINT NOT NULL,
	col TEXT NOT NULL,
	d INTEGER NOT NULL
);
