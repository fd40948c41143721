package happiness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"linli"
	"linli/attach"
	"linli/geomap"
	"linli/links"
	"linli/web"
)

// Routes registers the pages and the JSON API. The list, its photos and
// its JSON twin are public (no login); recording thanks and approving
// cases' public text need staff.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	h := &pages{s: s, r: render}
	rt.Page("GET /happiness", web.Public, h.index)
	rt.Page("GET /happiness/{id}", web.Public, h.list)
	rt.Page("POST /happiness/{id}/thanks", web.LoggedIn, h.addThanks)
	rt.API("GET /happiness/{id}/photos/{file}", web.Public, s.servePhoto)
	rt.API("GET /api/happiness", web.Public, s.apiIndex)
	rt.API("GET /api/happiness/{id}", web.Public, s.apiList)
	rt.API("POST /api/happiness/{id}/thanks", web.LoggedIn, s.apiAddThanks)
	// Approval of cases' public text (review.go).
	rt.Page("GET /happiness/{id}/review", web.LoggedIn, h.review)
	rt.Page("POST /happiness/{id}/cases/{case}/approve", web.LoggedIn, h.approve)
	rt.Page("POST /happiness/{id}/cases/{case}/withdraw", web.LoggedIn, h.withdraw)
	rt.API("GET /api/happiness/{id}/pending", web.LoggedIn, s.apiPending)
	rt.API("POST /api/happiness/{id}/cases/{case}/approve", web.LoggedIn, s.apiApprove)
	rt.API("POST /api/happiness/{id}/cases/{case}/withdraw", web.LoggedIn, s.apiWithdraw)
}

// ThanksBody is the JSON to record thanks: the subject and the thanks.
type ThanksBody struct {
	Subject string    `json:"subject"` // "project:3" or "case:12"
	Kind    string    `json:"kind"`
	From    string    `json:"from"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

func parseSubject(s string) (links.Ref, error) {
	r, err := links.Parse(strings.TrimSpace(s))
	if err != nil {
		return r, linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "subject", Reason: "应为 project:ID 或 case:ID / must be project:ID or case:ID"})
	}
	return r, nil
}

func (s *Service) apiIndex(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Communities(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"communities": cs})
	return nil
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.List(r.Context(), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (s *Service) apiAddThanks(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ThanksBody
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	subject, err := parseSubject(in.Subject)
	if err != nil {
		return err
	}
	t, err := s.AddThanks(r.Context(), web.ActorFrom(r.Context()), id, subject, ThanksInput{Kind: in.Kind, From: in.From, Text: in.Text, At: in.At})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func errNoPhoto() error { return linli.Errorf(linli.ENotFound, "照片不存在 / photo not found") }

// publicPhoto reports whether an attachment is a photo of an entry on the
// community's list now. A case's photo is checked on the case itself;
// others (projects' photos) against the whole list.
func (s *Service) publicPhoto(ctx context.Context, communityID int64, att attach.Attachment) (bool, error) {
	if !att.IsImage() {
		return false, nil
	}
	if att.Owner == "case" {
		return s.cases.IsListed(ctx, s.db, att.OwnerID, communityID)
	}
	return s.hasPhoto(ctx, communityID, att.ID)
}

// servePhoto serves a photo of the list to anyone, without its metadata.
func (s *Service) servePhoto(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cid, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "file")
	if err != nil {
		return err
	}
	if _, _, err := s.community(ctx, cid); err != nil {
		return err
	}
	att, err := attach.Get(ctx, s.db, fid)
	if err != nil {
		return errNoPhoto()
	}
	ok, err := s.publicPhoto(ctx, cid, att)
	if err != nil {
		return err
	}
	if !ok {
		return errNoPhoto()
	}
	if r.URL.Query().Get("thumb") != "1" && att.ContentType == attach.JPEG {
		full, data, err := attach.Open(ctx, s.db, fid, false)
		if err != nil {
			return err
		}
		if clean, err := stripJPEG(data); err == nil {
			sum := sha256.Sum256(clean)
			full.Size, full.SHA256 = int64(len(clean)), hex.EncodeToString(sum[:])
			attach.Serve(w, r, full, clean)
			return nil
		}
	}
	thumb, data, err := attach.Open(ctx, s.db, fid, true)
	if err != nil {
		return err
	}
	attach.Serve(w, r, thumb, data)
	return nil
}

type pages struct {
	s *Service
	r *web.Renderer
}

func (h *pages) index(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.s.Communities(r.Context())
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "happiness/index.html", &web.Page{Title: "幸福清单", Data: cs})
	return nil
}

type listData struct {
	List
	// Open holds the entries (kind:id) the reader may open: the page
	// links only those; anonymous readers are offered a login first.
	Open     map[string]bool
	Staff    bool // may record thanks
	Approver bool // may approve cases' public text
	Pending  int  // cases waiting for approval
	Map      *geomap.Map
}

func (h *pages) listPage(r *http.Request, id int64) (*web.Page, error) {
	l, err := h.s.List(r.Context(), id)
	if err != nil {
		return nil, err
	}
	a := web.ActorFrom(r.Context())
	d := listData{List: l}
	if d.Map, err = h.s.casesMap(r.Context(), l); err != nil {
		return nil, err
	}
	if a != nil {
		d.Open = map[string]bool{}
		for _, e := range l.Entries {
			if e.Kind != links.KindProject { // only projects have a page to open
				continue
			}
			ref := links.Ref{Kind: e.Kind, ID: e.ID}
			if ok, err := h.s.links.Visible(r.Context(), a, ref); err != nil {
				return nil, err
			} else if ok {
				d.Open[ref.String()] = true
			}
		}
		if c, _, err := h.s.community(r.Context(), id); err == nil {
			d.Staff = a.Can(linli.PermCasesManage, c.Path) || a.Can(linli.PermProjectsManage, c.Path)
			if d.Approver = a.Can(linli.PermCasesManage, c.Path); d.Approver {
				ps, err := h.s.Pending(r.Context(), a, id)
				if err != nil {
					return nil, err
				}
				d.Pending = len(ps)
			}
		}
	}
	return &web.Page{Title: l.Community + " 幸福清单", Data: d, Flash: h.flash(r),
		Crumbs: []web.NavItem{{Href: "/happiness", Label: h.r.T(web.Lang(r), "幸福清单")}, {Label: l.Community}}}, nil
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.listPage(r, id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "happiness/list.html", p)
	return nil
}

func (h *pages) addThanks(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := ThanksInput{Kind: r.FormValue("kind"), From: r.FormValue("from"), Text: r.FormValue("text")}
	var terr error
	if d := strings.TrimSpace(r.FormValue("at")); d != "" {
		at, err := time.ParseInLocation("2006-01-02", d, h.s.zone())
		if err != nil {
			terr = linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "at", Reason: "日期格式应为 2026-03-05 / date must look like 2026-03-05"})
		}
		in.At = at
	}
	if terr == nil {
		var subject links.Ref
		if subject, terr = parseSubject(r.FormValue("subject")); terr == nil {
			_, terr = h.s.AddThanks(r.Context(), web.ActorFrom(r.Context()), id, subject, in)
		}
	}
	if terr != nil {
		fields, msg := web.FormErrors(terr)
		if fields == nil {
			return terr
		}
		p, err := h.listPage(r, id)
		if err != nil {
			return err
		}
		p.Errors, p.Error, p.Form = fields, msg, r.Form
		h.r.Render(w, r, web.StatusOf(linli.ErrorCode(terr)), "happiness/list.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/happiness/%d", id), "已登记感谢")
	return nil
}

func (s *Service) zone() *time.Location {
	if s.loc == nil {
		return time.UTC
	}
	return s.loc
}
