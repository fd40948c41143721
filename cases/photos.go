package cases

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/attach"
	"linli/jobs"
	"linli/storage"
	"linli/web"
)

// Photo is an attachment of a case as the pages show it.
type Photo struct {
	attach.Attachment
	URL, Thumb string
	// After marks a photo of the work (a handler's result photo) rather
	// than of the problem as reported: the case page shows the two side
	// by side for verification.
	After bool `json:"after"`
}

// uploads reads and checks the files of a multipart field (none is fine).
func (s *Service) uploads(r *http.Request, field string) ([]attach.Checked, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, nil
	}
	ups, err := attach.FromMultipart(r, field, attach.PhotoLimits())
	if err != nil || len(ups) == 0 {
		return nil, err
	}
	return attach.Check(attach.PhotoLimits(), ups)
}

// AddPhotos attaches checked photos to a case: the reporter while it is
// open, its assignee, and staff.
func (s *Service) AddPhotos(ctx context.Context, a *linli.Actor, caseID, eventID int64, files []attach.Checked) error {
	if len(files) == 0 {
		return nil
	}
	return s.DB.InTx(ctx, func(tx *storage.Tx) error {
		c, err := s.get(ctx, tx, caseID, true)
		if err != nil {
			return err
		}
		ok := a.Can(linli.PermCasesManage, c.Path) || (a.AccountID != 0 && a.AccountID == c.ReporterID && c.State.Open())
		if !ok {
			if ok, err = s.isAssignee(ctx, tx, a, c); err != nil {
				return err
			}
		}
		if !ok {
			return errForbidden()
		}
		now := s.now()
		if _, err := attach.Save(ctx, tx, "case", caseID, eventID, a.AccountID, files, now); err != nil {
			return err
		}
		return s.event(ctx, tx, caseID, a, now, "photos", "", "", fmt.Sprintf("上传%d张照片", len(files)), nil, true)
	})
}

// Photos lists a case's photos for an actor who may read the case.
// A neighbour (a resident seeing a public case) gets the thumbnails
// only: an original keeps its Exif, and a phone photo's GPS position
// points at the reporter's home.
func (s *Service) Photos(ctx context.Context, a *linli.Actor, caseID int64) ([]Photo, error) {
	c, err := s.Get(ctx, a, caseID)
	if err != nil {
		return nil, err
	}
	as, err := attach.List(ctx, s.DB, "case", caseID)
	if err != nil {
		return nil, err
	}
	whole, err := s.get(ctx, s.DB, caseID, false) // c may hide the reporter
	if err != nil {
		return nil, err
	}
	out := make([]Photo, 0, len(as))
	for _, x := range as {
		p := Photo{Attachment: x, URL: fmt.Sprintf("/cases/%d/files/%d", caseID, x.ID), After: isAfter(whole, x)}
		p.Thumb = p.URL
		if x.HasThumb {
			p.Thumb += "?thumb=1"
		}
		if c.ForNeighbours {
			p.URL = p.Thumb
		}
		out = append(out, p)
	}
	return out, nil
}

// isAfter: a photo is of the problem when its reporter attached it (a
// hotline entry's reporter is the staff member who typed it), or, for a
// case another capability opened with no reporter, when it came with the
// report; every other photo was added while the case was worked.
func isAfter(c Case, x attach.Attachment) bool {
	if c.ReporterID != 0 {
		return x.CreatedBy != c.ReporterID
	}
	return !x.CreatedAt.Equal(c.CreatedAt)
}

// SavePending keeps checked photos as the actor's pending uploads (see
// attach.SavePending): the phone's early upload, or the photos of a
// report form refused for another field.
func (s *Service) SavePending(ctx context.Context, a *linli.Actor, files []attach.Checked) ([]Photo, error) {
	if a == nil || a.AccountID == 0 || len(a.Grants) == 0 {
		return nil, errForbidden()
	}
	var saved []attach.Attachment
	err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if saved, err = attach.SavePending(ctx, tx, a.AccountID, files, s.now()); err != nil {
			return err
		}
		return s.scheduleUploadExpiry(ctx, tx, a.AccountID)
	})
	if err != nil {
		return nil, err
	}
	return pendingPhotos(saved), nil
}

// jobUploadExpire deletes an account's unclaimed report photos once they
// can no longer be claimed (attach.PendingTTL); keyed by the account, due
// when its oldest pending upload expires.
const jobUploadExpire = "cases.upload_expire"

func (s *Service) scheduleUploadExpiry(ctx context.Context, tx *storage.Tx, account int64) error {
	due, err := attach.PendingExpiry(ctx, tx, account)
	if err != nil || due.IsZero() {
		return err
	}
	return jobs.Schedule(ctx, tx, jobUploadExpire, strconv.FormatInt(account, 10), due, nil)
}

// onUploadExpire sweeps the expired pending uploads (every account's:
// uploads sent before this timer existed go too) and wakes again when the
// account's next one expires.
func (s *Service) onUploadExpire(ctx context.Context, tx *storage.Tx, j jobs.Job) error {
	account, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return nil
	}
	if _, _, err := attach.SweepPending(ctx, tx, account, s.now()); err != nil {
		return err
	}
	return s.scheduleUploadExpiry(ctx, tx, account)
}

// PendingPhotos are those of ids that are the actor's own claimable
// uploads, as previews for the report form.
func (s *Service) PendingPhotos(ctx context.Context, a *linli.Actor, ids []int64) ([]Photo, error) {
	if a == nil || a.AccountID == 0 {
		return nil, nil
	}
	as, err := attach.PendingOf(ctx, s.DB, a.AccountID, ids, s.now())
	if err != nil {
		return nil, err
	}
	return pendingPhotos(as), nil
}

func pendingPhotos(as []attach.Attachment) []Photo {
	out := make([]Photo, 0, len(as))
	for _, x := range as {
		p := Photo{Attachment: x, URL: fmt.Sprintf("/report/photos/%d", x.ID)}
		p.Thumb = p.URL
		if x.HasThumb {
			p.Thumb += "?thumb=1"
		}
		out = append(out, p)
	}
	return out
}

// FileRoutes serves case attachments after checking the case may be read.
func (s *Service) FileRoutes(rt *web.Router) {
	serve := func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		fid, err := web.PathID(r, "file")
		if err != nil {
			return err
		}
		c, err := s.Get(r.Context(), web.ActorFrom(r.Context()), id)
		if err != nil {
			return err
		}
		// A neighbour gets the thumbnail, without metadata (see Photos).
		att, data, err := attach.OpenOwned(r.Context(), s.DB, "case", id, fid, r.URL.Query().Get("thumb") == "1" || c.ForNeighbours)
		if err != nil {
			return err
		}
		attach.Serve(w, r, att, data)
		return nil
	}
	rt.API("GET /cases/{id}/files/{file}", web.LoggedIn, serve)
	rt.API("GET /api/cases/{id}/files/{file}", web.LoggedIn, serve)
	// The report form's photos, sent ahead (report.js) and shown back
	// only to their uploader.
	rt.API("POST /report/photos", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
		files, err := s.uploads(r, "photos")
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return linli.Invalid("请选择照片 / choose photos", linli.FieldError{Field: "photos", Reason: "必填 / required"})
		}
		ps, err := s.SavePending(r.Context(), web.ActorFrom(r.Context()), files)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, map[string]any{"photos": ps})
		return nil
	})
	rt.API("GET /report/photos/{file}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		fid, err := web.PathID(r, "file")
		if err != nil {
			return err
		}
		att, data, err := attach.OpenOwned(r.Context(), s.DB, attach.PendingOwner, web.ActorFrom(r.Context()).AccountID, fid, r.URL.Query().Get("thumb") == "1")
		if err != nil {
			return err
		}
		attach.Serve(w, r, att, data)
		return nil
	})
	rt.API("POST /api/cases/{id}/photos", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
		files, err := s.uploads(r, "photos")
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return linli.Invalid("请选择照片 / choose photos", linli.FieldError{Field: "photos", Reason: "必填 / required"})
		}
		a := web.ActorFrom(r.Context())
		if err := s.AddPhotos(r.Context(), a, id, 0, files); err != nil {
			return err
		}
		ps, err := s.Photos(r.Context(), a, id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, map[string]any{"photos": ps})
		return nil
	})
}
