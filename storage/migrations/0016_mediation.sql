-- People's mediation (人民调解法, 2011). A dispute is accepted by the
-- community's people's mediation committee, mediated in sessions, and ends
-- in a written agreement (art. 28–29) or in failure; the committee then
-- supervises performance (art. 31) and visits the parties (回访).
-- Ids of places, households, accounts and cases are plain BIGINT columns:
-- those tables belong to other capabilities.
-- state: accepted | mediating | agreed | failed | closed.
-- Dates that are days (due_date, court_deadline, signature dates) are the
-- local midnight of that day, in ms UTC.
CREATE TABLE disputes (
	id {{ID}},
	number TEXT NOT NULL,
	street_id BIGINT NOT NULL,
	year INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	community_id BIGINT NOT NULL,
	location_id BIGINT NOT NULL,
	path TEXT NOT NULL,
	committee TEXT NOT NULL,
	type TEXT NOT NULL,
	title TEXT NOT NULL,
	facts TEXT NOT NULL,
	state TEXT NOT NULL,
	case_id BIGINT NOT NULL DEFAULT 0,
	accepted_at BIGINT NOT NULL,
	due_date BIGINT NOT NULL,
	overdue INTEGER NOT NULL DEFAULT 0,
	failed_reason TEXT NOT NULL DEFAULT '',
	failed_advice TEXT NOT NULL DEFAULT '',
	ended_at BIGINT NOT NULL DEFAULT 0,
	closed_at BIGINT NOT NULL DEFAULT 0,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX disputes_number ON disputes(street_id, year, seq);
CREATE INDEX disputes_path ON disputes(path);
CREATE INDEX disputes_case ON disputes(case_id);
-- Numbers run per street and year: （2026）东城调字第12号.
CREATE TABLE dispute_counters (
	street_id BIGINT NOT NULL,
	year INTEGER NOT NULL,
	last INTEGER NOT NULL,
	PRIMARY KEY (street_id, year)
);
-- role: applicant | respondent. phone is shown masked, always.
-- signed/signed_on: the party's signature (or seal, or fingerprint) on the
-- agreement (art. 29).
CREATE TABLE dispute_parties (
	id {{ID}},
	dispute_id BIGINT NOT NULL REFERENCES disputes(id),
	sort INTEGER NOT NULL,
	role TEXT NOT NULL,
	household_id BIGINT NOT NULL DEFAULT 0,
	person_id BIGINT NOT NULL DEFAULT 0,
	name TEXT NOT NULL,
	address TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	claims TEXT NOT NULL DEFAULT '',
	signed INTEGER NOT NULL DEFAULT 0,
	signed_on BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX dispute_parties_dispute ON dispute_parties(dispute_id, sort);
CREATE INDEX dispute_parties_household ON dispute_parties(household_id);
CREATE TABLE dispute_mediators (
	dispute_id BIGINT NOT NULL REFERENCES disputes(id),
	account_id BIGINT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (dispute_id, account_id)
);
CREATE INDEX dispute_mediators_account ON dispute_mediators(account_id);
CREATE TABLE dispute_sessions (
	id {{ID}},
	dispute_id BIGINT NOT NULL REFERENCES disputes(id),
	held_at BIGINT NOT NULL,
	place TEXT NOT NULL,
	participants TEXT NOT NULL,
	record TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX dispute_sessions_dispute ON dispute_sessions(dispute_id, held_at);
-- The written agreement (调解协议书), one per dispute. court_choice:
-- '' | applied | not_applying (art. 33: the parties may jointly apply to a
-- court within 30 days of the agreement taking effect).
CREATE TABLE dispute_agreements (
	dispute_id BIGINT NOT NULL PRIMARY KEY REFERENCES disputes(id),
	facts TEXT NOT NULL,
	matters TEXT NOT NULL,
	responsibilities TEXT NOT NULL,
	performance TEXT NOT NULL DEFAULT '',
	copies INTEGER NOT NULL,
	copies_held_by TEXT NOT NULL,
	mediator_signed INTEGER NOT NULL DEFAULT 0,
	mediator_signed_on BIGINT NOT NULL DEFAULT 0,
	sealed INTEGER NOT NULL DEFAULT 0,
	sealed_on BIGINT NOT NULL DEFAULT 0,
	signed_at BIGINT NOT NULL DEFAULT 0,
	effective_on BIGINT NOT NULL DEFAULT 0,
	court_deadline BIGINT NOT NULL DEFAULT 0,
	court_choice TEXT NOT NULL DEFAULT '',
	court_choice_at BIGINT NOT NULL DEFAULT 0,
	reminded_at BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL
);
-- Agreed terms: what, how it is performed (方式), by when (期限); amount in
-- fen when the term is a payment.
CREATE TABLE dispute_terms (
	id {{ID}},
	dispute_id BIGINT NOT NULL REFERENCES disputes(id),
	sort INTEGER NOT NULL,
	what TEXT NOT NULL,
	how TEXT NOT NULL,
	deadline BIGINT NOT NULL DEFAULT 0,
	amount_fen BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX dispute_terms_dispute ON dispute_terms(dispute_id, sort);
-- performance: full | partial | none; satisfaction: satisfied | basic |
-- unsatisfied; risk: none | low | high.
CREATE TABLE dispute_followups (
	id {{ID}},
	dispute_id BIGINT NOT NULL REFERENCES disputes(id),
	visited_on BIGINT NOT NULL,
	performance TEXT NOT NULL,
	satisfaction TEXT NOT NULL,
	risk TEXT NOT NULL,
	notes TEXT NOT NULL DEFAULT '',
	visitor_id BIGINT NOT NULL DEFAULT 0,
	visitor_name TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX dispute_followups_dispute ON dispute_followups(dispute_id, visited_on);
