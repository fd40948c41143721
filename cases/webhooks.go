package cases

import (
	"context"
	"time"

	"linli/storage"
	"linli/webhooks"
)

// emit hands a timeline step to the event webhooks (package webhooks), in
// the step's transaction: a report is case.created, a change of state
// case.state_changed, a rating case.rated, the overdue job's mark
// case.overdue, a whistle (the escalation job's or staff's) case.escalated.
// The case is read only when a subscription wants the event.
func (s *Service) emit(ctx context.Context, tx *storage.Tx, caseID int64, at time.Time, action string, from, to State, data any) error {
	var typ string
	switch {
	case action == "report":
		typ = webhooks.CaseCreated
	case action == string(ActRate):
		typ = webhooks.CaseRated
	case action == "overdue":
		typ = webhooks.CaseOverdue
	case action == "whistle":
		typ = webhooks.CaseEscalated
	case from != "" && to != "" && from != to:
		typ = webhooks.CaseStateChanged
	default:
		return nil
	}
	return webhooks.EmitFunc(ctx, tx, typ, func() (webhooks.Event, error) {
		c, err := s.get(ctx, tx, caseID, false)
		if err != nil {
			return webhooks.Event{}, err
		}
		d := webhooks.CaseData{CaseID: c.ID, Number: c.Number, State: string(c.State), CategoryID: c.CategoryID, Category: c.Category,
			Source: string(c.Source), Priority: string(c.Priority), Public: c.Public, CommunityID: c.CommunityID, GridID: c.GridID,
			CreatedAt: c.CreatedAt, ResolveDue: c.ResolveDue, EscalationLevel: c.EscalationLevel}
		switch typ {
		case webhooks.CaseStateChanged:
			d.FromState, d.State, d.Action = string(from), string(to), action
		case webhooks.CaseRated:
			d.Rating = string(c.Rating)
		case webhooks.CaseEscalated:
			if m, ok := data.(map[string]any); ok {
				d.Level, _ = m["level"].(string)
				d.Automatic, _ = m["automatic"].(bool)
			}
		}
		return webhooks.Event{At: at, Path: c.Path, CommunityID: c.CommunityID, Subject: "case:" + itoa(c.ID), Data: d}, nil
	})
}
