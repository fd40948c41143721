package mediation

import (
	"context"
	"database/sql"
	"errors"

	"linli"
	"linli/registry"
	"linli/storage"
)

const disputeColumns = `id, number, community_id, location_id, path, committee, type, title, facts, state, case_id, accepted_at, due_date,
	overdue, failed_reason, failed_advice, ended_at, closed_at, public, public_consent, published_at, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanDispute(r scanner) (Dispute, error) {
	var d Dispute
	var acc, due, over, ended, closed, pub, pubAt, cr, up int64
	err := r.Scan(&d.ID, &d.Number, &d.CommunityID, &d.LocationID, &d.path, &d.Committee, &d.Type, &d.Title, &d.Facts, &d.State, &d.CaseID,
		&acc, &due, &over, &d.FailedReason, &d.FailedAdvice, &ended, &closed, &pub, &d.PublicConsent, &pubAt, &cr, &up)
	d.Public, d.PublishedAt = pub != 0, storage.FromMillis(pubAt)
	d.AcceptedAt, d.DueDate, d.Overdue = storage.FromMillis(acc), storage.FromMillis(due), over != 0
	d.EndedAt, d.ClosedAt, d.CreatedAt, d.UpdatedAt = storage.FromMillis(ended), storage.FromMillis(closed), storage.FromMillis(cr), storage.FromMillis(up)
	return d, err
}

// load reads a dispute with its parties and mediators; forUpdate locks the
// row on PostgreSQL (SQLite has one writer).
func (s *Service) load(ctx context.Context, q storage.Querier, id int64, forUpdate bool) (Dispute, error) {
	qs := `SELECT ` + disputeColumns + ` FROM disputes WHERE id = ?`
	if forUpdate && s.db.Dialect == storage.Postgres {
		qs += ` FOR UPDATE`
	}
	d, err := scanDispute(q.QueryRow(ctx, qs, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, errNotFound()
	}
	if err != nil {
		return d, err
	}
	if d.Parties, err = s.parties(ctx, q, id); err != nil {
		return d, err
	}
	d.Mediators, err = s.mediators(ctx, q, id)
	if d.Parties == nil {
		d.Parties = []Party{}
	}
	if d.Mediators == nil {
		d.Mediators = []Mediator{}
	}
	if d.State.Open() {
		d.DaysLeft = DaysLeft(d.DueDate, s.now(), s.zone())
	}
	return d, err
}

func (s *Service) parties(ctx context.Context, q storage.Querier, id int64) ([]Party, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (Party, error) {
		var p Party
		var signed, on, org int64
		err := rows.Scan(&p.ID, &p.Role, &p.HouseholdID, &p.PersonID, &p.Name, &p.Address, &p.Phone, &p.Claims, &signed, &on,
			&p.Sex, &p.Ethnicity, &p.BirthDate, &p.Age, &p.Occupation, &org)
		if p.Phone != "" {
			p.Phone = registry.MaskPhone(p.Phone)
		}
		p.Signed, p.SignedOn, p.Organisation = signed != 0, storage.FromMillis(on), org != 0
		return p, err
	}, `SELECT id, role, household_id, person_id, name, address, phone, claims, signed, signed_on,
		sex, ethnicity, birth_date, age, occupation, organisation FROM dispute_parties WHERE dispute_id = ? ORDER BY sort, id`, id)
}

func (s *Service) mediators(ctx context.Context, q storage.Querier, id int64) ([]Mediator, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (Mediator, error) {
		var m Mediator
		err := rows.Scan(&m.AccountID, &m.Name)
		return m, err
	}, `SELECT account_id, name FROM dispute_mediators WHERE dispute_id = ? ORDER BY account_id`, id)
}

func (s *Service) sessions(ctx context.Context, q storage.Querier, id int64) ([]Session, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (Session, error) {
		var x Session
		var held, cr int64
		err := rows.Scan(&x.ID, &held, &x.Place, &x.Participants, &x.Record, &cr)
		x.HeldAt, x.CreatedAt = storage.FromMillis(held), storage.FromMillis(cr)
		return x, err
	}, `SELECT id, held_at, place, participants, record, created_at FROM dispute_sessions WHERE dispute_id = ? ORDER BY held_at, id`, id)
}

// agreement reads the agreement and works out what is missing. A dispute
// without a saved agreement gets a blank one (Exists false) with the
// facts and the default copies filled in, as the editor starts.
func (s *Service) agreement(ctx context.Context, q storage.Querier, d Dispute) (Agreement, error) {
	var ag Agreement
	var med, medOn, sealed, sealedOn, signedAt, eff, deadline, choiceAt, oral, agreedOn int64
	err := q.QueryRow(ctx, `SELECT facts, matters, responsibilities, performance, copies, copies_held_by, mediator_signed, mediator_signed_on,
		sealed, sealed_on, signed_at, effective_on, court_deadline, court_choice, court_choice_at, oral, agreed_on FROM dispute_agreements WHERE dispute_id = ?`, d.ID).
		Scan(&ag.Facts, &ag.Matters, &ag.Responsibilities, &ag.Performance, &ag.Copies, &ag.CopiesHeldBy, &med, &medOn,
			&sealed, &sealedOn, &signedAt, &eff, &deadline, &ag.CourtChoice, &choiceAt, &oral, &agreedOn)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		ag = Agreement{Facts: d.Facts, Copies: len(d.Parties) + 1, CopiesHeldBy: DefaultCopiesHeldBy}
	case err != nil:
		return ag, err
	default:
		ag.Exists = true
		ag.MediatorSigned, ag.MediatorSignedOn = med != 0, storage.FromMillis(medOn)
		ag.Sealed, ag.SealedOn = sealed != 0, storage.FromMillis(sealedOn)
		ag.SignedAt, ag.EffectiveOn, ag.CourtDeadline = storage.FromMillis(signedAt), storage.FromMillis(eff), storage.FromMillis(deadline)
		ag.CourtChoiceAt = storage.FromMillis(choiceAt)
		ag.Oral, ag.AgreedOn = oral != 0, storage.FromMillis(agreedOn)
		if ag.Terms, err = storage.Select(ctx, q, func(rows *sql.Rows) (Term, error) {
			var t Term
			var dl int64
			err := rows.Scan(&t.What, &t.How, &dl, &t.AmountFen)
			t.Deadline = storage.FromMillis(dl)
			return t, err
		}, `SELECT what, how, deadline, amount_fen FROM dispute_terms WHERE dispute_id = ? ORDER BY sort, id`, d.ID); err != nil {
			return ag, err
		}
	}
	if ag.Terms == nil {
		ag.Terms = []Term{}
	}
	ag.Missing = Missing(d.Parties, len(d.Mediators), ag)
	if ag.Missing == nil {
		ag.Missing = []linli.FieldError{}
	}
	return ag, nil
}

func (s *Service) followUps(ctx context.Context, q storage.Querier, id int64) ([]FollowUp, error) {
	return storage.Select(ctx, q, func(rows *sql.Rows) (FollowUp, error) {
		var f FollowUp
		var on, cr int64
		err := rows.Scan(&f.ID, &on, &f.Performance, &f.Satisfaction, &f.Risk, &f.Notes, &f.VisitorName, &cr)
		f.VisitedOn, f.CreatedAt = storage.FromMillis(on), storage.FromMillis(cr)
		return f, err
	}, `SELECT id, visited_on, performance, satisfaction, risk, notes, visitor_name, created_at
		FROM dispute_followups WHERE dispute_id = ? ORDER BY visited_on, id`, id)
}
