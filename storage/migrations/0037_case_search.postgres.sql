-- Search over cases (issue 10), as in 0037_case_search.sqlite.sql: the same
-- three texts, searched through pg_trgm's GIN trigram indexes (LIKE
-- '%…%' on an indexed column is a trigram index lookup, then a recheck).
-- The extension lives in public so that every schema (tests run one schema
-- each) finds it; creating it needs a role allowed to (pg_trgm is a
-- trusted extension from PostgreSQL 13 on: the database owner may).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE TABLE case_search (
	case_id BIGINT PRIMARY KEY,
	doc TEXT NOT NULL,
	phone TEXT NOT NULL,
	pairs TEXT NOT NULL
);
CREATE INDEX case_search_doc ON case_search USING gin (doc public.gin_trgm_ops);
CREATE INDEX case_search_phone ON case_search USING gin (phone public.gin_trgm_ops);
CREATE INDEX case_search_pairs ON case_search USING gin (pairs public.gin_trgm_ops);
CREATE TABLE case_search_todo (case_id BIGINT PRIMARY KEY);
INSERT INTO case_search_todo (case_id) SELECT id FROM cases;
