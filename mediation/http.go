package mediation

import (
	"net/http"

	"linli"
	"linli/web"
)

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/mediation", web.LoggedIn, s.apiList)
	rt.API("POST /api/mediation", web.LoggedIn, s.apiOpen)
	rt.API("GET /api/mediation/{id}", web.LoggedIn, s.apiGet)
	rt.API("POST /api/mediation/{id}/sessions", web.LoggedIn, s.apiSession)
	rt.API("GET /api/mediation/{id}/agreement", web.LoggedIn, s.apiAgreement)
	rt.API("PUT /api/mediation/{id}/agreement", web.LoggedIn, s.apiSaveAgreement)
	rt.API("POST /api/mediation/{id}/agreement/sign", web.LoggedIn, s.apiSign)
	rt.API("POST /api/mediation/{id}/fail", web.LoggedIn, s.apiFail)
	rt.API("POST /api/mediation/{id}/court", web.LoggedIn, s.apiCourt)
	rt.API("POST /api/mediation/{id}/followups", web.LoggedIn, s.apiFollowUp)
	rt.API("POST /api/mediation/{id}/publish", web.LoggedIn, s.apiPublish)
	rt.API("POST /api/mediation/{id}/unpublish", web.LoggedIn, s.apiUnpublish)
	rt.API("POST /api/mediation/{id}/parties/{party}/reveal", web.LoggedIn, s.apiReveal)
	rt.API("POST /api/mediation/{id}/agreement/party-copy", web.LoggedIn, s.apiPartyCopy)
	if render != nil {
		s.pageRoutes(rt, render)
	}
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	f := ListFilter{State: State(r.URL.Query().Get("state")), Overdue: r.URL.Query().Get("overdue") == "1"}
	n, err := web.QueryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	f.Limit = n
	ds, err := s.List(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"disputes": ds})
	return nil
}

func (s *Service) apiOpen(w http.ResponseWriter, r *http.Request) error {
	return web.Call(w, r, http.StatusCreated, s.Open)
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Get)
}

// withBody decodes the body into in and calls f with the path id.
func withBody[T any](w http.ResponseWriter, r *http.Request, in *T, f func(a *linli.Actor, id int64) (any, error), status int) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := web.DecodeJSON(w, r, in); err != nil {
		return err
	}
	out, err := f(web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, status, out)
	return nil
}

func (s *Service) apiSession(w http.ResponseWriter, r *http.Request) error {
	var in SessionInput
	return withBody(w, r, &in, func(a *linli.Actor, id int64) (any, error) { return s.AddSession(r.Context(), a, id, in) }, http.StatusCreated)
}

func (s *Service) apiAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Get(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d.Agreement)
	return nil
}

func (s *Service) apiSaveAgreement(w http.ResponseWriter, r *http.Request) error {
	var in AgreementInput
	return withBody(w, r, &in, func(a *linli.Actor, id int64) (any, error) { return s.SaveAgreement(r.Context(), a, id, in) }, http.StatusOK)
}

func (s *Service) apiSign(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.MarkSigned)
}

func (s *Service) apiFail(w http.ResponseWriter, r *http.Request) error {
	var in FailInput
	return withBody(w, r, &in, func(a *linli.Actor, id int64) (any, error) { return s.Fail(r.Context(), a, id, in) }, http.StatusOK)
}

func (s *Service) apiCourt(w http.ResponseWriter, r *http.Request) error {
	var in CourtInput
	return withBody(w, r, &in, func(a *linli.Actor, id int64) (any, error) { return s.RecordCourtChoice(r.Context(), a, id, in) }, http.StatusOK)
}

func (s *Service) apiFollowUp(w http.ResponseWriter, r *http.Request) error {
	var in FollowUpInput
	return withBody(w, r, &in, func(a *linli.Actor, id int64) (any, error) { return s.AddFollowUp(r.Context(), a, id, in) }, http.StatusCreated)
}

func (s *Service) apiPublish(w http.ResponseWriter, r *http.Request) error {
	var in PublishInput
	return withBody(w, r, &in, func(a *linli.Actor, id int64) (any, error) { return s.Publish(r.Context(), a, id, in) }, http.StatusOK)
}

func (s *Service) apiUnpublish(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Unpublish)
}

func (s *Service) apiReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	party, err := web.PathID(r, "party")
	if err != nil {
		return err
	}
	p, err := s.RevealPhone(r.Context(), web.ActorFrom(r.Context()), id, party)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Service) apiPartyCopy(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.PartyCopy(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
