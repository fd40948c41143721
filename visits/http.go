package visits

import (
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/attach"
	"linli/links"
	"linli/web"
)

// Routes registers the pages and the JSON API.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/visits", web.LoggedIn, s.apiList)
	rt.API("POST /api/visits", web.LoggedIn, s.apiRecord)
	rt.API("GET /api/visits/coverage", web.LoggedIn, s.apiCoverage)
	rt.API("GET /api/visits/{id}", web.LoggedIn, s.apiGet)
	rt.API("POST /api/visits/{id}/photos", web.LoggedIn, s.apiPhotos)
	rt.API("GET /api/visits/{id}/files/{file}", web.LoggedIn, s.serveFile)
	rt.API("POST /api/visits/{id}/follow-ups/{item}", web.LoggedIn, s.apiFollowUp)
	rt.API("GET /api/visits/matters", web.LoggedIn, s.apiMatters)
	rt.API("POST /api/visits/matters", web.LoggedIn, s.apiCreateMatter)
	rt.API("GET /api/visits/matters/{id}", web.LoggedIn, s.apiMatter)
	rt.API("GET /visits/{id}/files/{file}", web.LoggedIn, s.serveFile)
	s.pages(rt, render)
}

// Detail is a visit with its matter, files and linked records.
type Detail struct {
	Visit  Visit        `json:"visit"`
	Matter Matter       `json:"matter"`
	Photos []Photo      `json:"photos"`
	Links  []links.Item `json:"links"`
}

// VisitList is a page of visits.
type VisitList struct {
	Visits []Visit `json:"visits"`
	Total  int     `json:"total"`
}

// MatterDetail is a matter with its coverage.
type MatterDetail struct {
	Matter   Matter   `json:"matter"`
	Coverage Coverage `json:"coverage"`
}

// FollowUpUpdate marks a follow-up done or not.
type FollowUpUpdate struct {
	Done bool `json:"done"`
}

func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &linli.Error{Code: linli.EBadRequest, Message: "参数 " + name + " 应为编号 / must be an id",
			Fields: []linli.FieldError{{Field: name, Reason: "应为正整数 / must be a positive integer"}}}
	}
	return n, nil
}

func querySubject(r *http.Request) (links.Ref, error) {
	v := strings.TrimSpace(r.URL.Query().Get("subject"))
	if v == "" {
		return links.Ref{}, nil
	}
	ref, err := links.Parse(v)
	if err != nil || !validSubjectKind(ref.Kind) {
		return ref, &linli.Error{Code: linli.EBadRequest, Message: "参数 subject 无效 / invalid subject",
			Fields: []linli.FieldError{{Field: "subject", Reason: "应为 project:ID、vote:ID、dispute:ID 或 matter:ID / must be project:ID, vote:ID, dispute:ID or matter:ID"}}}
	}
	return ref, nil
}

func (s *Service) filter(r *http.Request) (Filter, error) {
	var f Filter
	var err error
	if f.MatterID, err = queryID(r, "matter_id"); err != nil {
		return f, err
	}
	if f.HouseholdID, err = queryID(r, "household_id"); err != nil {
		return f, err
	}
	if f.Subject, err = querySubject(r); err != nil {
		return f, err
	}
	if f.Limit, err = web.QueryInt(r, "limit", 50); err != nil {
		return f, err
	}
	f.Offset, err = web.QueryInt(r, "offset", 0)
	return f, err
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	f, err := s.filter(r)
	if err != nil {
		return err
	}
	vs, total, err := s.List(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, VisitList{Visits: vs, Total: total})
	return nil
}

func (s *Service) apiRecord(w http.ResponseWriter, r *http.Request) error {
	return web.Call(w, r, http.StatusCreated, s.Record)
}

func (s *Service) detail(r *http.Request, id int64) (Detail, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	v, err := s.Get(ctx, a, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Visit: v, Links: []links.Item{}}
	if d.Matter, err = s.matter(ctx, s.db, v.MatterID); err != nil {
		return d, err
	}
	if d.Photos, err = s.Files(ctx, a, id); err != nil {
		return d, err
	}
	if s.links != nil {
		items, err := s.links.Items(ctx, a, v.Ref())
		if err != nil {
			return d, err
		}
		if items != nil {
			d.Links = items
		}
	}
	return d, nil
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.detail(r, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

// uploads reads and checks the files of the multipart field "photos"
// (none is fine).
func uploads(r *http.Request) ([]attach.Checked, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, nil
	}
	ups, err := attach.FromMultipart(r, "photos", attach.DefaultLimits())
	if err != nil || len(ups) == 0 {
		return nil, err
	}
	return attach.Check(attach.DefaultLimits(), ups)
}

func (s *Service) apiPhotos(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
	files, err := uploads(r)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return linli.Invalid("请选择文件 / choose files", linli.FieldError{Field: "photos", Reason: "必填 / required"})
	}
	a := web.ActorFrom(r.Context())
	if err := s.AddFiles(r.Context(), a, id, files); err != nil {
		return err
	}
	ps, err := s.Files(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"photos": ps})
	return nil
}

// serveFile serves a visit's attachment after checking the visit may be
// read.
func (s *Service) serveFile(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "file")
	if err != nil {
		return err
	}
	if _, err := s.Get(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	att, data, err := attach.OpenOwned(r.Context(), s.db, "visit", id, fid, r.URL.Query().Get("thumb") == "1")
	if err != nil {
		return err
	}
	attach.Serve(w, r, att, data)
	return nil
}

func (s *Service) apiFollowUp(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	item, err := web.PathID(r, "item")
	if err != nil {
		return err
	}
	var in FollowUpUpdate
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	f, err := s.SetFollowUp(r.Context(), web.ActorFrom(r.Context()), id, item, in.Done)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (s *Service) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	subject, err := querySubject(r)
	if err != nil {
		return err
	}
	if subject.IsZero() {
		return &linli.Error{Code: linli.EBadRequest, Message: "缺少参数 subject / subject is required",
			Fields: []linli.FieldError{{Field: "subject", Reason: "必填 / required"}}}
	}
	node, err := queryID(r, "node_id")
	if err != nil {
		return err
	}
	c, err := s.Coverage(r.Context(), web.ActorFrom(r.Context()), subject, node)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) apiMatters(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.Matters(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"matters": ms})
	return nil
}

func (s *Service) apiCreateMatter(w http.ResponseWriter, r *http.Request) error {
	return web.Call(w, r, http.StatusCreated, s.CreateMatter)
}

func (s *Service) apiMatter(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	node, err := queryID(r, "node_id")
	if err != nil {
		return err
	}
	m, c, err := s.MatterCoverage(r.Context(), web.ActorFrom(r.Context()), id, node)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, MatterDetail{Matter: m, Coverage: c})
	return nil
}
