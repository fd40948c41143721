-- Working-calendar years entered by an administrator (the holiday notice
-- of a year Linli does not ship). Each row is one year file in the format
-- of calendar/data/README.md, validated before it is stored; it is merged
-- over the embedded years and --calendar-dir (a year here replaces theirs).
CREATE TABLE calendar_years (
	year INTEGER PRIMARY KEY,
	data TEXT NOT NULL,
	updated_by BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL
);
