-- Statistics over cohorts of cases (see stats/stats.go): each rate divides
-- the cases of one cohort that met the bar by the cases of the same cohort
-- whose outcome is known, so a rate cannot pass 100 %.
--   response_due  — cases whose response deadline falls on the day and that
--                   are decided (acknowledged, or the deadline passed);
--                   responded_on_time now counts the on-time ones of them.
--   due           — now: handling rounds whose resolution deadline falls on
--                   the day and that are decided (closed, or the deadline
--                   passed); closed_on_time counts those closed by it,
--   due_closed    — those closed at all (so far),
--   due_extended  — those whose case had an approved extension.
-- rework is now dated by the day of the closure that was reopened.
-- After this migration run `linli stats rebuild` once: it recounts every
-- rollup and the two markers below from the timelines.
ALTER TABLE stats_community_day ADD COLUMN response_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_community_day ADD COLUMN due_closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_community_day ADD COLUMN due_extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_grid_day ADD COLUMN response_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_grid_day ADD COLUMN due_closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_grid_day ADD COLUMN due_extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_grid_month ADD COLUMN response_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_grid_month ADD COLUMN due_closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_grid_month ADD COLUMN due_extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_category_day ADD COLUMN response_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_category_day ADD COLUMN due_closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_category_day ADD COLUMN due_extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_category_month ADD COLUMN response_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_category_month ADD COLUMN due_closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_category_month ADD COLUMN due_extended INTEGER NOT NULL DEFAULT 0;
-- Where a case is counted: the day (YYYYMMDD) of the response cohort it is
-- in (once per case), and of the due cohort of its current handling round;
-- 0 while undecided.
ALTER TABLE cases ADD COLUMN stat_response_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN stat_due_day INTEGER NOT NULL DEFAULT 0;
