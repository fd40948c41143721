package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"linli"
	"linli/registry"
	"linli/web"
)

// SignupHTTP serves registration (/register), a household claim (/claim),
// the claims waiting for staff or an owner (/claims) and their JSON API.
type SignupHTTP struct {
	*Signup
	Renderer     *web.Renderer
	SecureCookie bool
}

// Routes registers the pages and the API.
func (h *SignupHTTP) Routes(rt *web.Router) {
	rt.Page("GET /register", web.Public, h.pageRegister)
	rt.Page("POST /register", web.Public, h.pageRegisterPost)
	rt.Page("GET /claim", web.LoggedIn, h.pageClaim)
	rt.Page("POST /claim", web.LoggedIn, h.pageClaimPost)
	rt.Page("GET /claims", web.LoggedIn, h.pageClaims)
	rt.Page("POST /claims/{id}/decide", web.LoggedIn, h.pageDecide)

	rt.API("POST /api/register/code", web.Public, h.apiSendCode)
	rt.API("POST /api/register", web.Public, h.apiRegister)
	rt.API("GET /api/claims", web.LoggedIn, h.apiClaims)
	rt.API("POST /api/claims", web.LoggedIn, h.apiClaim)
	rt.API("POST /api/claims/{id}/decision", web.LoggedIn, h.apiDecide)
}

// registerData is the registration page: the phone step, then the code
// step (Sent) with the code shown in the demo.
type registerData struct {
	Sent *SentCode
}

func (h *SignupHTTP) pageRegister(w http.ResponseWriter, r *http.Request) error {
	if web.ActorFrom(r.Context()) != nil {
		http.Redirect(w, r, "/claim", http.StatusSeeOther)
		return nil
	}
	h.Renderer.Render(w, r, http.StatusOK, "auth/register.html", &web.Page{Title: "注册", Data: registerData{}})
	return nil
}

func (h *SignupHTTP) pageRegisterPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / bad form")
	}
	phone := r.PostFormValue("phone")
	// The code step keeps its shape after an error there.
	codeStep := func() (*web.Page, error) {
		return &web.Page{Title: "注册", Data: registerData{Sent: &SentCode{Phone: phone}}}, nil
	}
	if r.PostFormValue("step") == "create" {
		sess, err := h.Register(r.Context(), RegisterInput{Phone: phone, Code: r.PostFormValue("code"),
			DisplayName: r.PostFormValue("display_name"), Password: r.PostFormValue("password")}, linli.IPFrom(r.Context()), r.UserAgent())
		if err != nil {
			return h.Renderer.FormFailed(w, r, err, "auth/register.html", codeStep)
		}
		(&HTTP{Service: h.Service, SecureCookie: h.SecureCookie}).setSession(w, sess.Token)
		web.RedirectFlash(w, r, "/claim", "注册成功，请认领您的房屋")
		return nil
	}
	sent, err := h.SendCode(r.Context(), phone, linli.IPFrom(r.Context()))
	if err != nil {
		return h.Renderer.FormFailed(w, r, err, "auth/register.html", func() (*web.Page, error) {
			return &web.Page{Title: "注册", Data: registerData{}}, nil
		})
	}
	h.Renderer.Render(w, r, http.StatusOK, "auth/register.html", &web.Page{Title: "注册", Data: registerData{Sent: &sent},
		Form: url.Values{"phone": {sent.Phone}}})
	return nil
}

// Option is one choice of a select.
type Option struct {
	ID    int64
	Label string
}

// claimData is the claim page: the actor's claims, and the room picker
// (community → estate → building → unit → room), one level per step.
type claimData struct {
	Mine                                    []Claim
	Communities, Estates, Buildings, Units  []Option
	Rooms                                   []Option
	Community, Estate, Building, Unit, Room int64
}

// picker fills the room picker from the query: each chosen place must lie
// under the one chosen before it, or it and what follows are dropped.
func (h *SignupHTTP) picker(ctx context.Context, q url.Values, d *claimData) error {
	id := func(k string) int64 { n, _ := strconv.ParseInt(q.Get(k), 10, 64); return n }
	opts := func(ns []registry.Node) []Option {
		out := make([]Option, len(ns))
		for i, n := range ns {
			out[i] = Option{n.ID, n.Name}
		}
		return out
	}
	ns, err := h.Registry.NodesUnder(ctx, h.DB, "/", registry.KindCommunity)
	if err != nil {
		return err
	}
	d.Communities = opts(ns)
	parent := "/"
	for _, lvl := range []struct {
		key  string
		dst  *int64
		next *[]Option
		kind registry.Kind
	}{
		{"community", &d.Community, &d.Estates, registry.KindEstate},
		{"estate", &d.Estate, &d.Buildings, registry.KindBuilding},
		{"building", &d.Building, &d.Units, registry.KindUnit},
	} {
		n, err := h.Registry.NodeByID(ctx, id(lvl.key))
		if err != nil || !linli.Within(n.Path, parent) || n.Path == parent {
			return nil
		}
		*lvl.dst, parent = n.ID, n.Path
		ns, err := h.Registry.NodesUnder(ctx, h.DB, n.Path, lvl.kind)
		if err != nil {
			return err
		}
		*lvl.next = opts(ns)
	}
	n, err := h.Registry.NodeByID(ctx, id("unit"))
	if err != nil || n.Kind != registry.KindUnit || !linli.Within(n.Path, parent) {
		return nil
	}
	d.Unit = n.ID
	hs, err := h.Registry.HouseholdsUnder(ctx, h.DB, n.Path)
	if err != nil {
		return err
	}
	for _, hh := range hs {
		d.Rooms = append(d.Rooms, Option{hh.ID, hh.Room})
	}
	return nil
}

func (h *SignupHTTP) claimPage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	d := claimData{}
	var err error
	if d.Mine, err = h.MyClaims(r.Context(), a); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	if err := h.picker(r.Context(), q, &d); err != nil {
		return nil, err
	}
	return &web.Page{Title: "认领房屋", Data: d, Flash: web.Flash(r), Form: q}, nil
}

func (h *SignupHTTP) pageClaim(w http.ResponseWriter, r *http.Request) error {
	p, err := h.claimPage(r)
	if err != nil {
		return err
	}
	h.Renderer.Render(w, r, http.StatusOK, "auth/claim.html", p)
	return nil
}

func (h *SignupHTTP) pageClaimPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / bad form")
	}
	hid, _ := strconv.ParseInt(r.PostFormValue("household_id"), 10, 64)
	c, err := h.ClaimHousehold(r.Context(), web.ActorFrom(r.Context()), ClaimInput{HouseholdID: hid, Relation: r.PostFormValue("relation")})
	if err != nil {
		return h.Renderer.FormFailed(w, r, err, "auth/claim.html", func() (*web.Page, error) { return h.claimPage(r) })
	}
	msg := "已提交，请等待社区审核"
	if c.State == ClaimApproved {
		msg = "认领成功：手机号与登记的业主一致"
	} else if c.Relation != ClaimOwner {
		msg = "已提交，请等待业主或社区审核"
	}
	web.RedirectFlash(w, r, "/claim", msg)
	return nil
}

func (h *SignupHTTP) pageClaims(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.PendingClaims(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	h.Renderer.Render(w, r, http.StatusOK, "auth/claims.html", &web.Page{Title: "房屋认领审核", Data: cs, Flash: web.Flash(r)})
	return nil
}

func (h *SignupHTTP) pageDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / bad form")
	}
	c, err := h.DecideClaim(r.Context(), web.ActorFrom(r.Context()), id, Decision{Approve: r.PostFormValue("approve") == "1", Note: r.PostFormValue("note")})
	if err != nil {
		return err
	}
	word := "已拒绝"
	if c.State == ClaimApproved {
		word = "已通过"
	}
	web.RedirectFlash(w, r, "/claims", fmt.Sprintf("%s：%s %s", word, c.AccountName, c.Household))
	return nil
}

func (h *SignupHTTP) apiSendCode(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Phone string `json:"phone"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sent, err := h.SendCode(r.Context(), in.Phone, linli.IPFrom(r.Context()))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sent)
	return nil
}

func (h *SignupHTTP) apiRegister(w http.ResponseWriter, r *http.Request) error {
	var in RegisterInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sess, err := h.Register(r.Context(), in, linli.IPFrom(r.Context()), r.UserAgent())
	if err != nil {
		return err
	}
	(&HTTP{Service: h.Service, SecureCookie: h.SecureCookie}).setSession(w, sess.Token)
	web.WriteJSON(w, http.StatusCreated, map[string]any{"account_id": sess.Actor.AccountID, "display_name": sess.Actor.DisplayName})
	return nil
}

func (h *SignupHTTP) apiClaims(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	mine, err := h.MyClaims(r.Context(), a)
	if err != nil {
		return err
	}
	pending, err := h.PendingClaims(r.Context(), a)
	if err != nil {
		return err
	}
	if mine == nil {
		mine = []Claim{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"mine": mine, "pending": pending})
	return nil
}

func (h *SignupHTTP) apiClaim(w http.ResponseWriter, r *http.Request) error {
	return web.Call(w, r, http.StatusCreated, h.ClaimHousehold)
}

func (h *SignupHTTP) apiDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in Decision
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.DecideClaim(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

// HomePanels gives the home page's claims panel: the claims waiting for
// the actor's decision (staff, owners), and for an account without a role
// the way to claim its home.
func (h *Signup) HomePanels(ctx context.Context, a *linli.Actor) ([]web.Panel, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	var out []web.Panel
	if len(a.Grants) == 0 {
		mine, err := h.MyClaims(ctx, a)
		if err != nil {
			return nil, err
		}
		p := web.Panel{Key: "claim", Title: "认领我的房屋", Order: web.OrderCases - 1, Lists: []web.PanelList{{Key: "claim", Title: "认领我的房屋",
			Items: []web.PanelItem{{Href: "/claim", Tag: "按房号认领您的房屋，成为居民"}}}}}
		for _, c := range mine {
			p.Lists[0].Items = append(p.Lists[0].Items, web.PanelItem{Href: "/claim", Text: c.Household, Tag: claimStateLabels[c.State]})
		}
		out = append(out, p)
	}
	if !a.CanAny(linli.PermUsersManage) && !a.HasRole(linli.RoleResident) {
		return out, nil
	}
	cs, err := h.PendingClaims(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(cs) > 0 || a.CanAny(linli.PermUsersManage) {
		out = append(out, web.Panel{Key: "claims", Title: "房屋认领审核", Order: web.OrderProjects + 10,
			Counts: []web.Count{{Key: "pending", Label: "待审核", N: len(cs), Href: "/claims"}}})
	}
	return out, nil
}

var claimStateLabels = map[string]string{ClaimPending: "待审核", ClaimApproved: "已通过", ClaimRefused: "已拒绝"}

// ClaimStateLabel is the Chinese name of a claim's state.
func ClaimStateLabel(s string) string { return claimStateLabels[s] }
