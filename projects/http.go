package projects

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/attach"
	"linli/web"
)

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/projects", web.LoggedIn, s.apiList)
	rt.API("GET /api/projects/pick", web.LoggedIn, s.apiPickProjects)
	rt.API("POST /api/projects", web.LoggedIn, s.apiCreate)
	rt.API("GET /api/projects/{id}", web.LoggedIn, s.apiGet)
	rt.API("PUT /api/projects/{id}", web.LoggedIn, s.apiUpdate)
	rt.API("POST /api/projects/{id}/advance", web.LoggedIn, s.apiAdvance)
	rt.API("POST /api/projects/{id}/people", web.LoggedIn, s.apiAddPerson)
	rt.API("DELETE /api/projects/{id}/people/{person}", web.LoggedIn, s.apiRemovePerson)
	rt.API("POST /api/projects/{id}/milestones", web.LoggedIn, s.apiAddMilestone)
	rt.API("PUT /api/projects/{id}/milestones/{milestone}", web.LoggedIn, s.apiUpdateMilestone)
	rt.API("DELETE /api/projects/{id}/milestones/{milestone}", web.LoggedIn, s.apiDeleteMilestone)
	rt.API("POST /api/projects/{id}/milestones/{milestone}/progress", web.LoggedIn, s.apiSetProgress)
	rt.API("POST /api/projects/{id}/milestones/{milestone}/restore", web.LoggedIn, s.apiRestoreMilestone)
	rt.API("PUT /api/projects/{id}/construction", web.LoggedIn, s.apiConstruction)
	rt.API("POST /api/projects/{id}/complaints", web.LoggedIn, s.apiComplain)
	rt.API("POST /api/projects/{id}/complaints/{case}/measures", web.LoggedIn, s.apiMeasure)
	rt.API("POST /api/projects/{id}/follow", web.LoggedIn, s.apiFollow)
	rt.API("DELETE /api/projects/{id}/follow", web.LoggedIn, s.apiUnfollow)
	rt.API("POST /api/projects/{id}/updates", web.LoggedIn, s.apiPostUpdate)
	rt.API("POST /api/projects/{id}/photos", web.LoggedIn, s.apiPhotos)
	rt.API("POST /api/projects/{id}/rating", web.LoggedIn, s.apiRate)
	rt.API("POST /api/projects/{id}/thanks", web.LoggedIn, s.apiThanks)
	// Photos: public once the project is on the happiness list.
	rt.API("GET /projects/{id}/photos/{file}", web.Public, s.servePhoto)
	s.pageRoutes(rt, render)
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var f Filter
	if v := q.Get("community_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return &linli.Error{Code: linli.EBadRequest, Message: "community_id 应为整数 / must be an integer",
				Fields: []linli.FieldError{{Field: "community_id", Reason: "应为整数 / must be an integer"}}}
		}
		f.CommunityID = n
	}
	f.Phase = Phase(q.Get("phase"))
	ps, err := s.List(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"projects": ps})
	return nil
}

func (s *Service) apiCreate(w http.ResponseWriter, r *http.Request) error {
	return web.Call(w, r, http.StatusCreated, s.Create)
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Detail)
}

// withID decodes a JSON body for a project route.
func withID[T any](w http.ResponseWriter, r *http.Request) (int64, T, error) {
	var in T
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, in, err
	}
	return id, in, web.DecodeJSON(w, r, &in)
}

func (s *Service) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[ProjectInput](w, r)
	if err != nil {
		return err
	}
	p, err := s.Update(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Service) apiAdvance(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[AdvanceInput](w, r)
	if err != nil {
		return err
	}
	p, err := s.Advance(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Service) apiAddPerson(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[PersonInput](w, r)
	if err != nil {
		return err
	}
	p, err := s.AddPerson(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Service) apiRemovePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := web.PathID(r, "person")
	if err != nil {
		return err
	}
	if err := s.RemovePerson(r.Context(), web.ActorFrom(r.Context()), id, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) apiAddMilestone(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[MilestoneInput](w, r)
	if err != nil {
		return err
	}
	m, err := s.AddMilestone(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Service) apiUpdateMilestone(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[MilestoneInput](w, r)
	if err != nil {
		return err
	}
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return err
	}
	m, err := s.UpdateMilestone(r.Context(), web.ActorFrom(r.Context()), id, mid, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *Service) apiDeleteMilestone(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return err
	}
	if err := s.DeleteMilestone(r.Context(), web.ActorFrom(r.Context()), id, mid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) apiSetProgress(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[ProgressInput](w, r)
	if err != nil {
		return err
	}
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return err
	}
	m, err := s.SetProgress(r.Context(), web.ActorFrom(r.Context()), id, mid, in.Progress)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

// apiRestoreMilestone undoes a milestone's deletion within UndoWindow.
func (s *Service) apiRestoreMilestone(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return err
	}
	m, err := s.RestoreMilestone(r.Context(), web.ActorFrom(r.Context()), id, mid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *Service) apiConstruction(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[ConstructionInput](w, r)
	if err != nil {
		return err
	}
	p, err := s.SetConstruction(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Service) apiComplain(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[ComplaintInput](w, r)
	if err != nil {
		return err
	}
	c, err := s.Complain(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Service) apiMeasure(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[MeasureInput](w, r)
	if err != nil {
		return err
	}
	cid, err := web.PathID(r, "case")
	if err != nil {
		return err
	}
	m, err := s.RecordMeasure(r.Context(), web.ActorFrom(r.Context()), id, cid, in.Text)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Service) apiFollow(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Follow(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) apiUnfollow(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Unfollow(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) apiPostUpdate(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[UpdateInput](w, r)
	if err != nil {
		return err
	}
	u, err := s.PostUpdate(r.Context(), web.ActorFrom(r.Context()), id, in.Text)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, u)
	return nil
}

// uploads reads and checks the photos of a multipart form (none is fine).
func uploads(r *http.Request, field string) ([]attach.Checked, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, &linli.Error{Code: linli.EBadRequest, Message: "请以 multipart/form-data 上传 / send multipart/form-data"}
	}
	ups, err := attach.FromMultipart(r, field, attach.PhotoLimits())
	if err != nil || len(ups) == 0 {
		return nil, err
	}
	return attach.Check(attach.PhotoLimits(), ups)
}

func (s *Service) apiPhotos(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
	files, err := uploads(r, "photos")
	if err != nil {
		return err
	}
	ps, err := s.AddPhotos(r.Context(), web.ActorFrom(r.Context()), id, r.FormValue("stage"), r.FormValue("caption"), files)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"photos": ps})
	return nil
}

func (s *Service) apiRate(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[RatingInput](w, r)
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	if err := s.Rate(r.Context(), a, id, in); err != nil {
		return err
	}
	sat, err := s.satisfaction(r.Context(), id, a.AccountID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, sat)
	return nil
}

func (s *Service) apiThanks(w http.ResponseWriter, r *http.Request) error {
	id, in, err := withID[ThanksInput](w, r)
	if err != nil {
		return err
	}
	t, err := s.AddThanks(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

// servePhoto serves a project photo. Those who may read the project get
// the original as uploaded. Anyone else — a visitor without an account, a
// resident of another community — is sent to the happiness list's copy
// (/happiness/{community}/photos/{file}), which is served without its
// metadata (Exif, GPS position, comments) and without the uploaded file
// name, and only while the project is on the list; otherwise 404. The
// original never leaves this route for someone who is not a reader.
func (s *Service) servePhoto(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "file")
	if err != nil {
		return err
	}
	thumb := r.URL.Query().Get("thumb") == "1"
	if a := web.ActorFrom(ctx); a != nil {
		_, err := s.view(ctx, a, id)
		switch {
		case err == nil:
			att, data, err := attach.OpenOwned(ctx, s.db, "project", id, fid, thumb)
			if linli.ErrorCode(err) == linli.ENotFound {
				return errNoPhoto()
			}
			if err != nil {
				return err
			}
			attach.Serve(w, r, att, data)
			return nil
		case linli.ErrorCode(err) != linli.ENotFound:
			return err
		}
	}
	community, ok, err := s.publicPhoto(ctx, id, fid)
	if err != nil {
		return err
	}
	if !ok {
		return errNoPhoto()
	}
	to := fmt.Sprintf("/happiness/%d/photos/%d", community, fid)
	if thumb {
		to += "?thumb=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func errNoPhoto() error {
	return linli.Errorf(linli.ENotFound, "附件不存在 / attachment not found")
}
