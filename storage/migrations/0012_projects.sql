-- Livelihood projects (民生实事): adding an elevator to a unit, repaving a
-- road. A project belongs to a community and covers units, buildings or
-- estates inside it (project_scope). Nodes, accounts and cases are named by
-- plain ids: other capabilities own those tables.
CREATE TABLE projects (
	id {{ID}},
	community_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	title TEXT NOT NULL,
	kind TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	budget_fen BIGINT NOT NULL DEFAULT 0,
	public INTEGER NOT NULL DEFAULT 0,
	phase TEXT NOT NULL,
	contractor TEXT NOT NULL DEFAULT '',
	start_date TEXT NOT NULL DEFAULT '',
	end_date TEXT NOT NULL DEFAULT '',
	work_hours TEXT NOT NULL DEFAULT '',
	quiet_hours TEXT NOT NULL DEFAULT '',
	approval_number TEXT NOT NULL DEFAULT '',
	approval_department TEXT NOT NULL DEFAULT '',
	approval_department_id BIGINT NOT NULL DEFAULT 0,
	approval_date TEXT NOT NULL DEFAULT '',
	acceptance_date TEXT NOT NULL DEFAULT '',
	acceptance_passed INTEGER NOT NULL DEFAULT 0,
	acceptance_participants TEXT NOT NULL DEFAULT '',
	completed_at BIGINT NOT NULL DEFAULT 0,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX projects_community ON projects(community_id, phase);
CREATE INDEX projects_path ON projects(path);
CREATE TABLE project_scope (
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	node_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	PRIMARY KEY (project_id, node_id)
);
-- One row per phase entered; left_at and outcome are filled when the
-- project moves on.
CREATE TABLE project_phases (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	phase TEXT NOT NULL,
	entered_at BIGINT NOT NULL,
	left_at BIGINT NOT NULL DEFAULT 0,
	outcome TEXT NOT NULL DEFAULT '',
	by_id BIGINT NOT NULL DEFAULT 0,
	by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_phases_project ON project_phases(project_id, id);
CREATE TABLE project_milestones (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	parent_id BIGINT NOT NULL DEFAULT 0,
	title TEXT NOT NULL,
	weight INTEGER NOT NULL DEFAULT 1,
	progress INTEGER NOT NULL DEFAULT 0,
	sort INTEGER NOT NULL DEFAULT 0,
	done_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX project_milestones_project ON project_milestones(project_id, parent_id);
CREATE TABLE project_people (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	role TEXT NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	name TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX project_people_project ON project_people(project_id);
-- Each change of the construction settings, with why (a noise complaint
-- leads to new working hours).
CREATE TABLE project_hours (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	at BIGINT NOT NULL,
	contractor TEXT NOT NULL,
	start_date TEXT NOT NULL,
	end_date TEXT NOT NULL,
	work_hours TEXT NOT NULL,
	quiet_hours TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_hours_project ON project_hours(project_id, id);
-- Complaints during construction are cases (also in links); the measure
-- taken is recorded here.
CREATE TABLE project_complaints (
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	case_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, case_id)
);
CREATE TABLE project_measures (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	case_id BIGINT NOT NULL,
	text TEXT NOT NULL,
	at BIGINT NOT NULL,
	by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_measures_project ON project_measures(project_id, case_id);
CREATE TABLE project_followers (
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	account_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, account_id)
);
CREATE INDEX project_followers_account ON project_followers(account_id);
CREATE TABLE project_updates (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	at BIGINT NOT NULL,
	kind TEXT NOT NULL,
	text TEXT NOT NULL,
	by_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_updates_project ON project_updates(project_id, id);
-- Before/after photos are attachments (owner "project"); the stage and
-- caption live here.
CREATE TABLE project_photos (
	attachment_id BIGINT PRIMARY KEY,
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	stage TEXT NOT NULL,
	caption TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_photos_project ON project_photos(project_id);
CREATE TABLE project_ratings (
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	account_id BIGINT NOT NULL,
	rating TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL,
	PRIMARY KEY (project_id, account_id)
);
CREATE TABLE project_thanks (
	id {{ID}},
	project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	from_name TEXT NOT NULL,
	text TEXT NOT NULL,
	on_date TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX project_thanks_project ON project_thanks(project_id);
