package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/registry/ledger"
	"linli/storage"
)

// Relations of a person to a household.
const (
	RelOwner  = "owner"
	RelFamily = "family"
	RelTenant = "tenant"
	RelOther  = "other"
)

// RelationLabel is the Chinese word for a relation ("" for an unknown one).
func RelationLabel(r string) string {
	switch r {
	case RelOwner:
		return "业主"
	case RelFamily:
		return "家属"
	case RelTenant:
		return "租户"
	case RelOther:
		return "其他"
	}
	return ""
}

// Member is a person in a household as the service shows it: phone and
// ID number masked (see Reveal).
type Member struct {
	ID       int64  `json:"id"`
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Relation string `json:"relation"`
	IsOwner  bool   `json:"is_owner"`
	Phone    string `json:"phone,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
}

// MemberInput adds a person to a household.
type MemberInput struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	IsOwner  bool   `json:"is_owner"`
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"`
}

func (in *MemberInput) validate() error {
	var v linli.Validation
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = ledger.NormalizePhone(in.Phone)
	in.IDNumber = ledger.NormalizeIDNumber(in.IDNumber)
	switch {
	case in.Name == "":
		v.Add("name", "姓名必填 / name is required")
	case utf8.RuneCountInString(in.Name) > 30:
		v.Add("name", "姓名不超过30字 / name is at most 30 characters")
	}
	if RelationLabel(in.Relation) == "" {
		v.Add("relation", "与户关系应为业主、家属、租户或其他 / relation must be owner, family, tenant or other")
	}
	if in.Relation == RelOwner {
		in.IsOwner = true
	}
	if in.Phone != "" && !ledger.ValidPhone(in.Phone) {
		v.Add("phone", "手机号应为11位手机号码或带区号的固话 / not a valid phone number")
	}
	if in.IDNumber != "" && !ledger.ValidIDNumber(in.IDNumber) {
		v.Add("id_number", "身份证号码无效（18位且校验位正确） / not a valid 18-character ID number")
	}
	return v.Err()
}

// MaskPhone shows the first three and last four digits: 138****5678.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskID shows the first three and last four characters of an ID number.
func MaskID(id string) string { return MaskPhone(id) }

// Reveal returns the plain phone or ID number of a person, if the actor
// holds people.reveal on a household the person belongs to, and records
// that it was read. field is "phone" or "id_number".
func (s *Service) Reveal(ctx context.Context, a *linli.Actor, personID int64, field string) (string, error) {
	if field != "phone" && field != "id_number" {
		return "", linli.Invalid("只能查看手机号或身份证号 / field must be phone or id_number", linli.FieldError{Field: "field", Reason: "只能是 phone 或 id_number / must be phone or id_number"})
	}
	var value string
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var name, phone, idn string
		err := tx.QueryRow(ctx, `SELECT name, phone, id_number FROM people WHERE id = ?`, personID).Scan(&name, &phone, &idn)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("人员", "person")
		}
		if err != nil {
			return err
		}
		paths, err := storage.Scalars[string](ctx, tx, `SELECT h.path FROM household_members m JOIN households h ON h.id = m.household_id WHERE m.person_id = ?`, personID)
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			paths = []string{"/"}
		}
		scope := ""
		for _, p := range paths {
			if a.Can(linli.PermPeopleReveal, p) {
				scope = p
				break
			}
		}
		if scope == "" {
			// Someone the actor sees in no household is answered like
			// nobody: a 403 would tell that the id is a person.
			for _, p := range paths {
				if Sees(a, p) {
					return errForbidden()
				}
			}
			return errNotFound("人员", "person")
		}
		value = phone
		label := "手机号"
		if field == "id_number" {
			value, label = idn, "身份证号"
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "person.reveal", Read: true, Entity: "person", EntityID: personID, ScopePath: scope,
			Summary: fmt.Sprintf("查看「%s」的完整%s", name, label), After: map[string]string{"field": field}})
	})
	return value, err
}

// insertPerson creates a person row and returns its id.
func insertPerson(ctx context.Context, tx *storage.Tx, in MemberInput, now int64) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO people (name, phone, id_number, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		in.Name, in.Phone, in.IDNumber, now, now)
}
