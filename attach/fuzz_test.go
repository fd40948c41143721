package attach

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"linli"
	"linli/web/webtest"
)

// fuzzLimits are the default limits with a smaller decoded-size bound, so
// each input decodes quickly; the bound itself is TestCheckBoundsDecodedBytes's.
func fuzzLimits() Limits {
	l := DefaultLimits()
	l.MaxDecodedBytes = 4 << 20
	return l
}

// FuzzCheck: no bytes make the image checks panic or hang (the header is
// read before the pixels, EXIF is parsed by hand); a refusal is a 413 or
// 422 naming the file; an accepted file has an allowed type, a clean name,
// and, for an image, a size and a JPEG thumbnail within ThumbSize.
func FuzzCheck(f *testing.F) {
	jpg := jpegOf(f, gradient(40, 20))
	for _, s := range []struct {
		name string
		data []byte
	}{
		{"门口.png", pngOf(f, gradient(30, 20))},
		{"IMG_0001.JPG", jpg},
		{"a.gif", gifOf(f, gradient(10, 5))},
		{"w.webp", webpOf(7, 5, color.NRGBA{R: 200, G: 10, B: 20, A: 255})},
		{"协议.pdf", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")},
		{"turned.jpg", withExif(jpg, 6, binary.BigEndian)},
		{"mirrored.jpg", withExif(jpg, 5, binary.LittleEndian)},
		{"bomb.png", bombPNG(f, 20000, 20000)},
		{"deep.png", deepPNG(f, 600, 600)},
		{"x.jpg", []byte("not a photo")},
		{"C:\\Users\\王\\photo\u202egpj.exe", pngOf(f, gradient(2, 2))},
		{"", nil},
		{strings.Repeat("长", 200) + ".png", pngOf(f, gradient(1, 1))},
	} {
		f.Add(s.name, s.data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		l := fuzzLimits()
		got, err := Check(l, []Upload{{Name: name, Data: data}})
		if err != nil {
			webtest.ClientError(t, err, linli.EInvalid, linli.ETooLarge)
			if fs := linli.ErrorFields(err); len(fs) != 1 || fs[0].Field != "photos[0]" {
				t.Fatalf("refusal not under photos[0]: %+v", fs)
			}
			return
		}
		if len(got) != 1 {
			t.Fatalf("%d checked files for one upload", len(got))
		}
		c := got[0]
		if !slices.Contains(l.Allowed, c.ContentType) || !bytes.Equal(c.Data, data) || c.Field != "photos[0]" {
			t.Fatalf("accepted as %q (field %q)", c.ContentType, c.Field)
		}
		if c.Name == "" || !utf8.ValidString(c.Name) || strings.ContainsAny(c.Name, `/\`) || utf8.RuneCountInString(c.Name) > maxNameRunes {
			t.Fatalf("file name %q is not clean", c.Name)
		}
		if !isImageType(c.ContentType) {
			if c.Thumb != nil || c.Width != 0 || c.Height != 0 {
				t.Fatalf("a %s with image sizes or a thumbnail", c.ContentType)
			}
			return
		}
		if c.Width <= 0 || c.Height <= 0 || int64(c.Width)*int64(c.Height) > maxPixels {
			t.Fatalf("image of %d×%d accepted", c.Width, c.Height)
		}
		b := decodeJPEG(t, c.Thumb).Bounds()
		if b.Dx() < 1 || b.Dy() < 1 || b.Dx() > ThumbSize || b.Dy() > ThumbSize {
			t.Fatalf("thumbnail %d×%d", b.Dx(), b.Dy())
		}
	})
}

// FuzzFromMultipart: any body under any multipart content type is read
// into uploads or refused with a 400, 413 or 422 — never a plain error (a
// 500) or a panic — and every upload is named field[i] and within the size
// limit.
func FuzzFromMultipart(f *testing.F) {
	photo := string(pngOf(f, gradient(4, 4)))
	for _, parts := range [][][3]string{
		{{"title", "", "楼道漏水"}, {"photos", "a.png", photo}, {"other", "b.png", photo}, {"photos", "x.jpg", "not a photo"}},
		{{"title", "", "x"}},
		{{"photos", "a.png", "small"}, {"photos", "b.png", strings.Repeat("x", 2000)}},
	} {
		ct, body := form(f, parts...)
		f.Add(ct, body.Bytes())
	}
	f.Add("multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a\"\r\n\r\nabc\r\n--x--\r\n"))
	f.Add("multipart/form-data", []byte("--x\r\n"))
	f.Add("application/json", []byte(`{"title":"x"}`))
	f.Add("multipart/mixed; boundary=\"\"", []byte(""))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest("POST", "/cases", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 64<<10)
		l := Limits{MaxBytes: 1000, MaxFiles: 3}
		ups, err := FromMultipart(r, "photos", l)
		if err != nil {
			webtest.ClientError(t, err, linli.EBadRequest, linli.ETooLarge, linli.EInvalid)
			return
		}
		if len(ups) > l.MaxFiles {
			t.Fatalf("%d uploads past the limit of %d", len(ups), l.MaxFiles)
		}
		for i, up := range ups {
			if up.Field != "photos["+string(rune('0'+i))+"]" || int64(len(up.Data)) > l.MaxBytes {
				t.Fatalf("upload %d: field %q, %d bytes", i, up.Field, len(up.Data))
			}
		}
	})
}
