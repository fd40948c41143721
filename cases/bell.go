package cases

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"linli"
	"linli/live"
	"linli/storage"
	"linli/web"
)

// The bell, live. Every page of a logged-in account follows a stream of
// its own (GET /notifications/live, package live): when a notification
// is written for the account, or the account reads some, the service
// publishes an event on the account's topic once the transaction
// committed, and the hub carries it to the account's open pages on this
// replica and, through its relay (PostgreSQL NOTIFY, sent on the relay's
// own goroutine, outside the writer's transaction), on the others.
//
// The event says only "your bell changed"; the page then reads its count
// and newest unread notification (GET /notifications/unread), so the
// writer pays no query for it: the count is read by the pages that are
// open, and only by them. For the same reason a bell stream keeps no
// history: a page that (re)connects reads the count afresh, which covers
// whatever it missed while away, so where a reconnecting browser says it
// was is ignored and the ids of different replicas need not be ordered.
//
// A notification for many accounts at once (a notice to a community) is
// one event on bellAll, which every open bell hears and answers by
// reading its count, instead of one event per account through the relay.

// BellEvent is the SSE event name of a bell stream.
const BellEvent = "bell"

// bellAll is the topic every bell stream hears; ringEach is the most
// accounts one write rings one by one (above it, bellAll rings).
const (
	bellAll  = "bell/all"
	ringEach = 64
)

// BellTopic is the live topic of one account's bell.
func BellTopic(account int64) string { return "bell/" + strconv.FormatInt(account, 10) }

// SetBell hands the service the hub its bells ring on; nil (the default)
// serves no stream, and the bell changes when a page is loaded. Call it at
// start-up, before serving.
func (s *Service) SetBell(h *live.Hub) { s.bell = h }

// bellSeq numbers the bell's events: only > 0 and distinct matters (the
// page skips an id it handled), so the time in nanoseconds, kept growing.
var bellSeq atomic.Int64

func nextBellID() int64 {
	for {
		last := bellSeq.Load()
		id := max(last+1, time.Now().UnixNano())
		if bellSeq.CompareAndSwap(last, id) {
			return id
		}
	}
}

// ring tells the open pages of accounts that their bell changed, once tx
// committed (never if it rolls back). s may be nil: no bell.
func (s *Service) ring(tx *storage.Tx, accounts []int64) {
	if s == nil || s.bell == nil || len(accounts) == 0 {
		return
	}
	hub := s.bell
	topics := []string{bellAll}
	if len(accounts) <= ringEach {
		topics = make([]string, len(accounts))
		for i, a := range accounts {
			topics[i] = BellTopic(a)
		}
	}
	tx.AfterCommit(func() {
		for _, t := range topics {
			hub.Publish(live.Event{ID: nextBellID(), Topic: t, Type: BellEvent, Data: []byte("{}")})
		}
	})
}

// bellStream serves the actor's bell: its own topic and bellAll, never
// another account's.
func (s *Service) bellStream(w http.ResponseWriter, r *http.Request) error {
	if s.bell == nil {
		return linli.Errorf(linli.ENotFound, "实时推送未启用 / live stream not enabled")
	}
	a := web.ActorFrom(r.Context())
	if a == nil || a.AccountID == 0 {
		return linli.Errorf(linli.EUnauthorized, "请先登录 / log in first")
	}
	// No history to resume from: the page reads the count on each open.
	r = r.WithContext(r.Context()) // a copy, whose URL is this handler's to change
	r.Header.Del("Last-Event-ID")
	u := *r.URL
	u.RawQuery = ""
	r.URL = &u
	s.bell.Serve(w, r, []string{BellTopic(a.AccountID), bellAll}, nil)
	return nil
}

// BellState is what the bell shows: the unread count and the newest
// unread notification, in the reader's language.
type BellState struct {
	Unread int    `json:"unread"`
	Latest string `json:"latest,omitempty"`
	URL    string `json:"url,omitempty"`
}

// Bell reads the actor's bell.
func (s *Service) Bell(r *http.Request, a *linli.Actor) (BellState, error) {
	var b BellState
	ctx := r.Context()
	var err error
	if b.Unread, err = s.Unread(ctx, a); err != nil || b.Unread == 0 {
		return b, err
	}
	var n Notification
	if err := s.DB.QueryRow(ctx, `SELECT kind, ref_kind, ref_id, text, text_en FROM notifications WHERE account_id = ? AND read_at = 0 ORDER BY id DESC LIMIT 1`,
		a.AccountID).Scan(&n.Kind, &n.RefKind, &n.RefID, &n.Text, &n.TextEN); err != nil {
		return b, err
	}
	if en := s.notifyEN[n.Kind]; n.TextEN == "" && en != nil {
		n.TextEN = en(n.Text)
	}
	b.Latest, b.URL = n.TextIn(web.Lang(r)), n.URL()
	return b, nil
}

func (s *Service) bellNow(w http.ResponseWriter, r *http.Request) error {
	b, err := s.Bell(r, web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}
