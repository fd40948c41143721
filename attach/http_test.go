package attach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

func TestServe(t *testing.T) {
	photo := jpegOf(t, gradient(40, 30))
	a := Attachment{ID: 1, Name: "楼道 漏水.jpg", ContentType: JPEG, Size: int64(len(photo)),
		SHA256: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", CreatedAt: now}
	get := func(method string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/attachments/1", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		Serve(w, r, a, photo)
		return w
	}

	w := get("GET")
	h := w.Header()
	for k, want := range map[string]string{
		"Content-Type":           "image/jpeg",
		"Content-Length":         fmt.Sprint(len(photo)),
		"ETag":                   `"` + a.SHA256 + `"`,
		"Cache-Control":          "private, max-age=86400",
		"X-Content-Type-Options": "nosniff",
		"Content-Disposition":    "inline; filename*=utf-8''%E6%A5%BC%E9%81%93%20%E6%BC%8F%E6%B0%B4.jpg",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), photo) {
		t.Errorf("GET: %d, %d bytes", w.Code, w.Body.Len())
	}

	for _, inm := range []string{`"` + a.SHA256 + `"`, `W/"other", "` + a.SHA256 + `"`, "*"} {
		w := get("GET", "If-None-Match", inm)
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") == "" {
			t.Errorf("If-None-Match %s: %d with %d bytes", inm, w.Code, w.Body.Len())
		}
	}
	if w := get("GET", "If-None-Match", `"stale"`); w.Code != http.StatusOK {
		t.Errorf("stale ETag: %d", w.Code)
	}
	if w := get("HEAD"); w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Content-Length") != fmt.Sprint(len(photo)) {
		t.Errorf("HEAD: %d, %d bytes, length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
	if w := get("GET", "Range", "bytes=0-3"); w.Code != http.StatusPartialContent || !bytes.Equal(w.Body.Bytes(), photo[:4]) {
		t.Errorf("Range: %d %x", w.Code, w.Body.Bytes())
	}

	a.ContentType, a.Name = PDF, "agreement.pdf"
	if got := get("GET").Header().Get("Content-Disposition"); got != `attachment; filename=agreement.pdf` {
		t.Errorf("PDF disposition %q", got)
	}
}

// form builds a multipart body: each part is field, file name ("" for a
// plain value) and content.
func form(t testing.TB, parts ...[3]string) (string, *bytes.Buffer) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p[1] == "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p[0]))
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p[0], p[1]))
			h.Set("Content-Type", "image/jpeg") // what the client claims; never believed
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p[2])
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &body
}

func post(t *testing.T, parts ...[3]string) *http.Request {
	ct, body := form(t, parts...)
	r := httptest.NewRequest("POST", "/cases", body)
	r.Header.Set("Content-Type", ct)
	return r
}

func TestFromMultipart(t *testing.T) {
	photo := string(pngOf(t, gradient(10, 10)))
	r := post(t,
		[3]string{"title", "", "楼道漏水"},
		[3]string{"photos", "a.png", photo},
		[3]string{"other", "b.png", photo},
		[3]string{"photos", "x.jpg", "not a photo"},
	)
	ups, err := FromMultipart(r, "photos", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 2 || ups[0].Field != "photos[0]" || ups[0].Name != "a.png" || string(ups[0].Data) != photo ||
		ups[1].Field != "photos[1]" || ups[1].Name != "x.jpg" || string(ups[1].Data) != "not a photo" {
		t.Fatalf("uploads: %+v", ups)
	}
	if got := r.PostFormValue("title"); got != "楼道漏水" {
		t.Errorf("other fields lost: title %q", got)
	}
	// The text file is refused by Check, under the field FromMultipart named.
	_, err = Check(DefaultLimits(), ups)
	if f := linli.ErrorFields(err); len(f) != 1 || f[0].Field != "photos[1]" {
		t.Errorf("Check: %v %v", err, f)
	}
	if ups, err := FromMultipart(post(t, [3]string{"title", "", "x"}), "photos", DefaultLimits()); err != nil || len(ups) != 0 {
		t.Errorf("absent field: %v %v", ups, err)
	}
}

func TestFromMultipartRefusals(t *testing.T) {
	var ten [][3]string
	for range 10 {
		ten = append(ten, [3]string{"photos", "a.png", "x"})
	}
	capped := post(t, [3]string{"photos", "a.png", strings.Repeat("x", 5000)})
	capped.Body = http.MaxBytesReader(httptest.NewRecorder(), capped.Body, 1000)
	notForm := httptest.NewRequest("POST", "/cases", strings.NewReader(`{"title":"x"}`))
	notForm.Header.Set("Content-Type", "application/json")

	for _, tc := range []struct {
		name  string
		r     *http.Request
		l     Limits
		code  string
		field string
	}{
		{"file over the limit", post(t, [3]string{"photos", "a.png", "small"}, [3]string{"photos", "b.png", strings.Repeat("x", 2000)}),
			Limits{MaxBytes: 1000}, linli.ETooLarge, "photos[1]"},
		{"too many files", post(t, ten...), DefaultLimits(), linli.EInvalid, "photos"},
		{"body over the caller's cap", capped, DefaultLimits(), linli.ETooLarge, ""},
		{"not a form", notForm, DefaultLimits(), linli.EBadRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromMultipart(tc.r, "photos", tc.l)
			if linli.ErrorCode(err) != tc.code {
				t.Fatalf("error %v, want code %s", err, tc.code)
			}
			if f := linli.ErrorFields(err); tc.field != "" && (len(f) != 1 || f[0].Field != tc.field) {
				t.Errorf("fields %v, want %s", f, tc.field)
			}
		})
	}
}

// TestUploadAndServe runs the whole path a capability will wire: a
// multipart POST creates a record with its photos in one transaction, then
// a GET serves a photo and its thumbnail, with problem JSON for refusals.
func TestUploadAndServe(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /cases", func(w http.ResponseWriter, r *http.Request) {
			l := PhotoLimits()
			r.Body = http.MaxBytesReader(w, r.Body, int64(l.MaxFiles)*l.MaxBytes+1<<20)
			ups, err := FromMultipart(r, "photos", l)
			if err != nil {
				web.WriteError(w, r, err)
				return
			}
			files, err := Check(l, ups)
			if err != nil {
				web.WriteError(w, r, err)
				return
			}
			var saved []Attachment
			err = db.InTx(r.Context(), func(tx *storage.Tx) error {
				// A real capability inserts the case here and uses its id.
				saved, err = Save(r.Context(), tx, "case", 1, 0, 7, files, now)
				return err
			})
			if err != nil {
				web.WriteError(w, r, err)
				return
			}
			web.WriteJSON(w, http.StatusCreated, saved)
		})
		mux.HandleFunc("GET /attachments/{id}", func(w http.ResponseWriter, r *http.Request) {
			id, err := web.PathID(r, "id")
			if err != nil {
				web.WriteError(w, r, err)
				return
			}
			a, data, err := Open(r.Context(), db, id, r.URL.Query().Get("thumb") == "1")
			if err != nil {
				web.WriteError(w, r, err)
				return
			}
			Serve(w, r, a, data)
		})
		srv := httptest.NewServer(mux)
		defer srv.Close()

		send := func(parts ...[3]string) *http.Response {
			ct, body := form(t, parts...)
			res, err := http.Post(srv.URL+"/cases", ct, body)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { res.Body.Close() })
			return res
		}

		photo := string(jpegOf(t, gradient(640, 480)))
		res := send([3]string{"photos", "门口.jpg", photo})
		var saved []Attachment
		if err := json.NewDecoder(res.Body).Decode(&saved); err != nil || res.StatusCode != http.StatusCreated || len(saved) != 1 {
			t.Fatalf("upload: %d %v %+v", res.StatusCode, err, saved)
		}

		res, err := http.Get(fmt.Sprintf("%s/attachments/%d", srv.URL, saved[0].ID))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(body) != photo || res.Header.Get("ETag") != `"`+saved[0].SHA256+`"` {
			t.Errorf("GET: %d, %d bytes, ETag %s", res.StatusCode, len(body), res.Header.Get("ETag"))
		}
		res, err = http.Get(fmt.Sprintf("%s/attachments/%d?thumb=1", srv.URL, saved[0].ID))
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if b := decodeJPEG(t, body).Bounds(); res.StatusCode != 200 || b.Dx() != 320 || b.Dy() != 240 {
			t.Errorf("thumbnail: %d %v", res.StatusCode, b.Size())
		}

		// A text file named .jpg: 422 problem JSON naming the file.
		res = send([3]string{"photos", "门口.jpg", photo}, [3]string{"photos", "x.jpg", "hello"})
		var p web.Problem
		if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 422 || p.Code != linli.EInvalid || len(p.Errors) != 1 || p.Errors[0].Field != "photos[1]" ||
			p.Errors[0].Reason != "文件不是图片 / not an image" {
			t.Errorf("text as photo: %d %+v", res.StatusCode, p)
		}
		if n := count(t, db, "attachments"); n != 1 {
			t.Errorf("%d attachments after a refused upload, want 1", n)
		}
		if _, err := List(context.Background(), db, "case", 1); err != nil {
			t.Error(err)
		}
	})
}
