-- Indexes for the case lists' filters (issue 10), so a filter that selects
-- few of a street's million cases reads about a page of rows and a capped
-- count, not every newer case until enough match (cases/query.go: a
-- period, one category or one source is listed newest first by the time
-- of reporting, then id — the rowid these indexes end with).
-- Cases by the time they were reported: a reporting period far back.
CREATE INDEX cases_created ON cases(created_at);
-- One category's cases by time (one category over 30 days took 130 ms).
CREATE INDEX cases_category_new ON cases(category_id, created_at);
-- One source's cases by time (volunteers' findings are a few percent).
CREATE INDEX cases_source_new ON cases(source, created_at);
