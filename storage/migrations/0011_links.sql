-- Links between records of different capabilities: a meeting's follow-up
-- action that became a case, a complaint case raised during a project's
-- construction, a mediation opened from a case, a vote held for a project.
-- Each capability owns its own tables; this one only says what came out
-- of what, so a page can list the records on the other side.
CREATE TABLE links (
	id {{ID}},
	from_kind TEXT NOT NULL,
	from_id BIGINT NOT NULL,
	to_kind TEXT NOT NULL,
	to_id BIGINT NOT NULL,
	rel TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX links_pair ON links(from_kind, from_id, to_kind, to_id, rel);
CREATE INDEX links_to ON links(to_kind, to_id);
