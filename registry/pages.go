package registry

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the registry's page templates and English catalogue.
func Pages() web.Pages {
	return web.Pages{FS: mustSub(templates, "templates"), Prefix: "registry", Catalog: catalog(), LangFuncs: func(lang string, t func(string) string) template.FuncMap {
		return template.FuncMap{"layerText": func(s string) string { return layerText(s, lang, t) }}
	}, Funcs: template.FuncMap{
		"relation": RelationLabel,
		"codeHint": func(k Kind) string {
			switch k {
			case KindStreet, KindCommunity:
				return "12位统计用区划代码"
			case KindGrid:
				return "如 XY-01"
			}
			return "可选"
		},
	}}
}

func (s *Service) pages(rt *web.Router) {
	rt.Page("GET /places", web.LoggedIn, s.pagePlaces)
	rt.Page("GET /places/{id}", web.LoggedIn, s.pagePlace)
	rt.Page("POST /places/{id}/children", web.LoggedIn, s.pageCreateChild)
	rt.Page("POST /places/{id}/edit", web.LoggedIn, s.pageEditPlace)
	rt.Page("POST /places/{id}/move", web.LoggedIn, s.pageMovePlace)
	rt.Page("POST /places/{id}/delete", web.LoggedIn, s.pageDeletePlace)
	rt.Page("POST /places/{id}/households", web.LoggedIn, s.pageCreateHousehold)
	rt.Page("GET /buildings/{id}", web.LoggedIn, s.pageBuilding)
	rt.Page("GET /households", web.LoggedIn, s.pageHouseholds)
	rt.Page("GET /households/{id}", web.LoggedIn, s.pageHousehold)
	rt.Page("POST /households/{id}/edit", web.LoggedIn, s.pageEditHousehold)
	rt.Page("POST /households/{id}/members", web.LoggedIn, s.pageAddMember)
	rt.Page("POST /households/{id}/members/{member}/delete", web.LoggedIn, s.pageRemoveMember)
	rt.Page("GET /import", web.LoggedIn, s.pageImport)
	rt.Page("POST /import", web.LoggedIn, s.pageImportPost)
	rt.Page("POST /import/confirm", web.LoggedIn, s.pageImportConfirm)
}

// placeData is what the place page shows.
type placeData struct {
	Node      Node
	Children  []Node
	ChildKind Kind
	CanWrite  bool
	Parents   []Node // candidate new parents for a move
	Edit      bool
	// BuildingView is the building whose view the actor may open from
	// this page (the node itself, or a unit's building); 0: none, so a
	// unit head is not offered a view that answers 403.
	BuildingView int64
}

// parentPath is the path of the parent of the node at path ("/1/4/9/" →
// "/1/4/").
func parentPath(path string) string {
	t := strings.TrimSuffix(path, "/")
	return t[:strings.LastIndex(t, "/")+1]
}

// crumbs links the ancestors the actor may open; those above its scope
// are shown as plain text (a link would only lead to a 403).
func crumbs(act *linli.Actor, anc []Node, n *Node) []web.NavItem {
	out := []web.NavItem{{Href: "/places", Label: "地点"}}
	for _, a := range anc {
		href := ""
		if act.Can(linli.PermRegistryRead, a.Path) {
			href = fmt.Sprintf("/places/%d", a.ID)
		}
		out = append(out, web.NavItem{Href: href, Label: a.Name})
	}
	if n != nil {
		out = append(out, web.NavItem{Href: fmt.Sprintf("/places/%d", n.ID), Label: n.Name})
	}
	return out
}

func (s *Service) pagePlaces(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	roots, err := s.Roots(r.Context(), a)
	if err != nil {
		return err
	}
	if len(roots) == 1 {
		http.Redirect(w, r, fmt.Sprintf("/places/%d", roots[0].ID), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "registry/places.html", &web.Page{Title: "地点", Data: placeData{Children: roots}})
	return nil
}

func (s *Service) render(w http.ResponseWriter, r *http.Request, status int, name string, p *web.Page) {
	s.Renderer.Render(w, r, status, name, p)
}

func (s *Service) placePage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	n, err := s.Node(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	if !a.Can(linli.PermRegistryRead, n.Path) && !a.Can(linli.PermRegistryWrite, n.Path) {
		// Breadcrumb-only visibility: show nothing of the subtree.
		return nil, refused(a, n.Path, errNotFound("地点", "place"))
	}
	anc, err := s.Ancestors(r.Context(), n)
	if err != nil {
		return nil, err
	}
	kids, err := s.Children(r.Context(), a, n.ID)
	if err != nil {
		return nil, err
	}
	d := placeData{Node: n, Children: kids, ChildKind: n.Kind.ChildKind(), CanWrite: a.Can(linli.PermRegistryWrite, n.Path)}
	if n.Kind == KindBuilding && a.Can(linli.PermRegistryRead, n.Path) {
		d.BuildingView = n.ID
	} else if n.Kind == KindUnit && a.Can(linli.PermRegistryRead, parentPath(n.Path)) {
		d.BuildingView = n.ParentID
	}
	if d.CanWrite && n.ParentID != 0 {
		// Siblings of the parent are the natural places to move to.
		if len(anc) >= 2 {
			d.Parents, _ = s.Children(r.Context(), a, anc[len(anc)-2].ID)
		}
	}
	return &web.Page{Title: n.Name, Crumbs: crumbs(a, anc, nil), Data: d}, nil
}

func (s *Service) pagePlace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.placePage(r, id)
	if err != nil {
		return err
	}
	p.Flash = r.URL.Query().Get("flash")
	s.render(w, r, http.StatusOK, "registry/place.html", p)
	return nil
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
	return n
}

func nodeInputFromForm(r *http.Request) NodeInput {
	return NodeInput{
		Kind: Kind(r.PostFormValue("kind")), Name: r.PostFormValue("name"), Code: r.PostFormValue("code"),
		Sort: formInt(r, "sort"), Floors: formInt(r, "floors"), BuiltYear: formInt(r, "built_year"),
		Address: r.PostFormValue("address"), PropertyCompany: r.PostFormValue("property_company"),
		Boundary: strings.TrimSpace(r.PostFormValue("boundary")), Note: r.PostFormValue("note"), Abbr: r.PostFormValue("abbr"),
	}
}

// formFailed re-renders the place page with the errors beside the fields
// and what the user typed, or returns err when it is not a form problem.
func (s *Service) formFailed(w http.ResponseWriter, r *http.Request, id int64, err error, page string, edit bool) error {
	fields, msg := web.FormErrors(err)
	if fields == nil {
		return err
	}
	var p *web.Page
	var perr error
	if page == "registry/household.html" {
		p, perr = s.householdPage(r, id)
	} else {
		p, perr = s.placePage(r, id)
		if perr == nil {
			d := p.Data.(placeData)
			d.Edit = edit
			p.Data = d
		}
	}
	if perr != nil {
		return perr
	}
	p.Errors, p.Error, p.Form = fields, msg, r.PostForm
	s.render(w, r, web.StatusOf(linli.ErrorCode(err)), page, p)
	return nil
}

func (s *Service) pageCreateChild(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := nodeInputFromForm(r)
	in.ParentID = id
	n, err := s.CreateNode(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return s.formFailed(w, r, id, err, "registry/place.html", false)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/places/%d", id), "已新建「"+n.Name+"」")
	return nil
}

func (s *Service) pageEditPlace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.UpdateNode(r.Context(), web.ActorFrom(r.Context()), id, nodeInputFromForm(r))
	if err != nil {
		return s.formFailed(w, r, id, err, "registry/place.html", true)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/places/%d", id), "已保存")
	return nil
}

func (s *Service) pageMovePlace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.MoveNode(r.Context(), web.ActorFrom(r.Context()), id, int64(formInt(r, "parent_id")))
	if err != nil {
		return s.formFailed(w, r, id, err, "registry/place.html", false)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/places/%d", id), "已移动")
	return nil
}

func (s *Service) pageDeletePlace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	n, err := s.Node(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := s.DeleteNode(r.Context(), a, id); err != nil {
		if linli.ErrorCode(err) == linli.EConflict {
			p, perr := s.placePage(r, id)
			if perr != nil {
				return perr
			}
			p.Error = linli.ErrorMessage(err)
			s.render(w, r, http.StatusConflict, "registry/place.html", p)
			return nil
		}
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/places/%d", n.ParentID), "已删除「"+n.Name+"」")
	return nil
}

func (s *Service) pageCreateHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := HouseholdInput{UnitID: id, Floor: formInt(r, "floor"), Room: r.PostFormValue("room"), Area: Decimal(strings.TrimSpace(r.PostFormValue("area"))), Note: r.PostFormValue("note")}
	var members []MemberInput
	if name := strings.TrimSpace(r.PostFormValue("owner_name")); name != "" {
		members = append(members, MemberInput{Name: name, Relation: RelOwner, IsOwner: true, Phone: r.PostFormValue("owner_phone"), IDNumber: r.PostFormValue("owner_id_number")})
	}
	h, err := s.CreateHousehold(r.Context(), web.ActorFrom(r.Context()), in, members)
	if err != nil {
		// Member fields come back as members[0].x; show them beside the owner inputs.
		if e, ok := err.(*linli.Error); ok {
			for i, f := range e.Fields {
				e.Fields[i].Field = strings.Replace(f.Field, "members[0].", "owner_", 1)
			}
		}
		return s.formFailed(w, r, id, err, "registry/place.html", false)
	}
	http.Redirect(w, r, fmt.Sprintf("/households/%d", h.ID), http.StatusSeeOther)
	return nil
}

func (s *Service) pageBuilding(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.BuildingWithLayer(r.Context(), web.ActorFrom(r.Context()), id, r.URL.Query().Get("layer"))
	if err != nil {
		return err
	}
	anc, err := s.Ancestors(r.Context(), v.Building)
	if err != nil {
		return err
	}
	page := buildingPage{BuildingView: v, View: r.URL.Query().Get("view")}
	if page.View != "detail" && page.View != "large" {
		page.View = "compact"
	}
	s.render(w, r, http.StatusOK, "registry/building.html", &web.Page{Title: v.Estate.Name + v.Building.Name, Crumbs: crumbs(web.ActorFrom(r.Context()), anc, &v.Building), Data: page})
	return nil
}

// buildingPage is the building view with its density: compact (the
// default: every unit of a building of eight fits a 1366 px screen; the
// room, the layer's glyph and state, else the owner), detail (owners and
// areas, scrolling sideways) or large (a projector: the grid alone on the
// whole screen, big glyphs).
type buildingPage struct {
	BuildingView
	View string
}

// ViewURL is the page in another density, keeping the layer.
func (p buildingPage) ViewURL(view string) string {
	q := url.Values{}
	if p.Layer != nil {
		q.Set("layer", p.Layer.Key)
	}
	if view != "compact" {
		q.Set("view", view)
	}
	u := fmt.Sprintf("/buildings/%d", p.Building.ID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

type householdsData struct {
	Households []Household
	Total      int
	Query      string
	NodeID     int
	Offset     int
	Next, Prev int
}

func (s *Service) pageHouseholds(w http.ResponseWriter, r *http.Request) error {
	node, _ := web.QueryInt(r, "node_id", 0)
	offset, _ := web.QueryInt(r, "offset", 0)
	if offset < 0 {
		offset = 0
	}
	q := r.URL.Query().Get("q")
	hs, total, err := s.ListHouseholds(r.Context(), web.ActorFrom(r.Context()), HouseholdFilter{NodeID: int64(node), Query: q, Limit: 50, Offset: offset})
	if err != nil {
		return err
	}
	d := householdsData{Households: hs, Total: total, Query: q, NodeID: node, Offset: offset, Prev: -1, Next: -1}
	if offset > 0 {
		d.Prev = max(offset-50, 0)
	}
	if offset+50 < total {
		d.Next = offset + 50
	}
	s.render(w, r, http.StatusOK, "registry/households.html", &web.Page{Title: "住户", Data: d})
	return nil
}

type householdData struct {
	Household
	CanWrite, CanReveal bool
	Visit               bool // may record a door-to-door visit
	// BuildingView: the actor may open the building view (a resident and
	// a unit head may not: the link is not shown).
	BuildingView bool
}

func (s *Service) householdPage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	h, err := s.Household(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	u, err := s.node(r.Context(), s.DB, h.UnitID)
	if err != nil {
		return nil, err
	}
	var cr []web.NavItem
	if a.Can(linli.PermRegistryRead, h.Path) {
		anc, err := s.Ancestors(r.Context(), u)
		if err != nil {
			return nil, err
		}
		cr = crumbs(a, anc, &u)
		if a.Can(linli.PermRegistryRead, parentPath(u.Path)) {
			cr[len(cr)-2].Href = fmt.Sprintf("/buildings/%d", h.BuildingID)
		}
	}
	return &web.Page{Title: h.Estate + h.Label(), Crumbs: cr, Data: householdData{Household: h,
		CanWrite: a.Can(linli.PermRegistryWrite, h.Path), CanReveal: a.Can(linli.PermPeopleReveal, h.Path), Visit: a.Can(linli.PermVisitsWrite, h.Path),
		BuildingView: a.Can(linli.PermRegistryRead, parentPath(u.Path))}}, nil
}

func (s *Service) pageHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.householdPage(r, id)
	if err != nil {
		return err
	}
	p.Flash = r.URL.Query().Get("flash")
	s.render(w, r, http.StatusOK, "registry/household.html", p)
	return nil
}

func (s *Service) pageEditHousehold(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := HouseholdInput{Floor: formInt(r, "floor"), Room: r.PostFormValue("room"), Area: Decimal(strings.TrimSpace(r.PostFormValue("area"))), Note: r.PostFormValue("note")}
	if _, err := s.UpdateHousehold(r.Context(), web.ActorFrom(r.Context()), id, in); err != nil {
		return s.formFailed(w, r, id, err, "registry/household.html", true)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/households/%d", id), "已保存")
	return nil
}

func (s *Service) pageAddMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := MemberInput{Name: r.PostFormValue("name"), Relation: r.PostFormValue("relation"), IsOwner: r.PostFormValue("is_owner") == "1",
		Phone: r.PostFormValue("phone"), IDNumber: r.PostFormValue("id_number")}
	if _, err := s.AddMember(r.Context(), web.ActorFrom(r.Context()), id, in); err != nil {
		return s.formFailed(w, r, id, err, "registry/household.html", false)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/households/%d", id), "已添加成员")
	return nil
}

func (s *Service) pageRemoveMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := web.PathID(r, "member")
	if err != nil {
		return err
	}
	if _, err := s.RemoveMember(r.Context(), web.ActorFrom(r.Context()), id, mid); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/households/%d", id), "已移除成员")
	return nil
}

type importData struct {
	Communities []Node
	Selected    int64
	Result      *ImportResult
	Preview     *ImportPreview
	FileName    string
	Problems    []linli.FieldError
}

// previewShown is how many households of each list the preview page shows;
// the counts are always whole and the API returns every one.
const previewShown = 500

// Shown is the part of a preview list the page shows.
func (importData) Shown(xs []HouseholdDiff) []HouseholdDiff { return xs[:min(len(xs), previewShown)] }

// Hidden is how many of a preview list the page leaves out.
func (importData) Hidden(xs []HouseholdDiff) int { return max(len(xs)-previewShown, 0) }

// writableCommunities lists the communities where the actor may edit the
// register (import targets).
func (s *Service) writableCommunities(r *http.Request, a *linli.Actor) ([]Node, error) {
	return s.PlacesIn(r.Context(), a.Scopes(linli.PermRegistryWrite), 5000, KindCommunity)
}

func (s *Service) pageImport(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	cs, err := s.writableCommunities(r, a)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return errForbidden()
	}
	sel, _ := web.QueryInt(r, "community_id", 0)
	s.render(w, r, http.StatusOK, "registry/import.html", &web.Page{Title: "导入导出", Data: importData{Communities: cs, Selected: int64(sel)}})
	return nil
}

// pageImportPost uploads a file and shows its preview: nothing is written
// until the user confirms it (pageImportConfirm).
func (s *Service) pageImportPost(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	cs, err := s.writableCommunities(r, a)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return errForbidden()
	}
	data, format, name, err := readUpload(w, r)
	d := importData{Communities: cs}
	page := &web.Page{Title: "导入导出"}
	if err == nil {
		id, _ := strconv.ParseInt(r.FormValue("community_id"), 10, 64)
		d.Selected, d.FileName = id, name
		var p ImportPreview
		p, err = s.PreviewFile(r.Context(), a, id, name, data, format)
		if err == nil {
			d.Preview = &p
		}
	}
	return s.renderImport(w, r, page, d, err)
}

// pageImportConfirm commits the previewed file.
func (s *Service) pageImportConfirm(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	cs, err := s.writableCommunities(r, a)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return errForbidden()
	}
	id, _ := strconv.ParseInt(r.FormValue("community_id"), 10, 64)
	d := importData{Communities: cs, Selected: id}
	page := &web.Page{Title: "导入导出"}
	res, err := s.ConfirmImport(r.Context(), a, id, r.FormValue("token"))
	if err == nil {
		d.Result = &res
		page.Flash = fmt.Sprintf("导入成功：%d户（新增%d，更新%d，未变%d），%d人 / Imported: %d households (%d new, %d changed, %d unchanged), %d people",
			res.Households, res.Created, res.Updated, res.Unchanged, res.People, res.Households, res.Created, res.Updated, res.Unchanged, res.People)
	}
	return s.renderImport(w, r, page, d, err)
}

// renderImport shows the import page with err's message and problems; only
// a missing right or a failure is an error page.
func (s *Service) renderImport(w http.ResponseWriter, r *http.Request, page *web.Page, d importData, err error) error {
	status := http.StatusOK
	if err != nil {
		code := linli.ErrorCode(err)
		if code == linli.EInternal || code == linli.EForbidden || code == linli.ENotFound {
			return err
		}
		status = web.StatusOf(code)
		page.Error = linli.ErrorMessage(err)
		d.Problems = linli.ErrorFields(err)
	}
	page.Data = d
	s.render(w, r, status, "registry/import.html", page)
	return nil
}
