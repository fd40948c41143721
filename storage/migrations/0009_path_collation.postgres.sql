-- Materialised paths compare byte by byte: with the "C" collation a
-- prefix match (path LIKE '/1/4/%', or a range) uses the B-tree index.
ALTER TABLE nodes ALTER COLUMN path TYPE TEXT COLLATE "C";
ALTER TABLE households ALTER COLUMN path TYPE TEXT COLLATE "C";
ALTER TABLE cases ALTER COLUMN path TYPE TEXT COLLATE "C";
ALTER TABLE audit_log ALTER COLUMN scope_path TYPE TEXT COLLATE "C";
