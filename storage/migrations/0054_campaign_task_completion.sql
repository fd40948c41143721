-- A task the inspector marks walked (issue 11): a place is done when its
-- households all have a finding or when the tasks walking it are marked
-- complete, with how many households were absent and how many had no
-- device. A reopened task sets completed_at back to 0.
ALTER TABLE campaign_tasks ADD COLUMN completed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaign_tasks ADD COLUMN completed_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaign_tasks ADD COLUMN absent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_tasks ADD COLUMN no_device INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_tasks ADD COLUMN completion_note TEXT NOT NULL DEFAULT '';
