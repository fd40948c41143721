-- Search over cases (issue 10): what a caller quotes — a fragment of the
-- number, the reporter's name, a room, words of the problem — found through
-- a trigram index, which handles Chinese (no word segmentation needed).
-- doc: number, title, description, reporter, place and address, lower
-- case; phone: the reporter's phone, searched only for those who may see
-- phones; pairs: every two adjacent characters followed by '|', so a
-- two-character query ("漏水", a two-character name) is a three-character
-- trigram query. Kept by the case service in the transaction that writes
-- the case (cases/search.go); case_search_todo lists the cases to index
-- (every case written before this migration), drained at start.
CREATE VIRTUAL TABLE case_search USING fts5(doc, phone, pairs, tokenize = 'trigram');
CREATE TABLE case_search_todo (case_id BIGINT PRIMARY KEY);
INSERT INTO case_search_todo (case_id) SELECT id FROM cases;
