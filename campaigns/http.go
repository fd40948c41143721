package campaigns

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/attach"
	"linli/web"
)

// Routes registers the JSON API and the pages, one small func per area so
// later additions (the progress board, exports) add a func of their own.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	s.campaignAPI(rt)
	s.templateAPI(rt)
	s.taskAPI(rt)
	s.findingAPI(rt)
	s.planAPI(rt)
	s.pageRoutes(rt, render)
	s.boardRoutes(rt, render)
}

func (s *Service) campaignAPI(rt *web.Router) {
	rt.API("GET /api/campaigns", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		l, err := s.List(r.Context(), web.ActorFrom(r.Context()))
		return writeOK(w, l, err)
	})
	rt.API("POST /api/campaigns", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		var in CampaignInput
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		c, err := s.Create(r.Context(), web.ActorFrom(r.Context()), in)
		if err != nil {
			return err
		}
		w.Header().Set("Location", fmt.Sprintf("/api/campaigns/%d", c.ID))
		web.WriteJSON(w, http.StatusCreated, c)
		return nil
	})
	rt.API("GET /api/campaigns/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Get) })
	rt.API("POST /api/campaigns/{id}/members", web.LoggedIn, withBody(func(r *http.Request, id int64, in struct {
		Members []MemberInput `json:"members"`
	}) (Campaign, error) {
		return s.AddMembers(r.Context(), web.ActorFrom(r.Context()), id, in.Members)
	}))
	rt.API("POST /api/campaigns/{id}/template", web.LoggedIn, withBody(func(r *http.Request, id int64, in struct {
		TemplateID int64 `json:"template_id"`
	}) (Campaign, error) {
		return s.SetTemplate(r.Context(), web.ActorFrom(r.Context()), id, in.TemplateID)
	}))
	rt.API("POST /api/campaigns/{id}/activate", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Activate) })
	rt.API("POST /api/campaigns/{id}/close", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Close) })
	rt.API("POST /api/campaigns/{id}/split", web.LoggedIn, withBody(func(r *http.Request, id int64, in SplitInput) ([]Task, error) {
		return s.Split(r.Context(), web.ActorFrom(r.Context()), id, in)
	}))
	rt.API("GET /api/campaigns/{id}/tasks", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Tasks) })
	rt.API("GET /api/campaigns/{id}/findings", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Findings) })
	rt.API("GET /api/campaigns/{id}/plans", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Plans) })
	rt.API("GET /api/campaigns/{id}/self-check", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.SelfCheck) })
	rt.API("POST /api/campaigns/{id}/self-check", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		in, photos, err := readFinding(w, r)
		if err != nil {
			return err
		}
		rec, err := s.SubmitSelfCheck(r.Context(), web.ActorFrom(r.Context()), id, in, photos)
		return writeRecorded(w, rec, err)
	})
	rt.API("GET /api/campaigns/mine", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		ts, err := s.MyTasks(r.Context(), web.ActorFrom(r.Context()))
		return writeOK(w, ts, err)
	})
}

func (s *Service) templateAPI(rt *web.Router) {
	rt.API("GET /api/campaign-templates", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		ts, err := s.Templates(r.Context(), web.ActorFrom(r.Context()))
		return writeOK(w, ts, err)
	})
	rt.API("POST /api/campaign-templates", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.Call(w, r, http.StatusCreated, s.CreateTemplate)
	})
	rt.API("GET /api/campaign-templates/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Template) })
}

func (s *Service) taskAPI(rt *web.Router) {
	rt.API("GET /api/campaign-tasks/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Walk) })
	rt.API("POST /api/campaign-tasks/{id}/assign", web.LoggedIn, withBody(func(r *http.Request, id int64, in AssignInput) (Task, error) {
		return s.Assign(r.Context(), web.ActorFrom(r.Context()), id, in)
	}))
	rt.API("POST /api/campaign-tasks/{id}/complete", web.LoggedIn, withBody(func(r *http.Request, id int64, in CompleteInput) (Task, error) {
		return s.CompleteTask(r.Context(), web.ActorFrom(r.Context()), id, in)
	}))
	rt.API("POST /api/campaign-tasks/{id}/reopen", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.ReopenTask) })
	// A finding: JSON, or multipart/form-data with photos (contract 2):
	// 201 a new finding (or an update of one's own), 200 a resend of a key
	// seen before (the same finding), 409 a conflicting version stored for
	// staff, 422 bad input naming the field (nothing stored).
	rt.API("POST /api/campaign-tasks/{id}/findings", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		in, photos, err := readFinding(w, r)
		if err != nil {
			return err
		}
		in.TaskID = id
		rec, err := s.Record(r.Context(), web.ActorFrom(r.Context()), in, photos)
		return writeRecorded(w, rec, err)
	})
}

func (s *Service) findingAPI(rt *web.Router) {
	rt.API("GET /api/campaign-findings/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Finding) })
	rt.API("POST /api/campaign-findings/{id}/resolve", web.LoggedIn, withBody(func(r *http.Request, id int64, in struct {
		Pick bool `json:"pick"`
	}) (Finding, error) {
		return s.Resolve(r.Context(), web.ActorFrom(r.Context()), id, in.Pick)
	}))
	rt.API("POST /api/campaign-findings/{id}/confirm", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Confirm) })
	rt.API("PUT /api/campaign-findings/{id}/plan", web.LoggedIn, withBody(func(r *http.Request, id int64, in PlanInput) (Plan, error) {
		return s.SetPlan(r.Context(), web.ActorFrom(r.Context()), id, in)
	}))
	rt.API("GET /campaign-findings/{id}/photos/{photo}", web.LoggedIn, s.findingPhoto)
}

func (s *Service) planAPI(rt *web.Router) {
	rt.API("GET /api/campaign-plans", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		ps, err := s.OpenPlans(r.Context(), web.ActorFrom(r.Context()))
		return writeOK(w, ps, err)
	})
	rt.API("GET /api/campaign-plans/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Plan) })
	// Closing needs a photo: multipart/form-data with "photo" and "note".
	rt.API("POST /api/campaign-plans/{id}/close", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		photos, err := uploads(r, "photo")
		if err != nil {
			return err
		}
		p, err := s.ClosePlan(r.Context(), web.ActorFrom(r.Context()), id, CloseInput{Note: r.FormValue("note")}, photos)
		return writeOK(w, p, err)
	})
	rt.API("POST /api/campaign-plans/{id}/case", web.LoggedIn, withBody(func(r *http.Request, id int64, in EscalateInput) (Plan, error) {
		return s.Escalate(r.Context(), web.ActorFrom(r.Context()), id, in)
	}))
	rt.API("GET /campaign-plans/{id}/photos/{photo}", web.LoggedIn, s.planPhoto)
	// The guidance sheet's files: multipart "file" (PDF or pictures).
	rt.API("POST /api/campaign-plans/{id}/guidance", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		files, err := guidanceFiles(r)
		if err != nil {
			return err
		}
		p, err := s.AddGuidance(r.Context(), web.ActorFrom(r.Context()), id, files)
		return writeOK(w, p, err)
	})
	rt.API("GET /campaign-plans/{id}/guidance/{photo}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return s.servePhoto(w, r, GuidanceOwner, func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := s.Plan(ctx, a, id)
			return err
		})
	})
}

func writeOK(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

// writeRecorded answers a finding: 201 new or updated, 200 a resend, the
// error (409 for a conflicting version) otherwise.
func writeRecorded(w http.ResponseWriter, rec Recorded, err error) error {
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if rec.Replay {
		status = http.StatusOK
	}
	w.Header().Set("Location", fmt.Sprintf("/api/campaign-findings/%d", rec.Finding.ID))
	web.WriteJSON(w, status, rec)
	return nil
}

// withBody decodes the JSON body into in and calls f with the path id.
func withBody[In, Out any](f func(r *http.Request, id int64, in In) (Out, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		var in In
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		out, err := f(r, id, in)
		return writeOK(w, out, err)
	}
}

// isForm reports a form body (multipart or urlencoded) rather than JSON.
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded"
}

// maxFindingBody bounds a finding's form: nine photos per photo item at
// most, each within attach's photo limit.
const maxFindingBody = 64 << 20

// readFinding reads a finding from JSON or from a form (contract 2):
// fields task-independent (target, household_id, building_id, note, lat,
// lng, idempotency_key — or the Idempotency-Key header), answers as
// "answers.<item key>" values and photo items as "answers.<item key>"
// files.
func readFinding(w http.ResponseWriter, r *http.Request) (FindingInput, map[string][]attach.Checked, error) {
	var in FindingInput
	if !isForm(r) {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return in, nil, err
		}
		if in.IdempotencyKey == "" {
			in.IdempotencyKey = r.Header.Get("Idempotency-Key")
		}
		return in, nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFindingBody)
	photos := map[string][]attach.Checked{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		// FromMultipart parses the form (refusals as problem documents); the
		// files are read per item below.
		if _, err := attach.FromMultipart(r, "photo", attach.PhotoLimits()); err != nil {
			return in, nil, err
		}
		for field := range r.MultipartForm.File {
			key, ok := strings.CutPrefix(field, "answers.")
			if !ok {
				continue
			}
			ps, err := uploads(r, field)
			if err != nil {
				return in, nil, err
			}
			if len(ps) > 0 {
				photos[key] = ps
			}
		}
	} else if err := r.ParseForm(); err != nil {
		return in, nil, linli.Errorf(linli.EBadRequest, "表单无法读取 / unreadable form")
	}
	var v linli.Validation
	in.Target = Target(r.FormValue("target"))
	in.HouseholdID = web.FormInt(r, "household_id")
	in.BuildingID = web.FormInt(r, "building_id")
	in.Note = r.FormValue("note")
	in.IdempotencyKey = r.FormValue("idempotency_key")
	if in.IdempotencyKey == "" {
		in.IdempotencyKey = r.Header.Get("Idempotency-Key")
	}
	for _, f := range []struct {
		name string
		dst  **float64
	}{{"lat", &in.Lat}, {"lng", &in.Lng}} {
		if t := strings.TrimSpace(r.FormValue(f.name)); t != "" {
			x, err := strconv.ParseFloat(t, 64)
			if err != nil {
				v.Add(f.name, "应为数字 / must be a number")
				continue
			}
			*f.dst = &x
		}
	}
	in.Answers = map[string]any{}
	for field, vals := range r.Form {
		if key, ok := strings.CutPrefix(field, "answers."); ok && len(vals) > 0 && vals[0] != "" {
			in.Answers[key] = vals[0]
		}
	}
	return in, photos, v.Err()
}

// uploads are the checked photos of a multipart field (none when the
// request is not multipart or the field is empty).
func uploads(r *http.Request, field string) ([]attach.Checked, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, nil
	}
	ups, err := attach.FromMultipart(r, field, attach.PhotoLimits())
	if err != nil || len(ups) == 0 {
		return nil, err
	}
	return attach.Check(attach.PhotoLimits(), ups)
}

// guidanceFiles are the checked files of a guidance sheet (PDF or
// pictures) in the multipart field "file".
func guidanceFiles(r *http.Request) ([]attach.Checked, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, nil
	}
	ups, err := attach.FromMultipart(r, "file", attach.DefaultLimits())
	if err != nil || len(ups) == 0 {
		return nil, err
	}
	return attach.Check(attach.DefaultLimits(), ups)
}

func (s *Service) findingPhoto(w http.ResponseWriter, r *http.Request) error {
	return s.servePhoto(w, r, PhotoOwner, func(ctx context.Context, a *linli.Actor, id int64) error {
		_, err := s.Finding(ctx, a, id)
		return err
	})
}

func (s *Service) planPhoto(w http.ResponseWriter, r *http.Request) error {
	return s.servePhoto(w, r, PlanPhotoOwner, func(ctx context.Context, a *linli.Actor, id int64) error {
		_, err := s.Plan(ctx, a, id)
		return err
	})
}

// servePhoto serves a photo of a record the actor may read (see checks).
func (s *Service) servePhoto(w http.ResponseWriter, r *http.Request, owner string, see func(context.Context, *linli.Actor, int64) error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := web.PathID(r, "photo")
	if err != nil {
		return err
	}
	if err := see(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	att, data, err := attach.OpenOwned(r.Context(), s.db, owner, id, pid, r.URL.Query().Get("thumb") == "1")
	if err != nil {
		return err
	}
	attach.Serve(w, r, att, data)
	return nil
}
