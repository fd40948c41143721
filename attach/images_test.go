package attach

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"testing"
)

// Test images are made here, in memory, so every byte a test sends is known.

// gradient is a w×h picture whose left half is red and right half blue, with
// a vertical fade, so scaled and rotated results can be told apart.
func gradient(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{R: 220, G: uint8(y * 255 / max(1, h)), B: 30, A: 255}
			if x >= w/2 {
				c = color.NRGBA{R: 30, G: uint8(y * 255 / max(1, h)), B: 220, A: 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

func pngOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif inserts an Exif APP1 segment holding only an orientation tag
// right after the JPEG's start-of-image marker, as a phone camera does.
func withExif(jpg []byte, orient uint16, order binary.AppendByteOrder) []byte {
	var tiff []byte
	if order.String() == binary.LittleEndian.String() {
		tiff = append(tiff, 'I', 'I')
	} else {
		tiff = append(tiff, 'M', 'M')
	}
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8) // IFD0 right after the header
	tiff = order.AppendUint16(tiff, 2) // two entries: something else, then orientation
	tiff = order.AppendUint16(tiff, 0x010F)
	tiff = order.AppendUint16(tiff, 2) // ASCII "Make", 4 bytes inline
	tiff = order.AppendUint32(tiff, 4)
	tiff = append(tiff, 'L', 'n', 'L', 0)
	tiff = order.AppendUint16(tiff, 0x0112)
	tiff = order.AppendUint16(tiff, 3)
	tiff = order.AppendUint32(tiff, 1)
	tiff = order.AppendUint16(tiff, orient)
	tiff = order.AppendUint16(tiff, 0)
	tiff = order.AppendUint32(tiff, 0) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1}
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// bombPNG is a real PNG whose header claims w×h pixels: a tiny image with
// its IHDR patched and the chunk checksum recomputed, so DecodeConfig
// accepts it and only the pixel limit can stop it.
func bombPNG(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := pngOf(t, image.NewGray(image.Rect(0, 0, 4, 4)))
	// 8-byte signature, then IHDR: length(4) "IHDR"(4) width(4) height(4) … crc.
	if string(b[12:16]) != "IHDR" {
		t.Fatal("unexpected PNG layout")
	}
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// webpOf writes a lossless WebP (VP8L) of one solid colour. Each of its five
// prefix codes is a "simple code" with a single symbol, which takes zero bits
// per pixel, so the whole image is a header and no pixel data. Go has no
// WebP encoder; this exercises the real decoder on real bytes.
func webpOf(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(0x2f, 8) // VP8L signature
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(0, 1)                                       // alpha unused
	bw.write(0, 3)                                       // version 0
	bw.write(0, 1)                                       // no transform
	bw.write(0, 1)                                       // no colour cache
	bw.write(0, 1)                                       // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} { // green, red, blue, alpha, distance
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // eight-bit symbol
		bw.write(uint64(sym), 8)
	}
	data := bw.bytes()
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	chunk = append(chunk, data...)
	if len(data)%2 == 1 {
		chunk = append(chunk, 0)
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

// write appends the low bits of v, least significant first (VP8L order).
func (b *bitWriter) write(v uint64, bits uint) {
	b.acc |= v << b.n
	b.n += bits
	for b.n >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.n -= 8
	}
}

func (b *bitWriter) bytes() []byte {
	if b.n > 0 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc, b.n = 0, 0
	}
	return b.buf
}

func decodeJPEG(t testing.TB, b []byte) image.Image {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("thumbnail is not a JPEG: %v", err)
	}
	return m
}

// reddish reports whether the pixel is clearly more red than blue.
func reddish(c color.Color) bool {
	r, _, b, _ := c.RGBA()
	return r > b+0x4000
}

func bluish(c color.Color) bool {
	r, _, b, _ := c.RGBA()
	return b > r+0x4000
}

// deepPNG is a valid 16-bit RGBA PNG of w×h black pixels: a few tens of
// kilobytes on disk that decode to 8 bytes a pixel (3000×3000 → 69 MiB).
// Its zlib stream is written by hand (zeroZlib), so making it costs
// nothing even under the race detector.
func deepPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // bit depth 16, colour type RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", zeroZlib(h*(1+8*w))) // each row: filter byte 0, then the pixels
	chunk("IEND", nil)
	return b.Bytes()
}

// zeroZlib is a zlib stream (RFC 1950/1951) of n zero bytes: one block
// with the fixed Huffman codes holding a literal 0, then back-references
// of 258 bytes at distance 1, then literal zeros for the rest.
func zeroZlib(n int) []byte {
	var bw bitWriter
	huff := func(code uint64, bits uint) { // Huffman codes go most significant bit first
		var r uint64
		for i := uint(0); i < bits; i++ {
			r |= (code >> i & 1) << (bits - 1 - i)
		}
		bw.write(r, bits)
	}
	bw.write(1, 1) // final block
	bw.write(1, 2) // fixed Huffman codes
	huff(0x30, 8)  // literal 0
	left := n - 1
	for ; left >= 258; left -= 258 {
		huff(0xC5, 8) // length code 285: 258 bytes
		huff(0, 5)    // distance code 0: distance 1
	}
	for ; left > 0; left-- {
		huff(0x30, 8)
	}
	huff(0, 7) // end of block
	out := append([]byte{0x78, 0x01}, bw.bytes()...)
	// Adler-32 of n zeros: a stays 1, b adds a for each byte.
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1)
}

func TestZeroZlib(t *testing.T) {
	for _, n := range []int{1, 257, 258, 259, 1000, 70000} {
		r, err := zlib.NewReader(bytes.NewReader(zeroZlib(n)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || len(got) != n || bytes.Count(got, []byte{0}) != n {
			t.Fatalf("zeroZlib(%d): %d bytes, %v", n, len(got), err)
		}
	}
	m, err := png.Decode(bytes.NewReader(deepPNG(t, 300, 200)))
	if err != nil || m.Bounds().Dx() != 300 || m.Bounds().Dy() != 200 {
		t.Fatalf("deepPNG does not decode: %v", err)
	}
}
