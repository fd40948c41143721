package attach

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"

	"linli"
)

func TestCheckAccepts(t *testing.T) {
	for _, tc := range []struct {
		name          string
		up            Upload
		ct            string
		w, h          int
		thumbW, thumb int // thumbnail size; thumb 0 means no thumbnail
	}{
		{"png landscape", Upload{Name: "门口.png", Data: pngOf(t, gradient(800, 600))}, PNG, 800, 600, 320, 240},
		{"jpeg portrait", Upload{Name: "IMG_0001.JPG", Data: jpegOf(t, gradient(1000, 2000))}, JPEG, 1000, 2000, 160, 320},
		{"phone photo, scaled in two steps", Upload{Name: "big.jpg", Data: jpegOf(t, gradient(3000, 1500))}, JPEG, 3000, 1500, 320, 160},
		{"small gif is not enlarged", Upload{Name: "a.gif", Data: gifOf(t, gradient(100, 50))}, GIF, 100, 50, 100, 50},
		{"webp", Upload{Name: "w.webp", Data: webpOf(7, 5, color.NRGBA{R: 200, G: 10, B: 20, A: 255})}, WebP, 7, 5, 7, 5},
		{"pdf", Upload{Name: "协议.pdf", Data: []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")}, PDF, 0, 0, 0, 0},
		{"type by content, not name", Upload{Name: "scan.jpg", Data: pngOf(t, gradient(10, 10))}, PNG, 10, 10, 10, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Check(DefaultLimits(), []Upload{tc.up})
			if err != nil {
				t.Fatalf("Check: %v (%v)", err, linli.ErrorFields(err))
			}
			c := got[0]
			if c.ContentType != tc.ct || c.Width != tc.w || c.Height != tc.h {
				t.Errorf("got %s %d×%d, want %s %d×%d", c.ContentType, c.Width, c.Height, tc.ct, tc.w, tc.h)
			}
			if c.Field != "photos[0]" || c.Name != tc.up.Name || !bytes.Equal(c.Data, tc.up.Data) {
				t.Errorf("upload changed: field %q name %q", c.Field, c.Name)
			}
			if tc.thumb == 0 {
				if c.Thumb != nil {
					t.Errorf("thumbnail for %s", tc.ct)
				}
				return
			}
			b := decodeJPEG(t, c.Thumb).Bounds()
			if b.Dx() != tc.thumbW || b.Dy() != tc.thumb {
				t.Errorf("thumbnail %d×%d, want %d×%d", b.Dx(), b.Dy(), tc.thumbW, tc.thumb)
			}
		})
	}
}

func TestCheckWebPColour(t *testing.T) {
	// The crafted WebP is solid red: the decoder really read it.
	got, err := Check(DefaultLimits(), []Upload{{Name: "w.webp", Data: webpOf(3, 3, color.NRGBA{R: 250, G: 0, B: 0, A: 255})}})
	if err != nil {
		t.Fatal(err)
	}
	if c := decodeJPEG(t, got[0].Thumb).At(1, 1); !reddish(c) {
		t.Errorf("thumbnail pixel %v, want red", c)
	}
}

func TestCheckReportsEveryBadFile(t *testing.T) {
	good := pngOf(t, gradient(20, 20))
	ups := []Upload{
		{Name: "ok.png", Data: good},
		{Name: "x.jpg", Data: []byte("这不是照片 this is not a photo\n")},
		{Name: "huge.jpg", Data: make([]byte, 11<<20)},
		{Name: "bomb.png", Data: bombPNG(t, 20000, 20000)},
		{Name: "empty.jpg", Data: nil},
		{Name: "cut.png", Data: good[:60]},
		{Name: "old.bmp", Data: append([]byte("BM"), make([]byte, 64)...)},
		{Field: "evidence", Name: "notes.txt", Data: []byte("plain notes")},
		{Name: "bad.webp", Data: []byte("RIFF\x10\x00\x00\x00WEBPVP8L\x04\x00\x00\x00garbage")},
	}
	_, err := Check(DefaultLimits(), ups)
	if code := linli.ErrorCode(err); code != linli.ETooLarge {
		t.Fatalf("code %q (%v), want %q since one file is too large", code, err, linli.ETooLarge)
	}
	want := map[string]string{
		"photos[1]": "文件不是图片 / not an image",
		"photos[2]": "file larger than 10 MiB",
		"photos[3]": "40 megapixels",
		"photos[4]": "file is empty",
		"photos[5]": "damaged",
		"photos[6]": "image/bmp",
		"evidence":  "file type text/plain not accepted",
		"photos[8]": "damaged",
	}
	fields := linli.ErrorFields(err)
	if len(fields) != len(want) {
		t.Errorf("%d field errors, want %d: %v", len(fields), len(want), fields)
	}
	for _, f := range fields {
		if w, ok := want[f.Field]; !ok || !strings.Contains(f.Reason, w) {
			t.Errorf("%s: %q, want it to contain %q", f.Field, f.Reason, w)
		}
	}

	// Without the oversized file the refusal is a plain 422.
	_, err = Check(DefaultLimits(), append(ups[:2:2], ups[3:]...))
	if code := linli.ErrorCode(err); code != linli.EInvalid {
		t.Errorf("code %q, want %q", code, linli.EInvalid)
	}
}

func TestCheckPhotosOnly(t *testing.T) {
	_, err := Check(PhotoLimits(), []Upload{{Field: "photos[0]", Name: "协议.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}})
	f := linli.ErrorFields(err)
	if linli.ErrorCode(err) != linli.EInvalid || len(f) != 1 || f[0].Reason != "文件不是图片 / not an image" {
		t.Errorf("PDF as a photo: %v %v", err, f)
	}
}

func TestCheckTooManyFiles(t *testing.T) {
	ups := make([]Upload, 10)
	for i := range ups {
		ups[i] = Upload{Field: "photos[" + string(rune('0'+i)) + "]", Name: "a.png", Data: pngOf(t, gradient(4, 4))}
	}
	_, err := Check(DefaultLimits(), ups)
	f := linli.ErrorFields(err)
	if linli.ErrorCode(err) != linli.EInvalid || len(f) != 1 || f[0].Field != "photos" {
		t.Fatalf("10 files: %v %v", err, f)
	}
	if _, err := Check(DefaultLimits(), ups[:9]); err != nil {
		t.Errorf("9 files: %v", err)
	}
	if _, err := Check(Limits{MaxFiles: 2}, ups[:3]); linli.ErrorCode(err) != linli.EInvalid {
		t.Errorf("3 files over a limit of 2: %v", err)
	}
}

func TestExifOrientation(t *testing.T) {
	jpg := jpegOf(t, gradient(8, 8))
	if got := exifOrientation(jpg); got != 1 {
		t.Errorf("no Exif: %d", got)
	}
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			if got := exifOrientation(withExif(jpg, o, order)); got != int(o) {
				t.Errorf("%v orientation %d: read %d", order, o, got)
			}
		}
	}
	for _, junk := range [][]byte{nil, {0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E'}, withExif(jpg, 9, binary.BigEndian)} {
		if got := exifOrientation(junk); got != 1 {
			t.Errorf("junk %x: %d", junk, got)
		}
	}
}

// A phone held upright stores a landscape sensor image and orientation 6:
// the thumbnail and the reported size must be upright.
func TestCheckTurnsPhotosUpright(t *testing.T) {
	src := gradient(400, 200) // left red, right blue
	for _, tc := range []struct {
		orient      uint16
		w, h        int
		first, last func(color.Color) bool // colour at the start and end of the probe line
		alongX      bool                   // probe left→right (else top→bottom)
		description string
	}{
		{1, 400, 200, reddish, bluish, true, "as stored"},
		{3, 400, 200, bluish, reddish, true, "rotated 180°"},
		{6, 200, 400, reddish, bluish, false, "rotated 90° clockwise: left side on top"},
		{8, 200, 400, bluish, reddish, false, "rotated 90° anticlockwise: right side on top"},
	} {
		got, err := Check(DefaultLimits(), []Upload{{Name: "p.jpg", Data: withExif(jpegOf(t, src), tc.orient, binary.BigEndian)}})
		if err != nil {
			t.Fatal(err)
		}
		c := got[0]
		if c.Width != tc.w || c.Height != tc.h {
			t.Errorf("orientation %d: size %d×%d, want %d×%d", tc.orient, c.Width, c.Height, tc.w, tc.h)
		}
		m := decodeJPEG(t, c.Thumb)
		b := m.Bounds()
		if want := (image.Point{tc.w * 320 / 400, tc.h * 320 / 400}); b.Size() != want {
			t.Errorf("orientation %d: thumbnail %v, want %v", tc.orient, b.Size(), want)
		}
		var first, last color.Color
		if tc.alongX {
			first, last = m.At(5, b.Dy()/2), m.At(b.Dx()-5, b.Dy()/2)
		} else {
			first, last = m.At(b.Dx()/2, 5), m.At(b.Dx()/2, b.Dy()-5)
		}
		if !tc.first(first) || !tc.last(last) {
			t.Errorf("orientation %d (%s): probe colours %v … %v", tc.orient, tc.description, first, last)
		}
	}
}

func TestThumbnailFlattensTransparency(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 10, 10)) // fully transparent
	got, err := Check(DefaultLimits(), []Upload{{Name: "t.png", Data: pngOf(t, m)}})
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := decodeJPEG(t, got[0].Thumb).At(5, 5).RGBA(); r < 0xF000 || g < 0xF000 || b < 0xF000 {
		t.Errorf("transparent pixel became %x %x %x, want white", r, g, b)
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ in, ct, want string }{
		{"IMG_0001.jpg", JPEG, "IMG_0001.jpg"},
		{`C:\Users\张三\Desktop\漏水.jpg`, JPEG, "漏水.jpg"},
		{"../../etc/passwd", PDF, "passwd"},
		{"photo\u202egpj.exe", JPEG, "photogpj.exe"},
		{"a\x00b\nc.png", PNG, "abc.png"},
		{"  ", PNG, "file.png"},
		{"..", PDF, "file.pdf"},
		{"", WebP, "file.webp"},
		{strings.Repeat("长", 200) + ".jpg", JPEG, strings.Repeat("长", maxNameRunes-4) + ".jpg"},
	} {
		if got := cleanName(tc.in, tc.ct); got != tc.want {
			t.Errorf("cleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// BenchmarkThumbnail measures Check on a 12-megapixel phone photo (decode,
// scale with CatmullRom, encode).
func BenchmarkThumbnail(b *testing.B) {
	data := jpegOf(b, gradient(4000, 3000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Check(DefaultLimits(), []Upload{{Name: "p.jpg", Data: data}}); err != nil {
			b.Fatal(err)
		}
	}
}

// A 16-bit PNG within the pixel limit can still take hundreds of MiB
// decoded; the decoded bytes are bounded too, and the refusal comes from
// the header, before the pixels are allocated.
func TestCheckBoundsDecodedBytes(t *testing.T) {
	deep := deepPNG(t, 3000, 3000) // 9 megapixels, 69 MiB decoded
	if len(deep) > 1<<20 {
		t.Fatalf("test image is %d bytes, want a small file", len(deep))
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(deep)); err != nil || cfg.ColorModel != color.NRGBA64Model {
		t.Fatalf("test image: %v %v", cfg.ColorModel, err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Check(PhotoLimits(), []Upload{{Name: "deep.png", Data: deep}})
	runtime.ReadMemStats(&after)
	if code := linli.ErrorCode(err); code != linli.EInvalid {
		t.Fatalf("code %q (%v), want %q", code, err, linli.EInvalid)
	}
	f := linli.ErrorFields(err)
	if len(f) != 1 || f[0].Field != "photos[0]" || !strings.Contains(f[0].Reason, "too large decoded") {
		t.Errorf("fields %v, want photos[0] refused as too large decoded", f)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("checking the image allocated %d bytes: it was decoded", n)
	}
	// The bound is the caller's to set: 400×300 at 4 bytes is 469 KiB.
	small := pngOf(t, gradient(400, 300))
	if _, err := Check(Limits{MaxDecodedBytes: 400 << 10}, []Upload{{Name: "p.png", Data: small}}); linli.ErrorCode(err) != linli.EInvalid {
		t.Errorf("with a 400 KiB bound: %v, want it refused", err)
	}
	if _, err := Check(Limits{MaxDecodedBytes: 500 << 10}, []Upload{{Name: "p.png", Data: small}}); err != nil {
		t.Errorf("with a 500 KiB bound: %v", err)
	}
}

func TestBytesPerPixel(t *testing.T) {
	for _, c := range []struct {
		m    color.Model
		want int64
	}{
		{color.NRGBA64Model, 8}, {color.RGBA64Model, 8}, {color.NRGBAModel, 4}, {color.RGBAModel, 4},
		{color.YCbCrModel, 3}, {color.CMYKModel, 4}, {color.Gray16Model, 2}, {color.GrayModel, 1},
		{color.Palette{color.Black, color.White}, 1}, {color.NYCbCrAModel, 4},
	} {
		if got := bytesPerPixel(c.m); got != c.want {
			t.Errorf("bytesPerPixel(%T) = %d, want %d", c.m, got, c.want)
		}
	}
}

// At most maxDecodes images are decoded at once, across every request:
// with the slots taken, Check waits for one to free.
func TestCheckWaitsForADecodeSlot(t *testing.T) {
	photo := pngOf(t, gradient(40, 30))
	synctest.Test(t, func(t *testing.T) {
		saved := decodes
		decodes = make(chan struct{}, maxDecodes) // made in the bubble
		defer func() { decodes = saved }()
		for range maxDecodes {
			decodes <- struct{}{}
		}
		done := make(chan error)
		go func() {
			_, err := Check(PhotoLimits(), []Upload{{Name: "p.png", Data: photo}})
			done <- err
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("Check decoded while every decode slot was taken")
		default:
		}
		<-decodes
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if len(decodes) != maxDecodes-1 {
			t.Errorf("%d slots taken after Check, want %d: Check must give its slot back", len(decodes), maxDecodes-1)
		}
	})
}
