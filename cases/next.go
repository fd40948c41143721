package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"linli"
	"linli/storage"
)

// Routing is where a case goes, or went, and by when someone must answer:
// the reporter's "what happens next" after sending a report, and the
// "将派往：…" staff read before pressing 立案并派遣.
type Routing struct {
	Kind string `json:"kind"` // grid, property, department, community
	ID   int64  `json:"id"`
	Name string `json:"name"` // 学苑社区第一网格, the property company, the department
	// NameEN is a department's English name ("" for the others).
	NameEN string `json:"name_en,omitempty"`
	// People are the names of the accounts acting for it (a grid's
	// workers), at most three.
	People []string `json:"people,omitempty"`
	// ResponseDue is the response deadline; when Estimated the clock has
	// not started yet (the case is not dispatched) and it is counted as if
	// it were dispatched now.
	ResponseDue time.Time `json:"response_due"`
	Estimated   bool      `json:"estimated"`
	Dispatched  bool      `json:"dispatched"`
}

// Routing tells where a case the actor may read goes: its assignee once
// dispatched, otherwise the target its category's rule picks now.
func (s *Service) Routing(ctx context.Context, a *linli.Actor, id int64) (Routing, error) {
	c, err := s.Get(ctx, a, id)
	if err != nil {
		return Routing{}, err
	}
	return s.routingOf(ctx, c)
}

// NameIn is the target's name in the language.
func (r Routing) NameIn(lang string) string { return pick(lang, r.Name, r.NameEN) }

func (s *Service) routingOf(ctx context.Context, c Case) (Routing, error) {
	var r Routing
	if c.AssigneeKind != "" {
		r = Routing{Kind: c.AssigneeKind, ID: c.AssigneeID, Name: c.AssigneeName, NameEN: c.AssigneeNameEN, ResponseDue: c.ResponseDue, Dispatched: true}
	} else {
		cat, err := s.category(ctx, s.DB, c.CategoryID, "")
		if err != nil {
			return r, err
		}
		if r.Kind, r.ID, r.Name, err = s.route(ctx, s.DB, c, cat, "", 0); err != nil {
			return r, err
		}
		if r.Kind == AssignDepartment {
			if err := s.DB.QueryRow(ctx, `SELECT name_en FROM departments WHERE id = ?`, r.ID).Scan(&r.NameEN); err != nil {
				return r, err
			}
		}
		r.ResponseDue, r.Estimated = cat.ResponseLimit.Deadline(s.WorkingCalendar(), s.now()), true
	}
	ids, err := s.accountsFor(ctx, s.DB, r.Kind, r.ID)
	if err != nil || len(ids) == 0 {
		return r, err
	}
	hs, err := s.holders.HoldersAt(ctx, s.DB, ids)
	if err != nil {
		return r, err
	}
	for _, id := range ids {
		if h, ok := hs[id]; ok && !h.Disabled && len(r.People) < 3 {
			r.People = append(r.People, h.Name)
		}
	}
	return r, nil
}

// fmtDue writes a deadline the way people say it: "12月7日（周一）10:30",
// "Mon 7 Dec 10:30".
func fmtDue(t time.Time, zone *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(zone)
	if lang == "en" {
		return t.Format("Mon 2 Jan 15:04")
	}
	return fmt.Sprintf("%d月%d日（周%s）%s", int(t.Month()), t.Day(), []string{"日", "一", "二", "三", "四", "五", "六"}[t.Weekday()], t.Format("15:04"))
}

// Extension is a request for a later resolution deadline.
type Extension struct {
	ID          int64     `json:"id"`
	NewDue      time.Time `json:"new_due"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
}

// pendingExtension is the case's extension request waiting for a
// decision, if any.
func (s *Service) pendingExtension(ctx context.Context, q storage.Querier, caseID int64) (*Extension, error) {
	var e Extension
	var due, at int64
	err := q.QueryRow(ctx, `SELECT id, new_due, reason, requested_at FROM case_extensions WHERE case_id = ? AND decided_at = 0 ORDER BY id DESC LIMIT 1`,
		caseID).Scan(&e.ID, &due, &e.Reason, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e.NewDue, e.RequestedAt = storage.FromMillis(due), storage.FromMillis(at)
	return &e, nil
}
