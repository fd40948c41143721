package meetings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"linli"
	"linli/storage"
)

// SignIn records an attendee on the sign-in sheet: staff, grid workers and
// building or unit heads of the scope sign in an invited account, an
// invited household's representative (Name) or a walk-in by name. Signing
// in the same attendee again returns the first sign-in. A cancelled
// meeting, or one whose minutes are published, takes no sign-ins (409).
func (s *Service) SignIn(ctx context.Context, a *linli.Actor, id int64, in SignInInput) (Attendance, error) {
	if err := in.validate(); err != nil {
		return Attendance{}, err
	}
	var t Attendance
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		x, err := s.accessTo(ctx, tx, a, m)
		if err != nil {
			return err
		}
		if !x.signIn {
			if x.read() {
				return linli.Errorf(linli.EForbidden, "无权为他人签到 / not allowed to sign others in")
			}
			return errNotFound()
		}
		if m.State != Planned && m.State != Held {
			return errState(m, "签到 / sign in")
		}
		t = Attendance{AccountID: in.AccountID, HouseholdID: in.HouseholdID, Name: in.Name}
		var who string
		switch {
		case in.AccountID != 0:
			who = "account:" + itoa(in.AccountID)
			if err := tx.QueryRow(ctx, `SELECT name FROM meeting_invitees WHERE meeting_id = ? AND account_id = ? AND household_id = 0`, id, in.AccountID).Scan(&t.Name); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return linli.Invalid("该账号未受邀 / this account is not invited", linli.FieldError{Field: "account_id", Reason: "未受邀，请按姓名签到 / not invited: sign in by name"})
				}
				return err
			}
		case in.HouseholdID != 0:
			who = "household:" + itoa(in.HouseholdID)
			if err := tx.QueryRow(ctx, `SELECT name FROM meeting_invitees WHERE meeting_id = ? AND household_id = ?`, id, in.HouseholdID).Scan(&t.Household); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return linli.Invalid("该住户未受邀 / this household is not invited", linli.FieldError{Field: "household_id", Reason: "未受邀，请按姓名签到 / not invited: sign in by name"})
				}
				return err
			}
		default:
			who = "name:" + in.Name
		}
		t, err = s.signIn(ctx, tx, a, m, who, t, false)
		return err
	})
	return t, err
}

// CheckIn signs the actor in on their own phone: an invited account, or a
// resident of an invited household (as its representative), from
// SelfSignInEarly before the start until the end (409 outside it).
func (s *Service) CheckIn(ctx context.Context, a *linli.Actor, id int64) (Attendance, error) {
	var t Attendance
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		m, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		x, err := s.accessTo(ctx, tx, a, m)
		if err != nil {
			return err
		}
		if !x.invited() {
			if x.read() {
				return linli.Errorf(linli.EForbidden, "只有受邀人可以自行签到 / only invitees sign themselves in")
			}
			return errNotFound()
		}
		if m.State != Planned && m.State != Held {
			return errState(m, "签到 / sign in")
		}
		now := s.now()
		if !s.inWindow(m, now) {
			z := s.zone()
			return linli.Errorf(linli.EConflict, "不在签到时间内（%s至%s） / sign-in is open from %s to %s",
				m.StartsAt.Add(-SelfSignInEarly).In(z).Format("1月2日 15:04"), m.EndsAt.In(z).Format("15:04"),
				m.StartsAt.Add(-SelfSignInEarly).In(z).Format("2006-01-02 15:04"), m.EndsAt.In(z).Format("15:04"))
		}
		name := a.DisplayName
		if name == "" {
			name = a.Username
		}
		var who string
		if x.account {
			who = "account:" + itoa(a.AccountID)
			t = Attendance{AccountID: a.AccountID, Name: name}
		} else {
			h := x.households[0]
			who = "household:" + itoa(h)
			t = Attendance{AccountID: a.AccountID, HouseholdID: h, Name: name}
			if err := tx.QueryRow(ctx, `SELECT name FROM meeting_invitees WHERE meeting_id = ? AND household_id = ?`, id, h).Scan(&t.Household); err != nil {
				return err
			}
		}
		t, err = s.signIn(ctx, tx, a, m, who, t, true)
		return err
	})
	return t, err
}

// signIn writes the sign-in unless the attendee already signed in, in
// which case the first sign-in is returned unchanged.
func (s *Service) signIn(ctx context.Context, tx *storage.Tx, a *linli.Actor, m Meeting, who string, t Attendance, self bool) (Attendance, error) {
	if prev, err := s.attendanceBy(ctx, tx, m.ID, who); err == nil {
		return prev, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return t, err
	}
	now := s.now()
	t.SignedAt, t.SignedBy, t.Self = now, a.AccountID, self
	var err error
	t.ID, err = tx.Insert(ctx, `INSERT INTO meeting_attendance (meeting_id, who, account_id, household_id, name, signed_at, signed_by, self) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, who, t.AccountID, t.HouseholdID, t.Name, storage.Millis(now), a.AccountID, storage.Int(self))
	if err != nil {
		return t, err
	}
	if err := s.touch(ctx, tx, m.ID, now); err != nil {
		return t, err
	}
	label := t.Name
	if t.Household != "" {
		label = t.Household + " " + t.Name
	}
	how := "签到"
	if self {
		how = "自行签到"
	}
	return t, record(ctx, tx, a, now, m, "sign_in", fmt.Sprintf("%s在「%s」%s", label, m.Title, how), nil, t)
}

const attendanceColumns = `t.id, t.account_id, t.household_id, t.name, COALESCE(i.name, ''), t.signed_at, t.signed_by, t.self`

// attendanceFrom joins a household's label from its invitation.
const attendanceFrom = ` FROM meeting_attendance t LEFT JOIN meeting_invitees i ON i.meeting_id = t.meeting_id AND t.household_id <> 0 AND i.household_id = t.household_id`

func scanAttendance(r scanner) (Attendance, error) {
	var t Attendance
	var at, self int64
	err := r.Scan(&t.ID, &t.AccountID, &t.HouseholdID, &t.Name, &t.Household, &at, &t.SignedBy, &self)
	t.SignedAt, t.Self = storage.FromMillis(at), self != 0
	return t, err
}

func (s *Service) attendanceBy(ctx context.Context, q storage.Querier, id int64, who string) (Attendance, error) {
	return scanAttendance(q.QueryRow(ctx, `SELECT `+attendanceColumns+attendanceFrom+` WHERE t.meeting_id = ? AND t.who = ?`, id, who))
}

// attendance lists the sign-ins in the order people arrived.
func (s *Service) attendance(ctx context.Context, q storage.Querier, id int64) ([]Attendance, error) {
	out, err := storage.Select(ctx, q, func(rows *sql.Rows) (Attendance, error) { return scanAttendance(rows) },
		`SELECT `+attendanceColumns+attendanceFrom+` WHERE t.meeting_id = ? ORDER BY t.signed_at, t.id`, id)
	return nonNil(out), err
}
