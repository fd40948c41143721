package registry

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"linli"
	"linli/registry/ledger"
	"linli/web"
)

// MaxImportBytes bounds an uploaded ledger (a 5,000-household workbook is
// well under 2 MB).
const MaxImportBytes = 20 << 20

// Routes registers the registry's JSON API and pages.
func (s *Service) Routes(rt *web.Router) {
	rt.API("GET /api/nodes", web.LoggedIn, s.apiChildren)
	rt.API("GET /api/places/pick", web.LoggedIn, s.apiPickPlaces)
	rt.API("POST /api/nodes", web.LoggedIn, s.apiCreateNode)
	rt.API("GET /api/nodes/{id}", web.LoggedIn, s.apiNode)
	rt.API("PUT /api/nodes/{id}", web.LoggedIn, s.apiUpdateNode)
	rt.API("POST /api/nodes/{id}/move", web.LoggedIn, s.apiMoveNode)
	rt.API("DELETE /api/nodes/{id}", web.LoggedIn, s.apiDeleteNode)
	rt.API("GET /api/buildings/{id}/view", web.LoggedIn, s.apiBuilding)
	rt.API("GET /api/households", web.LoggedIn, s.apiHouseholds)
	rt.API("POST /api/households", web.LoggedIn, s.apiCreateHousehold)
	rt.API("GET /api/households/{id}", web.LoggedIn, s.apiHousehold)
	rt.API("PUT /api/households/{id}", web.LoggedIn, s.apiUpdateHousehold)
	rt.API("DELETE /api/households/{id}", web.LoggedIn, s.apiDeleteHousehold)
	rt.API("POST /api/households/{id}/members", web.LoggedIn, s.apiAddMember)
	rt.API("DELETE /api/households/{id}/members/{member}", web.LoggedIn, s.apiRemoveMember)
	rt.API("POST /api/people/{id}/reveal", web.LoggedIn, s.apiReveal)
	rt.API("POST /api/communities/{id}/import", web.LoggedIn, s.apiImport)
	rt.API("GET /api/nodes/{id}/export", web.LoggedIn, s.apiExport)
	rt.API("GET /api/ledger/template.xlsx", web.LoggedIn, s.apiTemplate)
	rt.API("GET /api/ledger/template.csv", web.LoggedIn, s.apiTemplateCSV)
	s.pages(rt)
}

func (s *Service) apiChildren(w http.ResponseWriter, r *http.Request) error {
	parent, err := web.QueryInt(r, "parent_id", 0)
	if err != nil {
		return err
	}
	ns, err := s.Children(r.Context(), web.ActorFrom(r.Context()), int64(parent))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"nodes": nonNil(ns)})
	return nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (s *Service) apiNode(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.Node(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	anc, err := s.Ancestors(r.Context(), n)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"node": n, "ancestors": nonNil(anc)})
	return nil
}

func (s *Service) apiCreateNode(w http.ResponseWriter, r *http.Request) error {
	var in NodeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.CreateNode(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/nodes/%d", n.ID))
	web.WriteJSON(w, http.StatusCreated, n)
	return nil
}

func (s *Service) apiUpdateNode(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in NodeInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.UpdateNode(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (s *Service) apiMoveNode(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		ParentID int64 `json:"parent_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.MoveNode(r.Context(), web.ActorFrom(r.Context()), id, in.ParentID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (s *Service) apiDeleteNode(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.DeleteNode(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) apiBuilding(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.BuildingWithLayer(r.Context(), web.ActorFrom(r.Context()), id, r.URL.Query().Get("layer"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *Service) apiHouseholds(w http.ResponseWriter, r *http.Request) error {
	node, err := web.QueryInt(r, "node_id", 0)
	if err != nil {
		return err
	}
	limit, err := web.QueryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	offset, err := web.QueryInt(r, "offset", 0)
	if err != nil {
		return err
	}
	hs, total, err := s.ListHouseholds(r.Context(), web.ActorFrom(r.Context()), HouseholdFilter{NodeID: int64(node), Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"households": nonNil(hs), "total": total})
	return nil
}

func (s *Service) apiHousehold(w http.ResponseWriter, r *http.Request) error {
	return web.CallID(w, r, s.Household)
}

type householdBody struct {
	HouseholdInput
	Members []MemberInput `json:"members"`
}

func (s *Service) apiCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	var in householdBody
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.CreateHousehold(r.Context(), web.ActorFrom(r.Context()), in.HouseholdInput, in.Members)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/households/%d", h.ID))
	web.WriteJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Service) apiUpdateHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in HouseholdInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.UpdateHousehold(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

func (s *Service) apiDeleteHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.DeleteHousehold(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in MemberInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	h, err := s.AddMember(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Service) apiRemoveMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := web.PathID(r, "member")
	if err != nil {
		return err
	}
	h, err := s.RemoveMember(r.Context(), web.ActorFrom(r.Context()), id, mid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h)
	return nil
}

func (s *Service) apiReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	field := r.URL.Query().Get("field")
	v, err := s.Reveal(r.Context(), web.ActorFrom(r.Context()), id, field)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"field": field, "value": v})
	return nil
}

// readUpload reads a ledger file from a multipart form field "file" or
// from the raw body (format from ?format= or the Content-Type).
func readUpload(w http.ResponseWriter, r *http.Request) (data []byte, format, name string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes)
	tooBig := func(err error) error {
		if isTooLarge(err) {
			return linli.Errorf(linli.ETooLarge, "文件超过%dMB / file larger than %d MB", MaxImportBytes>>20, MaxImportBytes>>20)
		}
		return err
	}
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		f, hdr, err := r.FormFile("file")
		if err != nil {
			if e := tooBig(err); e != err {
				return nil, "", "", e
			}
			return nil, "", "", linli.Invalid("请选择文件 / choose a file", linli.FieldError{Field: "file", Reason: "请选择.xlsx或.csv文件 / choose an .xlsx or .csv file"})
		}
		defer f.Close()
		data, err = io.ReadAll(f)
		if err != nil {
			return nil, "", "", tooBig(err)
		}
		name = hdr.Filename
		format = strings.TrimPrefix(strings.ToLower(path.Ext(hdr.Filename)), ".")
	} else {
		data, err = io.ReadAll(r.Body)
		if err != nil {
			return nil, "", "", tooBig(err)
		}
		format = r.URL.Query().Get("format")
		if format == "" {
			switch {
			case strings.Contains(ct, "spreadsheetml"):
				format = "xlsx"
			case strings.Contains(ct, "csv"):
				format = "csv"
			}
		}
	}
	if format != "xlsx" && format != "csv" {
		return nil, "", "", linli.Invalid("只支持.xlsx和.csv文件 / only .xlsx and .csv files", linli.FieldError{Field: "file", Reason: "只支持.xlsx和.csv / only .xlsx and .csv"})
	}
	if name == "" {
		name = "ledger." + format
	}
	return data, format, name, nil
}

// isTooLarge reports whether reading the body hit http.MaxBytesReader's
// limit. The multipart reader does not always wrap that error, so its
// text is the fallback.
func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb) || (err != nil && strings.Contains(err.Error(), "request body too large"))
}

// parseUpload parses a ledger file for a community; parse problems and
// register problems come back together in one 422, so one round of
// corrections fixes the whole file.
func (s *Service) parseUpload(ctx context.Context, a *linli.Actor, communityID int64, data []byte, format string) ([]ledger.Household, error) {
	hs, bad, err := ledger.Parse(bytes.NewReader(data), format)
	if err != nil {
		return nil, linli.Invalid("无法读取文件 / cannot read the file: "+err.Error(), linli.FieldError{Field: "file", Reason: err.Error()})
	}
	if len(bad) > 0 {
		// Rows the parser understood are also checked against the
		// register (unknown estate, floor above the unit's).
		more, err := s.RegisterProblems(ctx, a, communityID, hs)
		if err != nil {
			return nil, err
		}
		bad = append(bad, more...)
		slices.SortStableFunc(bad, func(x, y linli.FieldError) int { return x.Row - y.Row })
		return nil, errProblems(bad)
	}
	return hs, nil
}

// apiImport imports a ledger file into a community. With dry_run=true it
// only previews: the answer is an ImportPreview whose token commits exactly
// that preview when posted back as ?token= (no body); a register that
// changed in between is a 409. A file posted without either is committed
// at once, for scripts that have checked it themselves.
func (s *Service) apiImport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	// Check the right before reading a large body.
	n, err := s.node(r.Context(), s.DB, id)
	if err != nil {
		return err
	}
	if !a.Can(linli.PermRegistryWrite, n.Path) {
		return refused(a, n.Path, errNotFound("地点", "place"))
	}
	q := r.URL.Query()
	dryRun, err := strconv.ParseBool(cmp.Or(q.Get("dry_run"), "false"))
	if err != nil {
		return linli.Invalid("dry_run只能是true或false / dry_run must be true or false", linli.FieldError{Field: "dry_run", Reason: "true | false"})
	}
	if token := q.Get("token"); token != "" {
		if dryRun {
			return linli.Invalid("token与dry_run不能同时使用 / token confirms a preview; it cannot be a dry run", linli.FieldError{Field: "token", Reason: "不能与dry_run同用 / not with dry_run"})
		}
		res, err := s.ConfirmImport(r.Context(), a, id, token)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, res)
		return nil
	}
	data, format, name, err := readUpload(w, r)
	if err != nil {
		return err
	}
	if dryRun {
		p, err := s.PreviewFile(r.Context(), a, id, name, data, format)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, p)
		return nil
	}
	hs, err := s.parseUpload(r.Context(), a, id, data, format)
	if err != nil {
		return err
	}
	res, err := s.Import(r.Context(), a, id, hs)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}

func (s *Service) apiExport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		return linli.Invalid("格式只能是xlsx或csv / format must be xlsx or csv", linli.FieldError{Field: "format", Reason: "xlsx | csv"})
	}
	hs, err := s.Export(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	n, err := s.node(r.Context(), s.DB, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if format == "csv" {
		err = ledger.WriteCSV(&buf, hs)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		err = ledger.WriteXLSX(&buf, hs)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		return err
	}
	name := fmt.Sprintf("住户台账-%s.%s", n.Name, format)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	_, err = buf.WriteTo(w)
	return err
}

func (s *Service) apiTemplate(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := ledger.Template(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("住户台账模板.xlsx"))
	_, err := buf.WriteTo(w)
	return err
}

func (s *Service) apiTemplateCSV(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := ledger.TemplateCSV(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("住户台账模板.csv"))
	_, err := buf.WriteTo(w)
	return err
}
