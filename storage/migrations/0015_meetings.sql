-- Coordination meetings (协调会、议事会、听证会): who was invited, the
-- agenda, who signed in, the minutes, the decisions and the follow-up
-- actions. Places, households, accounts and cases are referenced by id
-- without foreign keys: those tables belong to other capabilities.
CREATE TABLE meetings (
	id {{ID}},
	community_id BIGINT NOT NULL,
	scope_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	subject_kind TEXT NOT NULL DEFAULT '',
	subject_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	place TEXT NOT NULL,
	host TEXT NOT NULL,
	state TEXT NOT NULL,
	minutes TEXT NOT NULL DEFAULT '',
	recorder TEXT NOT NULL DEFAULT '',
	cancel_reason TEXT NOT NULL DEFAULT '',
	held_at BIGINT NOT NULL DEFAULT 0,
	published_at BIGINT NOT NULL DEFAULT 0,
	cancelled_at BIGINT NOT NULL DEFAULT 0,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_path ON meetings(path);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE meeting_agenda (
	id {{ID}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	seq INTEGER NOT NULL,
	title TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX meeting_agenda_seq ON meeting_agenda(meeting_id, seq);

-- An invitee is an account (account_id) or a household (household_id).
CREATE TABLE meeting_invitees (
	id {{ID}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	account_id BIGINT NOT NULL DEFAULT 0,
	household_id BIGINT NOT NULL DEFAULT 0,
	name TEXT NOT NULL,
	invited_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX meeting_invitees_who ON meeting_invitees(meeting_id, account_id, household_id);
CREATE INDEX meeting_invitees_account ON meeting_invitees(account_id);
CREATE INDEX meeting_invitees_household ON meeting_invitees(household_id);

-- who is "account:12", "household:34" or "name:张三" (a walk-in), so one
-- person or household signs in once.
CREATE TABLE meeting_attendance (
	id {{ID}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	who TEXT NOT NULL,
	account_id BIGINT NOT NULL DEFAULT 0,
	household_id BIGINT NOT NULL DEFAULT 0,
	name TEXT NOT NULL,
	signed_at BIGINT NOT NULL,
	signed_by BIGINT NOT NULL DEFAULT 0,
	self INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX meeting_attendance_who ON meeting_attendance(meeting_id, who);

CREATE TABLE meeting_decisions (
	id {{ID}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	seq INTEGER NOT NULL,
	text TEXT NOT NULL,
	has_votes INTEGER NOT NULL DEFAULT 0,
	votes_for INTEGER NOT NULL DEFAULT 0,
	votes_against INTEGER NOT NULL DEFAULT 0,
	votes_abstain INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX meeting_decisions_seq ON meeting_decisions(meeting_id, seq);

-- A follow-up action is a task (state open → done) or became a case
-- (state case, case_id). claim_at/claim_by mark a conversion to a case in
-- flight: Open runs in its own transaction, so a retry must find the case
-- an interrupted attempt may have made instead of opening a second one.
CREATE TABLE meeting_actions (
	id {{ID}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	seq INTEGER NOT NULL,
	title TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	owner_account_id BIGINT NOT NULL DEFAULT 0,
	owner_name TEXT NOT NULL,
	due_on TEXT NOT NULL,
	state TEXT NOT NULL,
	done_note TEXT NOT NULL DEFAULT '',
	done_at BIGINT NOT NULL DEFAULT 0,
	case_id BIGINT NOT NULL DEFAULT 0,
	claim_at BIGINT NOT NULL DEFAULT 0,
	claim_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX meeting_actions_seq ON meeting_actions(meeting_id, seq);
CREATE INDEX meeting_actions_owner ON meeting_actions(owner_account_id);
