-- The public text of a closed public case, as staff approved it for the
-- happiness list. A case reaches the list only with a row here approved at
-- or after its (last) closing: the reporter's public flag says "may be
-- shown", staff decide what is shown, since names and other personal
-- details in free text cannot be recognised by a program.
CREATE TABLE case_publications (
	case_id BIGINT PRIMARY KEY,
	community_id BIGINT NOT NULL,
	title TEXT NOT NULL,
	summary TEXT NOT NULL,
	approved_by BIGINT NOT NULL,
	approved_at BIGINT NOT NULL
);
CREATE INDEX case_publications_community ON case_publications(community_id);
