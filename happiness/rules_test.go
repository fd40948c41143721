package happiness

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestHappinessPercent(t *testing.T) {
	for _, tc := range []struct {
		satisfied, rated int
		pct, line        string
	}{
		{24, 25, "96.0%", "满意率 96.0%（25人评价）"},
		{2, 3, "66.7%", "满意率 66.7%（3人评价）"},
		{1, 3, "33.3%", "满意率 33.3%（3人评价）"},
		{1, 1, "100.0%", "满意率 100.0%（1人评价）"},
		{0, 4, "0.0%", "满意率 0.0%（4人评价）"},
		{1, 8, "12.5%", "满意率 12.5%（8人评价）"}, // half rounds up
		{0, 0, "—", "暂无评价"},
	} {
		if got := Percent(tc.satisfied, tc.rated); got != tc.pct {
			t.Errorf("Percent(%d, %d) = %q, want %q", tc.satisfied, tc.rated, got, tc.pct)
		}
		if got := Satisfaction(tc.satisfied, tc.rated); got != tc.line {
			t.Errorf("Satisfaction(%d, %d) = %q, want %q", tc.satisfied, tc.rated, got, tc.line)
		}
	}
}

func TestHappinessScrub(t *testing.T) {
	for in, want := range map[string]string{
		"2单元402卫生间漏水":      "2单元卫生间漏水",
		"吉祥花园1号楼2单元502室渗水": "吉祥花园1号楼2单元渗水",
		"联系电话13812345678":  "联系电话***",
		"3-1-102业主同意":      "某户业主同意",
		"402室天花板已修复":       "某户天花板已修复",
		"更换1号楼排水立管":        "更换1号楼排水立管",
		"8部电梯投入使用":         "8部电梯投入使用",
		// Phone numbers however written (issue 8): separators, full-width
		// digits, Chinese numerals, mixed.
		"电话138.1234.5678":       "电话***",
		"电话138-1234-5678请回电":    "电话***请回电",
		"电话 138 1234 5678":      "电话 ***",
		"电话138·1234·5678":       "电话***",
		"电话１３８１２３４５６７８":         "电话***",
		"电话１３８－１２３４－５６７８":       "电话***",
		"电话一三八一二三四五六七八":         "电话***",
		"电话幺三八幺二三四五六七八":         "电话***",
		"电话壹叁捌壹贰叁肆伍陆柒捌":         "电话***",
		"电话138一二三四5678":         "电话***",
		"座机（0359）2345678":       "座机（***",
		"身份证14080219700101123X": "身份证***X",
		"２单元４０２卫生间漏水":           "２单元卫生间漏水",
		"３－１－１０２业主同意":           "某户业主同意",
		// Kept: dates, counts, idioms, ordinary punctuation.
		"2026.03.05完成，共3天":        "2026.03.05完成，共3天",
		"2026-3-5开工":              "2026-3-5开工",
		"工期2025.3—2026.5":         "工期2025.3—2026.5",
		"2026.03.05-2026.04.10施工": "2026.03.05-2026.04.10施工",
		"电话2026 1234 5678":        "电话***",
		"七七八八都修好了！":               "七七八八都修好了！",
		"三单元一楼":                   "三单元一楼",
		"共１２００元":                  "共１２００元",
	} {
		if got := Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

// jpegWithExif is a small JPEG carrying an Exif block with an orientation
// and a stand-in for a GPS position, and a comment.
func jpegWithExif(t *testing.T, orient uint16) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for x := 0; x < 8; x++ {
		m.Set(x, 1, color.RGBA{200, 10, 10, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	tiff := []byte("II\x2a\x00\x08\x00\x00\x00")
	tiff = append(tiff, 1, 0)             // one entry
	tiff = append(tiff, 0x12, 0x01, 3, 0) // Orientation, SHORT
	tiff = append(tiff, 1, 0, 0, 0)
	tiff = binary.LittleEndian.AppendUint16(tiff, orient)
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)
	tiff = append(tiff, []byte("GPSLatitude 35.0264N 111.0070E")...)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(app1)+2))
	seg = append(seg, app1...)
	com := []byte{0xFF, 0xFE}
	com = binary.BigEndian.AppendUint16(com, uint16(len("王秀英的手机")+2))
	com = append(com, []byte("王秀英的手机")...)
	out := append([]byte{}, b[:2]...)
	out = append(out, seg...)
	out = append(out, com...)
	return append(out, b[2:]...)
}

func TestHappinessStripJPEG(t *testing.T) {
	for _, orient := range []uint16{1, 6} {
		in := jpegWithExif(t, orient)
		if !bytes.Contains(in, []byte("GPSLatitude")) {
			t.Fatal("test photo has no position")
		}
		out, err := stripJPEG(in)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(out, []byte("GPSLatitude")) || bytes.Contains(out, []byte("王秀英")) {
			t.Errorf("orientation %d: metadata left in the public copy", orient)
		}
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Errorf("orientation %d: the public copy does not decode: %v", orient, err)
		}
		// The orientation survives, so the photo is still shown upright.
		got := 1
		if i := bytes.Index(out, []byte("Exif\x00\x00")); i >= 0 {
			got = exifOrientation(out[i+6:])
		}
		if got != int(orient) {
			t.Errorf("orientation %d became %d", orient, got)
		}
	}
	if _, err := stripJPEG([]byte("\x89PNG....")); err == nil {
		t.Error("a PNG was taken for a JPEG")
	}
}
