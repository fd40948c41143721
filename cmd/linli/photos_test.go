package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// multipartBody builds a form with fields and files (field → name → bytes).
func multipartBody(t *testing.T, fields map[string]string, files map[string][2]string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for field, f := range files {
		part, err := w.CreateFormFile(field, f[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(part, f[1])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, w.FormDataContentType()
}

func (c *client) post(t *testing.T, path string, body io.Reader, ct string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", c.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", c.base) // a same-origin form post
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func countCases(t *testing.T, s *testServer) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A report whose photo is not an image is refused beside the photo field
// and leaves no case behind; a real photo is saved with the case; the
// photo API refuses a text file (422) and an oversized one (413).
func TestReportPhotos(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	c := s.login(t, "resident")
	before := countCases(t, s)
	var home int64
	if err := s.DB.QueryRow(t.Context(), `SELECT household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'resident'`).Scan(&home); err != nil {
		t.Fatal(err)
	}
	hid := fmt.Sprint(home)

	body, ct := multipartBody(t, map[string]string{"category": "water_leak", "title": "天花板渗水", "household_id": hid},
		map[string][2]string{"photos": {"ceiling.jpg", "this is not a picture"}})
	st, page := c.post(t, "/report", body, ct)
	if st != 422 || !strings.Contains(string(page), "图片") {
		i := strings.Index(string(page), "alert")
		if i < 0 {
			i = 0
		}
		t.Fatalf("bad photo: %d …%.600s", st, string(page)[i:])
	}
	if n := countCases(t, s); n != before {
		t.Fatalf("a refused report left %d case(s) behind", n-before)
	}

	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	body, ct = multipartBody(t, map[string]string{"category": "water_leak", "title": "天花板渗水", "household_id": hid},
		map[string][2]string{"photos": {"ceiling.png", img.String()}})
	if st, page := c.post(t, "/report", body, ct); st != 200 && st != 303 {
		i := strings.Index(string(page), "alert")
		if i < 0 {
			i = 0
		}
		t.Fatalf("good report: %d …%.300s", st, string(page)[i:])
	}
	var id int64
	if err := s.DB.QueryRow(t.Context(), `SELECT MAX(id) FROM cases`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var photos int
	if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM attachments WHERE owner = 'case' AND owner_id = ?`, id).Scan(&photos); err != nil || photos != 1 {
		t.Fatalf("photos saved with the case: %d (%v)", photos, err)
	}

	body, ct = multipartBody(t, nil, map[string][2]string{"photos": {"x.jpg", "plain text"}})
	st, out := c.post(t, fmt.Sprintf("/api/cases/%d/photos", id), body, ct)
	var p problem
	_ = json.Unmarshal(out, &p)
	if st != 422 || len(p.Errors) == 0 || !strings.HasPrefix(p.Errors[0].Field, "photos") {
		t.Fatalf("text as photo: %d %s", st, out)
	}
	big := strings.Repeat("x", 11<<20)
	body, ct = multipartBody(t, nil, map[string][2]string{"photos": {"big.jpg", big}})
	if st, out := c.post(t, fmt.Sprintf("/api/cases/%d/photos", id), body, ct); st != 413 {
		t.Fatalf("11 MiB photo: %d %.200s", st, out)
	}
}
