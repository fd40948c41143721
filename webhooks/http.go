package webhooks

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"linli"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Routes registers the JSON API and the pages:
//
//	GET    /api/webhooks                          the subscriptions of the actor's scope
//	POST   /api/webhooks                          subscribe (201 with signing_secret, shown once; 422 naming the field)
//	GET    /api/webhooks/{id}                     one subscription
//	DELETE /api/webhooks/{id}                     remove it
//	POST   /api/webhooks/{id}/enable, …/disable   turn it on or off
//	GET    /api/webhooks/{id}/deliveries          its delivery log (?before=&limit=)
//	POST   /api/webhooks/{id}/deliveries/{delivery}/redeliver   a dead delivery again
//	POST   /api/webhooks/{id}/rotate              a new signing secret ({"overlap_hours": 24}; the answer's signing_secret, shown once)
//	GET|POST /webhooks, GET /webhooks/{id}, POST /webhooks/{id}/enable|disable|delete|rotate,
//	POST /webhooks/{id}/deliveries/{delivery}/redeliver
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/webhooks", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		subs, err := s.List(r.Context(), web.ActorFrom(r.Context()))
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": subs})
		return nil
	})
	rt.API("POST /api/webhooks", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.Call(w, r, http.StatusCreated, s.Create)
	})
	rt.API("GET /api/webhooks/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.CallID(w, r, s.Get)
	})
	rt.API("DELETE /api/webhooks/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.Delete(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	rt.API("GET /api/webhooks/{id}/deliveries", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, before, limit, err := logQuery(r)
		if err != nil {
			return err
		}
		ds, err := s.Deliveries(r.Context(), web.ActorFrom(r.Context()), id, before, limit)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": ds})
		return nil
	})
	rt.API("POST /api/webhooks/{id}/deliveries/{delivery}/redeliver", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		d, err := s.redeliver(r)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, d)
		return nil
	})
	rt.API("POST /api/webhooks/{id}/rotate", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		in := RotateInput{OverlapHours: DefaultOverlapHours}
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		c, err := s.Rotate(r.Context(), web.ActorFrom(r.Context()), id, time.Duration(in.OverlapHours)*time.Hour)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	})
	rt.Page("POST /webhooks/{id}/rotate", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		hours, err := strconv.Atoi(r.PostFormValue("overlap_hours"))
		if err != nil {
			return linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "overlap_hours", Reason: "应为小时数 / must be a number of hours"})
		}
		a := web.ActorFrom(r.Context())
		c, err := s.Rotate(r.Context(), a, id, time.Duration(hours)*time.Hour)
		if err != nil {
			return err
		}
		// The new secret is shown on this answer only, as on creation.
		d, err := s.detail(r.Context(), a, id, 0)
		if err != nil {
			return err
		}
		d.SigningSecret, d.Rotated = c.SigningSecret, true
		render.Render(w, r, http.StatusOK, "webhooks/webhook.html", &web.Page{Title: "事件订阅", Data: d, Flash: "已更换签名密钥"})
		return nil
	})
	for verb, on := range map[string]bool{"enable": true, "disable": false} {
		rt.API("POST /api/webhooks/{id}/"+verb, web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
			return web.CallID(w, r, func(ctx context.Context, a *linli.Actor, id int64) (Subscription, error) {
				return s.SetEnabled(ctx, a, id, on)
			})
		})
		flash := map[bool]string{true: "已启用", false: "已停用"}[on]
		rt.Page("POST /webhooks/{id}/"+verb, web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
			id, err := web.PathID(r, "id")
			if err != nil {
				return err
			}
			if _, err := s.SetEnabled(r.Context(), web.ActorFrom(r.Context()), id, on); err != nil {
				return err
			}
			web.RedirectFlash(w, r, "/webhooks/"+strconv.FormatInt(id, 10), flash)
			return nil
		})
	}

	listPage := func(r *http.Request) (*web.Page, error) {
		a := web.ActorFrom(r.Context())
		subs, err := s.List(r.Context(), a)
		if err != nil {
			return nil, err
		}
		return &web.Page{Title: "事件订阅", Data: listData{Subscriptions: subs, Nodes: nodeChoices(a), Types: Types()}, Flash: web.Flash(r)}, nil
	}
	rt.Page("GET /webhooks", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		p, err := listPage(r)
		if err != nil {
			return err
		}
		render.Render(w, r, http.StatusOK, "webhooks/webhooks.html", p)
		return nil
	})
	rt.Page("POST /webhooks", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
		}
		in := Input{Name: r.PostFormValue("name"), URL: r.PostFormValue("url"), Events: r.PostForm["events"]}
		for _, v := range r.PostForm["scope"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
				in.Scope = append(in.Scope, id)
			}
		}
		on := r.PostFormValue("enabled") == "1"
		in.Enabled = &on
		c, err := s.Create(r.Context(), web.ActorFrom(r.Context()), in)
		if err != nil {
			return render.FormFailed(w, r, err, "webhooks/webhooks.html", func() (*web.Page, error) { return listPage(r) })
		}
		// The secret is shown on this answer only: no redirect carries it.
		d, err := s.detail(r.Context(), web.ActorFrom(r.Context()), c.ID, 0)
		if err != nil {
			return err
		}
		d.SigningSecret = c.SigningSecret
		render.Render(w, r, http.StatusCreated, "webhooks/webhook.html", &web.Page{Title: "事件订阅", Data: d, Flash: "已保存"})
		return nil
	})
	rt.Page("GET /webhooks/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, before, _, err := logQuery(r)
		if err != nil {
			return err
		}
		d, err := s.detail(r.Context(), web.ActorFrom(r.Context()), id, before)
		if err != nil {
			return err
		}
		render.Render(w, r, http.StatusOK, "webhooks/webhook.html", &web.Page{Title: "事件订阅", Data: d, Flash: web.Flash(r)})
		return nil
	})
	rt.Page("POST /webhooks/{id}/delete", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.Delete(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
			return err
		}
		web.RedirectFlash(w, r, "/webhooks", "已删除")
		return nil
	})
	rt.Page("POST /webhooks/{id}/deliveries/{delivery}/redeliver", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		d, err := s.redeliver(r)
		if err != nil {
			return err
		}
		web.RedirectFlash(w, r, "/webhooks/"+r.PathValue("id"), "已重新排队 #"+strconv.FormatInt(d.ID, 10))
		return nil
	})
}

func (s *Service) redeliver(r *http.Request) (Delivery, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return Delivery{}, err
	}
	did, err := web.PathID(r, "delivery")
	if err != nil {
		return Delivery{}, err
	}
	return s.Redeliver(r.Context(), web.ActorFrom(r.Context()), id, did)
}

// logQuery reads the subscription id and the log's ?before= and ?limit=.
func logQuery(r *http.Request) (id, before int64, limit int, err error) {
	if id, err = web.PathID(r, "id"); err != nil {
		return
	}
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil {
			return id, 0, 0, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "before", Reason: "应为数字 / must be a number"})
		}
	}
	limit, err = web.QueryInt(r, "limit", 100)
	return
}

type listData struct {
	Subscriptions []Subscription
	Nodes         []web.Choice
	Types         []string
}

type detailData struct {
	Subscription  Subscription
	Deliveries    []Delivery
	More          int64  // id to page on from; 0 on the last page
	SigningSecret string // only on the answer that created it, or rotated it
	Rotated       bool   // the answer to a rotation
	Overlaps      []int  // the overlap choices of the rotation form, in hours
}

// RotateInput is a rotation asked through the API.
type RotateInput struct {
	OverlapHours int `json:"overlap_hours"` // 0–168; absent: DefaultOverlapHours
}

// DefaultOverlapHours is a rotation's overlap unless one is given: a day
// for the receiver to take the new secret.
const DefaultOverlapHours = 24

const pageSize = 50

func (s *Service) detail(ctx context.Context, a *linli.Actor, id, before int64) (detailData, error) {
	sub, err := s.Get(ctx, a, id)
	if err != nil {
		return detailData{}, err
	}
	ds, err := s.Deliveries(ctx, a, id, before, pageSize)
	if err != nil {
		return detailData{}, err
	}
	d := detailData{Subscription: sub, Deliveries: ds, Overlaps: []int{DefaultOverlapHours, 72, 168, 0}}
	if len(ds) == pageSize {
		d.More = ds[len(ds)-1].ID
	}
	return d, nil
}

// nodeChoices are the nodes a may subscribe to: those of its grants that
// manage accounts.
func nodeChoices(a *linli.Actor) []web.Choice {
	var out []web.Choice
	for _, g := range a.Grants {
		if g.Role.Has(linli.PermUsersManage) && g.NodeID != 0 && !slices.ContainsFunc(out, func(c web.Choice) bool { return c.ID == g.NodeID }) {
			out = append(out, web.Choice{ID: g.NodeID, Label: g.NodeName})
		}
	}
	return out
}

// typeLabels are the Chinese names of the event types, for t.
var typeLabels = map[string]string{
	CaseCreated: "案件上报", CaseStateChanged: "案件状态变化", CaseEscalated: "案件升级（吹哨）", CaseOverdue: "案件超期",
	CaseRated: "案件评价", ProjectPhaseChanged: "项目进入新阶段", VoteClosed: "表决结束", NoticePublished: "通知发布",
}

// Pages returns the pages and their English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "webhooks", Catalog: catalog, Funcs: map[string]any{
		"whType": func(t string) string {
			if l, ok := typeLabels[t]; ok {
				return l
			}
			return t
		},
		// whChecked: the box was ticked in the form sent back, or, on a
		// fresh form (def), ticked by default.
		"whChecked": func(form url.Values, name, value string, def bool) bool {
			if form == nil {
				return def
			}
			return slices.Contains(form[name], value)
		},
		"whStatusClass": func(st string) string {
			switch st {
			case "sent":
				return "green"
			case "dead":
				return "red"
			}
			return "amber"
		},
	}}
}
