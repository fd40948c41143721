package notices

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"linli"
	"linli/storage"
)

// ListFilter narrows a list.
type ListFilter struct {
	Limit int
	// Unread keeps the notices the reader has still to read (or to
	// acknowledge); Follow those with recipients still to reach. Both
	// leave out what is no longer in force (current).
	Unread, Follow bool
}

// current reports whether a notice is still in force: published, not
// expired, and for a warning, within its validity.
func current(n Notice, now time.Time) bool {
	if n.State != Published || n.Expired(now) {
		return false
	}
	return n.Urgency != Warning || n.ValidUntil.IsZero() || now.Before(n.ValidUntil)
}

// awaitsMe: the reader has still to read it, or to acknowledge it.
func (l Listed) awaitsMe() bool {
	return l.Status != nil && (l.Unread || (l.AckRequired && *l.Status != Acknowledged))
}

// toFollow: some recipients in the reader's part are still to reach.
func (l Listed) toFollow() bool {
	return l.Reach != nil && l.Reach.Total > 0 && l.Reach.Reached < l.Reach.Total
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
		if (f.Unread && !l.awaitsMe()) || (f.Follow && !l.toFollow()) || ((f.Unread || f.Follow) && !current(n, s.now())) {
			continue
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
