package happiness

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/audit"
	"linli/links"
	"linli/storage"
)

// Kinds of thanks.
const (
	ThanksBanner = "banner" // 锦旗
	ThanksLetter = "letter" // 感谢信
)

// thanksLabels are the Chinese names of the kinds of thanks.
var thanksLabels = map[string]string{ThanksBanner: "锦旗", ThanksLetter: "感谢信"}

// ThanksInput records a banner or letter a community received.
type ThanksInput struct {
	Kind string    `json:"kind"` // banner or letter
	From string    `json:"from"` // how the givers sign: "3单元全体居民"
	Text string    `json:"text"` // "为民办实事 电梯暖人心"
	At   time.Time `json:"at"`   // when it was received; zero: now
}

const (
	maxFrom = 40
	maxText = 200
)

func (in *ThanksInput) validate(now time.Time) error {
	var v linli.Validation
	in.Kind, in.From, in.Text = strings.TrimSpace(in.Kind), strings.TrimSpace(in.From), strings.TrimSpace(in.Text)
	if in.Kind != ThanksBanner && in.Kind != ThanksLetter {
		v.Add("kind", "应为锦旗（banner）或感谢信（letter）/ must be banner or letter")
	}
	switch {
	case in.From == "":
		v.Add("from", "请填写赠送方 / say who gave it")
	case utf8.RuneCountInString(in.From) > maxFrom:
		v.Add("from", fmt.Sprintf("不超过%d字 / at most %d characters", maxFrom, maxFrom))
	case Scrub(in.From) != in.From:
		// The list is public: no phone or room numbers.
		v.Add("from", "请勿填写电话或房号 / no phone or room numbers: the list is public")
	}
	switch {
	case in.Text == "":
		v.Add("text", "请填写内容 / the text is required")
	case utf8.RuneCountInString(in.Text) > maxText:
		v.Add("text", fmt.Sprintf("不超过%d字 / at most %d characters", maxText, maxText))
	case Scrub(in.Text) != in.Text:
		v.Add("text", "请勿填写电话或房号 / no phone or room numbers: the list is public")
	}
	if in.At.IsZero() {
		in.At = now
	} else if in.At.After(now.Add(5 * time.Minute)) {
		v.Add("at", "不能晚于现在 / cannot be in the future")
	}
	return v.Err()
}

// AddThanks records a banner or letter received for a completed project
// or a resolved case of the community. Needs PermCasesManage or
// PermProjectsManage on the community; the project, case or dispute must
// belong to it (422 naming "subject" otherwise), and a project must be
// visible to the recorder through its link resolver.
func (s *Service) AddThanks(ctx context.Context, a *linli.Actor, communityID int64, subject links.Ref, in ThanksInput) (Thanks, error) {
	c, _, err := s.community(ctx, communityID)
	if err != nil {
		return Thanks{}, err
	}
	if !a.Can(linli.PermCasesManage, c.Path) && !a.Can(linli.PermProjectsManage, c.Path) {
		return Thanks{}, linli.Errorf(linli.EForbidden, "无权为该社区登记感谢 / not allowed to record thanks for this community")
	}
	now := s.clock.Now()
	verr := in.validate(now)
	var v linli.Validation
	switch subject.Kind {
	case links.KindProject, links.KindCase, links.KindDispute:
		// The three tables carry the community; a mediation is thanked as
		// often as the case behind it.
		table := map[string]string{links.KindProject: "projects", links.KindCase: "cases", links.KindDispute: "disputes"}[subject.Kind]
		var cid int64
		err := s.db.QueryRow(ctx, `SELECT community_id FROM `+table+` WHERE id = ?`, subject.ID).Scan(&cid)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && cid != c.ID) {
			v.Add("subject", "该社区没有这条记录 / no such record in this community")
			break
		} else if err != nil {
			return Thanks{}, err
		}
		if subject.Kind != links.KindProject {
			break
		}
		// A project is also one the recorder may see, as its owner says.
		ok, err := s.links.Visible(ctx, a, subject)
		if err != nil {
			return Thanks{}, err
		}
		if !ok {
			v.Add("subject", "该社区没有这条记录 / no such record in this community")
		}
	default:
		v.Add("subject", "应为 project:ID、case:ID 或 dispute:ID / must be project:ID, case:ID or dispute:ID")
	}
	if subject.ID <= 0 && len(v.Fields) == 0 {
		v.Add("subject", "应为 project:ID、case:ID 或 dispute:ID / must be project:ID, case:ID or dispute:ID")
	}
	if err := v.AddErr(verr); err != nil {
		return Thanks{}, err
	}
	if err := v.Err(); err != nil {
		return Thanks{}, err
	}
	t := Thanks(in)
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		id, err := tx.Insert(ctx, `INSERT INTO thanks (community_id, subject_kind, subject_id, kind, from_name, text, at, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, subject.Kind, subject.ID, t.Kind, t.From, t.Text, storage.Millis(t.At), a.AccountID, storage.Millis(now))
		if err != nil {
			return err
		}
		what := thanksLabels[t.Kind]
		return audit.Record(ctx, tx, a, now, audit.Change{Action: "thanks.create", Entity: "thanks", EntityID: id, ScopePath: c.Path,
			Summary: fmt.Sprintf("登记%s（%s）：%s", what, subject, t.Text), After: t})
	})
	return t, err
}
