package happiness

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/cases"
	"linli/registry"
	"linli/storage"
)

// A closed case its reporter marked public reaches the list only after
// staff approve its public text: the title and the summary of what was
// done, which they may edit. The reporter's title and the handler's note
// are free text — a name, a neighbour's quarrel, a phone number written
// in words — and Scrub catches only numbers. The approval is for one
// closing: a case reopened (an unsatisfied rating) and closed again waits
// for a new one.

// Proposal is a closed public case waiting for approval, with the text
// Linli proposes (scrubbed) beside what was written.
type Proposal struct {
	CaseID    int64     `json:"case_id"`
	Number    string    `json:"number"`
	Written   string    `json:"written"` // the reporter's title, as written
	Note      string    `json:"note"`    // the handler's public result, as written
	Title     string    `json:"title"`   // proposed public title
	Summary   string    `json:"summary"` // proposed public summary
	Place     string    `json:"place"`
	ClosedAt  time.Time `json:"closed_at"`
	Published bool      `json:"published"` // approved for an earlier closing
}

// Publication is the approved public text of a case.
type Publication struct {
	CaseID     int64     `json:"case_id"`
	Title      string    `json:"title"`
	Summary    string    `json:"summary"`
	ApprovedAt time.Time `json:"approved_at"`
}

const (
	maxPublicTitle   = 60
	maxPublicSummary = 300
)

// staffOf loads a community and checks a may approve its public texts.
func (s *Service) staffOf(ctx context.Context, a *linli.Actor, communityID int64) (registry.Node, error) {
	c, _, err := s.community(ctx, communityID)
	if err != nil {
		return c, err
	}
	if !a.Can(linli.PermCasesManage, c.Path) {
		return c, linli.Errorf(linli.EForbidden, "无权审核该社区的公开内容 / not allowed to approve this community's public texts")
	}
	return c, nil
}

// Pending lists the community's closed public cases waiting for approval,
// oldest closing first. Needs PermCasesManage on the community.
func (s *Service) Pending(ctx context.Context, a *linli.Actor, communityID int64) ([]Proposal, error) {
	c, err := s.staffOf(ctx, a, communityID)
	if err != nil {
		return nil, err
	}
	pending, err := s.cases.PendingPublic(ctx, s.db, c.ID, maxCases)
	if err != nil {
		return nil, err
	}
	out := make([]Proposal, 0, len(pending))
	for _, pc := range pending {
		p := Proposal{CaseID: pc.ID, Number: pc.Number, Written: pc.Title, Note: pc.Note, ClosedAt: pc.ClosedAt, Published: pc.Published}
		p.Title, p.Summary = Scrub(p.Written), pc.Category
		if n := Scrub(p.Note); n != "" {
			p.Summary += "：" + n
		}
		if p.Place, err = s.place(ctx, pc.LocationID); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// publicCase loads the community of a closed public case, or refuses.
func (s *Service) publicCase(ctx context.Context, caseID int64) (int64, error) {
	community, listable, err := s.cases.PublicState(ctx, s.db, caseID)
	if err != nil {
		return 0, err
	}
	if !listable {
		return community, linli.Errorf(linli.EConflict, "只有已办结且报告人同意公开的诉求才能上幸福清单 / only a closed case its reporter made public can be listed")
	}
	return community, nil
}

// Approve publishes a closed public case on the happiness list with the
// given title and summary (staff may edit the proposal). Needs
// PermCasesManage on the case's community; 409 unless the case is closed,
// public and not merged; 422 naming "title" or "summary" when one is
// empty, too long, or holds a phone or room number.
func (s *Service) Approve(ctx context.Context, a *linli.Actor, caseID int64, title, summary string) (Publication, error) {
	community, err := s.publicCase(ctx, caseID)
	if err != nil && linli.ErrorCode(err) != linli.EConflict {
		return Publication{}, err
	}
	c, perr := s.staffOf(ctx, a, community)
	if perr != nil {
		if linli.ErrorCode(perr) == linli.EForbidden {
			return Publication{}, linli.Errorf(linli.ENotFound, "诉求不存在 / case not found")
		}
		return Publication{}, perr
	}
	if err != nil {
		return Publication{}, err
	}
	title, summary = strings.TrimSpace(title), strings.TrimSpace(summary)
	var v linli.Validation
	for _, f := range []struct {
		field, text string
		max         int
	}{{"title", title, maxPublicTitle}, {"summary", summary, maxPublicSummary}} {
		switch {
		case f.text == "":
			v.Add(f.field, "请填写公开内容 / the public text is required")
		case utf8.RuneCountInString(f.text) > f.max:
			v.Add(f.field, fmt.Sprintf("不超过%d字 / at most %d characters", f.max, f.max))
		case Scrub(f.text) != f.text:
			v.Add(f.field, "请勿填写电话、证件号或房号 / no phone, ID or room numbers: the list is public")
		}
	}
	if err := v.Err(); err != nil {
		return Publication{}, err
	}
	now := s.clock.Now()
	p := Publication{CaseID: caseID, Title: title, Summary: summary, ApprovedAt: now}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		if err := cases.Publish(ctx, tx, cases.Publication{CaseID: caseID, CommunityID: c.ID, Title: title, Summary: summary,
			ApprovedBy: a.AccountID, ApprovedAt: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "happiness.approve", Entity: "case", EntityID: caseID, ScopePath: c.Path,
			Summary: "幸福清单公开：" + title, After: p})
	})
	return p, err
}

// Withdraw takes a case off the happiness list until it is approved
// again. Needs PermCasesManage on the case's community.
func (s *Service) Withdraw(ctx context.Context, a *linli.Actor, caseID int64) error {
	pub, err := s.cases.PublicationOf(ctx, s.db, caseID)
	if err != nil {
		return err
	}
	title := pub.Title
	c, err := s.staffOf(ctx, a, pub.CommunityID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		if err := cases.Unpublish(ctx, tx, caseID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "happiness.withdraw", Entity: "case", EntityID: caseID, ScopePath: c.Path,
			Summary: "撤下幸福清单：" + title})
	})
}
