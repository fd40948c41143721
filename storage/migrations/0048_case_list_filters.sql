-- A category's cases newest first: the case lists filtered by one
-- category (cases/query.go, categoryCond) walk this index and stop after a
-- page and a capped count, instead of reading the street's cases newest
-- first until enough of one category turn up (issue 10: 130 ms for one
-- category over 30 days at a million cases).
CREATE INDEX cases_category_new ON cases(category_id, id);
-- A source's cases newest first (the filter 来源: volunteers' findings are
-- a few percent of a street's cases).
CREATE INDEX cases_source_new ON cases(source, id);
-- Cases by the time they were reported: a reporting period far back
-- (a month last year) is found by this range instead of walking every
-- newer case first.
CREATE INDEX cases_created ON cases(created_at);
