-- The electorate of a closed vote, frozen (package votes). A closed vote's
-- tally, and the bills of a cost plan made from it, are computed from these
-- rows, not from today's register: a household's area edited, a household
-- added or its owners changed after the vote closed leave the legal record
-- as it stood. One vote_snapshots row per frozen vote (taken once, when
-- the vote closes or is first read after closes_at); its households below.

CREATE TABLE vote_snapshots (
	vote_id BIGINT PRIMARY KEY REFERENCES votes(id),
	taken_at BIGINT NOT NULL,
	households INTEGER NOT NULL,
	area_centi BIGINT NOT NULL
);

-- One household of the frozen electorate, in register order (seq): its
-- label parts, floor and exclusive area (0.01 m²), the number of owner
-- members registered on it, and whether it had to consent itself.
CREATE TABLE vote_snapshot_households (
	vote_id BIGINT NOT NULL REFERENCES votes(id),
	household_id BIGINT NOT NULL,
	seq INTEGER NOT NULL,
	path TEXT NOT NULL,
	building TEXT NOT NULL,
	unit TEXT NOT NULL,
	room TEXT NOT NULL,
	floor INTEGER NOT NULL,
	area_centi BIGINT NOT NULL,
	owners INTEGER NOT NULL,
	required INTEGER NOT NULL,
	PRIMARY KEY (vote_id, household_id)
);
CREATE INDEX vote_snapshot_households_seq ON vote_snapshot_households(vote_id, seq);
