package main

import (
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// bigPhoto writes a 3000×2000 JPEG, the size a phone camera delivers.
func bigPhoto(t *testing.T) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 3000, 2000))
	for y := 0; y < 2000; y++ {
		for x := 0; x < 3000; x++ {
			m.Set(x, y, color.RGBA{uint8(x / 12), uint8(y / 8), 90, 255})
		}
	}
	f := filepath.Join(t.TempDir(), "IMG_0001.jpg")
	w, err := os.Create(f)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := jpeg.Encode(w, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBrowserReportOnAPhone: on a phone, the report form shrinks a camera
// photo to 1600 px before sending it, checks the required fields before
// anything is sent, asks before a filled form is left, keeps the photo
// when the server refuses the form, and says after sending where the
// report goes; the case page opens its photos in a gallery.
func TestBrowserReportOnAPhone(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	if b == nil {
		return
	}
	b.mobile()
	b.login("resident")
	b.open("/report")
	leaving := `(function(){var e=new Event("beforeunload",{cancelable:true}); window.dispatchEvent(e); return e.defaultPrevented})()`
	if eval[bool](b, leaving) {
		t.Fatal("an untouched form asks before leaving")
	}

	// Required fields are checked in the page: nothing is sent.
	before := countCases(t, s)
	b.tap("[data-test=submit-report]")
	if n := b.count(".err[data-js]"); n < 2 || b.path() != "/report" || countCases(t, s) != before {
		t.Fatalf("an empty form: %d errors shown, at %s", n, b.path())
	}

	// The photo is shrunk on the phone and sent at once.
	b.do("attach a camera photo", chromedp.SetUploadFiles(chromedp.ID("photos"), []string{bigPhoto(t)}))
	b.do("wait for the upload", chromedp.WaitVisible(chromedp.CSS("[data-test=kept-photo]")))
	var w, h int
	var ct string
	if err := s.DB.QueryRow(t.Context(), `SELECT width, height, content_type FROM attachments WHERE owner = 'upload' ORDER BY id DESC LIMIT 1`).Scan(&w, &h, &ct); err != nil {
		t.Fatal(err)
	}
	if max(w, h) > 1600 || max(w, h) < 1500 || ct != "image/jpeg" {
		t.Fatalf("uploaded photo %d×%d %s, want a JPEG with its long side about 1600", w, h, ct)
	}
	if eval[bool](b, `document.querySelector("[data-test=submit-report]").disabled`) {
		t.Fatal("the button is still busy after the upload")
	}
	if !eval[bool](b, leaving) {
		t.Fatal("a form with a photo does not ask before leaving")
	}

	// A refusal only the server can make keeps the photo.
	b.tap("[data-test=cat-water_leak]")
	b.do("say what is wrong", chromedp.SendKeys(chromedp.ID("f-title"), "卫生间天花板渗水"))
	eval[any](b, `document.querySelector("[data-idem]").value = "x".repeat(300)`) // spoil the form's key
	if st := b.load("send", chromedp.Click(chromedp.CSS("[data-test=submit-report]"))); st != 422 {
		t.Fatalf("spoilt form: status %d", st)
	}
	if b.count("[data-test=kept-photo]") != 1 || !eval[bool](b, `document.querySelector("input[name=upload]").checked`) {
		t.Fatal("the photo is gone after the refusal")
	}
	eval[any](b, `document.querySelector("[data-idem]").value = "browser-report-1"`) // mend the key
	b.submit("[data-test=submit-report]")
	if !strings.HasPrefix(b.path(), "/cases/") || b.count("[data-test=photo]") != 1 {
		t.Fatalf("after sending: at %s with %d photos", b.path(), b.count("[data-test=photo]"))
	}
	if next := b.text("[data-test=next-step]"); !strings.Contains(next, "第一网格") || !strings.Contains(next, "前响应") {
		t.Fatalf("what happens next: %q", next)
	}

	// The gallery: a tap opens the photo large, Escape closes it.
	b.tap("[data-gallery] a[data-full]")
	if !eval[bool](b, `(function(){var d=document.querySelector("dialog.gallery"); return !!d && d.open && /\/files\//.test(d.querySelector("img").src)})()`) {
		t.Fatal("the photo did not open in the gallery")
	}
	b.do("press Escape", chromedp.KeyEvent("\u001b"))
	if eval[bool](b, `document.querySelector("dialog.gallery").open`) {
		t.Fatal("Escape did not close the gallery")
	}
}
