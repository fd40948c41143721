package auth

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"linli"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the account pages and their English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "auth", Catalog: catalog(), Funcs: template.FuncMap{
		"relationLabel": RelationLabel, "claimState": ClaimStateLabel,
		"claimRelations": func() []string { return []string{ClaimOwner, ClaimFamily, ClaimTenant} }}}
}

// Secure marks cookies Secure (set when served over HTTPS).
type HTTP struct {
	*Service
	Renderer     *web.Renderer
	SecureCookie bool
	// LoginLimit, when set, is asked before each password is checked,
	// with the account's key ("account:<id>", or "name:<typed>" for a name
	// no account has): the per-account login rate limit (429).
	LoginLimit func(key string) error
}

// limitLogin applies LoginLimit to the account a login name names.
func (h *HTTP) limitLogin(r *http.Request, login string) error {
	if h.LoginLimit == nil {
		return nil
	}
	login = strings.TrimSpace(login)
	id, err := h.FindAccount(r.Context(), login)
	if err != nil && linli.ErrorCode(err) != linli.ENotFound {
		return err
	}
	return h.LoginLimit(failureKey(id, login))
}

// Routes registers login, logout, the language switch, account pages and
// the account API.
func (h *HTTP) Routes(rt *web.Router) {
	rt.Page("GET /login", web.Public, h.pageLogin)
	rt.Page("POST /login", web.Public, h.pageLoginPost)
	rt.Page("POST /logout", web.Public, h.pageLogout)
	rt.Page("POST /lang", web.Public, h.pageLang)
	rt.Page("POST /elder", web.Public, h.pageElder)
	rt.Page("GET /account", web.LoggedIn, h.pageAccount)
	rt.Page("POST /account/password", web.LoggedIn, h.pagePassword)
	rt.Page("POST /account/tokens", web.LoggedIn, h.pageToken)
	rt.Page("GET /users", web.LoggedIn, h.pageUsers)
	rt.Page("POST /users", web.LoggedIn, h.pageCreateUser)
	rt.Page("GET /users/{id}", web.LoggedIn, h.pageUser)
	rt.Page("POST /users/{id}/grants", web.LoggedIn, h.pageGrant)
	rt.Page("POST /users/{id}/grants/{grant}/delete", web.LoggedIn, h.pageRevoke)
	rt.Page("POST /users/{id}/password", web.LoggedIn, h.pageReset)
	rt.Page("POST /users/{id}/disable", web.LoggedIn, h.pageDisable)

	rt.API("POST /api/login", web.Public, h.apiLogin)
	rt.API("POST /api/logout", web.LoggedIn, h.apiLogout)
	rt.API("GET /api/me", web.LoggedIn, h.apiMe)
	rt.API("POST /api/account/password", web.LoggedIn, h.apiPassword)
	rt.API("POST /api/tokens", web.LoggedIn, h.apiToken)
	rt.API("GET /api/tokens", web.LoggedIn, h.apiTokens)
	rt.API("DELETE /api/tokens/{id}", web.LoggedIn, h.apiRevokeToken)
	rt.Page("POST /account/tokens/{id}/revoke", web.LoggedIn, h.pageRevokeToken)
	rt.API("GET /api/accounts", web.LoggedIn, h.apiAccounts)
	rt.API("GET /api/accounts/pick", web.LoggedIn, h.apiPickWorkers)
	rt.API("POST /api/accounts", web.LoggedIn, h.apiCreateAccount)
	rt.API("GET /api/accounts/{id}", web.LoggedIn, h.apiAccount)
	rt.API("POST /api/accounts/{id}/grants", web.LoggedIn, h.apiGrant)
	rt.API("DELETE /api/accounts/{id}/grants/{grant}", web.LoggedIn, h.apiRevoke)
	rt.API("POST /api/accounts/{id}/password", web.LoggedIn, h.apiReset)
	rt.API("POST /api/accounts/{id}/disable", web.LoggedIn, h.apiDisable)
	h.factorRoutes(rt)
}

func (h *HTTP) setSession(w http.ResponseWriter, tok string) {
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: h.SecureCookie, MaxAge: int(h.Policy.SessionMax.Seconds())})
}

// safeNext keeps redirects after login on this site (web.LocalPath).
func safeNext(s string) string { return web.LocalPath(s, "/") }

func (h *HTTP) pageLogin(w http.ResponseWriter, r *http.Request) error {
	if web.ActorFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	h.Renderer.Render(w, r, http.StatusOK, "auth/login.html", &web.Page{Title: "登录", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
	return nil
}

func (h *HTTP) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / bad form")
	}
	err := h.limitLogin(r, r.PostFormValue("login"))
	var sess Session
	if err == nil {
		sess, err = h.Login(r.Context(), r.PostFormValue("login"), r.PostFormValue("password"), linli.IPFrom(r.Context()), r.UserAgent())
	}
	if err != nil {
		code := linli.ErrorCode(err)
		if code == linli.EInternal {
			return err
		}
		form := url.Values{"login": {r.PostFormValue("login")}, "next": {r.PostFormValue("next")}}
		if code == linli.ETooMany {
			web.SetRetryAfter(w, err)
		}
		h.Renderer.Render(w, r, web.StatusOf(code), "auth/login.html", &web.Page{Title: "登录", Error: linli.ErrorMessage(err), Form: form})
		return nil
	}
	if sess.Challenge != "" {
		h.pageChallenge(w, r, sess)
		return nil
	}
	h.setSession(w, sess.Token)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *HTTP) pageLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		_ = h.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (h *HTTP) pageLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	if lang != "en" {
		lang = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// pageElder switches 长辈模式 (elder mode) on or off: for the account
// when logged in (kept for every later session), and for this browser in a
// cookie (so the login page keeps it too, and a visitor without an account
// can have it). The layout applies it when either says on (web.Elder).
func (h *HTTP) pageElder(w http.ResponseWriter, r *http.Request) error {
	on := r.PostFormValue("elder") == "1"
	if a := web.ActorFrom(r.Context()); a != nil {
		if err := h.SetElder(r.Context(), a, on); err != nil {
			return err
		}
	}
	v, age := "1", 365*24*3600
	if !on {
		v, age = "", -1
	}
	http.SetCookie(w, &http.Cookie{Name: web.ElderCookie, Value: v, Path: "/", MaxAge: age, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookie})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

type accountData struct {
	Account Account
	Token   string
	Tokens  []Token
	Places  []NodeOption // where a new token may be narrowed to
}

// accountPage reads what /account shows: the account, its tokens and
// the places a new token may be narrowed to.
func (h *HTTP) accountPage(r *http.Request, a *linli.Actor) (accountData, error) {
	acc, err := h.Account(r.Context(), a, a.AccountID)
	if err != nil {
		return accountData{}, err
	}
	ts, err := h.Tokens(r.Context(), a)
	if err != nil {
		return accountData{}, err
	}
	places, err := h.tokenPlaces(r, a)
	return accountData{Account: acc, Tokens: ts, Places: places}, err
}

func (h *HTTP) pageAccount(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	d, err := h.accountPage(r, a)
	if err != nil {
		return err
	}
	h.Renderer.Render(w, r, http.StatusOK, "auth/account.html", &web.Page{Title: "我的账号", Data: d, Flash: r.URL.Query().Get("flash")})
	return nil
}

// nodeOptions are places for a select, each indented by its depth.
func nodeOptions(ns []registry.Node) []NodeOption {
	out := make([]NodeOption, len(ns))
	for i, n := range ns {
		out[i] = NodeOption{ID: n.ID, Label: strings.Repeat("　", max(n.Depth-1, 0)) + n.Name}
	}
	return out
}

// tokenPlaces lists, by name, the places a new API token may be narrowed
// to: those where the account holds a role and every place under them down
// to estates (the token form's choice; CreateScopedToken checks it again).
func (h *HTTP) tokenPlaces(r *http.Request, a *linli.Actor) ([]NodeOption, error) {
	var scopes []string
	for _, g := range a.Grants {
		scopes = append(scopes, g.NodePath)
	}
	// A role inside another role's place adds no place: list each once.
	slices.Sort(scopes)
	var outer []string
	for _, sc := range scopes {
		if len(outer) == 0 || !strings.HasPrefix(sc, outer[len(outer)-1]) {
			outer = append(outer, sc)
		}
	}
	ns, err := h.Registry.PlacesIn(r.Context(), outer, 2000,
		registry.KindCity, registry.KindDistrict, registry.KindStreet, registry.KindCommunity, registry.KindGrid, registry.KindEstate)
	if err != nil {
		return nil, err
	}
	return nodeOptions(ns), nil
}

func (h *HTTP) pagePassword(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	var session string
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		session = c.Value
	}
	everywhere := r.PostFormValue("sign_out_everywhere") == "1"
	err := h.ChangePassword(r.Context(), a, session, PasswordChange{Old: r.PostFormValue("old_password"), Password: r.PostFormValue("password"), SignOutEverywhere: everywhere})
	if err != nil {
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		d, derr := h.accountPage(r, a)
		if derr != nil {
			return derr
		}
		h.Renderer.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "auth/account.html", &web.Page{Title: "我的账号", Data: d, Errors: fields, Error: msg})
		return nil
	}
	if !everywhere {
		// The other sessions ended; this one goes on.
		web.RedirectFlash(w, r, "/account", "密码已修改，其他设备已退出登录 / password changed; other devices signed out")
		return nil
	}
	// Signed out everywhere: this session and the API tokens too.
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (h *HTTP) pageToken(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	tok, err := h.CreateScopedToken(r.Context(), a, TokenInput{Name: r.PostFormValue("name"), NodeID: web.FormInt(r, "node_id"), ReadOnly: r.PostFormValue("read_only") == "1"})
	d, derr := h.accountPage(r, a)
	if derr != nil {
		return derr
	}
	d.Token = tok
	p := &web.Page{Title: "我的账号", Data: d}
	status := http.StatusOK
	if err != nil {
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		// The form comes back as it was sent: name, place and read-only.
		p.Errors, p.Error, p.Form, status = fields, msg, r.PostForm, web.StatusOf(linli.ErrorCode(err))
	}
	h.Renderer.Render(w, r, status, "auth/account.html", p)
	return nil
}

type usersData struct {
	Accounts []Account
	Query    string
	Places   []NodeOption // for the new account's first role
}

func (h *HTTP) usersPage(r *http.Request) (*web.Page, error) {
	q := r.URL.Query().Get("q")
	a := web.ActorFrom(r.Context())
	accs, err := h.ListAccounts(r.Context(), a, q)
	if err != nil {
		return nil, err
	}
	places, err := h.grantablePlaces(r, a)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "账号与角色", Data: usersData{Accounts: accs, Query: q, Places: places}}, nil
}

func (h *HTTP) pageUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := h.usersPage(r)
	if err != nil {
		return err
	}
	p.Flash = r.URL.Query().Get("flash")
	h.Renderer.Render(w, r, http.StatusOK, "auth/users.html", p)
	return nil
}

func (h *HTTP) pageCreateUser(w http.ResponseWriter, r *http.Request) error {
	in := AccountInput{Username: r.PostFormValue("username"), Phone: r.PostFormValue("phone"), DisplayName: r.PostFormValue("display_name"), Password: r.PostFormValue("password")}
	// The form creates the account with its first role in one step.
	g, err := h.grantForm(r)
	in.Grant = &g
	var acc Account
	if err == nil {
		acc, err = h.CreateAccount(r.Context(), web.ActorFrom(r.Context()), in)
	}
	if err != nil {
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		p, perr := h.usersPage(r)
		if perr != nil {
			return perr
		}
		r.PostForm.Del("password")
		p.Errors, p.Error, p.Form = fields, msg, r.PostForm
		h.Renderer.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "auth/users.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/users/%d", acc.ID), "账号已创建 / account created")
	return nil
}

// grantForm reads the role, place and household fields of a form.
// grantForm reads the grant fields of a form. A resident's household is
// named as people name it — the unit chosen as the scope and the room
// ("602") — not by its database id (household_id is still read, for
// callers that have it).
func (h *HTTP) grantForm(r *http.Request) (GrantInput, error) {
	node, _ := strconv.ParseInt(r.PostFormValue("node_id"), 10, 64)
	hh, _ := strconv.ParseInt(r.PostFormValue("household_id"), 10, 64)
	g := GrantInput{Role: linli.Role(r.PostFormValue("role")), NodeID: node, HouseholdID: hh}
	if room := strings.TrimSpace(r.PostFormValue("room")); room != "" && hh == 0 && g.Role == linli.RoleResident {
		n, err := h.Registry.NodeByID(r.Context(), node)
		if err != nil || n.Kind != registry.KindUnit {
			return g, linli.Invalid("请把范围选到住户所在的单元 / choose the household's unit as the scope", linli.FieldError{Field: "node_id", Reason: "居民须选择单元 / a resident's scope is a unit"})
		}
		if g.HouseholdID, err = h.Registry.HouseholdByRoom(r.Context(), node, room); err != nil {
			if linli.ErrorCode(err) != linli.ENotFound {
				return g, err
			}
			return g, linli.Invalid("该单元没有这个房号 / no such room in the unit", linli.FieldError{Field: "room", Reason: "该单元没有这个房号 / no such room in the unit"})
		}
	}
	return g, nil
}

// NodeOption is a place a role can be granted on, for the grant form.
type NodeOption struct {
	ID    int64
	Label string
}

type userData struct {
	Account Account
	Places  []NodeOption
	Self    bool
}

func (h *HTTP) userPage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	acc, err := h.Account(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	places, err := h.grantablePlaces(r, a)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: acc.DisplayName, Crumbs: []web.NavItem{{Href: "/users", Label: "账号与角色"}},
		Data: userData{Account: acc, Places: places, Self: id == a.AccountID}}, nil
}

// grantablePlaces lists the nodes down to estates where the actor
// manages users (buildings and units too for small scopes).
func (h *HTTP) grantablePlaces(r *http.Request, a *linli.Actor) ([]NodeOption, error) {
	ns, err := h.Registry.PlacesIn(r.Context(), a.Scopes(linli.PermUsersManage), 2000)
	if err != nil {
		return nil, err
	}
	return nodeOptions(ns), nil
}

func (h *HTTP) pageUser(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.userPage(r, id)
	if err != nil {
		return err
	}
	p.Flash = r.URL.Query().Get("flash")
	h.Renderer.Render(w, r, http.StatusOK, "auth/user.html", p)
	return nil
}

func (h *HTTP) userFormFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	fields, msg := web.FormErrors(err)
	if fields == nil {
		return err
	}
	p, perr := h.userPage(r, id)
	if perr != nil {
		return perr
	}
	r.PostForm.Del("password")
	p.Errors, p.Error, p.Form = fields, msg, r.PostForm
	h.Renderer.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "auth/user.html", p)
	return nil
}

func (h *HTTP) pageGrant(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	g, err := h.grantForm(r)
	if err == nil {
		_, err = h.Grant(r.Context(), web.ActorFrom(r.Context()), id, g)
	}
	if err != nil {
		return h.userFormFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/users/%d", id), "已授予角色")
	return nil
}

func (h *HTTP) pageRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := web.PathID(r, "grant")
	if err != nil {
		return err
	}
	if _, err := h.Revoke(r.Context(), web.ActorFrom(r.Context()), id, gid); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/users/%d", id), "已撤销角色")
	return nil
}

func (h *HTTP) pageReset(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.ResetPassword(r.Context(), web.ActorFrom(r.Context()), id, r.PostFormValue("password")); err != nil {
		return h.userFormFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/users/%d", id), "密码已重置")
	return nil
}

func (h *HTTP) pageDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.SetDisabled(r.Context(), web.ActorFrom(r.Context()), id, r.PostFormValue("disabled") == "1"); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/users/%d", id), "已保存")
	return nil
}

// --- JSON API ---

func (h *HTTP) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.limitLogin(r, in.Login); err != nil {
		return err
	}
	sess, err := h.Login(r.Context(), in.Login, in.Password, linli.IPFrom(r.Context()), r.UserAgent())
	if err != nil {
		return err
	}
	if sess.Challenge != "" {
		return h.apiChallenge(w, r, sess)
	}
	h.setSession(w, sess.Token)
	web.WriteJSON(w, http.StatusOK, map[string]any{"account_id": sess.Actor.AccountID, "display_name": sess.Actor.DisplayName, "grants": sess.Actor.Grants})
	return nil
}

func (h *HTTP) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		if err := h.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *HTTP) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	web.WriteJSON(w, http.StatusOK, map[string]any{"account_id": a.AccountID, "username": a.Username, "display_name": a.DisplayName, "grants": a.Grants})
	return nil
}

func (h *HTTP) apiPassword(w http.ResponseWriter, r *http.Request) error {
	var in PasswordChange
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var session string
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		session = c.Value
	}
	if err := h.ChangePassword(r.Context(), web.ActorFrom(r.Context()), session, in); err != nil {
		return err
	}
	if in.SignOutEverywhere {
		http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *HTTP) apiToken(w http.ResponseWriter, r *http.Request) error {
	var in TokenInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	tok, err := h.CreateScopedToken(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]string{"token": tok})
	return nil
}

func (h *HTTP) apiTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := h.Tokens(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"tokens": ts})
	return nil
}

func (h *HTTP) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.RevokeToken(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *HTTP) pageRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.RevokeToken(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (h *HTTP) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	accs, err := h.ListAccounts(r.Context(), web.ActorFrom(r.Context()), r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	if accs == nil {
		accs = []Account{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"accounts": accs})
	return nil
}

func (h *HTTP) apiCreateAccount(w http.ResponseWriter, r *http.Request) error {
	var in AccountInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	acc, err := h.CreateAccount(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, acc)
	return nil
}

func (h *HTTP) apiAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	acc, err := h.Account(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, acc)
	return nil
}

func (h *HTTP) apiGrant(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in GrantInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	acc, err := h.Grant(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, acc)
	return nil
}

func (h *HTTP) apiRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := web.PathID(r, "grant")
	if err != nil {
		return err
	}
	acc, err := h.Revoke(r.Context(), web.ActorFrom(r.Context()), id, gid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, acc)
	return nil
}

func (h *HTTP) apiReset(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.ResetPassword(r.Context(), web.ActorFrom(r.Context()), id, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *HTTP) apiDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Disabled bool `json:"disabled"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	acc, err := h.SetDisabled(r.Context(), web.ActorFrom(r.Context()), id, in.Disabled)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, acc)
	return nil
}
