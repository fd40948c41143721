package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/outbox"
	"linli/storage"
)

// The event types a subscription may want.
const (
	CaseCreated         = "case.created"          // a case was reported
	CaseStateChanged    = "case.state_changed"    // a case moved to another state
	CaseEscalated       = "case.escalated"        // a level or department was called in (吹哨, automatic or by staff)
	CaseOverdue         = "case.overdue"          // a case passed its deadline
	CaseRated           = "case.rated"            // the reporter rated a closed case
	ProjectPhaseChanged = "project.phase_changed" // a livelihood project entered its next phase
	VoteClosed          = "vote.closed"           // a consent vote closed (by a manager or at its time)
	NoticePublished     = "notice.published"      // a notice was published
)

// Version is the version of the bodies this release sends. A change that
// removes or renames a field makes a new version; new fields do not.
const Version = 1

// Types lists every event type, in the order the pages show them.
func Types() []string {
	return []string{CaseCreated, CaseStateChanged, CaseEscalated, CaseOverdue, CaseRated, ProjectPhaseChanged, VoteClosed, NoticePublished}
}

// ValidType reports whether t names an event type.
func ValidType(t string) bool { return slices.Contains(Types(), t) }

// Event is one event as an emitter hands it over.
type Event struct {
	Type        string
	At          time.Time
	Path        string // the node path of the event's place (a case's location): the scopes it falls in
	CommunityID int64  // the community whose staff see the deliveries on /outbox
	Subject     string // what it is about: "case:42", "project:3", "vote:7", "notice:5"
	Data        any    // one of CaseData, ProjectData, VoteData, NoticeData
}

// Body is the JSON a receiver gets.
type Body struct {
	Type       string    `json:"type"`
	Version    int       `json:"version"`
	ID         string    `json:"id"` // the event's id: the same for every subscription and every try
	OccurredAt time.Time `json:"occurred_at"`
	Subject    string    `json:"subject"`
	Data       any       `json:"data"`
}

// CaseData is the data of the case.* events.
type CaseData struct {
	CaseID      int64     `json:"case_id"`
	Number      string    `json:"number"`
	State       string    `json:"state"`
	CategoryID  int64     `json:"category_id"`
	Category    string    `json:"category"`
	Source      string    `json:"source"`
	Priority    string    `json:"priority"`
	Public      bool      `json:"public"`
	CommunityID int64     `json:"community_id"`
	GridID      int64     `json:"grid_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	ResolveDue  time.Time `json:"resolve_due,omitempty,omitzero"`
	// case.state_changed
	FromState string `json:"from_state,omitempty"`
	Action    string `json:"action,omitempty"`
	// case.escalated
	EscalationLevel int    `json:"escalation_level,omitempty"`
	Level           string `json:"level,omitempty"` // community, street, district or department:CODE
	Automatic       bool   `json:"automatic,omitempty"`
	// case.rated
	Rating string `json:"rating,omitempty"`
}

// ProjectData is the data of project.phase_changed.
type ProjectData struct {
	ProjectID   int64  `json:"project_id"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	CommunityID int64  `json:"community_id"`
	Phase       string `json:"phase"`
	FromPhase   string `json:"from_phase"`
}

// VoteData is the data of vote.closed.
type VoteData struct {
	VoteID      int64     `json:"vote_id"`
	Title       string    `json:"title"`
	CommunityID int64     `json:"community_id"`
	ScopeID     int64     `json:"scope_id"`
	ProjectID   int64     `json:"project_id,omitempty"`
	ClosedAt    time.Time `json:"closed_at"`
	// Tally is the count over the electorate frozen at closing, as the
	// vote's page shows it (added in version 1: a new field).
	Tally VoteTally `json:"tally"`
}

// VoteTally is a closed vote's count (Civil Code art. 278: participation
// by ≥ 2/3 of the exclusive area and of the owners; approval by more than
// half, or 3/4, of the participating area and owners). Households count
// ballots by flat; owners count an owner of several flats once; areas are
// in 0.01 m². Shares are fractions (0–1, four decimals): participation of
// the whole, approval of those taking part. No household or owner is named.
type VoteTally struct {
	Households              int     `json:"households"`
	For                     int     `json:"for"`
	Against                 int     `json:"against"`
	Abstain                 int     `json:"abstain"`
	NoBallot                int     `json:"no_ballot"`
	TotalOwners             int64   `json:"total_owners"`
	ParticipatingOwners     int64   `json:"participating_owners"`
	AgreeOwners             int64   `json:"agree_owners"`
	TotalAreaCenti          int64   `json:"total_area_centi"`
	ParticipatingAreaCenti  int64   `json:"participating_area_centi"`
	AgreeAreaCenti          int64   `json:"agree_area_centi"`
	ParticipationAreaShare  float64 `json:"participation_area_share"`
	ParticipationOwnerShare float64 `json:"participation_owner_share"`
	ApprovalAreaShare       float64 `json:"approval_area_share"`
	ApprovalOwnerShare      float64 `json:"approval_owner_share"`
	// Passed: the decision is valid (participation, approval, and where the
	// vote requires them unanimity and the named households' consent).
	Passed bool `json:"passed"`
}

// Share is part/whole as a fraction to four decimals, 0 for an empty whole.
func Share(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(float64(part)/float64(whole)*1e4) / 1e4
}

// NoticeData is the data of notice.published.
type NoticeData struct {
	NoticeID    int64     `json:"notice_id"`
	Title       string    `json:"title"`
	Urgency     string    `json:"urgency"`
	CommunityID int64     `json:"community_id,omitempty"`
	Public      bool      `json:"public"`
	PublishedAt time.Time `json:"published_at"`
}

// Recipient is the outbox recipient of a subscription's deliveries.
func Recipient(subscriptionID int64) string {
	return "subscription:" + strconv.FormatInt(subscriptionID, 10)
}

// subscriptionOf parses Recipient; ok=false for another recipient.
func subscriptionOf(recipient string) (int64, bool) {
	s, ok := strings.CutPrefix(recipient, "subscription:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Emit fans e out to the subscriptions that want it, in tx.
func Emit(ctx context.Context, tx *storage.Tx, e Event) error {
	return EmitFunc(ctx, tx, e.Type, func() (Event, error) { return e, nil })
}

// EmitFunc is Emit for an emitter whose event costs a read to build: load
// is called only when an enabled subscription wants the type. Which do is
// decided from the process's cache of subscriptions (cache.go), so a
// deployment without subscriptions reads nothing per event.
func EmitFunc(ctx context.Context, tx *storage.Tx, typ string, load func() (Event, error)) error {
	subs, err := txCache(tx).wanting(ctx, tx, typ)
	if err != nil || len(subs) == 0 {
		return err
	}
	e, err := load()
	if err != nil {
		return err
	}
	e.Type = typ
	var id [12]byte
	_, _ = rand.Read(id[:])
	b := Body{Type: typ, Version: Version, ID: "evt_" + hex.EncodeToString(id[:]), OccurredAt: e.At.UTC().Truncate(time.Millisecond), Subject: e.Subject, Data: e.Data}
	js, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("webhooks: encode %s: %w", typ, err)
	}
	for _, s := range subs {
		if !s.covers(e.Path) {
			continue
		}
		if _, err := outbox.Enqueue(ctx, tx, e.At, outbox.Message{Channel: outbox.Webhook, To: Recipient(s.id), NodeID: e.CommunityID,
			Kind: typ, Ref: e.Subject, Body: js, DedupKey: b.ID + "." + strconv.FormatInt(s.id, 10)}); err != nil {
			return err
		}
	}
	return nil
}

// wanted is an enabled subscription wanting a type, with its scope.
type wanted struct {
	id    int64
	paths []string // none: everywhere
}

func (w wanted) covers(path string) bool {
	if len(w.paths) == 0 {
		return true
	}
	for _, p := range w.paths {
		if path != "" && linli.Within(path, p) {
			return true
		}
	}
	return false
}
