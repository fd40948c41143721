-- English beside Chinese for two things stored in Chinese (issue 10):
-- the audit log's summary (written at the same time as the Chinese one;
-- rows written before keep it empty and are re-worded when shown, see
-- audit/english.go) and a department's name (shown on English pages;
-- empty: the Chinese name).
ALTER TABLE audit_log ADD COLUMN summary_en TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
