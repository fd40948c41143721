-- Gate cameras and their alerts, issue 12. Linli stores no video and runs
-- no detection: it takes the events of the analytics a community already
-- runs (Frigate, GB/T 28181 devices, an HTTP box), applies the
-- community's rules and raises alerts a guard handles.
--
-- A camera (monitoring point) stands on a node of the tree: an estate (its
-- gate) or a building or unit (its entrance); path is that node's path, for
-- scope checks. It reports through one source: source is the kind
-- (frigate | gb28181 | http) and source_ref the source's own name of it (a
-- Frigate camera name, a GB/T 28181 device or channel ID). A camera is
-- draft until its privacy record is complete, then active or inactive.
CREATE TABLE cameras (
	id {{ID}},
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	node_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	direction TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL,
	source_ref TEXT NOT NULL,
	snapshots INTEGER NOT NULL DEFAULT 0,   -- snapshots may be stored (privacy record)
	state TEXT NOT NULL,                    -- draft | active | inactive
	last_heartbeat BIGINT NOT NULL DEFAULT 0,
	dropped BIGINT NOT NULL DEFAULT 0,      -- events dropped while not active
	created_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cameras_code ON cameras(code);
CREATE UNIQUE INDEX cameras_source ON cameras(source, source_ref);
CREATE INDEX cameras_path ON cameras(path, state);

-- A camera's zones: name (as the analytics calls it) and what it covers.
CREATE TABLE camera_zones (
	id {{ID}},
	camera_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	covers TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX camera_zones_name ON camera_zones(camera_id, name);

-- The privacy record (PIPL art. 26; the regulation on public video
-- surveillance in force 2025-04-01): why the camera is there, the
-- residents' consultation that decided it (a meeting or a visit, by
-- consult_kind and consult_id; also a row in links), the confirmation that
-- no balcony, window or private space is in view with the photo of the
-- view and the mask polygons (JSON: [[[x,y],…],…] in 0..1 of the frame),
-- the signage photo and text, who reviewed it and when. Photos are
-- attachments (attach).
CREATE TABLE camera_privacy (
	camera_id BIGINT NOT NULL PRIMARY KEY,
	purpose TEXT NOT NULL DEFAULT '',
	consult_kind TEXT NOT NULL DEFAULT '',
	consult_id BIGINT NOT NULL DEFAULT 0,
	no_private_view INTEGER NOT NULL DEFAULT 0,
	view_photo_id BIGINT NOT NULL DEFAULT 0,
	masks TEXT NOT NULL DEFAULT '',
	signage_photo_id BIGINT NOT NULL DEFAULT 0,
	signage_text TEXT NOT NULL DEFAULT '',
	reviewer TEXT NOT NULL DEFAULT '',
	reviewed_on TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD
	updated_by BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL DEFAULT 0
);

-- Who may post events over HTTP (a token, stored as its SHA-256, shown
-- once) and which GB/T 28181 devices may register (their digest password:
-- SIP digest authentication needs the secret itself).
CREATE TABLE camera_sources (
	id {{ID}},
	kind TEXT NOT NULL,                     -- http | gb28181
	name TEXT NOT NULL,
	path TEXT NOT NULL,                     -- the estate it reports for
	token_hash TEXT NOT NULL DEFAULT '',
	device_id TEXT NOT NULL DEFAULT '',
	secret TEXT NOT NULL DEFAULT '',
	revoked_at BIGINT NOT NULL DEFAULT 0,
	created_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX camera_sources_token ON camera_sources(token_hash);
CREATE INDEX camera_sources_device ON camera_sources(kind, device_id);

-- One row per event of a source (source, event_id): Frigate's new, update
-- and end of one object share its id, so the row holds the latest message
-- (an older one arriving late is counted, not applied; the same one twice
-- is nothing). raw is the latest message as received, kept for the
-- retention period (then emptied).
CREATE TABLE camera_events (
	id {{ID}},
	source TEXT NOT NULL,
	event_id TEXT NOT NULL,
	camera_id BIGINT NOT NULL,
	kind TEXT NOT NULL,
	label TEXT NOT NULL DEFAULT '',
	score DOUBLE PRECISION NOT NULL DEFAULT 0,
	zones TEXT NOT NULL DEFAULT '',
	start_at BIGINT NOT NULL,
	at BIGINT NOT NULL,
	end_at BIGINT NOT NULL DEFAULT 0,
	raw {{BLOB}},
	received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX camera_events_key ON camera_events(source, event_id);
CREATE INDEX camera_events_camera ON camera_events(camera_id, at);
CREATE INDEX camera_events_received ON camera_events(received_at);

-- The community's rules for a camera (zone '' = any zone): loiter (labels
-- in the zone ≥ seconds, during from_minute..to_minute of the day, which
-- may cross midnight; cooldown per object and zone), night_entry (entry
-- into the zone during the hours), reappear (the same object or label
-- count times within window seconds), offline (no heartbeat for seconds).
CREATE TABLE camera_rules (
	id {{ID}},
	camera_id BIGINT NOT NULL,
	kind TEXT NOT NULL,
	zone TEXT NOT NULL DEFAULT '',
	labels TEXT NOT NULL DEFAULT '',        -- comma-separated; '' = any
	seconds BIGINT NOT NULL DEFAULT 0,
	from_minute INTEGER NOT NULL DEFAULT 0,
	to_minute INTEGER NOT NULL DEFAULT 0,   -- from = to: all day
	cooldown BIGINT NOT NULL DEFAULT 0,
	count INTEGER NOT NULL DEFAULT 0,
	enabled INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX camera_rules_camera ON camera_rules(camera_id);

-- An alert a rule raised: open → acknowledged → handled | false_alarm, or
-- escalated to a case. path is the camera's, for scope checks and the
-- guard's board.
CREATE TABLE camera_alerts (
	id {{ID}},
	camera_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	rule_id BIGINT NOT NULL DEFAULT 0,
	rule_kind TEXT NOT NULL,
	source TEXT NOT NULL DEFAULT '',
	event_id TEXT NOT NULL DEFAULT '',
	label TEXT NOT NULL DEFAULT '',
	score DOUBLE PRECISION NOT NULL DEFAULT 0,
	zone TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL,                     -- the event's own time
	state TEXT NOT NULL,
	ack_by BIGINT NOT NULL DEFAULT 0,
	ack_name TEXT NOT NULL DEFAULT '',
	ack_at BIGINT NOT NULL DEFAULT 0,
	ack_note TEXT NOT NULL DEFAULT '',
	closed_by BIGINT NOT NULL DEFAULT 0,
	closed_at BIGINT NOT NULL DEFAULT 0,
	close_note TEXT NOT NULL DEFAULT '',
	case_id BIGINT NOT NULL DEFAULT 0,
	snapshot_id BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX camera_alerts_board ON camera_alerts(path, state, at);
CREATE INDEX camera_alerts_camera ON camera_alerts(camera_id, at);

-- What happened to alerts, in order: the guard-room board's stream. Its id
-- is the Last-Event-ID a reconnecting board resumes from, one sequence
-- across every estate.
CREATE TABLE camera_alert_log (
	id {{ID}},
	alert_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	what TEXT NOT NULL,                     -- raised | acknowledged | handled | false_alarm | escalated
	at BIGINT NOT NULL
);
CREATE INDEX camera_alert_log_path ON camera_alert_log(path, id);

-- Snapshots, stored only where the camera allows it, deleted after the
-- retention period (the alert stays).
CREATE TABLE camera_snapshots (
	id {{ID}},
	camera_id BIGINT NOT NULL,
	alert_id BIGINT NOT NULL DEFAULT 0,
	mime TEXT NOT NULL,
	data {{BLOB}} NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX camera_snapshots_created ON camera_snapshots(created_at);
