-- What the inspectors found and what is done about it (一户一策).
--
-- A finding is about a household (target 'household'), a building's roof
-- ('roof', household_id 0) or a device whose owner is unknown on a
-- building ('unclaimed', 无主/业主不明, household_id 0, several allowed).
-- status: 'current' (the finding in force), 'conflict' (another person's
-- version for the same household or roof, waiting for staff to pick),
-- 'rejected' (a version staff did not pick). answers is a JSON object
-- {item key: value}. lat_e7/lng_e7 are degrees × 10^7 (has_gps says
-- whether the phone gave them).
CREATE TABLE campaign_findings (
	id {{ID}},
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	task_id BIGINT NOT NULL,
	target TEXT NOT NULL,
	household_id BIGINT NOT NULL DEFAULT 0,
	building_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	label TEXT NOT NULL DEFAULT '',
	answers TEXT NOT NULL,
	hazard INTEGER NOT NULL DEFAULT 0,
	severity TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	has_gps INTEGER NOT NULL DEFAULT 0,
	lat_e7 BIGINT NOT NULL DEFAULT 0,
	lng_e7 BIGINT NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	conflict_of BIGINT NOT NULL DEFAULT 0,
	self_reported INTEGER NOT NULL DEFAULT 0,
	confirmed_by BIGINT NOT NULL DEFAULT 0,
	confirmed_at BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	recorded_by BIGINT NOT NULL DEFAULT 0,
	recorder_name TEXT NOT NULL DEFAULT '',
	recorded_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- One finding in force per household (or roof) and campaign, even when two
-- phones send at the same moment: the second becomes a conflicting version.
CREATE UNIQUE INDEX campaign_findings_current ON campaign_findings(campaign_id, target, household_id, building_id)
	WHERE status = 'current' AND target <> 'unclaimed';
CREATE INDEX campaign_findings_campaign ON campaign_findings(campaign_id, status, household_id);
CREATE INDEX campaign_findings_task ON campaign_findings(task_id, status);
CREATE INDEX campaign_findings_household ON campaign_findings(household_id, status);
CREATE INDEX campaign_findings_path ON campaign_findings(path);

-- Every accepted submission's idempotency key ("<account id>:<key>"), so
-- a resend of the same form (the phone's offline queue, a retried fetch)
-- returns what the first one made — a finding, an update of one, or a
-- conflicting version — and never makes a second. outcome: created,
-- updated, conflict.
CREATE TABLE campaign_finding_keys (
	idem_key TEXT PRIMARY KEY,
	finding_id BIGINT NOT NULL REFERENCES campaign_findings(id),
	outcome TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- Earlier versions of a finding its recorder changed (same person
-- re-recording is an update, kept here).
CREATE TABLE campaign_finding_history (
	finding_id BIGINT NOT NULL REFERENCES campaign_findings(id),
	version INTEGER NOT NULL,
	answers TEXT NOT NULL,
	hazard INTEGER NOT NULL,
	severity TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	recorded_by BIGINT NOT NULL,
	recorded_at BIGINT NOT NULL,
	PRIMARY KEY (finding_id, version)
);

-- One plan per hazard finding (一户一策). kind: self_fix (guidance and a
-- demonstration date), reinforce (by the contractor), remove (by a
-- professional team after notice: notice_day + wait_days, removal not
-- before), none (no action needed). Days are days since 1970-01-01.
-- state: open, done. A re-inspection with a photo closes it (done_at,
-- done_by, done_note; the photo is an attachment of the plan).
CREATE TABLE campaign_plans (
	id {{ID}},
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	finding_id BIGINT NOT NULL REFERENCES campaign_findings(id),
	household_id BIGINT NOT NULL DEFAULT 0,
	path TEXT NOT NULL,
	kind TEXT NOT NULL,
	guidance TEXT NOT NULL DEFAULT '',
	demo_day INTEGER NOT NULL DEFAULT 0,
	notice_day INTEGER NOT NULL DEFAULT 0,
	wait_days INTEGER NOT NULL DEFAULT 0,
	due_day INTEGER NOT NULL DEFAULT 0,
	assignee_id BIGINT NOT NULL DEFAULT 0,
	assignee_name TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	case_id BIGINT NOT NULL DEFAULT 0,
	done_at BIGINT NOT NULL DEFAULT 0,
	done_by BIGINT NOT NULL DEFAULT 0,
	done_note TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX campaign_plans_finding ON campaign_plans(finding_id);
CREATE INDEX campaign_plans_campaign ON campaign_plans(campaign_id, state);
CREATE INDEX campaign_plans_household ON campaign_plans(household_id, state);
CREATE INDEX campaign_plans_assignee ON campaign_plans(assignee_id, state, due_day);
