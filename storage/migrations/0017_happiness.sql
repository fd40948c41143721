-- Thanks a community received (锦旗 banners, letters) for a completed
-- project or a resolved case; shown on the public happiness list. from_name
-- is how the givers sign ("3单元全体居民"), never a resident's own name or
-- phone.
CREATE TABLE thanks (
	id {{ID}},
	community_id BIGINT NOT NULL,
	subject_kind TEXT NOT NULL,
	subject_id BIGINT NOT NULL,
	kind TEXT NOT NULL,
	from_name TEXT NOT NULL,
	text TEXT NOT NULL,
	at BIGINT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX thanks_subject ON thanks(community_id, subject_kind, subject_id, at);
