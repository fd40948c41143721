package projects

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/cases"
	"linli/happiness"
	"linli/storage"
	"linli/web"
)

// The project side of the happiness list (幸福清单): before/after photos,
// the residents' ratings of a completed project and the thanks received.

// AddPhotos attaches checked photos to a project at a stage ("before" or
// "after"). Staff who manage the project add them.
func (s *Service) AddPhotos(ctx context.Context, a *linli.Actor, projectID int64, stage, caption string, files []attach.Checked) ([]Photo, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return nil, err
	}
	var v linli.Validation
	if stage != "before" && stage != "after" {
		v.Add("stage", "应为 before（施工前）或 after（完工后） / stage is before or after")
	}
	caption = strings.TrimSpace(caption)
	if utf8.RuneCountInString(caption) > 100 {
		v.Add("caption", "说明不超过100字 / caption is at most 100 characters")
	}
	if len(files) == 0 {
		v.Add("photos", "请选择照片 / choose photos")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The file name a phone gives ("王家门口.jpg", a date and place) is
	// not kept: the photos end up on the public list, whose download
	// would carry it.
	named := make([]attach.Checked, len(files))
	for i, f := range files {
		named[i] = f
		named[i].Name = photoName(p.ID, stage, i+1, f.ContentType)
	}
	now := s.now()
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		saved, err := attach.Save(ctx, tx, "project", p.ID, 0, a.AccountID, named, now)
		if err != nil {
			return err
		}
		var ids []int64
		for _, x := range saved {
			if _, err := tx.Exec(ctx, `INSERT INTO project_photos (attachment_id, project_id, stage, caption) VALUES (?, ?, ?, ?)`, x.ID, p.ID, stage, caption); err != nil {
				return err
			}
			ids = append(ids, x.ID)
		}
		if err := touch(ctx, tx, p.ID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "photos", fmt.Sprintf("上传%d张%s照片", len(saved), stageLabel(stage)), nil,
			map[string]any{"attachments": ids, "stage": stage, "caption": caption})
	})
	if err != nil {
		return nil, err
	}
	return s.photos(ctx, p.ID)
}

// photoName is the neutral file name a project photo is stored under:
// project-12-before-1.jpg.
func photoName(projectID int64, stage string, n int, contentType string) string {
	ext := map[string]string{attach.JPEG: ".jpg", attach.PNG: ".png", attach.GIF: ".gif", attach.WebP: ".webp"}[contentType]
	return fmt.Sprintf("project-%d-%s-%d%s", projectID, stage, n, ext)
}

func stageLabel(stage string) string {
	if stage == "before" {
		return "施工前"
	}
	return "完工后"
}

func (s *Service) photos(ctx context.Context, projectID int64) ([]Photo, error) {
	as, err := attach.List(ctx, s.db, "project", projectID)
	if err != nil {
		return nil, err
	}
	meta := map[int64][2]string{}
	err = storage.Each(ctx, s.db, func(rows *sql.Rows) error {
		var id int64
		var st, cap string
		if err := rows.Scan(&id, &st, &cap); err != nil {
			return err
		}
		meta[id] = [2]string{st, cap}
		return nil
	}, `SELECT attachment_id, stage, caption FROM project_photos WHERE project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	out := []Photo{}
	// Before photos first, then after, each as uploaded.
	for _, stage := range []string{"before", "after"} {
		for _, x := range as {
			m := meta[x.ID]
			if m[0] != stage {
				continue
			}
			ph := Photo{AttachmentID: x.ID, Stage: m[0], Caption: m[1], URL: fmt.Sprintf("/projects/%d/photos/%d", projectID, x.ID), CreatedAt: x.CreatedAt}
			ph.Thumb = ph.URL
			if x.HasThumb {
				ph.Thumb += "?thumb=1"
			}
			out = append(out, ph)
		}
	}
	return out, nil
}

// Rate records a resident's verdict on a completed project, once per
// account: satisfied, basic (basically satisfied) or unsatisfied.
func (s *Service) Rate(ctx context.Context, a *linli.Actor, projectID int64, in RatingInput) error {
	p, err := s.view(ctx, a, projectID)
	if err != nil {
		return err
	}
	if !isResidentOf(a, p.Path) {
		return linli.Errorf(linli.EForbidden, "只有本社区居民可以评价 / only residents of the community rate projects")
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if cases.Rating(in.Rating).Label() == "" {
		return linli.Invalid("请选择满意、基本满意或不满意 / rating is satisfied, basic or unsatisfied",
			linli.FieldError{Field: "rating", Reason: "应为 satisfied、basic 或 unsatisfied / satisfied, basic or unsatisfied"})
	}
	if utf8.RuneCountInString(in.Comment) > 500 {
		return linli.Invalid("意见不超过500字 / comment is at most 500 characters", linli.FieldError{Field: "comment", Reason: "不超过500字 / at most 500 characters"})
	}
	if p.Phase != InService {
		return linli.Errorf(linli.EConflict, "项目投用后才能评价 / a project is rated once it is in service")
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM project_ratings WHERE project_id = ? AND account_id = ?`, p.ID, a.AccountID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return linli.Errorf(linli.EConflict, "您已评价过此项目 / you have already rated this project")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_ratings (project_id, account_id, rating, comment, at) VALUES (?, ?, ?, ?, ?)`,
			p.ID, a.AccountID, in.Rating, in.Comment, storage.Millis(now)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "rate", "居民评价："+cases.Rating(in.Rating).Label(), nil, in)
	})
}

func (s *Service) satisfaction(ctx context.Context, projectID, accountID int64) (Satisfaction, error) {
	var out Satisfaction
	err := storage.Each(ctx, s.db, func(rows *sql.Rows) error {
		var acc int64
		var r string
		if err := rows.Scan(&acc, &r); err != nil {
			return err
		}
		out.Rated++
		switch cases.Rating(r) {
		case cases.Satisfied, cases.Basic:
			out.Satisfied++
		default:
			out.Unsatisfied++
		}
		if accountID != 0 && acc == accountID {
			out.Mine = r
		}
		return nil
	}, `SELECT account_id, rating FROM project_ratings WHERE project_id = ?`, projectID)
	return out, err
}

// AddThanks records a banner (锦旗) or a letter of thanks.
func (s *Service) AddThanks(ctx context.Context, a *linli.Actor, projectID int64, in ThanksInput) (ThanksRecord, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return ThanksRecord{}, err
	}
	var v linli.Validation
	in.From, in.Text = strings.TrimSpace(in.From), strings.TrimSpace(in.Text)
	if in.Kind != "banner" && in.Kind != "letter" {
		v.Add("kind", "应为 banner（锦旗）或 letter（感谢信） / kind is banner or letter")
	}
	// The thanks go onto the public happiness list: no phone or room
	// numbers (the same rule as happiness.AddThanks).
	switch {
	case in.From == "":
		v.Add("from", "请填写致谢人 / who sent it is required")
	case utf8.RuneCountInString(in.From) > 60:
		v.Add("from", "不超过60字 / at most 60 characters")
	case happiness.Scrub(in.From) != in.From:
		v.Add("from", "请勿填写电话或房号 / no phone or room numbers: the list is public")
	}
	switch {
	case in.Text == "":
		v.Add("text", "请填写内容 / the text is required")
	case utf8.RuneCountInString(in.Text) > 500:
		v.Add("text", "不超过500字 / at most 500 characters")
	case happiness.Scrub(in.Text) != in.Text:
		v.Add("text", "请勿填写电话或房号 / no phone or room numbers: the list is public")
	}
	if in.Date == "" {
		in.Date = s.now().In(s.zone()).Format("2006-01-02")
	} else if !validDate(in.Date) {
		v.Add("date", "日期格式应为 2006-01-02 / date must be YYYY-MM-DD")
	}
	if err := v.Err(); err != nil {
		return ThanksRecord{}, err
	}
	now := s.now()
	out := ThanksRecord{Kind: in.Kind, From: in.From, Text: in.Text, Date: in.Date}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		out.ID, err = tx.Insert(ctx, `INSERT INTO project_thanks (project_id, kind, from_name, text, on_date, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.ID, in.Kind, in.From, in.Text, in.Date, a.AccountID, storage.Millis(now))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "thanks", "收到致谢："+in.From+"「"+in.Text+"」", nil, out)
	})
	return out, err
}

func (s *Service) thanks(ctx context.Context, projectID int64) ([]ThanksRecord, error) {
	out, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (ThanksRecord, error) {
		var t ThanksRecord
		err := rows.Scan(&t.ID, &t.Kind, &t.From, &t.Text, &t.Date)
		return t, err
	}, `SELECT id, kind, from_name, text, on_date FROM project_thanks WHERE project_id = ? ORDER BY on_date, id`, projectID)
	if out == nil {
		out = []ThanksRecord{}
	}
	return out, err
}

// HappinessEntries lists the community's completed public projects for the
// public happiness list. Wired into happiness.Service.Projects. Only what
// anyone may see: no names of residents, places down to the building.
func (s *Service) HappinessEntries(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
	ids, err := s.db.IDs(ctx, `SELECT id FROM projects WHERE community_id = ? AND phase = ? AND public = 1 ORDER BY completed_at DESC, id DESC`,
		communityID, InService)
	if err != nil {
		return nil, err
	}
	out := []happiness.Entry{}
	for _, id := range ids {
		p, err := s.load(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		// Staff wrote these texts for the residents of the project, not for
		// the public: phone and room numbers are blotted out here, as the
		// happiness list does for cases.
		e := happiness.Entry{Kind: "project", ID: p.ID, Title: happiness.Scrub(p.Title), Summary: happiness.Scrub(p.Description), Place: p.Place,
			DoneAt: p.CompletedAt, Photos: []happiness.Photo{}, Thanks: []happiness.Thanks{}}
		if e.Summary == "" {
			e.Summary = KindLabel(p.Kind)
		}
		phs, err := s.photos(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, ph := range phs {
			e.Photos = append(e.Photos, happiness.Photo{AttachmentID: ph.AttachmentID, Stage: ph.Stage, Caption: happiness.Scrub(ph.Caption)})
		}
		sat, err := s.satisfaction(ctx, p.ID, 0)
		if err != nil {
			return nil, err
		}
		e.Rated, e.Satisfied = sat.Rated, sat.Satisfied
		ts, err := s.thanks(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			at, _ := web.ParseDay(t.Date, s.zone())
			e.Thanks = append(e.Thanks, happiness.Thanks{Kind: t.Kind, From: happiness.Scrub(t.From), Text: happiness.Scrub(t.Text), At: at.UTC()})
		}
		out = append(out, e)
	}
	return out, nil
}

// publicPhoto reports whether a project's photo may be shown to anyone,
// and the project's community: the project is public and in service (it
// is on the happiness list, whose route serves the photo).
func (s *Service) publicPhoto(ctx context.Context, projectID, attachmentID int64) (community int64, ok bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT p.community_id FROM projects p JOIN project_photos f ON f.project_id = p.id
		WHERE p.id = ? AND f.attachment_id = ? AND p.public = 1 AND p.phase = ?`, projectID, attachmentID, InService).Scan(&community)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return community, err == nil, err
}

// HappinessCounts counts, per community, the projects HappinessEntries
// would list, in one query (the public index of happiness lists).
func (s *Service) HappinessCounts(ctx context.Context) (map[int64]int, error) {
	return s.db.Counts(ctx, `SELECT community_id, COUNT(*) FROM projects WHERE phase = ? AND public = 1 GROUP BY community_id`, InService)
}
