-- Inspection campaigns (专项排查): a campaign over a set of places, its
-- reusable checklist templates, its task group and the tasks it is split
-- into. Places, households and accounts are referenced by id without
-- foreign keys: those tables belong to other capabilities.
--
-- A checklist is a JSON array of items (campaigns/types.go, Item): key,
-- label, kind (yesno, choice, number, text, photo), options, unit,
-- min/max, required, the hazard rule and its severity. A campaign copies
-- its template's items into checklist when it is activated, so later
-- edits of the template do not change what was asked.
CREATE TABLE campaign_templates (
	id {{ID}},
	path TEXT NOT NULL,
	title TEXT NOT NULL,
	hazard_type TEXT NOT NULL DEFAULT '',
	items TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX campaign_templates_path ON campaign_templates(path);

-- path is the deepest place holding the whole scope (scope checks);
-- community_id its community. starts_day and deadline_day are calendar
-- dates as days since 1970-01-01. state: draft, active, closed.
CREATE TABLE campaigns (
	id {{ID}},
	community_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	title TEXT NOT NULL,
	hazard_type TEXT NOT NULL,
	template_id BIGINT NOT NULL DEFAULT 0,
	checklist TEXT NOT NULL DEFAULT '',
	starts_day INTEGER NOT NULL,
	deadline_day INTEGER NOT NULL,
	state TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL DEFAULT 0,
	activated_at BIGINT NOT NULL DEFAULT 0,
	closed_at BIGINT NOT NULL DEFAULT 0,
	closed_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX campaigns_path ON campaigns(path);
CREATE INDEX campaigns_state ON campaigns(state, deadline_day);

-- The places a campaign covers (estates, buildings), as picked or as a
-- community's estates taken in one step.
CREATE TABLE campaign_scope (
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	node_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	PRIMARY KEY (campaign_id, node_id)
);
CREATE INDEX campaign_scope_path ON campaign_scope(path);

-- The task group: staff, grid workers, volunteers, a contractor.
CREATE TABLE campaign_members (
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	account_id BIGINT NOT NULL,
	role TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (campaign_id, account_id)
);
CREATE INDEX campaign_members_account ON campaign_members(account_id);

-- A task: one estate or building of the scope to walk.
CREATE TABLE campaign_tasks (
	id {{ID}},
	campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
	node_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	title TEXT NOT NULL,
	households INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX campaign_tasks_node ON campaign_tasks(campaign_id, node_id);
CREATE INDEX campaign_tasks_path ON campaign_tasks(path);

-- Who walks a task (task group members).
CREATE TABLE campaign_task_people (
	task_id BIGINT NOT NULL REFERENCES campaign_tasks(id),
	account_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	assigned_at BIGINT NOT NULL,
	PRIMARY KEY (task_id, account_id)
);
CREATE INDEX campaign_task_people_account ON campaign_task_people(account_id);
