-- The whistle/report-in loop (居民吹哨、网格报到).

-- A short prefix per community for case numbers (XY-20261126-0007).
ALTER TABLE nodes ADD COLUMN abbr TEXT NOT NULL DEFAULT '';

-- Functional departments (职能部门) serve an area (a district or street
-- node); their staff are accounts listed as members.
CREATE TABLE departments (
	id {{ID}},
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	node_id BIGINT NOT NULL REFERENCES nodes(id),
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX departments_code ON departments(code);
CREATE TABLE department_members (
	department_id BIGINT NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
	account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	PRIMARY KEY (department_id, account_id)
);

-- The category taxonomy; each category carries its routing rule, its time
-- limits (calendar.Limit text: "4wh", "15wd", "30m", "24h") and its
-- escalation chain ("community,street,department:housing").
CREATE TABLE categories (
	id {{ID}},
	code TEXT NOT NULL,
	parent_id BIGINT REFERENCES categories(id),
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	class TEXT NOT NULL DEFAULT 'community',
	route TEXT NOT NULL DEFAULT 'grid',
	response_limit TEXT NOT NULL DEFAULT '',
	resolve_limit TEXT NOT NULL DEFAULT '',
	escalation TEXT NOT NULL DEFAULT '',
	ack_limit TEXT NOT NULL DEFAULT '30m',
	priority TEXT NOT NULL DEFAULT 'normal',
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX categories_code ON categories(code);

CREATE TABLE case_counters (
	community_id BIGINT NOT NULL,
	day INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (community_id, day)
);

-- path is the location's path, for scope checks; grid_id and community_id
-- are denormalised for the dispatch board and statistics.
CREATE TABLE cases (
	id {{ID}},
	number TEXT NOT NULL,
	community_id BIGINT NOT NULL REFERENCES nodes(id),
	grid_id BIGINT NOT NULL DEFAULT 0,
	location_id BIGINT NOT NULL REFERENCES nodes(id),
	household_id BIGINT NOT NULL DEFAULT 0,
	lat_e6 BIGINT NOT NULL DEFAULT 0,
	lon_e6 BIGINT NOT NULL DEFAULT 0,
	address TEXT NOT NULL DEFAULT '',
	path TEXT NOT NULL,
	category_id BIGINT NOT NULL REFERENCES categories(id),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL,
	source_ref TEXT NOT NULL DEFAULT '',
	reporter_id BIGINT NOT NULL DEFAULT 0,
	reporter_name TEXT NOT NULL DEFAULT '',
	reporter_phone TEXT NOT NULL DEFAULT '',
	priority TEXT NOT NULL DEFAULT 'normal',
	public INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL,
	assignee_kind TEXT NOT NULL DEFAULT '',
	assignee_id BIGINT NOT NULL DEFAULT 0,
	assignee_name TEXT NOT NULL DEFAULT '',
	handler_id BIGINT NOT NULL DEFAULT 0,
	response_due BIGINT NOT NULL DEFAULT 0,
	resolve_due BIGINT NOT NULL DEFAULT 0,
	responded_at BIGINT NOT NULL DEFAULT 0,
	handled_at BIGINT NOT NULL DEFAULT 0,
	closed_at BIGINT NOT NULL DEFAULT 0,
	dispatched_at BIGINT NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	warned INTEGER NOT NULL DEFAULT 0,
	escalation_level INTEGER NOT NULL DEFAULT 0,
	reopened INTEGER NOT NULL DEFAULT 0,
	extensions INTEGER NOT NULL DEFAULT 0,
	rating TEXT NOT NULL DEFAULT '',
	rating_comment TEXT NOT NULL DEFAULT '',
	merged_into BIGINT NOT NULL DEFAULT 0,
	idem_key TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cases_number ON cases(number);
CREATE UNIQUE INDEX cases_idem ON cases(reporter_id, idem_key);
CREATE INDEX cases_path ON cases(path, state);
CREATE INDEX cases_board ON cases(community_id, state, resolve_due);
CREATE INDEX cases_assignee ON cases(assignee_kind, assignee_id, state, resolve_due);
CREATE INDEX cases_reporter ON cases(reporter_id, id);

-- The timeline: every step with actor, time, note; public steps are shown
-- to the reporter.
CREATE TABLE case_events (
	id {{ID}},
	case_id BIGINT NOT NULL REFERENCES cases(id),
	at BIGINT NOT NULL,
	actor_id BIGINT NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',
	to_state TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT '',
	public INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_cohandlers (
	case_id BIGINT NOT NULL REFERENCES cases(id),
	kind TEXT NOT NULL,
	ref_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	added_at BIGINT NOT NULL,
	PRIMARY KEY (case_id, kind, ref_id)
);

-- A whistle (吹哨) calls a level or a department in; it must report in
-- (报到) by ack_due, or the lapse is recorded and the case escalates.
CREATE TABLE case_whistles (
	id {{ID}},
	case_id BIGINT NOT NULL REFERENCES cases(id),
	target_kind TEXT NOT NULL,
	target_id BIGINT NOT NULL,
	target_name TEXT NOT NULL,
	level INTEGER NOT NULL DEFAULT 0,
	automatic INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '',
	called_at BIGINT NOT NULL,
	ack_due BIGINT NOT NULL,
	acked_at BIGINT NOT NULL DEFAULT 0,
	acked_by BIGINT NOT NULL DEFAULT 0,
	lapsed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_whistles_case ON case_whistles(case_id);
CREATE INDEX case_whistles_target ON case_whistles(target_kind, target_id, acked_at);

CREATE TABLE case_extensions (
	id {{ID}},
	case_id BIGINT NOT NULL REFERENCES cases(id),
	requested_by BIGINT NOT NULL,
	requested_at BIGINT NOT NULL,
	new_due BIGINT NOT NULL,
	reason TEXT NOT NULL,
	decided_by BIGINT NOT NULL DEFAULT 0,
	decided_at BIGINT NOT NULL DEFAULT 0,
	approved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_extensions_case ON case_extensions(case_id);

-- In-app notifications, and an outbox for outside channels (SMS, WeChat)
-- that a later delivery worker drains.
CREATE TABLE notifications (
	id {{ID}},
	account_id BIGINT NOT NULL,
	at BIGINT NOT NULL,
	kind TEXT NOT NULL,
	ref_kind TEXT NOT NULL DEFAULT '',
	ref_id BIGINT NOT NULL DEFAULT 0,
	text TEXT NOT NULL,
	read_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_account ON notifications(account_id, read_at, id);
CREATE TABLE outbox (
	id {{ID}},
	at BIGINT NOT NULL,
	channel TEXT NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	payload TEXT NOT NULL,
	delivered_at BIGINT NOT NULL DEFAULT 0,
	attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox(delivered_at, id);

-- Statistics maintained as cases change, one row per day, grid and
-- category (grid 0 = no grid); `linli stats rebuild` recomputes them.
CREATE TABLE case_stats (
	day INTEGER NOT NULL,
	community_id BIGINT NOT NULL,
	grid_id BIGINT NOT NULL,
	category_id BIGINT NOT NULL,
	reported INTEGER NOT NULL DEFAULT 0,
	dispatched INTEGER NOT NULL DEFAULT 0,
	responded INTEGER NOT NULL DEFAULT 0,
	responded_on_time INTEGER NOT NULL DEFAULT 0,
	due INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	closed_on_time INTEGER NOT NULL DEFAULT 0,
	resolved INTEGER NOT NULL DEFAULT 0,
	satisfied INTEGER NOT NULL DEFAULT 0,
	basic INTEGER NOT NULL DEFAULT 0,
	unsatisfied INTEGER NOT NULL DEFAULT 0,
	rework INTEGER NOT NULL DEFAULT 0,
	extended INTEGER NOT NULL DEFAULT 0,
	escalated INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, community_id, grid_id, category_id)
);
CREATE INDEX case_stats_community ON case_stats(community_id, day);
