package attach

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// ThumbSize is the long side of a thumbnail in pixels: enough for a list
// on a phone at 2× density, small enough (~15–30 KB) to load on 4G.
const ThumbSize = 320

// thumbQuality is the JPEG quality of thumbnails.
const thumbQuality = 80

// codec returns the decoders for an image type. The decoders are called
// directly rather than through image.Decode, so no format registry (global
// state) is involved and the sniffed type is the one decoded.
func codec(ct string) (decode func(io.Reader) (image.Image, error), config func(io.Reader) (image.Config, error)) {
	switch ct {
	case JPEG:
		return jpeg.Decode, jpeg.DecodeConfig
	case PNG:
		return png.Decode, png.DecodeConfig
	case GIF:
		// gif.Decode stops after the first frame: an animation costs one frame.
		return gif.Decode, gif.DecodeConfig
	case WebP:
		return webp.Decode, webp.DecodeConfig
	}
	return nil, nil
}

type inspected struct {
	width, height int
	thumb         []byte
}

// maxDecodes is how many images the process decodes at once. Decoding is
// where an upload costs memory (up to Limits.MaxDecodedBytes each) and
// CPU; nine photos in each of a few requests at once would otherwise
// decode side by side. Two keep a 2-core server answering other requests
// while photos are checked; more uploads wait their turn.
const maxDecodes = 2

// decodes holds a token per image being decoded. It is package state on
// purpose: the bound is the process's memory, which every capability's
// uploads share, and Limits are built per request by each capability.
var decodes = make(chan struct{}, maxDecodes)

// bytesPerPixel is what the decoder of an image with colour model m
// allocates per pixel: a 16-bit PNG takes 8 bytes a pixel, four times an
// 8-bit one, so a pixel count alone does not bound memory. JPEG is counted
// as 4:4:4 (3 bytes), the most its YCbCr planes take.
func bytesPerPixel(m color.Model) int64 {
	if _, ok := m.(color.Palette); ok { // a slice: not comparable with ==
		return 1
	}
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	return 8 // RGBA64, NRGBA64 and anything unknown: the widest
}

// decodedBytes is the memory an image's pixels take once decoded.
func decodedBytes(cfg image.Config) int64 {
	return int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel)
}

// inspect decodes an image of a sniffed type and makes its thumbnail. A
// non-empty refusal explains, for the person who sent it, why it is refused.
// The header is read first, so an image whose pixels would take more than
// maxDecoded bytes is refused before anything is allocated for them.
func inspect(ct string, data []byte, maxDecoded int64) (img inspected, refusal string) {
	decode, config := codec(ct)
	if decode == nil {
		return img, fmt.Sprintf("不支持的图片格式 %s / image format %s not accepted", ct, ct)
	}
	// The header first: refuse a decompression bomb before allocating it.
	cfg, err := config(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return img, "图片已损坏或不是图片 / image is damaged or not an image"
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return img, fmt.Sprintf("图片像素过多（%d×%d，上限4000万像素）/ image too large (%d×%d, at most 40 megapixels)",
			cfg.Width, cfg.Height, cfg.Width, cfg.Height)
	}
	if n := decodedBytes(cfg); n > maxDecoded {
		return img, fmt.Sprintf("图片解码后过大（%d×%d，约%s，上限%s），请换用普通照片 / image too large decoded (%d×%d, about %s, at most %s); send an ordinary photo",
			cfg.Width, cfg.Height, humanSize(n), humanSize(maxDecoded), cfg.Width, cfg.Height, humanSize(n), humanSize(maxDecoded))
	}
	decodes <- struct{}{}
	defer func() { <-decodes }()
	m, err := decode(bytes.NewReader(data))
	if err != nil {
		return img, "图片已损坏或不是图片 / image is damaged or not an image"
	}
	orient := 1
	if ct == JPEG {
		orient = exifOrientation(data)
	}
	thumb, err := thumbnail(m, orient)
	if err != nil {
		return img, "图片无法处理 / image cannot be processed"
	}
	b := m.Bounds()
	img = inspected{width: b.Dx(), height: b.Dy(), thumb: thumb}
	if orient >= 5 { // the orientations that turn the picture a quarter
		img.width, img.height = img.height, img.width
	}
	return img, ""
}

// thumbnail scales m to fit ThumbSize (never up), turns it upright per the
// EXIF orientation, flattens transparency onto white (JPEG has no alpha; a
// transparent PNG would otherwise turn black) and encodes it as JPEG. The
// re-encoding also leaves out all metadata, such as the GPS position.
func thumbnail(m image.Image, orient int) ([]byte, error) {
	sb := m.Bounds()
	w, h := thumbDims(sb.Dx(), sb.Dy())
	// CatmullRom is the sharpest of x/image's kernels when shrinking, but
	// its cost grows with the source: ~500 ms for a 12-megapixel photo on
	// one Xeon core. A cheap bilinear step down to 4× the thumbnail first
	// brings scaling to ~20 ms, and Check of such a photo to ~130 ms, most
	// of it JPEG decoding (BenchmarkThumbnail); at 320 px the difference
	// cannot be seen.
	if max(sb.Dx(), sb.Dy()) > 4*ThumbSize {
		mw, mh := thumbDims(sb.Dx(), sb.Dy())
		mid := image.NewRGBA(image.Rect(0, 0, mw*4, mh*4))
		draw.ApproxBiLinear.Scale(mid, mid.Bounds(), m, sb, draw.Src, nil)
		m, sb = mid, mid.Bounds()
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), m, sb, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, orientate(dst, orient), &jpeg.Options{Quality: thumbQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// orientate returns m turned upright for an EXIF orientation value (1–8,
// TIFF 6.0 / Exif 2.3 tag 0x0112): 2 mirror, 3 rotate 180°, 4 flip, 5
// transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90°
// anticlockwise. It works on the small thumbnail, so a plain pixel loop is
// cheap.
func orientate(m *image.RGBA, orient int) *image.RGBA {
	if orient < 2 || orient > 8 {
		return m
	}
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	dw, dh := w, h
	if orient >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch orient {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			out.SetRGBA(x, y, m.RGBAAt(sx, sy))
		}
	}
	return out
}

// exifOrientation reads the orientation tag from a JPEG's Exif (APP1)
// segment: 1 (upright) when there is none or it cannot be read. Phones store
// the sensor's pixels and say in this tag how to turn them.
func exifOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // markers without a length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image: metadata is over
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in the first IFD of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	n := int64(bo.Uint16(t[off:]))
	for k := int64(0); k < n; k++ {
		e := off + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// Type SHORT (3), count 1: the value sits in the first two bytes
		// of the four-byte value field.
		if bo.Uint16(t[e+2:]) != 3 || bo.Uint32(t[e+4:]) != 1 {
			return 1
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
