package cases

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"linli"
	"linli/attach"
	"linli/storage"
	"linli/web"
)

// Photo is an attachment of a case as the pages show it.
type Photo struct {
	attach.Attachment
	URL, Thumb string
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
	out := make([]Photo, 0, len(as))
	for _, x := range as {
		p := Photo{Attachment: x, URL: fmt.Sprintf("/cases/%d/files/%d", caseID, x.ID)}
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
