package auth

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	qrcode "github.com/skip2/go-qrcode"

	"linli"
	"linli/web"
)

// stepCookie carries the challenge between the password and the code
// pages (HttpOnly, only sent to /login, gone after challengeTTL).
const stepCookie = "linli_login_step"

// factorRoutes registers the code step of the login, the account's own
// factor pages and API, and the administrator's reset.
func (h *HTTP) factorRoutes(rt *web.Router) {
	rt.Page("GET /login/code", web.Public, h.pageLoginCode)
	rt.Page("POST /login/code", web.Public, h.pageLoginCodePost)
	rt.Page("GET /account/factor", web.LoggedIn, h.pageFactor)
	rt.Page("POST /account/factor", web.LoggedIn, h.pageFactorConfirm)
	rt.Page("POST /account/factor/remove", web.LoggedIn, h.pageFactorRemove)
	rt.Page("POST /users/{id}/factor/reset", web.LoggedIn, h.pageFactorReset)

	rt.API("POST /api/login/code", web.Public, h.apiLoginCode)
	rt.API("GET /api/account/factor", web.LoggedIn, h.apiFactorState)
	rt.API("POST /api/account/factor", web.LoggedIn, h.apiFactorBegin)
	rt.API("POST /api/account/factor/confirm", web.LoggedIn, h.apiFactorConfirm)
	rt.API("POST /api/account/factor/remove", web.LoggedIn, h.apiFactorRemove)
	rt.API("POST /api/accounts/{id}/factor/reset", web.LoggedIn, h.apiFactorReset)
}

// qrDataURL draws the otpauth:// URI as a PNG QR code on the server, for
// an <img> (the CSP admits data: images); nothing leaves the intranet.
func qrDataURL(uri string) (template.URL, error) {
	png, err := qrcode.Encode(uri, qrcode.Medium, 240)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

type factorData struct {
	Enrol     *Enrolment // a factor waiting for its first code
	QR        template.URL
	State     FactorState
	Recovery  []string // the recovery codes, shown once after enrolment
	Next      string
	LoginStep bool // the login's code step (not the account page)
}

func enrolmentData(e Enrolment) (factorData, error) {
	qr, err := qrDataURL(e.URI)
	return factorData{Enrol: &e, QR: qr}, err
}

func (h *HTTP) setStep(w http.ResponseWriter, tok string, age int) {
	http.SetCookie(w, &http.Cookie{Name: stepCookie, Value: tok, Path: "/login", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: h.SecureCookie, MaxAge: age})
}

// loginStep renders the code page of a challenge: with the QR code when
// the account enrols there.
func (h *HTTP) loginStep(w http.ResponseWriter, r *http.Request, status int, challenge string, enrol bool, next string, err error) error {
	d := factorData{Next: next, LoginStep: true}
	if enrol {
		e, eerr := h.ChallengeEnrolment(r.Context(), challenge)
		if eerr != nil {
			return h.stepGone(w, r, next, eerr)
		}
		if d, eerr = enrolmentData(e); eerr != nil {
			return eerr
		}
		d.Next, d.LoginStep = next, true
	}
	p := &web.Page{Title: "两步验证", Data: d, Form: url.Values{"next": {next}}}
	if err != nil {
		p.Errors, p.Error = web.FormErrors(err)
	}
	h.Renderer.Render(w, r, status, "auth/login_code.html", p)
	return nil
}

// stepGone sends an expired or unknown code step back to the password.
func (h *HTTP) stepGone(w http.ResponseWriter, r *http.Request, next string, err error) error {
	if linli.ErrorCode(err) == linli.EInternal {
		return err
	}
	h.setStep(w, "", -1)
	h.Renderer.Render(w, r, http.StatusUnauthorized, "auth/login.html", &web.Page{Title: "登录", Error: linli.ErrorMessage(err), Form: url.Values{"next": {next}}})
	return nil
}

func (h *HTTP) pageLoginCode(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	c, err := r.Cookie(stepCookie)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	_, enrol, err := h.challengeOf(r.Context(), h.DB, c.Value, h.now())
	if err != nil {
		return h.stepGone(w, r, next, err)
	}
	return h.loginStep(w, r, http.StatusOK, c.Value, enrol, next, nil)
}

func (h *HTTP) pageLoginCodePost(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.PostFormValue("next"))
	c, err := r.Cookie(stepCookie)
	if err != nil {
		return h.stepGone(w, r, next, errChallengeGone)
	}
	_, enrol, err := h.challengeOf(r.Context(), h.DB, c.Value, h.now())
	if err != nil {
		return h.stepGone(w, r, next, err)
	}
	sess, codes, err := h.LoginCode(r.Context(), c.Value, r.PostFormValue("code"), linli.IPFrom(r.Context()), r.UserAgent())
	if err != nil {
		switch linli.ErrorCode(err) {
		case linli.EInvalid:
			return h.loginStep(w, r, http.StatusUnprocessableEntity, c.Value, enrol, next, err)
		case linli.ETooMany:
			web.SetRetryAfter(w, err)
			h.Renderer.Render(w, r, http.StatusTooManyRequests, "auth/login.html", &web.Page{Title: "登录", Error: linli.ErrorMessage(err), Form: url.Values{"next": {next}}})
			return nil
		}
		return h.stepGone(w, r, next, err)
	}
	h.setStep(w, "", -1)
	h.setSession(w, sess.Token)
	if len(codes) > 0 {
		// Enrolled at login: the recovery codes, once, before going on.
		h.Renderer.Render(w, r, http.StatusOK, "auth/factor.html", &web.Page{Title: "两步验证", Data: factorData{Recovery: codes, Next: next, State: FactorState{Enrolled: true}}})
		return nil
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// loginChallenge answers a password that needs a code next: the page
// goes to the code step, the API says so with 202.
func (h *HTTP) pageChallenge(w http.ResponseWriter, r *http.Request, sess Session) {
	h.setStep(w, sess.Challenge, int(challengeTTL.Seconds()))
	http.Redirect(w, r, "/login/code?next="+url.QueryEscape(safeNext(r.PostFormValue("next"))), http.StatusSeeOther)
}

func (h *HTTP) apiChallenge(w http.ResponseWriter, r *http.Request, sess Session) error {
	out := map[string]any{"second_factor": "code", "challenge": sess.Challenge}
	if sess.Enrol {
		e, err := h.ChallengeEnrolment(r.Context(), sess.Challenge)
		if err != nil {
			return err
		}
		out["second_factor"], out["enrolment"] = "enrol", e
	}
	web.WriteJSON(w, http.StatusAccepted, out)
	return nil
}

func (h *HTTP) apiLoginCode(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Challenge string `json:"challenge"`
		Code      string `json:"code"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sess, codes, err := h.LoginCode(r.Context(), in.Challenge, in.Code, linli.IPFrom(r.Context()), r.UserAgent())
	if err != nil {
		return err
	}
	h.setSession(w, sess.Token)
	out := map[string]any{"account_id": sess.Actor.AccountID, "display_name": sess.Actor.DisplayName, "grants": sess.Actor.Grants}
	if len(codes) > 0 {
		out["recovery_codes"] = codes
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *HTTP) factorPage(w http.ResponseWriter, r *http.Request, status int, d factorData, err error) error {
	a := web.ActorFrom(r.Context())
	st, serr := h.FactorState(r.Context(), a)
	if serr != nil {
		return serr
	}
	d.State = st
	if d.Enrol == nil && !st.Enrolled && d.Recovery == nil {
		e, eerr := h.BeginFactor(r.Context(), a)
		if eerr != nil {
			return eerr
		}
		ed, eerr := enrolmentData(e)
		if eerr != nil {
			return eerr
		}
		d.Enrol, d.QR = ed.Enrol, ed.QR
	}
	p := &web.Page{Title: "两步验证", Crumbs: []web.NavItem{{Href: "/account", Label: "我的账号"}}, Data: d, Flash: r.URL.Query().Get("flash")}
	if err != nil {
		p.Errors, p.Error = web.FormErrors(err)
		if p.Errors == nil {
			return err
		}
	}
	h.Renderer.Render(w, r, status, "auth/factor.html", p)
	return nil
}

func (h *HTTP) pageFactor(w http.ResponseWriter, r *http.Request) error {
	return h.factorPage(w, r, http.StatusOK, factorData{}, nil)
}

func (h *HTTP) pageFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	codes, err := h.ConfirmFactor(r.Context(), web.ActorFrom(r.Context()), r.PostFormValue("code"))
	if err != nil {
		return h.factorPage(w, r, web.StatusOf(linli.ErrorCode(err)), factorData{}, err)
	}
	return h.factorPage(w, r, http.StatusOK, factorData{Recovery: codes}, nil)
}

func (h *HTTP) pageFactorRemove(w http.ResponseWriter, r *http.Request) error {
	if err := h.RemoveOwnFactor(r.Context(), web.ActorFrom(r.Context()), r.PostFormValue("code")); err != nil {
		return h.factorPage(w, r, web.StatusOf(linli.ErrorCode(err)), factorData{}, err)
	}
	web.RedirectFlash(w, r, "/account", "两步验证已关闭 / second factor turned off")
	return nil
}

func (h *HTTP) pageFactorReset(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.ResetFactor(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/users/%d", id), "两步验证已重置 / second factor reset")
	return nil
}

func (h *HTTP) apiFactorState(w http.ResponseWriter, r *http.Request) error {
	st, err := h.FactorState(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (h *HTTP) apiFactorBegin(w http.ResponseWriter, r *http.Request) error {
	e, err := h.BeginFactor(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, e)
	return nil
}

type codeInput struct {
	Code string `json:"code"`
}

func (h *HTTP) apiFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	var in codeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	codes, err := h.ConfirmFactor(r.Context(), web.ActorFrom(r.Context()), in.Code)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"recovery_codes": codes})
	return nil
}

func (h *HTTP) apiFactorRemove(w http.ResponseWriter, r *http.Request) error {
	var in codeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.RemoveOwnFactor(r.Context(), web.ActorFrom(r.Context()), in.Code); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *HTTP) apiFactorReset(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.ResetFactor(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
