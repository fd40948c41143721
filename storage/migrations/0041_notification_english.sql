-- Notifications carry their text in both languages, so the bell answers in
-- the reader's language (cases). Rows written before keep text_en empty
-- and show their Chinese text.
ALTER TABLE notifications ADD COLUMN text_en TEXT NOT NULL DEFAULT '';
