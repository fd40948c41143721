-- An API token may be narrowed: to the subtree of one place (scope_node_id;
-- 0: everywhere its account acts) and to reading (read_only). The actor a
-- token makes is its account's, narrowed (linli.Actor.Narrowed).
ALTER TABLE api_tokens ADD COLUMN scope_node_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
