// Package attach keeps the photos and files attached to records: the photos
// a resident takes when reporting a problem, a grid worker's result photos,
// later the files of visits and agreements.
//
// An upload goes through three steps, so that nothing is written until every
// file is known to be good and a record commits together with its files:
//
//	ups, err := attach.FromMultipart(r, "photos", limits) // read the form (413/422)
//	files, err := attach.Check(limits, ups)               // decide types, decode, thumbnail
//	db.InTx(ctx, func(tx *storage.Tx) error {             // the record and its files
//		… insert the case …
//		_, err := attach.Save(ctx, tx, "case", caseID, eventID, actor.AccountID, files, now)
//		return err
//	})
//
// The type of a file is decided by its content, never by its name or the
// Content-Type the client sent: http.DetectContentType, then a real decode
// for images. File bytes are stored in the database (table blobs) because
// several replicas share one PostgreSQL; identical bytes are stored once.
//
// Originals are kept byte for byte, Exif included — a phone photo may hold
// the GPS position where it was taken. Thumbnails are re-encoded and carry
// no metadata. Only expired pending uploads are deleted (SweepPending); a
// blob goes with them only when no other attachment refers to it (blobs
// are shared).
//
// Who may see an attachment is the owning capability's decision: this
// package has no permission checks. A handler loads the owner, checks the
// actor may see it, then calls Open and Serve.
package attach

import (
	"fmt"
	"time"
)

// Attachment is one file attached to a record.
type Attachment struct {
	ID          int64     `json:"id"`
	Owner       string    `json:"owner"`    // kind of record: "case", "visit", …
	OwnerID     int64     `json:"owner_id"` // its id
	EventID     int64     `json:"event_id,omitempty"`
	Name        string    `json:"name"`         // file name as uploaded, cleaned
	ContentType string    `json:"content_type"` // decided by content
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"` // hex; also the HTTP ETag
	Width       int       `json:"width,omitempty"`
	Height      int       `json:"height,omitempty"` // as displayed (EXIF orientation applied)
	HasThumb    bool      `json:"has_thumb"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   int64     `json:"created_by"`
}

// IsImage reports whether the attachment is shown inline as a picture.
func (a Attachment) IsImage() bool { return isImageType(a.ContentType) }

// Content types Linli accepts.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	GIF  = "image/gif"
	WebP = "image/webp"
	PDF  = "application/pdf"
)

// Limits bound one request's uploads.
type Limits struct {
	MaxBytes int64    // per file; default 10 MiB
	MaxFiles int      // per request; default 9 (a phone's photo picker grid)
	Allowed  []string // content types; default JPEG, PNG, GIF, WebP, PDF
	// MaxDecodedBytes bounds the memory one image may take decoded
	// (width × height × bytes per pixel of its colour model); default
	// DefaultMaxDecodedBytes. See decodedBytes.
	MaxDecodedBytes int64
}

// DefaultMaxDecodedBytes is the default Limits.MaxDecodedBytes: 64 MiB
// holds a 22-megapixel JPEG (3 bytes a pixel) or a 16-megapixel 8-bit
// PNG with alpha, and refuses the 16-bit PNG of 300 KB that decodes to
// 300 MiB.
const DefaultMaxDecodedBytes = 64 << 20

// DefaultLimits returns the limits used when a capability has no reason to
// differ.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 10 << 20, MaxFiles: 9, Allowed: []string{JPEG, PNG, GIF, WebP, PDF}, MaxDecodedBytes: DefaultMaxDecodedBytes}
}

// PhotoLimits is DefaultLimits restricted to images, for fields such as a
// case's photos where a PDF makes no sense.
func PhotoLimits() Limits {
	l := DefaultLimits()
	l.Allowed = []string{JPEG, PNG, GIF, WebP}
	return l
}

// withDefaults fills the zero fields, so Limits{MaxFiles: 3} means "the
// defaults, but three files".
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if len(l.Allowed) == 0 {
		l.Allowed = d.Allowed
	}
	if l.MaxDecodedBytes <= 0 {
		l.MaxDecodedBytes = DefaultMaxDecodedBytes
	}
	return l
}

func (l Limits) allows(contentType string) bool {
	for _, t := range l.Allowed {
		if t == contentType {
			return true
		}
	}
	return false
}

// imagesOnly reports whether every allowed type is an image, so a refusal
// can say "not an image" rather than list types.
func (l Limits) imagesOnly() bool {
	for _, t := range l.Allowed {
		if !isImageType(t) {
			return false
		}
	}
	return true
}

func isImageType(ct string) bool {
	switch ct {
	case JPEG, PNG, GIF, WebP:
		return true
	}
	return false
}

// humanSize writes a byte count for people: "10 MiB", "512 KiB", "900 B".
func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
