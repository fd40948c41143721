package notices

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// qrModules encodes text as a QR code (error correction M: a poster in a
// stairwell gets scratched) and returns its modules without the quiet
// zone, true for dark, and the version.
func qrModules(text string) ([][]bool, int, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, 0, err
	}
	q.DisableBorder = true
	return q.Bitmap(), q.VersionNumber, nil
}

// qrSVG draws a QR code of text as an SVG: one path of unit squares on a
// grid with the 4-module quiet zone the standard asks for, scaled by the
// stylesheet. Only Linli's own URL goes in, so the markup is safe.
func qrSVG(text, label string) (template.HTML, error) {
	m, _, err := qrModules(text)
	if err != nil {
		return "", err
	}
	n := len(m)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="nt-qr" viewBox="0 0 %d %d" role="img" aria-label="%s" data-test="qr" data-modules="%d" shape-rendering="crispEdges">`,
		n+8, n+8, template.HTMLEscapeString(label), n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8)
	for y, row := range m {
		for x := 0; x < n; x++ {
			if !row[x] {
				continue
			}
			run := 1 // a horizontal run of dark modules is one rectangle
			for x+run < n && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+4, y+4, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil
}
