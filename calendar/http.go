package calendar

import (
	"embed"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"linli"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the working-calendar admin page and its English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "calendar", Catalog: map[string]string{
		"工作日历": "Working calendar", "年份": "Year", "来源通知": "Notice", "放假": "Days off", "调休上班": "Make-up working days",
		"来源": "From", "管理员录入": "Entered by an administrator", "内置或目录": "Shipped or --calendar-dir", "录入或上传一年": "Enter or upload a year",
		"JSON（格式见 calendar/data/README.md）": "JSON (format in calendar/data/README.md)", "或上传文件": "or upload a file", "保存": "Save",
		"保存后立即生效，之后计算的期限使用新日历；已派遣案件的期限不变。": "Takes effect at once: deadlines computed from now on use it; deadlines already set stay as they are.",
		"已保存": "Saved",
	}}
}

// Routes registers GET /api/calendar/years, PUT /api/calendar/years (the
// body is one year file) and the /admin/calendar page with its form.
func (ad *Admin) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/calendar/years", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		ys, err := ad.Years(r.Context(), web.ActorFrom(r.Context()))
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"years": ys})
		return nil
	})
	rt.API("PUT /api/calendar/years", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxYearFile+1))
		if err != nil {
			return linli.Errorf(linli.EBadRequest, "cannot read the body")
		}
		y, err := ad.Save(r.Context(), web.ActorFrom(r.Context()), raw)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, y)
		return nil
	})
	page := func(w http.ResponseWriter, r *http.Request, status int, p *web.Page) error {
		ys, err := ad.Years(r.Context(), web.ActorFrom(r.Context()))
		if err != nil {
			return err
		}
		p.Title, p.Data = "工作日历", ys
		render.Render(w, r, status, "calendar/calendar.html", p)
		return nil
	}
	rt.Page("GET /admin/calendar", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return page(w, r, http.StatusOK, &web.Page{Flash: r.URL.Query().Get("flash")})
	})
	rt.Page("POST /admin/calendar", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseMultipartForm(maxYearFile); err != nil && err != http.ErrNotMultipart {
			return linli.Errorf(linli.EBadRequest, "cannot read the form")
		}
		raw := []byte(strings.TrimSpace(r.FormValue("json")))
		if f, _, err := r.FormFile("file"); err == nil {
			b, err := io.ReadAll(io.LimitReader(f, maxYearFile+1))
			f.Close()
			if err != nil {
				return err
			}
			if len(b) > 0 {
				raw = b
			}
		}
		y, err := ad.Save(r.Context(), web.ActorFrom(r.Context()), raw)
		if err != nil {
			code := linli.ErrorCode(err)
			if code != linli.EInvalid && code != linli.EBadRequest && code != linli.ETooLarge {
				return err
			}
			errs := map[string]string{}
			for _, fe := range linli.ErrorFields(err) {
				errs[fe.Field] = fe.Reason
			}
			return page(w, r, http.StatusUnprocessableEntity, &web.Page{Error: linli.ErrorMessage(err), Errors: errs, Form: url.Values{"json": {string(raw)}}})
		}
		web.RedirectFlash(w, r, "/admin/calendar", "已保存 "+itoa(y.Year))
		return nil
	})
}

func itoa(n int) string {
	var b [12]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
