-- A deleted milestone is kept for a while so the deletion can be undone
-- (projects.RestoreMilestone): deleted_at is when, 0 while it is live.
ALTER TABLE project_milestones ADD COLUMN deleted_at BIGINT NOT NULL DEFAULT 0;
