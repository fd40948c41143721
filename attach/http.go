package attach

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"linli"
)

// Serve writes an attachment's bytes (from Open). It checks no permission:
// the capability that owns the record decides who may see it before
// calling. Images are shown inline, other files downloaded; the ETag is the
// SHA-256, so a photo seen once is not sent again (304). http.ServeContent
// also answers HEAD and Range requests (a long PDF on a slow line).
func Serve(w http.ResponseWriter, r *http.Request, a Attachment, data []byte) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("ETag", `"`+a.SHA256+`"`)
	// private: the files are residents' and may show faces and homes; no
	// shared cache may keep them.
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	// Nothing served here should ever run script, whatever a later Limits allows.
	h.Set("Content-Security-Policy", "sandbox")
	disposition := "attachment"
	if a.IsImage() {
		disposition = "inline"
	}
	// FormatMediaType encodes a Chinese name as RFC 2231 filename*=utf-8''….
	if v := mime.FormatMediaType(disposition, map[string]string{"filename": a.Name}); v != "" {
		disposition = v
	}
	h.Set("Content-Disposition", disposition)
	http.ServeContent(w, r, "", a.CreatedAt, bytes.NewReader(data))
}

// multipartMemory is how much of a form's files ParseMultipartForm keeps in
// memory; the rest goes to temporary files, which net/http removes when
// the handler returns.
const multipartMemory = 8 << 20

// FromMultipart reads every file of one form field. Limiting the whole body
// (http.MaxBytesReader) is the caller's job, since only it knows what else
// the form holds; each file is held to l.MaxBytes here, judged from its
// part size before it is read into memory, and never read past the limit.
// Refusals are linli errors naming "field[i]": 413 for a file too large,
// 422 for too many files, 400 for a body that is not a multipart form.
//
// The form is parsed with ParseMultipartForm rather than streamed, so the
// caller can still read the other fields (r.PostFormValue("title")).
// It returns no uploads, and no error, when the field is absent.
func FromMultipart(r *http.Request, field string, l Limits) ([]Upload, error) {
	l = l.withDefaults()
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(multipartMemory); err != nil {
			return nil, formError(err)
		}
	}
	files := r.MultipartForm.File[field]
	if len(files) > l.MaxFiles {
		return nil, tooMany(field, len(files), l.MaxFiles)
	}
	ups := make([]Upload, 0, len(files))
	var large []linli.FieldError
	for i, fh := range files {
		name := fmt.Sprintf("%s[%d]", field, i)
		data, err := readPart(fh, l.MaxBytes)
		if errors.Is(err, errPartTooLarge) {
			large = append(large, linli.FieldError{Field: name,
				Reason: fmt.Sprintf("文件超过%s / file larger than %s", humanSize(l.MaxBytes), humanSize(l.MaxBytes))})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("attach: read %s: %w", name, err)
		}
		ups = append(ups, Upload{Field: name, Name: fh.Filename, Data: data})
	}
	if len(large) > 0 {
		return nil, &linli.Error{Code: linli.ETooLarge,
			Message: fmt.Sprintf("文件超过%s / file larger than %s", humanSize(l.MaxBytes), humanSize(l.MaxBytes)), Fields: large}
	}
	return ups, nil
}

var errPartTooLarge = errors.New("part larger than the limit")

func readPart(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	if fh.Size > limit {
		return nil, errPartTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errPartTooLarge
	}
	return data, nil
}

// formError turns a ParseMultipartForm failure into a linli error.
func formError(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return linli.Errorf(linli.ETooLarge, "请求体超过%s / body larger than %s", humanSize(tooBig.Limit), humanSize(tooBig.Limit))
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return linli.Errorf(linli.ETooLarge, "表单过大 / form too large")
	case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
		return linli.Errorf(linli.EBadRequest, "请求不是multipart表单 / request is not a multipart form")
	}
	return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form: %v", err)
}
