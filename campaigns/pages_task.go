package campaigns

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli"
	"linli/web"
)

func (h *pages) taskPages(rt *web.Router) {
	rt.Page("GET /campaign-tasks/{id}", web.LoggedIn, h.walk)
	rt.Page("GET /campaign-tasks/{id}/inspect", web.LoggedIn, h.inspect)
	rt.Page("POST /campaign-tasks/{id}/findings", web.LoggedIn, h.record)
	rt.Page("POST /campaign-tasks/{id}/assign", web.LoggedIn, h.assign)
	rt.Page("POST /campaign-tasks/{id}/complete", web.LoggedIn, h.complete)
	rt.Page("POST /campaign-tasks/{id}/reopen", web.LoggedIn, h.reopen)
	rt.Page("GET /campaigns/{id}/self-check", web.LoggedIn, h.selfCheck)
	rt.Page("POST /campaigns/{id}/self-check", web.LoggedIn, h.submitSelfCheck)
}

// walkData is the task page: the walk and, for staff, the task group to
// reassign to.
type walkData struct {
	Walk
	Members []Member
	Key     string
}

func (h *pages) walkPage(r *http.Request, id int64) (*web.Page, error) {
	w, err := h.s.Walk(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: w.Task.Title, Data: walkData{Walk: w, Members: w.Campaign.Members, Key: freshKey()},
		Crumbs: h.crumbs(r, web.NavItem{Href: campaignURL(w.Campaign.ID), Label: w.Campaign.Title}, web.NavItem{Label: w.Task.Title})}, nil
}

func (h *pages) walk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.walkPage(r, id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/task.html", p)
	return nil
}

// inspectData is the inspection form: the walk (for the household and
// building choices) and the checklist.
type inspectData struct {
	Walk
	Key    string
	Action string
	// SelfCheck: the resident's form (no task, own household only).
	SelfCheck bool
	Label     string
	Checklist Checklist
}

func (h *pages) inspectPage(r *http.Request, id int64) (*web.Page, error) {
	wk, err := h.s.Walk(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return nil, err
	}
	if !wk.MayRecord {
		if wk.Campaign.State != Active {
			return nil, errState(wk.Campaign, "记录排查 / record findings")
		}
		return nil, linli.Errorf(linli.EForbidden, "这不是您的任务 / this task is not yours")
	}
	return &web.Page{Title: "入户排查", Data: inspectData{Walk: wk, Key: freshKey(), Action: fmt.Sprintf("/campaign-tasks/%d/findings", id), Checklist: wk.Campaign.Checklist},
		Crumbs: h.crumbs(r, web.NavItem{Href: taskURL(id), Label: wk.Task.Title}, web.NavItem{Label: h.t(r, "入户排查")})}, nil
}

func (h *pages) inspect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.inspectPage(r, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p.Form = url.Values{"target": {q.Get("target")}, "household_id": {q.Get("household")}, "building_id": {q.Get("building")}}
	if p.Form.Get("target") == "" {
		p.Form.Set("target", string(TargetHousehold))
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/inspect.html", p)
	return nil
}

// record takes the inspection form (contract 2 of issue 11). The offline
// queue asks for JSON: 201 with the finding, 200 for a key seen before,
// 409 a conflicting version stored, 422 bad input naming the field. A
// browser without the script gets 303 back to the task (the flash says a
// conflict was kept for staff) or the form again with the errors.
func (h *pages) record(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, photos, err := readFinding(w, r)
	if err == nil {
		in.TaskID = id
		var rec Recorded
		rec, err = h.s.Record(r.Context(), web.ActorFrom(r.Context()), in, photos)
		if wantsJSON(r) {
			if err != nil {
				web.WriteError(w, r, err)
				return nil
			}
			return writeRecorded(w, rec, nil)
		}
		if err == nil || (linli.ErrorCode(err) == linli.EConflict && rec.Outcome == OutcomeConflict) {
			msg := "已记录：" + rec.Finding.Label + " / recorded"
			if rec.Outcome == OutcomeConflict {
				msg = linli.ErrorMessage(err)
			}
			web.RedirectFlash(w, r, taskURL(id), msg)
			return nil
		}
	}
	return h.formFailed(w, r, err, "campaigns/inspect.html", func() (*web.Page, error) { return h.inspectPage(r, id) })
}

func (h *pages) assign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if _, err := h.s.Assign(r.Context(), web.ActorFrom(r.Context()), id, AssignInput{AccountIDs: web.FormInts(r, "account_ids")}); err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/task.html", func() (*web.Page, error) { return h.walkPage(r, id) })
	}
	web.RedirectFlash(w, r, taskURL(id), "已改派 / reassigned")
	return nil
}

// completionForm reads the completion form; a count that is not a whole
// number is named, not read as 0.
func completionForm(r *http.Request) (CompleteInput, error) {
	_ = r.ParseForm()
	in := CompleteInput{Note: r.FormValue("note")}
	var fe []linli.FieldError
	for _, f := range []struct {
		name string
		n    *int
	}{{"absent", &in.Absent}, {"no_device", &in.NoDevice}} {
		v := strings.TrimSpace(r.FormValue(f.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fe = append(fe, linli.FieldError{Field: f.name, Reason: "请填整数 / a whole number"})
			continue
		}
		*f.n = n
	}
	if len(fe) > 0 {
		return in, linli.Invalid("请核对完成情况 / check the completion", fe...)
	}
	return in, nil
}

func (h *pages) complete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := completionForm(r)
	if err == nil {
		_, err = h.s.CompleteTask(r.Context(), web.ActorFrom(r.Context()), id, in)
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/task.html", func() (*web.Page, error) { return h.walkPage(r, id) })
	}
	web.RedirectFlash(w, r, taskURL(id), "任务已标记为走完 / task marked walked")
	return nil
}

func (h *pages) reopen(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := h.s.ReopenTask(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, taskURL(id), "任务已重新打开 / task reopened")
	return nil
}

func (h *pages) selfCheckPage(r *http.Request, id int64) (*web.Page, error) {
	f, err := h.s.SelfCheck(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "居民自查", Data: inspectData{Walk: Walk{Campaign: f.Campaign}, Key: freshKey(), Action: fmt.Sprintf("/campaigns/%d/self-check", id),
		SelfCheck: true, Label: f.Label, Checklist: f.Checklist}}, nil
}

func (h *pages) selfCheck(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.selfCheckPage(r, id)
	if err != nil {
		return err
	}
	p.Form = url.Values{}
	h.r.Render(w, r, http.StatusOK, "campaigns/inspect.html", p)
	return nil
}

func (h *pages) submitSelfCheck(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, photos, err := readFinding(w, r)
	if err == nil {
		var rec Recorded
		rec, err = h.s.SubmitSelfCheck(r.Context(), web.ActorFrom(r.Context()), id, in, photos)
		if wantsJSON(r) {
			if err != nil {
				web.WriteError(w, r, err)
				return nil
			}
			return writeRecorded(w, rec, nil)
		}
		if err == nil {
			web.RedirectFlash(w, r, "/", "自查已提交，社区工作人员将确认 / self-check sent: community staff will confirm it")
			return nil
		}
	}
	return h.formFailed(w, r, err, "campaigns/inspect.html", func() (*web.Page, error) { return h.selfCheckPage(r, id) })
}
