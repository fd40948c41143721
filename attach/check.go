package attach

import (
	"fmt"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"linli"
)

// Upload is one file as received, before anything is believed about it.
type Upload struct {
	// Field is the name a refusal is reported under, e.g. "photos[2]", so the
	// form can mark the very file. Empty means "photos[i]" with i the index
	// in the slice given to Check.
	Field string
	Name  string // file name the client sent
	Data  []byte
}

// Checked is an upload whose type is known and which may be saved.
type Checked struct {
	Upload
	ContentType   string // decided by content
	Width, Height int    // images only, as displayed (EXIF orientation applied)
	Thumb         []byte // JPEG, at most ThumbSize px on the long side; nil for non-images
}

// maxPixels bounds the decoded size of an image: a few kilobytes of PNG can
// claim 20000×20000 pixels and take gigabytes to decode (a decompression
// bomb). 40 megapixels covers phone cameras at full resolution.
const maxPixels = 40_000_000

// Check validates uploads before anything is written, and reports every bad
// file, not only the first, each under its field: 413 (linli.ETooLarge) when
// any file is over the size limit, 422 (linli.EInvalid) otherwise. With more
// files than MaxFiles it refuses at once without decoding any, since the
// person must choose again anyway.
func Check(l Limits, ups []Upload) ([]Checked, error) {
	l = l.withDefaults()
	if len(ups) > l.MaxFiles {
		return nil, tooMany(baseField(ups[0].Field), len(ups), l.MaxFiles)
	}
	out := make([]Checked, 0, len(ups))
	var bad []linli.FieldError
	tooLarge := false
	for i, up := range ups {
		if up.Field == "" {
			up.Field = fmt.Sprintf("photos[%d]", i)
		}
		c, reason, large := checkOne(l, up)
		if reason != "" {
			bad = append(bad, linli.FieldError{Field: up.Field, Reason: reason})
			tooLarge = tooLarge || large
			continue
		}
		out = append(out, c)
	}
	switch {
	case tooLarge:
		return nil, &linli.Error{Code: linli.ETooLarge,
			Message: fmt.Sprintf("文件超过%s / file larger than %s", humanSize(l.MaxBytes), humanSize(l.MaxBytes)), Fields: bad}
	case len(bad) > 0:
		return nil, linli.Invalid("文件无法接受 / file not accepted", bad...)
	}
	return out, nil
}

// checkOne decides one upload; a non-empty reason refuses it, large says
// the refusal is for size.
func checkOne(l Limits, up Upload) (c Checked, reason string, large bool) {
	if len(up.Data) == 0 {
		return c, "文件为空 / file is empty", false
	}
	if int64(len(up.Data)) > l.MaxBytes {
		return c, fmt.Sprintf("文件超过%s / file larger than %s", humanSize(l.MaxBytes), humanSize(l.MaxBytes)), true
	}
	ct := sniff(up.Data)
	c = Checked{Upload: up, ContentType: ct}
	switch {
	case strings.HasPrefix(ct, "image/"):
		if !l.allows(ct) || !isImageType(ct) {
			return c, fmt.Sprintf("不支持的图片格式 %s / image format %s not accepted", ct, ct), false
		}
		img, err := inspect(ct, up.Data, l.MaxDecodedBytes)
		if err != "" {
			return c, err, false
		}
		c.Width, c.Height, c.Thumb = img.width, img.height, img.thumb
	case l.allows(ct):
		// A non-image type the caller accepts (PDF): nothing to decode.
	case claimsImage(up.Name) || l.imagesOnly():
		return c, "文件不是图片 / not an image", false
	default:
		return c, fmt.Sprintf("不支持的文件类型 %s / file type %s not accepted", ct, ct), false
	}
	c.Name = cleanName(up.Name, ct)
	return c, "", false
}

func tooMany(field string, n, limit int) error {
	return linli.Invalid(fmt.Sprintf("最多上传%d个文件 / at most %d files", limit, limit),
		linli.FieldError{Field: field, Reason: fmt.Sprintf("选择了%d个文件，最多%d个 / %d files chosen, at most %d", n, limit, n, limit)})
}

// sniff returns the content type of data without parameters.
func sniff(data []byte) string {
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	return strings.TrimSpace(ct)
}

// claimsImage reports whether a file name's extension says "image", so a
// text file named x.jpg is told it is not an image rather than a type list.
func claimsImage(name string) bool {
	return strings.HasPrefix(mime.TypeByExtension(strings.ToLower(path.Ext(name))), "image/")
}

// baseField turns "photos[3]" into "photos", for errors about the whole list.
func baseField(f string) string {
	if i := strings.IndexByte(f, '['); i > 0 {
		return f[:i]
	}
	if f == "" {
		return "photos"
	}
	return f
}

// maxNameRunes bounds a stored file name; phones send names such as
// "IMG_20240501_081500.jpg", a long one is almost always junk.
const maxNameRunes = 120

// cleanName keeps the last path element of a client's file name and drops
// control and format characters (a right-to-left override can make
// "photo\u202egpj.exe" look like "photoexe.jpg"). An empty result becomes
// "file" with the extension of the real type.
func cleanName(name, ct string) string {
	// Most browsers send the base name; some old ones and Android apps a full path.
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxNameRunes {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:maxNameRunes-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" || name == "." || name == ".." {
		name = "file" + extension(ct)
	}
	return name
}

func extension(ct string) string {
	switch ct {
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	case GIF:
		return ".gif"
	case WebP:
		return ".webp"
	case PDF:
		return ".pdf"
	}
	return ""
}
