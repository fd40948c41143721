package meetings

import (
	"fmt"
	"net/http"

	"linli/web"
)

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/meetings", web.LoggedIn, s.apiList)
	rt.API("POST /api/meetings", web.LoggedIn, s.apiCreate)
	rt.API("GET /api/meetings/{id}", web.LoggedIn, s.apiGet)
	rt.API("POST /api/meetings/{id}/invitations", web.LoggedIn, s.apiInvite)
	rt.API("POST /api/meetings/{id}/agenda", web.LoggedIn, s.apiAgenda)
	rt.API("POST /api/meetings/{id}/hold", web.LoggedIn, s.apiHold)
	rt.API("POST /api/meetings/{id}/cancel", web.LoggedIn, s.apiCancel)
	rt.API("POST /api/meetings/{id}/attendance", web.LoggedIn, s.apiSignIn)
	rt.API("POST /api/meetings/{id}/check-in", web.LoggedIn, s.apiCheckIn)
	rt.API("PUT /api/meetings/{id}/minutes", web.LoggedIn, s.apiMinutes)
	rt.API("POST /api/meetings/{id}/publish", web.LoggedIn, s.apiPublish)
	rt.API("POST /api/meetings/{id}/decisions", web.LoggedIn, s.apiDecision)
	rt.API("POST /api/meetings/{id}/actions", web.LoggedIn, s.apiAction)
	rt.API("GET /api/meetings/{id}/actions/{action}", web.LoggedIn, s.apiGetAction)
	rt.API("POST /api/meetings/{id}/actions/{action}/case", web.LoggedIn, s.apiToCase)
	rt.API("POST /api/meetings/{id}/actions/{action}/done", web.LoggedIn, s.apiDone)
	s.pageRoutes(rt, render)
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	limit, err := web.QueryInt(r, "limit", 200)
	if err != nil {
		return err
	}
	day, err := ParseDay(r.URL.Query().Get("day"), s.now(), s.zone())
	if err != nil {
		return err
	}
	l, err := s.List(r.Context(), web.ActorFrom(r.Context()), ListFilter{Limit: limit, Day: day})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (s *Service) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in MeetingInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.Create(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/meetings/%d", d.ID))
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Get)
}

// withBody decodes the JSON body into in and calls f with the path id.
func withBody[In, Out any](f func(r *http.Request, id int64, in In) (Out, error), status int) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		var in In
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		out, err := f(r, id, in)
		if err != nil {
			return err
		}
		web.WriteJSON(w, status, out)
		return nil
	}
}

// noBody calls f with the path id; the request has no body.
func noBody[Out any](f func(r *http.Request, id int64) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		out, err := f(r, id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

func (s *Service) apiInvite(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in InviteInput) (map[string][]Invitee, error) {
		added, err := s.Invite(r.Context(), web.ActorFrom(r.Context()), id, in)
		return map[string][]Invitee{"invited": added}, err
	}, http.StatusOK)(w, r)
}

func (s *Service) apiAgenda(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in AgendaInput) (AgendaItem, error) {
		return s.AddAgendaItem(r.Context(), web.ActorFrom(r.Context()), id, in)
	}, http.StatusCreated)(w, r)
}

func (s *Service) apiHold(w http.ResponseWriter, r *http.Request) error {
	return noBody(func(r *http.Request, id int64) (Meeting, error) {
		return s.Hold(r.Context(), web.ActorFrom(r.Context()), id)
	})(w, r)
}

func (s *Service) apiCancel(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in CancelInput) (Meeting, error) {
		return s.Cancel(r.Context(), web.ActorFrom(r.Context()), id, in)
	}, http.StatusOK)(w, r)
}

func (s *Service) apiSignIn(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in SignInInput) (Attendance, error) {
		return s.SignIn(r.Context(), web.ActorFrom(r.Context()), id, in)
	}, http.StatusOK)(w, r)
}

func (s *Service) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	return noBody(func(r *http.Request, id int64) (Attendance, error) {
		return s.CheckIn(r.Context(), web.ActorFrom(r.Context()), id)
	})(w, r)
}

func (s *Service) apiMinutes(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in MinutesInput) (Meeting, error) {
		return s.RecordMinutes(r.Context(), web.ActorFrom(r.Context()), id, in)
	}, http.StatusOK)(w, r)
}

func (s *Service) apiPublish(w http.ResponseWriter, r *http.Request) error {
	return noBody(func(r *http.Request, id int64) (Meeting, error) {
		return s.PublishMinutes(r.Context(), web.ActorFrom(r.Context()), id)
	})(w, r)
}

func (s *Service) apiDecision(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in DecisionInput) (Decision, error) {
		return s.AddDecision(r.Context(), web.ActorFrom(r.Context()), id, in)
	}, http.StatusCreated)(w, r)
}

func (s *Service) apiAction(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in ActionInput) (Action, error) {
		return s.AddAction(r.Context(), web.ActorFrom(r.Context()), id, in)
	}, http.StatusCreated)(w, r)
}

func actionID(r *http.Request) (int64, error) { return web.PathID(r, "action") }

func (s *Service) apiGetAction(w http.ResponseWriter, r *http.Request) error {
	return noBody(func(r *http.Request, id int64) (Action, error) {
		aid, err := actionID(r)
		if err != nil {
			return Action{}, err
		}
		return s.Action(r.Context(), web.ActorFrom(r.Context()), id, aid)
	})(w, r)
}

func (s *Service) apiToCase(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in CaseInput) (Action, error) {
		aid, err := actionID(r)
		if err != nil {
			return Action{}, err
		}
		return s.ToCase(r.Context(), web.ActorFrom(r.Context()), id, aid, in)
	}, http.StatusOK)(w, r)
}

func (s *Service) apiDone(w http.ResponseWriter, r *http.Request) error {
	return withBody(func(r *http.Request, id int64, in DoneInput) (Action, error) {
		aid, err := actionID(r)
		if err != nil {
			return Action{}, err
		}
		return s.CompleteAction(r.Context(), web.ActorFrom(r.Context()), id, aid, in)
	}, http.StatusOK)(w, r)
}
