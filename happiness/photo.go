package happiness

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// Public photos leave without their metadata. Originals are kept byte for
// byte (package attach), Exif included, and a phone photo's Exif may hold
// the GPS position of the home where it was taken. For a JPEG the public
// copy keeps the image data and the colour profile, drops every other
// APPn segment and comment, and carries a minimal Exif block holding only
// the orientation, so the photo is still shown upright. Other formats are
// served as the thumbnail, which attach re-encoded without metadata.

var errNotJPEG = errors.New("happiness: not a JPEG")

// stripJPEG returns the JPEG without metadata segments (see above).
func stripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errNotJPEG
	}
	var out bytes.Buffer
	out.Grow(len(b))
	out.Write(b[:2])
	orient := 1
	wroteExif := false
	writeExif := func() {
		if !wroteExif && orient != 1 {
			out.Write(orientationExif(orient))
		}
		wroteExif = true
	}
	i := 2
	for {
		if i+4 > len(b) || b[i] != 0xFF {
			return nil, errNotJPEG
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA { // start of scan: the rest is image data
			writeExif()
			out.Write(b[i:])
			return out.Bytes(), nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, errNotJPEG
		}
		seg := b[i : i+2+n]
		payload := seg[4:]
		switch {
		case marker == 0xE0: // APP0 (JFIF)
			out.Write(seg)
		case marker == 0xE1: // APP1: Exif or XMP
			if bytes.HasPrefix(payload, []byte("Exif\x00\x00")) {
				if o := exifOrientation(payload[6:]); o >= 1 && o <= 8 {
					orient = o
				}
			}
		case marker == 0xE2 && bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00")):
			writeExif()
			out.Write(seg)
		case marker >= 0xE1 && marker <= 0xEF, marker == 0xFE: // other APPn, comments
		default: // tables, frame header
			writeExif()
			out.Write(seg)
		}
		i += 2 + n
	}
}

// exifOrientation reads tag 0x0112 of IFD0 from a TIFF block; 0 if absent.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}

// orientationExif is an APP1 segment whose Exif holds only the orientation.
func orientationExif(orient int) []byte {
	body := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08")
	body = append(body, 0, 1)             // one entry
	body = append(body, 0x01, 0x12, 0, 3) // Orientation, SHORT
	body = append(body, 0, 0, 0, 1)       // count 1
	body = append(body, 0, byte(orient), 0, 0)
	body = append(body, 0, 0, 0, 0) // no next IFD
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}
