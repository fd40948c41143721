package open311

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"

	"linli"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the integrators page's template and its English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "open311", Catalog: catalog()}
}

type pages struct {
	s *Service
	r *web.Renderer
}

func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	if render == nil {
		return
	}
	h := &pages{s: s, r: render}
	rt.Page("GET /open311/integrators", web.LoggedIn, h.list)
	rt.Page("POST /open311/integrators", web.LoggedIn, h.create)
	rt.Page("POST /open311/integrators/{id}/revoke", web.LoggedIn, h.revoke)
}

type listData struct {
	Integrators []Integrator
	Places      []web.Choice
	// Created is the account just made, with its key (shown this once).
	Created *Integrator
	Base    string
}

func (h *pages) listPage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	list, err := h.s.Integrators(r.Context(), a)
	if err != nil {
		return nil, err
	}
	places, err := h.s.reg.PlaceChoicesIn(r.Context(), a.Scopes(linli.PermUsersManage), 400)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "Open311 接入方", Data: &listData{Integrators: list, Places: places, Base: baseURL(r) + Prefix}}, nil
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	p, err := h.listPage(r)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "open311/integrators.html", p)
	return nil
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	in := IntegratorInput{Name: r.FormValue("name"), NodeIDs: web.FormInts(r, "node_ids"), Rate: int(web.FormInt(r, "rate_per_minute")),
		Moderated: r.FormValue("moderated") == "1"}
	if r.FormValue("rate_per_minute") != "" && in.Rate == 0 {
		in.Rate = -1 // not a number: refused beside the field
	}
	created, err := h.s.CreateIntegrator(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return h.r.FormFailed(w, r, err, "open311/integrators.html", func() (*web.Page, error) { return h.listPage(r) })
	}
	// The key is shown on this answer only: it is not stored in clear,
	// so it cannot be shown again.
	p, err := h.listPage(r)
	if err != nil {
		return err
	}
	p.Data.(*listData).Created = &created
	p.Flash = fmt.Sprintf("已新增接入方 %s，请立即复制 api_key，离开本页后无法再次查看 / integrator %s added: copy the api_key now, it cannot be shown again", created.Name, created.Name)
	h.r.Render(w, r, http.StatusOK, "open311/integrators.html", p)
	return nil
}

func (h *pages) revoke(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	a := web.ActorFrom(r.Context())
	if !web.Confirmed(r) {
		list, err := h.s.Integrators(r.Context(), a)
		if err != nil {
			return err
		}
		for _, in := range list {
			if in.ID == id && !in.Revoked {
				h.r.Confirm(w, r, web.Confirmation{Title: "停用接入方 " + in.Name + " / Revoke integrator " + in.Name,
					Consequence: "停用后该 api_key 立即失效，不能恢复；如需继续接入须新建接入方并发放新的 api_key。 / " +
						"Once revoked the api_key is refused at once and cannot be restored; to connect again, add a new integrator with a new api_key.",
					Action: fmt.Sprintf("/open311/integrators/%d/revoke", id), Fields: r.PostForm, Button: "确认停用 / Revoke", Back: "/open311/integrators"})
				return nil
			}
		}
	}
	in, err := h.s.RevokeIntegrator(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.RedirectFlash(w, r, "/open311/integrators", "已停用接入方 "+in.Name+" / revoked integrator "+in.Name)
	return nil
}
