package cases

import (
	"context"
	"fmt"

	"linli"
	"linli/audit"
	"linli/registry"
	"linli/storage"
)

// Contact is how a handler reaches a case's reporter: the phone masked
// (138****5678) until revealed.
type Contact struct {
	Name        string `json:"name"`
	PhoneMasked string `json:"phone_masked"`
}

// mayContact: the people who work the case — staff managing its place,
// its assignee or a co-handler — may call its reporter; nobody else
// (neighbours never learn who reported, the reporter needs no call).
func (s *Service) mayContact(ctx context.Context, q storage.Querier, a *linli.Actor, c Case) (bool, error) {
	if a == nil || a.AccountID == 0 || a.AccountID == c.ReporterID {
		return false, nil
	}
	if a.Can(linli.PermCasesManage, c.Path) {
		return true, nil
	}
	return s.isAssignee(ctx, q, a, c)
}

// reporterPhone is the plain number to call: the one a hotline entry
// recorded, else the reporter's account phone (read through auth's
// holders).
func (s *Service) reporterPhone(ctx context.Context, q storage.Querier, c Case) (string, error) {
	var stored string
	if err := q.QueryRow(ctx, `SELECT reporter_phone FROM cases WHERE id = ?`, c.ID).Scan(&stored); err != nil {
		return "", err
	}
	if stored != "" || c.ReporterID == 0 {
		return stored, nil
	}
	hs, err := s.holders.HoldersAt(ctx, q, []int64{c.ReporterID})
	if err != nil {
		return "", err
	}
	return hs[c.ReporterID].Phone, nil
}

// ReporterContact is the masked contact of a case's reporter for a
// handler; ok is false when the actor may not contact the reporter or
// there is no number.
func (s *Service) ReporterContact(ctx context.Context, a *linli.Actor, c Case) (Contact, bool, error) {
	if ok, err := s.mayContact(ctx, s.DB, a, c); !ok || err != nil {
		return Contact{}, false, err
	}
	ph, err := s.reporterPhone(ctx, s.DB, c)
	if err != nil || ph == "" {
		return Contact{}, false, err
	}
	return Contact{Name: c.ReporterName, PhoneMasked: registry.MaskPhone(ph)}, true, nil
}

// RevealReporterPhone returns the reporter's full number to a handler who
// must call them, and records the reading in the audit log (as the
// register's Reveal does).
func (s *Service) RevealReporterPhone(ctx context.Context, a *linli.Actor, id int64) (string, error) {
	var phone string
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.get(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if !s.canRead(ctx, a, c) {
			return errForbidden()
		}
		ok, err := s.mayContact(ctx, tx, a, c)
		if err != nil {
			return err
		}
		if !ok {
			return linli.Errorf(linli.EForbidden, "只有办理人员可以联系反映人 / only those who work the case may contact the reporter")
		}
		if phone, err = s.reporterPhone(ctx, tx, c); err != nil {
			return err
		}
		if phone == "" {
			return linli.Errorf(linli.ENotFound, "反映人没有留下电话 / the reporter left no phone number")
		}
		return audit.Record(ctx, tx, a, s.now(), audit.Change{Action: "case.reporter_reveal", Read: true, Entity: "case", EntityID: c.ID, ScopePath: c.Path,
			Summary: fmt.Sprintf("查看案件%s反映人「%s」的完整手机号", c.Number, c.ReporterName)})
	})
	return phone, err
}
