-- Notices (通知公告) and warnings (预警), issue 11. A notice is written by
-- community staff or above, targets nodes of the tree × kinds of people
-- (households, a role, or an audience another capability registers), and
-- is published now or at a time (a durable timer). At publication its
-- recipients are resolved once into notice_recipients, each with its own
-- status: sent, delivered (its outbox row went out), read, acknowledged;
-- those nobody reached are called by grid workers (notice_calls).
CREATE TABLE notices (
	id {{ID}},
	community_id BIGINT NOT NULL DEFAULT 0,
	path TEXT NOT NULL,              -- the lowest node above every target node
	title TEXT NOT NULL,
	body TEXT NOT NULL,              -- plain text; shown escaped, line breaks kept
	urgency TEXT NOT NULL,           -- ordinary | important | warning
	valid_from BIGINT NOT NULL DEFAULT 0,  -- a warning's validity window
	valid_until BIGINT NOT NULL DEFAULT 0,
	publish_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL DEFAULT 0,
	ack_required INTEGER NOT NULL DEFAULT 0,
	public INTEGER NOT NULL DEFAULT 0,
	state TEXT NOT NULL,             -- scheduled | published | withdrawn
	published_at BIGINT NOT NULL DEFAULT 0,
	author TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX notices_path ON notices(path, publish_at);
CREATE INDEX notices_public ON notices(public, state, publish_at);

-- What a notice targets: nodes, and the kinds of people on them
-- ("households", a role, or "audience:<key>").
CREATE TABLE notice_targets (
	notice_id BIGINT NOT NULL,
	node_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notice_targets_notice ON notice_targets(notice_id);

-- One row per account or per household without an account. phone is the
-- number an SMS went to (kept as sent, shown masked, revealed audited).
CREATE TABLE notice_recipients (
	id {{ID}},
	notice_id BIGINT NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	household_id BIGINT NOT NULL DEFAULT 0,
	path TEXT NOT NULL DEFAULT '',   -- the household's path, or the node of the role
	name TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL,           -- app | sms | none
	outbox_id BIGINT NOT NULL DEFAULT 0,
	building TEXT NOT NULL DEFAULT '',  -- estate + building, for the follow-up list
	room TEXT NOT NULL DEFAULT '',
	sent_at BIGINT NOT NULL DEFAULT 0,
	read_at BIGINT NOT NULL DEFAULT 0,
	acked_at BIGINT NOT NULL DEFAULT 0,
	reached_by_call BIGINT NOT NULL DEFAULT 0 -- when a call reached them (已接通, 表示会处理)
);
CREATE INDEX notice_recipients_notice ON notice_recipients(notice_id, building, room);
CREATE INDEX notice_recipients_account ON notice_recipients(account_id, notice_id);
CREATE INDEX notice_recipients_household ON notice_recipients(household_id, notice_id);

-- The phone-call log (电话告知) for those who cannot read.
CREATE TABLE notice_calls (
	id {{ID}},
	notice_id BIGINT NOT NULL,
	recipient_id BIGINT NOT NULL,
	outcome TEXT NOT NULL,           -- reached | no_answer | wrong_number | will_fix
	note TEXT NOT NULL DEFAULT '',
	by_account BIGINT NOT NULL,
	by_name TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL,
	-- A call logged from a phone that was offline is sent again when the
	-- network returns: the key its form carried makes the resend the same call.
	idempotency_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notice_calls_recipient ON notice_calls(recipient_id, at);
CREATE UNIQUE INDEX notice_calls_key ON notice_calls(by_account, idempotency_key) WHERE idempotency_key <> '';
