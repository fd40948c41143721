-- 长辈模式 (elder mode, issue 10): larger text and spacing, chosen by the
-- account holder on any page and remembered for every later session and
-- device. 0 = off, 1 = on.
ALTER TABLE accounts ADD COLUMN elder_mode INTEGER NOT NULL DEFAULT 0;
