-- Indexes that match the case queues (issue 10), so the dispatch board and
-- the lists stay fast however many closed cases a street accumulates.
-- cases_open_due: the open cases by remaining time — the board's table,
-- its overdue, escalated and verification queues, each read page by page
-- on (resolve_due, id). It is partial: only open cases, a few percent of a
-- street's history. A query uses it when it repeats the same state list
-- literally (cases/query.go, openStatesSQL; a test keeps them equal).
-- Its trailing columns are what the queues filter on (scope, state,
-- escalation, grid), so skipping a row needs no read of the table.
CREATE INDEX cases_open_due ON cases(resolve_due, id, path, state, escalation_level, grid_id)
	WHERE state IN ('reported','accepted','dispatched','acknowledged','in_progress','handled','verified','shelved');
-- A community's and a grid's cases newest first (the lists of community
-- staff and grid workers, the grid filter).
CREATE INDEX cases_community_new ON cases(community_id, id);
CREATE INDEX cases_grid_new ON cases(grid_id, id);
-- The whistles still waiting for a report-in, by their deadline.
CREATE INDEX case_whistles_open ON case_whistles(acked_at, ack_due);
