package cameras

import (
	"net/http"

	"linli"
	"linli/web"
)

// The sources page: the ingest sources of the places where the actor
// manages cameras (staff only), a form to add one (an HTTP source's token
// is shown once, on the answer to the form) and revocation.

type sourcesData struct {
	Sources []IngestSource
	Places  []web.Choice
	Created *IngestSource // just added: its token is shown this once
}

func (h *pages) sourcesPage(r *http.Request, created *IngestSource) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	list, err := h.s.Sources(r.Context(), a)
	if err != nil {
		return nil, err
	}
	places, err := h.s.cameraPlaces(r, a)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "事件来源设备", Data: sourcesData{Sources: list, Places: places, Created: created},
		Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "事件来源设备")})}, nil
}

func (h *pages) sources(w http.ResponseWriter, r *http.Request) error {
	p, err := h.sourcesPage(r, nil)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cameras/sources.html", p)
	return nil
}

// createSource answers with the page itself, not a redirect: the token
// is in this answer and nowhere else.
func (h *pages) createSource(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	in := SourceInput{Kind: r.FormValue("kind"), Name: r.FormValue("name"), NodeID: web.FormInt(r, "node_id"),
		DeviceID: r.FormValue("device_code"), Secret: r.FormValue("secret")}
	src, err := h.s.CreateSource(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		// The form calls the device's 20-digit GB/T 28181 code
		// device_code (a code from the device, not a record of Linli's);
		// the API's field is device_id.
		if fes := linli.ErrorFields(err); len(fes) > 0 {
			for i := range fes {
				if fes[i].Field == "device_id" {
					fes[i].Field = "device_code"
				}
			}
			err = linli.Invalid(linli.ErrorMessage(err), fes...)
		}
		return h.r.FormFailed(w, r, err, "cameras/sources.html", func() (*web.Page, error) { return h.sourcesPage(r, nil) })
	}
	p, err := h.sourcesPage(r, &src)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	h.r.Render(w, r, http.StatusOK, "cameras/sources.html", p)
	return nil
}

func (h *pages) revokeSource(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.s.RevokeSource(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, "/cameras/sources", "事件来源已停用 / source revoked")
	return nil
}

// apiSources lists the ingest sources (never their tokens or passwords).
func (s *Service) apiSources(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Sources(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	if list == nil {
		list = []IngestSource{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"sources": list})
	return nil
}

func (s *Service) apiRevokeSource(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.RevokeSource(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
