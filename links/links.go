// Package links records what came out of what across capabilities: the
// case a meeting's follow-up action became, the complaint cases raised
// during a project's construction, the mediation opened from a case, the
// votes held for a project. Each capability owns its tables; a link only
// names two records (kind and id) and the relation, so a meeting page can
// list its cases and the case page can link back, without either package
// importing the other.
//
// Showing a link needs a title, an address and a permission check, which
// only the owning capability can give: each registers a [Resolver] for its
// kind on the [Registry], and [Registry.Items] drops whatever the actor may
// not see.
package links

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/storage"
)

// Kinds of records that take part in links.
const (
	KindCase     = "case"
	KindProject  = "project"
	KindVote     = "vote"
	KindMeeting  = "meeting"
	KindAction   = "action" // a meeting's follow-up action
	KindVisit    = "visit"
	KindDispute  = "dispute" // a people's mediation
	KindCostPlan = "cost_plan"
)

// Ref names one record: "case:12".
type Ref struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

func (r Ref) String() string { return r.Kind + ":" + strconv.FormatInt(r.ID, 10) }

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r.Kind == "" || r.ID == 0 }

// Parse reads "kind:id".
func Parse(s string) (Ref, error) {
	kind, id, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || kind == "" || err != nil || n <= 0 {
		return Ref{}, fmt.Errorf("links: %q is not kind:id", s)
	}
	return Ref{Kind: kind, ID: n}, nil
}

// Link is one stored link. Rel says what To is to From ("action": the case
// is a meeting's follow-up action; "complaint": a complaint during a
// project; "mediation": the dispute opened from a case; "vote"; "meeting").
type Link struct {
	From      Ref       `json:"from"`
	To        Ref       `json:"to"`
	Rel       string    `json:"rel"`
	CreatedAt time.Time `json:"created_at"`
}

// Add records a link in the caller's transaction; adding the same link
// twice is not an error.
func Add(ctx context.Context, tx *storage.Tx, from, to Ref, rel string, at time.Time) error {
	if from.IsZero() || to.IsZero() || rel == "" {
		return fmt.Errorf("links: incomplete link %v → %v (%q)", from, to, rel)
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM links WHERE from_kind = ? AND from_id = ? AND to_kind = ? AND to_id = ? AND rel = ?`,
		from.Kind, from.ID, to.Kind, to.ID, rel).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO links (from_kind, from_id, to_kind, to_id, rel, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		from.Kind, from.ID, to.Kind, to.ID, rel, storage.Millis(at))
	return err
}

// Remove deletes every link touching ref, either way, in the caller's
// transaction: for a record that is itself deleted.
func Remove(ctx context.Context, tx *storage.Tx, ref Ref) error {
	_, err := tx.Exec(ctx, `DELETE FROM links WHERE (from_kind = ? AND from_id = ?) OR (to_kind = ? AND to_id = ?)`, ref.Kind, ref.ID, ref.Kind, ref.ID)
	return err
}

// List returns every link touching ref, either way, oldest first.
func List(ctx context.Context, db *storage.DB, ref Ref) ([]Link, error) {
	return storage.Select(ctx, db, func(rows *sql.Rows) (Link, error) {
		var l Link
		var at int64
		if err := rows.Scan(&l.From.Kind, &l.From.ID, &l.To.Kind, &l.To.ID, &l.Rel, &at); err != nil {
			return l, err
		}
		l.CreatedAt = storage.FromMillis(at)
		return l, nil
	}, `SELECT from_kind, from_id, to_kind, to_id, rel, created_at FROM links
		WHERE (from_kind = ? AND from_id = ?) OR (to_kind = ? AND to_id = ?) ORDER BY created_at, id`, ref.Kind, ref.ID, ref.Kind, ref.ID)
}

// Item is a linked record as a page shows it.
type Item struct {
	Ref   Ref       `json:"ref"`
	Rel   string    `json:"rel"`
	Out   bool      `json:"outgoing"` // true: the record came out of the one asked about
	Title string    `json:"title"`
	URL   string    `json:"url"`
	State string    `json:"state,omitempty"` // e.g. "已办结 closed"
	At    time.Time `json:"at"`
	// TitleEN is the title on English pages where its owner words it
	// (a visit's "2 Mar 2026 visit: Oppose"); empty keeps Title.
	TitleEN string `json:"-"`
	// Path is the place of the record (a node path) where its owner knows
	// one: a vote's scope, a project's community, a dispute's place. Used
	// to keep what refers to it in the same community; never shown.
	Path string `json:"-"`
}

// TitleIn is the item's title in the language.
func (i Item) TitleIn(lang string) string {
	if lang == "en" && i.TitleEN != "" {
		return i.TitleEN
	}
	return i.Title
}

// Resolver describes records of one kind the actor may see; ids the actor
// may not see (or that are gone) are left out of the map.
type Resolver func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]Item, error)

// Registry resolves links for display. It is filled at start-up.
type Registry struct {
	DB        *storage.DB
	resolvers map[string]Resolver
}

// Register sets the resolver of a kind.
func (r *Registry) Register(kind string, f Resolver) {
	if r.resolvers == nil {
		r.resolvers = map[string]Resolver{}
	}
	r.resolvers[kind] = f
}

// Visible reports whether ref names a record the actor may see: the
// resolver registered for its kind describes it. A kind without a resolver
// is not visible — nothing can vouch for the record — so a capability that
// checks a reference before storing it refuses what it cannot check. (A
// Registry built by hand must have the resolvers of the kinds it is asked
// about registered, as cmd/linli does through each capability's Register.)
func (r *Registry) Visible(ctx context.Context, a *linli.Actor, ref Ref) (bool, error) {
	_, ok, err := r.Describe(ctx, a, ref)
	return ok, err
}

// Describe returns the record ref names as the actor may see it (its
// title, for a form that shows what was chosen); ok is false when the
// actor may not see it, as for Visible.
func (r *Registry) Describe(ctx context.Context, a *linli.Actor, ref Ref) (Item, bool, error) {
	if r == nil || ref.IsZero() {
		return Item{}, false, nil
	}
	f := r.resolvers[ref.Kind]
	if f == nil {
		return Item{}, false, nil
	}
	m, err := f(ctx, a, []int64{ref.ID})
	if err != nil {
		return Item{}, false, err
	}
	it, ok := m[ref.ID]
	return it, ok, nil
}

// Items returns the records linked to ref that the actor may see, grouped
// by relation and then oldest first.
func (r *Registry) Items(ctx context.Context, a *linli.Actor, ref Ref) ([]Item, error) {
	if r == nil || r.DB == nil {
		return nil, nil
	}
	ls, err := List(ctx, r.DB, ref)
	if err != nil {
		return nil, err
	}
	type want struct {
		other Ref
		link  Link
	}
	byKind := map[string][]int64{}
	var wants []want
	for _, l := range ls {
		other := l.To
		if l.To == ref {
			other = l.From
		}
		byKind[other.Kind] = append(byKind[other.Kind], other.ID)
		wants = append(wants, want{other, l})
	}
	found := map[Ref]Item{}
	for kind, ids := range byKind {
		f := r.resolvers[kind]
		if f == nil {
			continue
		}
		m, err := f(ctx, a, ids)
		if err != nil {
			return nil, err
		}
		for id, it := range m {
			found[Ref{kind, id}] = it
		}
	}
	var out []Item
	for _, w := range wants {
		it, ok := found[w.other]
		if !ok {
			continue
		}
		it.Ref, it.Rel, it.Out = w.other, w.link.Rel, w.link.From == ref
		if it.At.IsZero() {
			it.At = w.link.CreatedAt
		}
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })
	return out, nil
}
