-- The Open311 GeoReport v2 server, issue 13 (package open311).
--
-- An integrator (the city's hotline platform, a residents' app) posts
-- service requests with an api_key. The key is shown once when the account
-- is made; only its SHA-256 is stored (key_hash), with its first
-- characters (key_hint) to tell keys apart on the page. It may report only
-- into the places of its scope (open311_integrator_nodes), at most
-- rate_per_minute requests a minute; a moderated account's requests answer
-- with a token until staff register the case.
CREATE TABLE open311_integrators (
	id {{ID}},
	name TEXT NOT NULL,
	key_hash TEXT NOT NULL,
	key_hint TEXT NOT NULL,
	rate_per_minute INTEGER NOT NULL,
	moderated INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX open311_integrators_key ON open311_integrators(key_hash);

-- The places an integrator may report into (path: the node's, for scope
-- checks by prefix).
CREATE TABLE open311_integrator_nodes (
	integrator_id BIGINT NOT NULL,
	node_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	PRIMARY KEY (integrator_id, node_id)
);

-- A moderated integrator's request: the token it was answered with and
-- the case opened for it.
CREATE TABLE open311_tokens (
	token TEXT NOT NULL PRIMARY KEY,
	integrator_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);

-- The updates integrators posted (FixMyStreet's POST
-- servicerequestupdates): update_ref is the integrator's own update_id, so
-- a repeated post answers the first one's id and adds nothing.
CREATE TABLE open311_updates (
	id {{ID}},
	integrator_id BIGINT NOT NULL,
	case_id BIGINT NOT NULL,
	update_ref TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX open311_updates_ref ON open311_updates(integrator_id, update_ref);
