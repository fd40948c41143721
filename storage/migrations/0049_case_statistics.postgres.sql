-- What PostgreSQL needs besides 0038 and 0048 to plan the board and the
-- lists well at a million cases (SQLite plans these from its indexes
-- alone, and the same indexes there would only give its planner more to
-- choose wrongly from).
--
-- It takes a case's state and its deadline as independent, so it expected
-- a handful of the cases not dispatched yet (reported, accepted) to have
-- no deadline (resolve_due = 0), when all of them have none; the board's
-- first queue then sorted all of a street's undispatched cases (1.5 s)
-- instead of walking cases_open_due in order (1 ms). Statistics on the
-- two together tell it.
CREATE STATISTICS cases_state_due (dependencies, mcv) ON state, resolve_due FROM cases;
-- The board's queues count their cases up to 1,001 by state (待受理,
-- 待核查) or escalation (已升级); these read just those entries, with
-- the path in the index for the scope, instead of every open case.
CREATE INDEX cases_open_state ON cases(state, path)
	WHERE state IN ('reported','accepted','dispatched','acknowledged','in_progress','handled','verified','shelved');
CREATE INDEX cases_escalated ON cases(resolve_due, id, path)
	WHERE escalation_level > 0 AND state IN ('reported','accepted','dispatched','acknowledged','in_progress','handled','verified','shelved');
-- Gathered now, not at the next automatic analyze.
ANALYZE cases;
