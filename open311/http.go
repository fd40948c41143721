package open311

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"linli"
	"linli/web"
)

// Prefix is where the GeoReport v2 server answers.
const Prefix = "/open311/v2"

// Routes registers the GeoReport v2 server, the integrators' API and page.
// The server's resources are named with their format's suffix: the lists
// have a route per format (services.xml, services.json); the records'
// patterns take the last segment whole (requests/XY-20261206-0001.json)
// and split the suffix themselves.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	for _, format := range []string{FormatXML, FormatJSON} {
		for _, name := range []string{"discovery", "services", "requests", "servicerequestupdates"} {
			rt.Handle("GET "+Prefix+"/"+name+"."+format, web.Public, s.handler(s.getRoot))
		}
		for _, name := range []string{"requests", "servicerequestupdates"} {
			rt.Handle("POST "+Prefix+"/"+name+"."+format, web.Public, s.handler(s.postRoot))
		}
	}
	// Anything else under the prefix: the same resources without a suffix
	// (XML), and the standard's errors for unknown resources and formats.
	rt.Handle("GET "+Prefix+"/", web.Public, s.handler(s.getRoot))
	rt.Handle("POST "+Prefix+"/", web.Public, s.handler(s.postRoot))
	rt.Handle("GET "+Prefix+"/services/{res}", web.Public, s.handler(s.getDefinition))
	rt.Handle("GET "+Prefix+"/requests/{res}", web.Public, s.handler(s.getRequest))
	rt.Handle("GET "+Prefix+"/tokens/{res}", web.Public, s.handler(s.getToken))

	rt.API("GET /api/open311/integrators", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		list, err := s.Integrators(r.Context(), web.ActorFrom(r.Context()))
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"integrators": list})
		return nil
	})
	rt.API("POST /api/open311/integrators", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.Call(w, r, http.StatusCreated, s.CreateIntegrator)
	})
	rt.API("POST /api/open311/integrators/{id}/revoke", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return web.CallID(w, r, s.RevokeIntegrator)
	})
	s.pageRoutes(rt, render)
}

// handler runs one GeoReport resource: f answers the document (XML and
// JSON forms) or an error, written in the standard's error format.
func (s *Service) handler(f func(r *http.Request, name string, en bool) (int, any, any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := r.PathValue("res")
		if res == "" {
			res = strings.TrimPrefix(r.URL.Path, Prefix+"/")
		}
		name, format, ok := split(res)
		if strings.Contains(res, "/") {
			name = "" // no resource has a deeper path
		}
		if !ok {
			writeError(w, FormatXML, linli.Errorf(linli.EBadRequest, "格式应为 .xml 或 .json / the format must be .xml or .json"))
			return
		}
		if r.Method == http.MethodPost {
			ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
				writeError(w, format, linli.Errorf(linli.EBadRequest, "请以表单提交（application/x-www-form-urlencoded）/ post a form (application/x-www-form-urlencoded)"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			var err error
			if ct == "multipart/form-data" {
				err = r.ParseMultipartForm(1 << 20)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				writeError(w, format, linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form"))
				return
			}
		}
		en := strings.HasPrefix(strings.ToLower(r.FormValue("locale")), "en")
		status, x, j, err := f(r, name, en)
		if err != nil {
			writeError(w, format, err)
			return
		}
		writeDoc(w, format, status, x, j)
	})
}

// split reads "requests.json" as ("requests", "json"); without a suffix
// the format is XML, the standard's default.
func split(res string) (name, format string, ok bool) {
	i := strings.LastIndex(res, ".")
	if i < 0 {
		return res, FormatXML, true
	}
	name, format = res[:i], strings.ToLower(res[i+1:])
	return name, format, format == FormatXML || format == FormatJSON
}

// writeError answers err in the standard's format: a list of {code,
// description}, with 400 for unreadable or missing input, 403 for a bad
// key or a place out of scope, 404 for what does not exist.
func writeError(w http.ResponseWriter, format string, err error) {
	status := http.StatusInternalServerError
	switch linli.ErrorCode(err) {
	case linli.EBadRequest, linli.EInvalid, linli.EConflict, linli.ETooLarge:
		status = http.StatusBadRequest
	case linli.EForbidden, linli.EUnauthorized:
		status = http.StatusForbidden
	case linli.ENotFound:
		status = http.StatusNotFound
	case linli.ETooMany:
		status = http.StatusTooManyRequests
	}
	desc := linli.ErrorMessage(err)
	for _, f := range linli.ErrorFields(err) {
		desc += "; " + f.Field + ": " + f.Reason
	}
	var me *http.MaxBytesError
	if errors.As(err, &me) {
		status, desc = http.StatusBadRequest, "请求过大 / request too large"
	}
	if status == http.StatusInternalServerError {
		slog.Error("open311", "err", err)
		desc = "内部错误 / internal error"
	}
	list := []ErrorDoc{{Code: status, Description: desc}}
	writeDoc(w, format, status, errorsXML{Errors: list}, list)
}

func (s *Service) getRoot(r *http.Request, name string, en bool) (int, any, any, error) {
	ctx := r.Context()
	switch name {
	case "discovery":
		d := s.discovery(r)
		return http.StatusOK, d, d, nil
	case "services":
		if _, err := s.jurisdiction(ctx, r.FormValue("jurisdiction_id")); err != nil {
			return 0, nil, nil, err
		}
		list, err := s.ServiceList(ctx, en)
		return http.StatusOK, servicesXML{Services: list}, list, err
	case "requests":
		list, err := s.Requests(ctx, query(r, en))
		return http.StatusOK, requestsXML{Requests: list}, list, err
	case "servicerequestupdates":
		list, err := s.Updates(ctx, query(r, en))
		return http.StatusOK, updatesXML{Updates: list}, list, err
	}
	return 0, nil, nil, linli.Errorf(linli.ENotFound, "没有这个资源 / no such resource")
}

func (s *Service) postRoot(r *http.Request, name string, en bool) (int, any, any, error) {
	ctx := r.Context()
	switch name {
	case "requests":
		in := NewRequest{APIKey: r.FormValue("api_key"), Jurisdiction: r.FormValue("jurisdiction_id"), ServiceCode: r.FormValue("service_code"),
			Lat: r.FormValue("lat"), Long: r.FormValue("long"), AddressString: r.FormValue("address_string"), AddressID: r.FormValue("address_id"),
			Email: r.FormValue("email"), Phone: r.FormValue("phone"), FirstName: r.FormValue("first_name"), LastName: r.FormValue("last_name"),
			Description: r.FormValue("description"), MediaURL: r.FormValue("media_url"), DeviceID: r.FormValue("device_id"),
			AccountID: r.FormValue("account_id"), Locale: r.FormValue("locale"), Attributes: attributes(r)}
		c, err := s.PostRequest(ctx, in)
		list := []Created{c}
		return http.StatusOK, createdXML{Requests: list}, list, err
	case "servicerequestupdates":
		u, err := s.PostUpdate(ctx, NewUpdate{APIKey: r.FormValue("api_key"), RequestID: r.FormValue("service_request_id"),
			UpdateRef: r.FormValue("update_id"), Status: r.FormValue("status"), Description: r.FormValue("description"),
			MediaURL: r.FormValue("media_url"), FirstName: r.FormValue("first_name"), LastName: r.FormValue("last_name"), Email: r.FormValue("email")})
		list := []UpdateDoc{u}
		return http.StatusOK, updatesXML{Updates: list}, list, err
	}
	return 0, nil, nil, linli.Errorf(linli.ENotFound, "没有这个资源 / no such resource")
}

// attributes reads attribute[code]=value (multivaluelist answers
// attribute[code][]; their values are joined with commas).
func attributes(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, vs := range r.Form {
		if !strings.HasPrefix(k, "attribute[") {
			continue
		}
		code := strings.TrimSuffix(strings.TrimPrefix(k, "attribute["), "[]")
		code = strings.TrimSuffix(code, "]")
		out[code] = strings.Join(vs, ",")
	}
	return out
}

func (s *Service) getDefinition(r *http.Request, name string, en bool) (int, any, any, error) {
	if _, err := s.jurisdiction(r.Context(), r.FormValue("jurisdiction_id")); err != nil {
		return 0, nil, nil, err
	}
	d, err := s.DefinitionOf(r.Context(), name, en)
	return http.StatusOK, d, d, err
}

func (s *Service) getRequest(r *http.Request, name string, en bool) (int, any, any, error) {
	d, err := s.Request(r.Context(), name, query(r, en))
	list := []RequestDoc{d}
	return http.StatusOK, requestsXML{Requests: list}, list, err
}

func (s *Service) getToken(r *http.Request, name string, en bool) (int, any, any, error) {
	c, err := s.TokenStatus(r.Context(), name)
	list := []Created{c}
	return http.StatusOK, createdXML{Requests: list}, list, err
}

func query(r *http.Request, en bool) Query {
	return Query{Jurisdiction: r.FormValue("jurisdiction_id"), IDs: r.FormValue("service_request_id"), ServiceCode: r.FormValue("service_code"),
		StartDate: r.FormValue("start_date"), EndDate: r.FormValue("end_date"), Status: r.FormValue("status"), English: en, BaseURL: baseURL(r)}
}

// baseURL is the scheme and host the client reached this server at.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Changeset is when this server's GeoReport behaviour last changed.
const Changeset = "2026-12-06T00:00:00+08:00"

func (s *Service) discovery(r *http.Request) Discovery {
	return Discovery{Changeset: Changeset,
		Contact:    "联系所在街道或社区 / contact the street office or community",
		KeyService: "api_key 由街道或社区工作人员在 /open311/integrators 发放 / api_keys are issued by street or community staff at /open311/integrators",
		Endpoints: []Endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: baseURL(r) + Prefix, Changeset: Changeset, Type: "production",
			Formats: []string{"text/xml", "application/json"}}}}
}
