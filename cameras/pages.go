package cameras

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/attach"
	"linli/cameras/feed"
	"linli/links"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// onlineWindow is how recent a heartbeat must be for a camera to show as
// online.
const onlineWindow = 5 * time.Minute

// Pages are the capability's templates and English catalogue; template
// functions carry the prefix "cm".
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "cameras", Catalog: catalog(), Funcs: template.FuncMap{
		"cmSources":        func() []feed.Source { return []feed.Source{feed.SourceFrigate, feed.SourceGB28181, feed.SourceHTTP} },
		"cmRuleKinds":      RuleKinds,
		"cmNotifyChannels": NotifyChannels,
		"cmChecked":        func(vs []string, v string) bool { return slices.Contains(vs, v) },
		"cmAlertStates":    func() []AlertState { return []AlertState{Open, Acknowledged, Handled, FalseAlarm, Escalated} },
		"cmMinute":         func(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) },
		"cmLast7": func(days []int) []int {
			if len(days) > 7 {
				return days[len(days)-7:]
			}
			return days
		},
		// cmPoints is a mask polygon as SVG points in the 0..1 frame.
		"cmPoints": func(poly [][2]float64) string {
			var b strings.Builder
			for i, pt := range poly {
				if i > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%g,%g", pt[0], pt[1])
			}
			return b.String()
		},
		// cmPercent is a mask polygon for people: its corners in percent
		// of the frame's width and height.
		"cmPercent": func(poly [][2]float64) string {
			var b strings.Builder
			for i, pt := range poly {
				if i > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "(%.0f%%, %.0f%%)", pt[0]*100, pt[1]*100)
			}
			return b.String()
		},
		"cmMasks": func(m [][][2]float64) string {
			if len(m) == 0 {
				return ""
			}
			b, _ := json.Marshal(m)
			return string(b)
		},
	}, LangFuncs: func(lang string, t func(string) string) template.FuncMap {
		return template.FuncMap{
			"cmState":      func(s State) string { return t(stateLabel(s)) },
			"cmAlertState": func(s AlertState) string { return t(alertStateLabel(s)) },
			"cmRule":       func(k RuleKind) string { return t(ruleLabel(k)) },
			"cmNotify":     func(ch string) string { return t(notifyLabel(ch)) },
			"cmObject":     func(class string) string { return objectLabel(class, t) },
			// cmDuration is a time to acknowledge: seconds under a
			// minute, minutes under an hour, then hours and minutes.
			"cmDuration": func(sec int64) string {
				switch {
				case sec < 60:
					return fmt.Sprintf(t("%d 秒"), sec)
				case sec < 3600:
					return fmt.Sprintf(t("%d 分钟"), sec/60)
				}
				return fmt.Sprintf(t("%d 小时 %d 分"), sec/3600, sec%3600/60)
			},
		}
	}}
}

func stateLabel(s State) string {
	switch s {
	case Active:
		return "已启用"
	case Inactive:
		return "已停用"
	case Retired:
		return "已退役"
	}
	return "草稿"
}

func alertStateLabel(s AlertState) string {
	switch s {
	case Acknowledged:
		return "已确认"
	case Handled:
		return "已处理"
	case FalseAlarm:
		return "误报"
	case Escalated:
		return "已转案件"
	}
	return "待处理"
}

type pages struct {
	s *Service
	r *web.Renderer
}

func (h *pages) t(r *http.Request, zh string) string { return h.r.T(web.Lang(r), zh) }

func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	if render == nil {
		return
	}
	h := &pages{s: s, r: render}
	rt.Page("GET /cameras", web.LoggedIn, h.list)
	rt.Page("POST /cameras", web.LoggedIn, h.create)
	rt.Page("GET /cameras/{id}", web.LoggedIn, h.camera)
	rt.API("GET /cameras/photos/{file}", web.LoggedIn, h.photo)
	rt.Page("POST /cameras/{id}/privacy", web.LoggedIn, h.privacy)
	rt.Page("POST /cameras/{id}/state", web.LoggedIn, h.state)
	rt.Page("POST /cameras/{id}/rules", web.LoggedIn, h.rule)
	rt.Page("POST /cameras/{id}/delete", web.LoggedIn, h.deleteCamera)
	rt.Page("POST /cameras/{id}/retire", web.LoggedIn, h.retireCamera)
	rt.Page("GET /cameras/sources", web.LoggedIn, h.sources)
	rt.Page("POST /cameras/sources", web.LoggedIn, h.createSource)
	rt.Page("POST /cameras/sources/{id}/revoke", web.LoggedIn, h.revokeSource)
	rt.Page("GET /cameras/board", web.LoggedIn, h.board)
	rt.API("GET /cameras/board/stream", web.LoggedIn, s.stream)
	rt.Page("GET /cameras/alerts", web.LoggedIn, h.alerts)
	rt.Page("GET /cameras/alerts/{id}", web.LoggedIn, h.alert)
	rt.Page("POST /cameras/alerts/{id}/act", web.LoggedIn, h.act)
	rt.Page("GET /cameras/alerts/{id}/snapshot", web.LoggedIn, h.snapshotPage)
}

var crumbList = web.NavItem{Href: "/cameras", Label: "门岗摄像头"}

func (h *pages) crumbs(r *http.Request, more ...web.NavItem) []web.NavItem {
	return append([]web.NavItem{{Href: crumbList.Href, Label: h.t(r, crumbList.Label)}}, more...)
}

type listData struct {
	Cameras []Camera
	Counts  []CountsView
	Stats   Stats        // the last 30 days
	Places  []web.Choice // where the actor may add cameras; empty: no form
}

func (h *pages) listPage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	cs, err := h.s.Cameras(r.Context(), a)
	if err != nil {
		return nil, err
	}
	counts, err := h.s.CountsAll(r.Context(), a)
	if err != nil {
		return nil, err
	}
	places, err := h.s.cameraPlaces(r, a)
	if err != nil {
		return nil, err
	}
	now := h.s.now()
	st, err := h.s.Statistics(r.Context(), a, now.AddDate(0, 0, -29), now)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "门岗摄像头", Data: listData{Cameras: cs, Counts: counts, Stats: st, Places: places}}, nil
}

// cameraPlaces are where the actor may put a camera or a source: the
// estates, buildings and units where it manages cameras.
func (s *Service) cameraPlaces(r *http.Request, a *linli.Actor) ([]web.Choice, error) {
	scopes := a.Scopes(linli.PermCamerasManage)
	if len(scopes) == 0 {
		return nil, nil
	}
	all, err := s.reg.PlaceChoicesIn(r.Context(), scopes, 400)
	out := all[:0]
	for _, c := range all {
		if k := registry.Kind(c.Kind); k == registry.KindEstate || k == registry.KindBuilding || k == registry.KindUnit {
			out = append(out, c)
		}
	}
	return out, err
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	p, err := h.listPage(r)
	if err != nil {
		return err
	}
	p.Form = r.URL.Query()
	h.r.Render(w, r, http.StatusOK, "cameras/list.html", p)
	return nil
}

// zonesOf reads "name=covers" lines.
func zonesOf(text string) []Zone {
	var out []Zone
	for _, line := range strings.Split(text, "\n") {
		name, covers, _ := strings.Cut(strings.TrimSpace(line), "=")
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, Zone{Name: name, Covers: strings.TrimSpace(covers)})
		}
	}
	return out
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	in := CameraInput{Code: r.FormValue("code"), Name: r.FormValue("name"), NodeID: web.FormInt(r, "node_id"), Direction: r.FormValue("direction"),
		Source: feed.Source(r.FormValue("source")), SourceRef: r.FormValue("source_ref"), Snapshots: r.FormValue("snapshots") == "1",
		Zones: zonesOf(r.FormValue("zones"))}
	c, err := h.s.CreateCamera(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return h.r.FormFailed(w, r, err, "cameras/list.html", func() (*web.Page, error) { return h.listPage(r) })
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cameras/%d", c.ID), "摄像头已添加，请填写隐私保护记录后启用 / camera added: complete its privacy record, then switch it on")
	return nil
}

type cameraData struct {
	Camera  Camera
	Privacy Privacy
	Rules   []Rule
	Manage  bool
	Missing []linli.FieldError
	Links   []links.Item
	Use     Use // for the managers: delete (never used) or retire
}

func (h *pages) cameraPage(r *http.Request) (*web.Page, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	a := web.ActorFrom(r.Context())
	c, err := h.s.Camera(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	pv, err := h.s.Privacy(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	rules, err := h.s.Rules(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	ls, err := h.s.lk.Items(r.Context(), a, links.Ref{Kind: KindCamera, ID: id})
	if err != nil {
		return nil, err
	}
	d := cameraData{Camera: c, Privacy: pv, Rules: rules, Manage: a.Can(linli.PermCamerasManage, c.Path), Links: ls}
	if c.State != Active && c.State != Retired {
		d.Missing = pv.Missing()
	}
	if d.Manage {
		if d.Use, err = h.s.use(r.Context(), h.s.db, id); err != nil {
			return nil, err
		}
	}
	return &web.Page{Title: c.Name, Data: d, Crumbs: h.crumbs(r, web.NavItem{Label: c.Code})}, nil
}

func (h *pages) camera(w http.ResponseWriter, r *http.Request) error {
	p, err := h.cameraPage(r)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cameras/camera.html", p)
	return nil
}

func (h *pages) privacy(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	cur, err := h.s.Privacy(r.Context(), a, id)
	if err != nil {
		return err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(4 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	p := Privacy{Purpose: r.FormValue("purpose"), Consultation: strings.TrimSpace(r.FormValue("consultation")), NoPrivateView: r.FormValue("no_private_view") == "1",
		ViewPhotoID: cur.ViewPhotoID, SignagePhotoID: cur.SignagePhotoID, SignageText: r.FormValue("signage_text"),
		Reviewer: r.FormValue("reviewer"), ReviewedOn: r.FormValue("reviewed_on")}
	if m := strings.TrimSpace(r.FormValue("masks")); m != "" {
		if json.Unmarshal([]byte(m), &p.Masks) != nil {
			err = linli.Invalid("遮挡区域格式有误 / masks unreadable", linli.FieldError{Field: "masks", Reason: "须为 JSON 多边形列表 / a JSON list of polygons"})
		}
	}
	// The photos of the view and of the sign: a new upload replaces the
	// one on record.
	for _, ph := range []struct {
		field string
		dst   *int64
	}{{"view_photo", &p.ViewPhotoID}, {"signage_photo", &p.SignagePhotoID}} {
		if err != nil || r.MultipartForm == nil {
			break
		}
		var pid int64
		if pid, err = h.s.savePhoto(r, a, id, ph.field); err == nil && pid != 0 {
			*ph.dst = pid
		}
	}
	if err == nil {
		_, err = h.s.SavePrivacy(r.Context(), a, id, p)
	}
	if err != nil {
		return h.r.FormFailed(w, r, unindexed(err), "cameras/camera.html", func() (*web.Page, error) { return h.cameraPage(r) })
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cameras/%d", id), "隐私记录已保存 / privacy record saved")
	return nil
}

// savePhoto stores the one photo of a form field as an attachment of the
// camera and returns its id (0: none sent).
func (s *Service) savePhoto(r *http.Request, a *linli.Actor, cameraID int64, field string) (int64, error) {
	ups, err := attach.FromMultipart(r, field, attach.PhotoLimits())
	if err != nil || len(ups) == 0 {
		return 0, err
	}
	att, err := s.AddPhoto(r.Context(), a, cameraID, ups[0])
	return att.ID, err
}

// photo serves a privacy photo (?thumb=1: its thumbnail) to whoever may
// see its camera.
func (h *pages) photo(w http.ResponseWriter, r *http.Request) error {
	fid, err := web.PathID(r, "file")
	if err != nil {
		return err
	}
	att, data, err := h.s.Photo(r.Context(), web.ActorFrom(r.Context()), fid, r.URL.Query().Get("thumb") == "1")
	if err != nil {
		return err
	}
	attach.Serve(w, r, att, data)
	return nil
}

// unindexed drops the index of list fields ("masks[0]" → "masks"), so
// the form shows the error beside the field.
func unindexed(err error) error {
	e, ok := err.(*linli.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = nil
	for _, f := range e.Fields {
		f.Field, _, _ = strings.Cut(f.Field, "[")
		c.Fields = append(c.Fields, f)
	}
	return &c
}

func (h *pages) state(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	_, err = h.s.SetState(r.Context(), web.ActorFrom(r.Context()), id, State(r.FormValue("state")))
	if linli.ErrorCode(err) == linli.EInvalid {
		// The missing fields are listed on the camera page itself.
		web.RedirectFlash(w, r, fmt.Sprintf("/cameras/%d", id), "隐私记录不完整，不能启用 / the privacy record is incomplete: the camera cannot be switched on")
		return nil
	}
	if err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cameras/%d", id), "状态已更新 / state changed")
	return nil
}

func (h *pages) deleteCamera(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.s.DeleteCamera(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, "/cameras", "摄像头已删除 / camera deleted")
	return nil
}

func (h *pages) retireCamera(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.s.RetireCamera(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cameras/%d", id), "摄像头已退役，告警记录保留 / camera retired; its alerts are kept")
	return nil
}

// minuteOf reads "HH:MM" into minutes of the day; "" is 0.
func minuteOf(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	t, err := time.Parse("15:04", s)
	return t.Hour()*60 + t.Minute(), err == nil
}

func (h *pages) rule(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	ru := Rule{Kind: RuleKind(r.FormValue("kind")), Zone: strings.TrimSpace(r.FormValue("zone")), Labels: strings.Split(r.FormValue("labels"), ","),
		Seconds: web.FormInt(r, "seconds"), Cooldown: web.FormInt(r, "cooldown"), Count: int(web.FormInt(r, "count")), Enabled: true,
		Notify: r.Form["notify"]}
	var v linli.Validation
	var ok bool
	if ru.FromMinute, ok = minuteOf(r.FormValue("from")); !ok {
		v.Add("from", "时间格式为 HH:MM / time as HH:MM")
	}
	if ru.ToMinute, ok = minuteOf(r.FormValue("to")); !ok {
		v.Add("to", "时间格式为 HH:MM / time as HH:MM")
	}
	err = v.Err()
	if err == nil {
		_, err = h.s.SaveRule(r.Context(), web.ActorFrom(r.Context()), id, ru)
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "cameras/camera.html", func() (*web.Page, error) { return h.cameraPage(r) })
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cameras/%d", id), "规则已添加 / rule added")
	return nil
}

type alertsData struct {
	Alerts  []Alert
	Cameras []Camera
}

func (h *pages) alerts(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	f, err := h.s.alertFilter(r)
	if err != nil {
		return err
	}
	as, err := h.s.Alerts(r.Context(), a, f)
	if err != nil {
		return err
	}
	cs, err := h.s.Cameras(r.Context(), a)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cameras/alerts.html", &web.Page{Title: "告警记录", Form: r.URL.Query(),
		Data: alertsData{Alerts: as, Cameras: cs}, Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "告警记录")})})
	return nil
}

type alertData struct{ Alert Alert }

func (h *pages) alert(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	al, err := h.s.Alert(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cameras/alert.html", &web.Page{Title: "告警", Data: alertData{al},
		Crumbs: h.crumbs(r, web.NavItem{Href: "/cameras/alerts", Label: h.t(r, "告警记录")}, web.NavItem{Label: strconv.FormatInt(id, 10)})})
	return nil
}

// act is the alert page's one form: acknowledge, close as handled or as
// a false alarm, or escalate to a case, with the note.
func (h *pages) act(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a, note := web.ActorFrom(r.Context()), r.FormValue("note")
	flash := ""
	switch r.FormValue("do") {
	case "ack":
		_, err = h.s.Acknowledge(r.Context(), a, id, note)
		flash = "已确认收到 / acknowledged"
	case "handled", "false_alarm":
		_, err = h.s.Close(r.Context(), a, id, AlertState(r.FormValue("do")), note)
		flash = "告警已关闭 / alert closed"
	case "escalate":
		_, err = h.s.Escalate(r.Context(), a, id, note)
		flash = "已转为案件 / escalated to a case"
	default:
		err = linli.Invalid("未知操作 / unknown action", linli.FieldError{Field: "do", Reason: "ack | handled | false_alarm | escalate"})
	}
	if err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cameras/alerts/%d", id), flash)
	return nil
}
