package notices

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"linli"
	"linli/storage"
)

// ListFilter narrows a list.
type ListFilter struct {
	Limit int
}

// List returns the notices the actor sees: staff those of their scopes
// (publishing or following up) with the reach of their part; a recipient
// the published ones addressed to them, unread first.
func (s *Service) List(ctx context.Context, a *linli.Actor, f ListFilter) ([]Listed, error) {
	if a == nil {
		return nil, nil
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	var ors []string
	var args []any
	for _, sc := range append(publishScopes(a), followScopes(a)...) {
		ors = append(ors, "path LIKE ? OR ? LIKE path || '%'")
		args = append(args, sc+"%", sc)
	}
	mine := "account_id = ?"
	margs := []any{a.AccountID}
	if hs := residentHouseholds(a); len(hs) > 0 {
		mine += " OR (account_id = 0 AND household_id IN (" + storage.Placeholders(len(hs)) + "))"
		margs = append(margs, storage.Args(hs)...)
	}
	ors = append(ors, "id IN (SELECT notice_id FROM notice_recipients WHERE "+mine+")")
	args = append(args, margs...)
	args = append(args, f.Limit)
	ns, err := storage.Select(ctx, s.db, func(r *sql.Rows) (Notice, error) { return scanNotice(r) },
		`SELECT `+noticeColumns+` FROM notices WHERE `+strings.Join(ors, " OR ")+` ORDER BY publish_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	var out []Listed
	for _, n := range ns {
		if n.Targets, err = s.targets(ctx, s.db, n.ID); err != nil {
			return nil, err
		}
		x, err := s.accessTo(ctx, s.db, a, n)
		if err != nil {
			return nil, err
		}
		if !x.manage && len(x.follow) == 0 && !x.mine {
			continue
		}
		l := Listed{Notice: n}
		if x.manage || len(x.follow) > 0 {
			rs, err := s.rows(ctx, s.db, n, x, false)
			if err != nil {
				return nil, err
			}
			r := reachOf(rs)
			l.Reach = &r
		}
		if x.mine {
			d, err := s.detail(ctx, a, n, access{mine: true})
			if err != nil {
				return nil, err
			}
			l.Status = d.Mine
			l.Unread = d.Mine != nil && d.Mine.rank() < Read.rank()
		}
		out = append(out, l)
	}
	slices.SortStableFunc(out, func(x, y Listed) int {
		if x.Unread != y.Unread {
			if x.Unread {
				return -1
			}
			return 1
		}
		return 0
	})
	return out, nil
}
