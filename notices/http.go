package notices

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"linli"
	"linli/attach"
	"linli/web"
)

// Routes registers the JSON API and the pages.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/notices", web.LoggedIn, s.apiList)
	rt.API("POST /api/notices", web.LoggedIn, s.apiCreate)
	rt.API("GET /api/notices/{id}", web.Public, s.apiGet)
	rt.API("POST /api/notices/{id}/ack", web.LoggedIn, s.apiAck)
	rt.API("POST /api/notices/{id}/withdraw", web.LoggedIn, s.apiWithdraw)
	rt.API("GET /api/notices/{id}/recipients", web.LoggedIn, s.apiRecipients)
	rt.API("GET /api/notices/{id}/unreached", web.LoggedIn, s.apiUnreached)
	rt.API("POST /api/notices/{id}/recipients/{rid}/calls", web.LoggedIn, s.apiCall)
	rt.API("POST /api/notices/{id}/recipients/{rid}/reveal", web.LoggedIn, s.apiReveal)
	rt.API("GET /api/notices/{id}/files/{file}", web.Public, s.apiFile)
	s.pageRoutes(rt, render)
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	limit, err := web.QueryInt(r, "limit", 200)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ls, err := s.List(r.Context(), web.ActorFrom(r.Context()), ListFilter{Limit: limit, Unread: q.Get("unread") == "1", Follow: q.Get("follow") == "1"})
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []Listed{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"notices": ls})
	return nil
}

// apiCreate takes a notice as JSON, or as the page's multipart form with
// its photos and files.
func (s *Service) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in Input
	var files []attach.Checked
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		in, files, err = s.readForm(r)
	} else {
		err = web.DecodeJSON(w, r, &in)
	}
	if err != nil {
		return err
	}
	d, err := s.Create(r.Context(), web.ActorFrom(r.Context()), in, files)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/notices/%d", d.ID))
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Get)
}

func (s *Service) apiAck(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Acknowledge)
}

func (s *Service) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Withdraw)
}

// RecipientList is a notice's recipients as the API returns them.
type RecipientList struct {
	Reach      Reach          `json:"reach"`
	Recipients []RecipientRow `json:"recipients"`
}

func (s *Service) apiRecipients(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, func(ctx context.Context, a *linli.Actor, id int64) (RecipientList, error) {
		rs, reach, err := s.Recipients(ctx, a, id)
		if rs == nil {
			rs = []RecipientRow{}
		}
		return RecipientList{Reach: reach, Recipients: rs}, err
	})
}

func (s *Service) apiUnreached(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, func(ctx context.Context, a *linli.Actor, id int64) (map[string][]Group, error) {
		_, gs, err := s.Unreached(ctx, a, id)
		if gs == nil {
			gs = []Group{}
		}
		return map[string][]Group{"buildings": gs}, err
	})
}

// ids reads the notice's and the recipient's ids from the path.
func ids(r *http.Request) (int64, int64, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	rid, err := web.PathID(r, "rid")
	return id, rid, err
}

func (s *Service) apiCall(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := ids(r)
	if err != nil {
		return err
	}
	var in CallInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.LogCall(r.Context(), web.ActorFrom(r.Context()), id, rid, in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK // the same call, sent again (contract 2 of issue 11)
	}
	web.WriteJSON(w, status, c)
	return nil
}

func (s *Service) apiReveal(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := ids(r)
	if err != nil {
		return err
	}
	p, err := s.RevealPhone(r.Context(), web.ActorFrom(r.Context()), id, rid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"phone": p})
	return nil
}

// apiFile serves a photo or file of a notice the reader may see
// (?thumb=1: the thumbnail of a photo).
func (s *Service) apiFile(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "file")
	if err != nil {
		return err
	}
	if _, _, err := s.readable(r.Context(), s.db, web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	att, data, err := attach.OpenOwned(r.Context(), s.db, "notice", id, fid, r.URL.Query().Get("thumb") == "1")
	if err != nil {
		return err
	}
	attach.Serve(w, r, att, data)
	return nil
}
