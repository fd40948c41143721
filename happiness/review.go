package happiness

import (
	"fmt"
	"net/http"

	"linli"
	"linli/web"
)

// The staff's side of approval (approve.go): a review page listing the
// cases waiting, each with its proposed text to edit and approve, and the
// JSON twins.

// ApproveBody is the JSON to approve a case's public text.
type ApproveBody struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// caseIn checks that the case of the path belongs to the community of
// the path, so /happiness/1/cases/9 cannot act on another community's case.
func (s *Service) caseIn(r *http.Request) (communityID, caseID int64, err error) {
	if communityID, err = web.PathID(r, "id"); err != nil {
		return 0, 0, err
	}
	if caseID, err = web.PathID(r, "case"); err != nil {
		return 0, 0, err
	}
	in, err := s.cases.InCommunity(r.Context(), s.db, caseID, communityID)
	if err != nil {
		return 0, 0, err
	}
	if !in {
		return 0, 0, linli.Errorf(linli.ENotFound, "诉求不存在 / case not found")
	}
	return communityID, caseID, nil
}

func (s *Service) apiPending(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	ps, err := s.Pending(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"pending": ps})
	return nil
}

func (s *Service) apiApprove(w http.ResponseWriter, r *http.Request) error {
	_, caseID, err := s.caseIn(r)
	if err != nil {
		return err
	}
	var in ApproveBody
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := s.Approve(r.Context(), web.ActorFrom(r.Context()), caseID, in.Title, in.Summary)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Service) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	_, caseID, err := s.caseIn(r)
	if err != nil {
		return err
	}
	if err := s.Withdraw(r.Context(), web.ActorFrom(r.Context()), caseID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type reviewData struct {
	CommunityID int64
	Community   string
	Pending     []Proposal
	Failed      int64 // the case whose form was refused
}

func (h *pages) reviewPage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	ps, err := h.s.Pending(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	c, _, err := h.s.community(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "审核公开内容", Data: reviewData{CommunityID: id, Community: c.Name, Pending: ps}, Flash: h.flash(r),
		Crumbs: []web.NavItem{{Href: "/happiness", Label: h.r.T(web.Lang(r), "幸福清单")}, {Href: fmt.Sprintf("/happiness/%d", id), Label: c.Name},
			{Label: h.r.T(web.Lang(r), "审核公开内容")}}}, nil
}

func (h *pages) review(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.reviewPage(r, id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "happiness/review.html", p)
	return nil
}

func (h *pages) approve(w http.ResponseWriter, r *http.Request) error {
	id, caseID, err := h.s.caseIn(r)
	if err != nil {
		return err
	}
	_, err = h.s.Approve(r.Context(), web.ActorFrom(r.Context()), caseID, r.FormValue("title"), r.FormValue("summary"))
	if err != nil {
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		p, perr := h.reviewPage(r, id)
		if perr != nil {
			return perr
		}
		d := p.Data.(reviewData)
		d.Failed = caseID
		p.Data, p.Errors, p.Error, p.Form = d, fields, msg, r.Form
		h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "happiness/review.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/happiness/%d/review", id), "已公开到幸福清单")
	return nil
}

func (h *pages) withdraw(w http.ResponseWriter, r *http.Request) error {
	id, caseID, err := h.s.caseIn(r)
	if err != nil {
		return err
	}
	if err := h.s.Withdraw(r.Context(), web.ActorFrom(r.Context()), caseID); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/happiness/%d", id), "已从幸福清单撤下")
	return nil
}

// flash is the request's flash message in the page's language.
func (h *pages) flash(r *http.Request) string {
	if f := web.Flash(r); f != "" {
		return h.r.T(web.Lang(r), f)
	}
	return ""
}
