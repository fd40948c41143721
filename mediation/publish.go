package mediation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/storage"
)

// Publish puts a closed dispute (agreement performed, found so at the
// follow-up visit) on the community's public happiness list. Mediation is
// private, and in a small building the kind of dispute, the building and
// the date identify the households, so it is published only with both
// parties' consent: in.Consent records how they agreed (422 when empty).
// A dispute not yet closed, or already public, is 409. Managers and the
// dispute's mediators may publish; parties get 403, anyone else 404.
func (s *Service) Publish(ctx context.Context, a *linli.Actor, id int64, in PublishInput) (Detail, error) {
	in.Consent = strings.TrimSpace(in.Consent)
	var v linli.Validation
	if in.Consent == "" {
		v.Add("consent", "请记录双方当事人如何同意公开（如：回访时口头同意，由谁记录） / record how both parties agreed to publication")
	}
	tooLong(&v, "consent", in.Consent, 500)
	if err := v.Err(); err != nil {
		return Detail{}, err
	}
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if d.State != Closed {
			return audit.Change{}, errState(d, "公开到幸福清单 / only a dispute whose agreement was performed may be published")
		}
		if d.Public {
			return audit.Change{}, linli.Errorf(linli.EConflict, "案件已公开 / the dispute is already published")
		}
		if _, err := tx.Exec(ctx, `UPDATE disputes SET public = 1, public_consent = ?, published_at = ?, published_by = ? WHERE id = ?`,
			in.Consent, storage.Millis(now), a.AccountID, id); err != nil {
			return audit.Change{}, err
		}
		return audit.Change{Action: "dispute.publish", Summary: fmt.Sprintf("公开 %s 到幸福清单：%s", d.Number, in.Consent),
			Before: map[string]any{"public": false}, After: map[string]any{"public": true, "consent": in.Consent}}, nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// Unpublish takes a dispute off the public happiness list (a party
// withdrew consent, or it was published by mistake); 409 when it is not
// public.
func (s *Service) Unpublish(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	err := s.change(ctx, a, id, func(tx *storage.Tx, d Dispute, now time.Time) (audit.Change, error) {
		if !d.Public {
			return audit.Change{}, linli.Errorf(linli.EConflict, "案件未公开 / the dispute is not published")
		}
		if _, err := tx.Exec(ctx, `UPDATE disputes SET public = 0, public_consent = '', published_at = 0, published_by = 0 WHERE id = ?`, id); err != nil {
			return audit.Change{}, err
		}
		return audit.Change{Action: "dispute.unpublish", Summary: fmt.Sprintf("撤回 %s 的公开", d.Number),
			Before: map[string]any{"public": true, "consent": d.PublicConsent, "published_at": d.PublishedAt}, After: map[string]any{"public": false}}, nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// RevealPhone returns a party's full phone number to a manager or mediator
// of the dispute, who must call the parties, and records that it was
// read. Parties get 403, anyone else 404. A party taken from the register
// is shown the register's current number; one typed in, the number typed.
// The phone is empty when none is recorded.
func (s *Service) RevealPhone(ctx context.Context, a *linli.Actor, id, partyID int64) (PartyPhone, error) {
	d, err := s.load(ctx, s.db, id, false)
	if err != nil {
		return PartyPhone{}, err
	}
	if !canManage(a, d) {
		if isParty(a, d) {
			return PartyPhone{}, linli.Errorf(linli.EForbidden, "当事人不能查看对方的完整手机号 / parties cannot see full phone numbers")
		}
		return PartyPhone{}, errNotFound()
	}
	var out PartyPhone
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var role, stored string
		var personID int64
		err := tx.QueryRow(ctx, `SELECT id, role, person_id, name, phone FROM dispute_parties WHERE id = ? AND dispute_id = ?`, partyID, id).
			Scan(&out.PartyID, &role, &personID, &out.Name, &stored)
		if errors.Is(err, sql.ErrNoRows) {
			return linli.Errorf(linli.ENotFound, "当事人不存在 / no such party in this dispute")
		}
		if err != nil {
			return err
		}
		out.Phone = stored
		// A party from the register is stored with the masked number. The
		// register's number is read only for a person living in the
		// dispute's community: a party row that names someone elsewhere
		// (accepted before parties were checked) must not become a way to
		// read another community's register; it shows no number.
		if (stored == "" || strings.Contains(stored, "*")) && personID != 0 {
			comm, err := s.reg.NodeByID(ctx, d.CommunityID)
			if err != nil {
				return err
			}
			_, in, err := s.reg.PersonIn(ctx, tx, linli.System(), personID, comm.Path)
			if err != nil {
				return err
			}
			if in {
				person, err := s.reg.Person(ctx, tx, personID)
				if err != nil && linli.ErrorCode(err) != linli.ENotFound {
					return err
				}
				if err == nil {
					out.Phone = person.Phone
				}
			}
		}
		if strings.Contains(out.Phone, "*") {
			out.Phone = ""
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "dispute.reveal", Read: true, Entity: "dispute", EntityID: id, ScopePath: d.path,
			Summary: fmt.Sprintf("查看调解 %s %s「%s」的完整手机号", d.Number, RoleLabel(role), out.Name),
			After:   map[string]any{"party_id": partyID, "field": "phone"}})
	})
	if err != nil {
		return PartyPhone{}, err
	}
	return out, nil
}

// PartyCopy returns the dispute with its agreement for printing the
// parties' copies (当事人收执本): each party's basic situation in full, the
// contact number unmasked, as the agreement template prints it. Only a
// manager or mediator of the dispute prints it, and every print is
// recorded in the audit log of the dispute's community, as a reveal is.
// The register's number is used only for a person of the dispute's
// community (see RevealPhone).
func (s *Service) PartyCopy(ctx context.Context, a *linli.Actor, id int64) (Detail, error) {
	d, err := s.load(ctx, s.db, id, false)
	if err != nil {
		return Detail{}, err
	}
	if !canManage(a, d) {
		if isParty(a, d) {
			return Detail{}, linli.Errorf(linli.EForbidden, "当事人不能打印含完整联系方式的收执本 / parties cannot print the copies with full contacts")
		}
		return Detail{}, errNotFound()
	}
	det, err := s.Get(ctx, a, id)
	if err != nil {
		return Detail{}, err
	}
	comm, err := s.reg.NodeByID(ctx, d.CommunityID)
	if err != nil {
		return Detail{}, err
	}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		for i, p := range det.Dispute.Parties {
			var stored string
			var personID int64
			if err := tx.QueryRow(ctx, `SELECT person_id, phone FROM dispute_parties WHERE id = ?`, p.ID).Scan(&personID, &stored); err != nil {
				return err
			}
			phone := stored
			if (stored == "" || strings.Contains(stored, "*")) && personID != 0 {
				_, in, err := s.reg.PersonIn(ctx, tx, linli.System(), personID, comm.Path)
				if err != nil {
					return err
				}
				if in {
					person, err := s.reg.Person(ctx, tx, personID)
					if err != nil && linli.ErrorCode(err) != linli.ENotFound {
						return err
					}
					if err == nil {
						phone = person.Phone
					}
				}
			}
			if strings.Contains(phone, "*") {
				phone = ""
			}
			det.Dispute.Parties[i].Phone = phone
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "dispute.print_copy", Entity: "dispute", EntityID: id, ScopePath: d.path,
			Summary: fmt.Sprintf("打印调解 %s 的当事人收执本（含完整联系方式）", d.Number),
			After:   map[string]any{"parties": len(det.Dispute.Parties), "field": "phone"}})
	})
	if err != nil {
		return Detail{}, err
	}
	det.PartyCopy = true
	return det, nil
}
