-- Gate cameras in operation (issue 12).
--
-- A rule's alerts may go to the community's group robots through the
-- outbox: notify lists the channels (wecom, dingtalk; comma-separated),
-- '' sends nothing, so a site without robots piles up no pending rows.
ALTER TABLE camera_rules ADD COLUMN notify TEXT NOT NULL DEFAULT '';

-- What the Sink did with each source's events, counted in the transaction
-- that stored them, so the counts survive a restart and every replica
-- adds to the same rows (a source's row appears with its first event).
CREATE TABLE camera_feed_counts (
	source TEXT NOT NULL PRIMARY KEY,
	accepted BIGINT NOT NULL DEFAULT 0,
	duplicate BIGINT NOT NULL DEFAULT 0,
	out_of_order BIGINT NOT NULL DEFAULT 0,
	unknown BIGINT NOT NULL DEFAULT 0,
	inactive BIGINT NOT NULL DEFAULT 0,
	alerts BIGINT NOT NULL DEFAULT 0
);

-- The rules' memory of a camera (the objects in view and when they
-- entered each zone, the cool-downs, recent appearances) as JSON, saved
-- with the camera's events at most once a minute and at shutdown, and
-- read back at start: an object that entered before a restart is measured
-- from when it entered, and an alert already raised is not raised again.
CREATE TABLE camera_tracks (
	camera_id BIGINT NOT NULL PRIMARY KEY,
	state TEXT NOT NULL,
	saved_at BIGINT NOT NULL
);
