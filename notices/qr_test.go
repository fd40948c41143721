package notices

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The QR code's structure follows ISO/IEC 18004: its size matches its
// version, the three finder patterns and the timing patterns are where
// they belong, and the format information — read back from the modules
// and checked against its BCH code — says error correction level M.
func TestQRStructure(t *testing.T) {
	for _, text := range []string{"http://127.0.0.1:8080/n/1", "https://linli.example.gov.cn/n/123456789"} {
		m, version, err := qrModules(text)
		if err != nil {
			t.Fatal(err)
		}
		n := len(m)
		if n != 17+4*version {
			t.Fatalf("%d modules for version %d", n, version)
		}
		dark := func(r, c int) bool { return m[r][c] }
		for _, at := range [][2]int{{0, 0}, {0, n - 7}, {n - 7, 0}} {
			for r := 0; r < 7; r++ {
				for c := 0; c < 7; c++ {
					ring := r == 0 || r == 6 || c == 0 || c == 6
					inner := r >= 2 && r <= 4 && c >= 2 && c <= 4
					if dark(at[0]+r, at[1]+c) != (ring || inner) {
						t.Fatalf("%q: finder at %v wrong at %d,%d", text, at, r, c)
					}
				}
			}
		}
		for i := 8; i < n-8; i++ {
			if dark(6, i) != (i%2 == 0) || dark(i, 6) != (i%2 == 0) {
				t.Fatalf("%q: timing pattern wrong at %d", text, i)
			}
		}
		if !dark(4*version+9, 8) {
			t.Errorf("%q: the dark module is light", text)
		}
		// Format bits 0–5 run down column 8, 6–8 turn the corner, 9–14 run
		// left along row 8.
		var bits int
		pos := [][2]int{{0, 8}, {1, 8}, {2, 8}, {3, 8}, {4, 8}, {5, 8}, {7, 8}, {8, 8}, {8, 7}, {8, 5}, {8, 4}, {8, 3}, {8, 2}, {8, 1}, {8, 0}}
		for i, p := range pos {
			if dark(p[0], p[1]) {
				bits |= 1 << i
			}
		}
		bits ^= 0x5412
		data := bits >> 10
		rem := data
		for i := 0; i < 10; i++ {
			rem = rem<<1 ^ (rem>>9)*0x537
		}
		if data<<10|rem&0x3ff != bits {
			t.Fatalf("%q: format information %015b fails its BCH check", text, bits)
		}
		if level := data >> 3; level != 0 { // 00 is M
			t.Errorf("%q: error correction level bits %02b, want M (00)", text, level)
		}
	}
	a, _, _ := qrModules("http://x/n/1")
	b, _, _ := qrModules("http://x/n/2")
	if len(a) == len(b) && strings.Contains(render(a), render(b)) {
		t.Error("two texts give the same code")
	}
	svg, err := qrSVG("http://x/n/1", "扫码")
	if err != nil || !strings.HasPrefix(string(svg), "<svg") || !strings.Contains(string(svg), `viewBox="0 0 29 29"`) {
		t.Errorf("svg %.200s %v", svg, err)
	}
}

func render(m [][]bool) string {
	var b strings.Builder
	for _, row := range m {
		for _, d := range row {
			if d {
				b.WriteByte('#')
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestQRDecodes reads the code back with zbar's zbarimg (Debian package
// zbar-tools) where it is installed: the modules, drawn as the poster
// draws them with the quiet zone, decode to the text.
func TestQRDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	const text = "https://linli.example.gov.cn/n/42"
	m, _, err := qrModules(text)
	if err != nil {
		t.Fatal(err)
	}
	const scale = 8
	n := len(m) + 8
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for y := range n * scale {
		for x := range n * scale {
			r, c := y/scale-4, x/scale-4
			v := color.Gray{255}
			if r >= 0 && c >= 0 && r < len(m) && c < len(m) && m[r][c] {
				v = color.Gray{0}
			}
			img.SetGray(x, y, v)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "-q", "--raw", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != text {
		t.Errorf("decoded %q, want %q", got, text)
	}
}
