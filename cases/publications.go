package cases

// The reads and writes the happiness list runs on cases' tables. A closed
// case its reporter marked public reaches the list only with a publication
// (case_publications) approved at or after its last closing: the reporter
// says "may be shown", staff decide what is shown. Which text is allowed
// (scrubbing, lengths) and who may approve is the happiness capability's
// rule; the rows and the conditions on a case live here, with the cases.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"linli"
	"linli/storage"
)

// PublicCase is a closed case its reporter made public, as the happiness
// list shows or proposes it.
type PublicCase struct {
	ID          int64
	Number      string
	Title       string // the reporter's title, as written
	CommunityID int64
	LocationID  int64
	CreatedAt   time.Time
	HandledAt   time.Time
	ClosedAt    time.Time
	Rating      Rating
	Lat, Lon    float64 // its map point, if any (listed cases only)
	Category    string  // the category's name
	Note        string  // the latest public handling note, trimmed (pending cases only)
	// The approved publication, if any (for a pending case: one approved
	// for an earlier closing).
	Published  bool
	PubTitle   string
	PubSummary string
}

// publicClosed is the condition on cases c for a case that may be listed:
// closed, marked public by its reporter, not merged.
const publicClosed = `c.public = 1 AND c.state = '` + string(Closed) + `' AND c.merged_into = 0`

// listed adds: its public text approved since it was (last) closed.
const listed = publicClosed + ` AND p.approved_at >= c.closed_at`

// ListedCases returns the community's cases on the happiness list, newest
// closing first, at most limit.
func (s *Service) ListedCases(ctx context.Context, q storage.Querier, communityID int64, limit int) ([]PublicCase, error) {
	return storage.Select(ctx, q, func(r *sql.Rows) (PublicCase, error) {
		var c PublicCase
		var created, handled, closed, lat, lon int64
		err := r.Scan(&c.ID, &c.Number, &c.Title, &c.CommunityID, &c.LocationID, &created, &handled, &closed, &c.Rating,
			&c.PubTitle, &c.PubSummary, &lat, &lon)
		c.CreatedAt, c.HandledAt, c.ClosedAt, c.Published = storage.FromMillis(created), storage.FromMillis(handled), storage.FromMillis(closed), true
		c.Lat, c.Lon = float64(lat)/1e6, float64(lon)/1e6
		return c, err
	}, `SELECT c.id, c.number, c.title, c.community_id, c.location_id, c.created_at, c.handled_at, c.closed_at, c.rating, p.title, p.summary,
		c.lat_e6, c.lon_e6
		FROM cases c JOIN case_publications p ON p.case_id = c.id
		WHERE c.community_id = ? AND `+listed+`
		ORDER BY c.closed_at DESC, c.id DESC LIMIT `+fmt.Sprint(limit), communityID)
}

// ListedCounts counts the cases on the happiness list of every community
// (communities without any are left out).
func (s *Service) ListedCounts(ctx context.Context, q storage.Querier) (map[int64]int, error) {
	out := map[int64]int{}
	err := storage.Each(ctx, q, func(r *sql.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		out[id] = n
		return err
	}, listedCountsSQL)
	return out, err
}

// listedCountsSQL reads from the publications, the few cases staff
// approved, and looks each case up by its key: read from the cases, it
// walked every public case of the city (5.4 s at a million cases) for the
// public index /happiness. CROSS JOIN keeps SQLite from turning the join
// around; PostgreSQL plans it as the inner join it is.
const listedCountsSQL = `SELECT c.community_id, COUNT(*) FROM case_publications p CROSS JOIN cases c
		WHERE c.id = p.case_id AND ` + listed + ` GROUP BY c.community_id`

// IsListed reports whether the case is on the community's happiness list
// now.
func (s *Service) IsListed(ctx context.Context, q storage.Querier, caseID, communityID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM cases c JOIN case_publications p ON p.case_id = c.id
		WHERE c.id = ? AND c.community_id = ? AND `+listed, caseID, communityID).Scan(&n)
	return n > 0, err
}

// PendingPublic returns the community's closed public cases waiting for
// approval of their public text, oldest closing first, at most limit, each
// with its category's name and latest public handling note: two queries
// whatever the number of cases.
func (s *Service) PendingPublic(ctx context.Context, q storage.Querier, communityID int64, limit int) ([]PublicCase, error) {
	out, err := storage.Select(ctx, q, func(r *sql.Rows) (PublicCase, error) {
		var c PublicCase
		var created, handled, closed int64
		var pub sql.NullInt64
		err := r.Scan(&c.ID, &c.Number, &c.Title, &c.CommunityID, &c.LocationID, &created, &handled, &closed, &c.Rating, &c.Category, &pub)
		c.CreatedAt, c.HandledAt, c.ClosedAt, c.Published = storage.FromMillis(created), storage.FromMillis(handled), storage.FromMillis(closed), pub.Valid
		return c, err
	}, `SELECT c.id, c.number, c.title, c.community_id, c.location_id, c.created_at, c.handled_at, c.closed_at, c.rating, g.name, p.case_id
		FROM cases c JOIN categories g ON g.id = c.category_id
		LEFT JOIN case_publications p ON p.case_id = c.id
		WHERE c.community_id = ? AND `+publicClosed+`
			AND (p.case_id IS NULL OR p.approved_at < c.closed_at)
		ORDER BY c.closed_at, c.id LIMIT `+fmt.Sprint(limit), communityID)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	// The notes come in event order, so the last one kept per case is its
	// latest.
	notes := map[int64]string{}
	err = storage.Each(ctx, q, func(r *sql.Rows) error {
		var id int64
		var note string
		err := r.Scan(&id, &note)
		notes[id] = note
		return err
	}, `SELECT case_id, note FROM case_events WHERE case_id IN (`+storage.Placeholders(len(ids))+`) AND action = ? AND public = 1 ORDER BY case_id, id`,
		append(storage.Args(ids), string(ActHandle))...)
	for i := range out {
		out[i].Note = strings.TrimSpace(notes[out[i].ID])
	}
	return out, err
}

// PublicState is what the happiness list checks before approving a case's
// public text: its community, and whether it is closed, public and not
// merged. An unknown case is a 404.
func (s *Service) PublicState(ctx context.Context, q storage.Querier, caseID int64) (communityID int64, listable bool, err error) {
	var public int
	var state string
	var merged int64
	err = q.QueryRow(ctx, `SELECT community_id, public, state, merged_into FROM cases WHERE id = ?`, caseID).
		Scan(&communityID, &public, &state, &merged)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, linli.Wrap(err, linli.ENotFound, "诉求不存在 / case not found")
	}
	return communityID, err == nil && public == 1 && state == string(Closed) && merged == 0, err
}

// InCommunity reports whether the case belongs to the community.
func (s *Service) InCommunity(ctx context.Context, q storage.Querier, caseID, communityID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE id = ? AND community_id = ?`, caseID, communityID).Scan(&n)
	return n > 0, err
}

// Publication is a case's approved public text.
type Publication struct {
	CaseID      int64
	CommunityID int64
	Title       string
	Summary     string
	ApprovedBy  int64
	ApprovedAt  time.Time
}

// PublicationOf returns the case's publication; a case without one is a
// 404.
func (s *Service) PublicationOf(ctx context.Context, q storage.Querier, caseID int64) (Publication, error) {
	p := Publication{CaseID: caseID}
	var at int64
	err := q.QueryRow(ctx, `SELECT community_id, title, summary, approved_by, approved_at FROM case_publications WHERE case_id = ?`, caseID).
		Scan(&p.CommunityID, &p.Title, &p.Summary, &p.ApprovedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, linli.Wrap(err, linli.ENotFound, "该诉求不在幸福清单上 / case not on the list")
	}
	p.ApprovedAt = storage.FromMillis(at)
	return p, err
}

// Publish stores p as the case's public text, replacing an earlier one, in
// the caller's transaction (which writes the audit row).
func Publish(ctx context.Context, tx *storage.Tx, p Publication) error {
	if err := Unpublish(ctx, tx, p.CaseID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO case_publications (case_id, community_id, title, summary, approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.CaseID, p.CommunityID, p.Title, p.Summary, p.ApprovedBy, storage.Millis(p.ApprovedAt))
	return err
}

// Unpublish removes the case's public text in the caller's transaction.
func Unpublish(ctx context.Context, tx *storage.Tx, caseID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM case_publications WHERE case_id = ?`, caseID)
	return err
}
