-- SQLite compares paths byte by byte already (BINARY); prefix matches use
-- the index through case_sensitive_like, set in the DSN.
SELECT 1;
