package outbox

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"strconv"

	"linli"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Routes registers the JSON API and the pages:
//
//	GET  /api/outbox                     messages of the actor's scope (?status=&channel=&before=&limit=)
//	GET  /api/outbox/{id}                one message
//	POST /api/outbox/{id}/retry          a dead message back to pending (audited)
//	GET  /api/outbox/channels            configured channels, secrets masked
//	POST /api/outbox/channels            add a channel (422 naming the field)
//	DELETE /api/outbox/channels/{id}     remove one
//	POST /api/outbox/channels/{id}/enable, …/disable   turn one on or off (audited)
//	GET  /outbox, POST /outbox/{id}/retry, GET|POST /outbox/channels,
//	POST /outbox/channels/{id}/delete, …/enable, …/disable
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/outbox", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		f, err := filterOf(r)
		if err != nil {
			return err
		}
		a := web.ActorFrom(r.Context())
		items, err := s.List(r.Context(), a, f)
		if err != nil {
			return err
		}
		counts, err := s.Counts(r.Context(), a)
		if err != nil {
			return err
		}
		if items == nil {
			items = []Entry{}
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": items, "counts": counts})
		return nil
	})
	rt.API("GET /api/outbox/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.CallID(w, r, s.Get)
	})
	rt.API("POST /api/outbox/{id}/retry", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.CallID(w, r, s.Retry)
	})
	rt.API("GET /api/outbox/channels", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		cs, err := s.Channels(r.Context(), web.ActorFrom(r.Context()))
		if err != nil {
			return err
		}
		if cs == nil {
			cs = []ChannelView{}
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": cs})
		return nil
	})
	rt.API("POST /api/outbox/channels", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.Call(w, r, http.StatusCreated, s.SaveChannel)
	})
	rt.API("DELETE /api/outbox/channels/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.DeleteChannel(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	for verb, on := range map[string]bool{"enable": true, "disable": false} {
		rt.API("POST /api/outbox/channels/{id}/"+verb, web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
			return web.CallID(w, r, func(ctx context.Context, a *linli.Actor, id int64) (ChannelView, error) {
				return s.SetChannelEnabled(ctx, a, id, on)
			})
		})
		flash := map[bool]string{true: "已启用", false: "已停用"}[on]
		rt.Page("POST /outbox/channels/{id}/"+verb, web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
			id, err := web.PathID(r, "id")
			if err != nil {
				return err
			}
			if _, err := s.SetChannelEnabled(r.Context(), web.ActorFrom(r.Context()), id, on); err != nil {
				return err
			}
			web.RedirectFlash(w, r, "/outbox/channels", flash)
			return nil
		})
	}

	rt.Page("GET /outbox", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		f, err := filterOf(r)
		if err != nil {
			return err
		}
		d, err := s.listPage(r.Context(), web.ActorFrom(r.Context()), f)
		if err != nil {
			return err
		}
		render.Render(w, r, http.StatusOK, "outbox/outbox.html", &web.Page{Title: "外发消息", Data: d, Flash: web.Flash(r)})
		return nil
	})
	rt.Page("POST /outbox/{id}/retry", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := s.Retry(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
			return err
		}
		web.RedirectFlash(w, r, "/outbox?status=pending", "已重新排队 #"+strconv.FormatInt(id, 10))
		return nil
	})
	channelsPage := func(r *http.Request) (*web.Page, error) {
		a := web.ActorFrom(r.Context())
		cs, err := s.Channels(r.Context(), a)
		if err != nil {
			return nil, err
		}
		return &web.Page{Title: "外发渠道", Data: channelsData{Channels: cs, Nodes: nodeChoices(a)}, Flash: web.Flash(r)}, nil
	}
	rt.Page("GET /outbox/channels", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		p, err := channelsPage(r)
		if err != nil {
			return err
		}
		render.Render(w, r, http.StatusOK, "outbox/channels.html", p)
		return nil
	})
	rt.Page("POST /outbox/channels", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
		}
		nodeID, _ := strconv.ParseInt(r.PostFormValue("node_id"), 10, 64)
		in := ChannelInput{NodeID: nodeID, Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), URL: r.PostFormValue("url"),
			Secret: r.PostFormValue("secret"), Enabled: r.PostFormValue("enabled") == "1"}
		if _, err := s.SaveChannel(r.Context(), web.ActorFrom(r.Context()), in); err != nil {
			// Never echo the secret back into the form.
			r.Form.Del("secret")
			return render.FormFailed(w, r, err, "outbox/channels.html", func() (*web.Page, error) { return channelsPage(r) })
		}
		web.RedirectFlash(w, r, "/outbox/channels", "已保存")
		return nil
	})
	rt.Page("POST /outbox/channels/{id}/delete", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := s.DeleteChannel(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
			return err
		}
		web.RedirectFlash(w, r, "/outbox/channels", "已删除")
		return nil
	})
}

func filterOf(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	f := Filter{Status: q.Get("status"), Channel: q.Get("channel")}
	var err error
	if v := q.Get("before"); v != "" {
		if f.Before, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "before", Reason: "应为数字 / must be a number"})
		}
	}
	if f.Limit, err = web.QueryInt(r, "limit", 100); err != nil {
		return f, err
	}
	return f, f.Check()
}

type listData struct {
	Filter   Filter
	Items    []Entry
	Dead     []Entry
	Counts   map[string]int
	More     int64 // id to page on from, 0 when this is the last page
	Channel  []string
	Statuses []string
}

func (s *Service) listPage(ctx context.Context, a *linli.Actor, f Filter) (listData, error) {
	d := listData{Filter: f, Channel: []string{SMS, Notify, Email, WeCom, DingTalk, Webhook}, Statuses: []string{Pending, Sent, Dead}}
	var err error
	if f.Limit == 0 || f.Limit > 100 {
		f.Limit = 100
	}
	if d.Items, err = s.List(ctx, a, f); err != nil {
		return d, err
	}
	if len(d.Items) == f.Limit {
		d.More = d.Items[len(d.Items)-1].ID
	}
	if f.Status == "" && f.Before == 0 {
		if d.Dead, err = s.List(ctx, a, Filter{Status: Dead, Channel: f.Channel, Limit: 50}); err != nil {
			return d, err
		}
	}
	d.Counts, err = s.Counts(ctx, a)
	return d, err
}

type channelsData struct {
	Channels []ChannelView
	Nodes    []web.Choice
}

// nodeChoices are the nodes a may configure channels for: the whole
// deployment for an administrator, and the nodes of its grants.
func nodeChoices(a *linli.Actor) []web.Choice {
	var out []web.Choice
	if a.HasRole(linli.RoleAdmin) {
		out = append(out, web.Choice{ID: 0, Label: "整个部署"})
	}
	seen := map[int64]bool{}
	for _, g := range a.Grants {
		if g.Role.Has(linli.PermUsersManage) && g.NodeID != 0 && !seen[g.NodeID] {
			seen[g.NodeID] = true
			out = append(out, web.Choice{ID: g.NodeID, Label: g.NodeName})
		}
	}
	return out
}

// labels are the Chinese names of statuses and channels.
var labels = map[string]string{
	Pending: "待发送", Sent: "已发送", Dead: "失败",
	SMS: "短信", Notify: "账号（短信）", Email: "邮件", WeCom: "企业微信", DingTalk: "钉钉", Webhook: "Webhook",
}

// Pages returns the outbox pages and their English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "outbox", Catalog: catalog, Funcs: map[string]any{
		// obLabel is the Chinese name of a status or channel, for t.
		"obLabel": func(s string) string {
			if l, ok := labels[s]; ok {
				return l
			}
			return s
		},
		"obStatusClass": func(s string) string {
			switch s {
			case Sent:
				return "green"
			case Dead:
				return "red"
			}
			return "amber"
		},
	}}
}
