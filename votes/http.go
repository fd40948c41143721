package votes

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"linli"
	"linli/web"
)

func (s *Service) apiRoutes(rt *web.Router) {
	rt.API("GET /api/votes", web.LoggedIn, s.apiList)
	rt.API("POST /api/votes", web.LoggedIn, s.apiCreate)
	rt.API("GET /api/votes/{id}", web.LoggedIn, s.apiGet)
	rt.API("POST /api/votes/{id}/ballots", web.LoggedIn, s.apiBallot)
	rt.API("POST /api/votes/{id}/close", web.LoggedIn, s.apiClose)
	rt.API("POST /api/votes/{id}/objections/{oid}/notes", web.LoggedIn, s.apiNote)
	rt.API("POST /api/votes/{id}/objections/{oid}/resolve", web.LoggedIn, s.apiResolve)
	rt.API("POST /api/cost-plans", web.LoggedIn, s.apiCreatePlan)
	rt.API("GET /api/cost-plans/{id}", web.LoggedIn, s.apiPlan)
	rt.API("PUT /api/cost-plans/{id}", web.LoggedIn, s.apiUpdatePlan)
	// Spreadsheets: not JSON, so registered as plain handlers.
	rt.Handle("GET /votes/{id}/cost.xlsx", web.LoggedIn, http.HandlerFunc(s.voteXLSX))
	rt.Handle("GET /cost-plans/{id}/bills.xlsx", web.LoggedIn, http.HandlerFunc(s.planXLSX))
}

func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &linli.Error{Code: linli.EBadRequest, Message: "参数 " + name + " 应为编号 / must be an id",
			Fields: []linli.FieldError{{Field: name, Reason: "应为编号 / must be an id"}}}
	}
	return n, nil
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	var f VoteFilter
	var err error
	if f.ProjectID, err = queryID(r, "project_id"); err != nil {
		return err
	}
	if f.NodeID, err = queryID(r, "node_id"); err != nil {
		return err
	}
	vs, err := s.ListVotes(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"votes": vs})
	return nil
}

func (s *Service) apiCreate(w http.ResponseWriter, r *http.Request) error {
	return web.Call(w, r, http.StatusCreated, s.CreateVote)
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Detail)
}

func (s *Service) apiBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in BallotInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.CastBallot(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	t, err := s.Tally(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, BallotResult{Ballot: b, Tally: t})
	return nil
}

// BallotResult answers a cast ballot with the tally it leads to.
type BallotResult struct {
	Ballot Ballot `json:"ballot"`
	Tally  Tally  `json:"tally"`
}

func (s *Service) apiClose(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.CloseVote)
}

func (s *Service) apiNote(w http.ResponseWriter, r *http.Request) error {
	return s.apiObjection(w, r, s.AddObjectionNote)
}

func (s *Service) apiResolve(w http.ResponseWriter, r *http.Request) error {
	return s.apiObjection(w, r, s.ResolveObjection)
}

func (s *Service) apiObjection(w http.ResponseWriter, r *http.Request, f func(ctx context.Context, a *linli.Actor, voteID, objectionID int64, note string) (Objection, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	oid, err := web.PathID(r, "oid")
	if err != nil {
		return err
	}
	var in NoteInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := f(r.Context(), web.ActorFrom(r.Context()), id, oid, in.Note)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (s *Service) apiCreatePlan(w http.ResponseWriter, r *http.Request) error {
	var in CostPlanInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	p, err := s.CreateCostPlan(r.Context(), a, in)
	if err != nil {
		return err
	}
	sh, err := s.CostSheet(r.Context(), a, p.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, sh)
	return nil
}

func (s *Service) apiPlan(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.CostSheet)
}

func (s *Service) apiUpdatePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in CostPlanInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	if _, err := s.UpdateCostPlan(r.Context(), a, id, in); err != nil {
		return err
	}
	sh, err := s.CostSheet(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sh)
	return nil
}

// writeXLSX sends the plan's bill table as a download; errors become the
// error page.
func (s *Service) writeXLSX(w http.ResponseWriter, r *http.Request, planID int64) error {
	var buf bytes.Buffer
	if err := s.WriteCostXLSX(r.Context(), web.ActorFrom(r.Context()), planID, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="cost-plan-%d.xlsx"`, planID))
	_, err := buf.WriteTo(w)
	return err
}

func (s *Service) voteXLSX(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		pid, err := s.LatestCostPlan(r.Context(), web.ActorFrom(r.Context()), id)
		if err != nil {
			return err
		}
		return s.writeXLSX(w, r, pid)
	}()
	if err != nil {
		s.xlsxError(w, r, err)
	}
}

func (s *Service) planXLSX(w http.ResponseWriter, r *http.Request) {
	err := func() error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		return s.writeXLSX(w, r, id)
	}()
	if err != nil {
		s.xlsxError(w, r, err)
	}
}

func (s *Service) xlsxError(w http.ResponseWriter, r *http.Request, err error) {
	if s.render != nil {
		s.render.Error(w, r, err)
		return
	}
	web.WriteError(w, r, err)
}
