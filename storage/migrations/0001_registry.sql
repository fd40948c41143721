-- The community tree: city → district/county → street → community → grid
-- → estate → building → unit. path is the materialised path "/1/4/9/" so
-- scope checks and subtree queries are prefix matches.
CREATE TABLE nodes (
	id {{ID}},
	parent_id BIGINT REFERENCES nodes(id),
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	code TEXT,
	path TEXT NOT NULL,
	depth INTEGER NOT NULL,
	sort INTEGER NOT NULL DEFAULT 0,
	floors INTEGER NOT NULL DEFAULT 0,
	built_year INTEGER NOT NULL DEFAULT 0,
	address TEXT NOT NULL DEFAULT '',
	property_company TEXT NOT NULL DEFAULT '',
	boundary TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX nodes_code ON nodes(code);
CREATE UNIQUE INDEX nodes_sibling_name ON nodes(parent_id, name);
CREATE INDEX nodes_path ON nodes(path);
CREATE INDEX nodes_parent ON nodes(parent_id, sort, id);

-- A household (户) sits in a unit on a floor. Area is kept in 0.01 m² as an
-- integer: consent votes (Civil Code art. 278) and cost sharing must be exact.
CREATE TABLE households (
	id {{ID}},
	unit_id BIGINT NOT NULL REFERENCES nodes(id),
	path TEXT NOT NULL,
	floor INTEGER NOT NULL,
	room TEXT NOT NULL,
	area_centi BIGINT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX households_room ON households(unit_id, room);
CREATE INDEX households_path ON households(path);

CREATE TABLE people (
	id {{ID}},
	name TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	id_number TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX people_phone ON people(phone);

-- relation: owner, tenant, family, other. is_owner marks those who count
-- as 业主 for consent votes.
CREATE TABLE household_members (
	id {{ID}},
	household_id BIGINT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
	person_id BIGINT NOT NULL REFERENCES people(id),
	relation TEXT NOT NULL,
	is_owner INTEGER NOT NULL DEFAULT 0,
	sort INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX household_members_pair ON household_members(household_id, person_id);
CREATE INDEX household_members_person ON household_members(person_id);
