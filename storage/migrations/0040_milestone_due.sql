-- A milestone's planned date (projects): the project page shows the next
-- milestone with it. '' when none was planned; YYYY-MM-DD in the
-- deployment's zone otherwise.
ALTER TABLE project_milestones ADD COLUMN due TEXT NOT NULL DEFAULT '';
