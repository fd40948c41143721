package votes

import (
	"time"

	"linli/consent"
	"linli/links"
	"linli/registry"
)

// States of a vote, from its times and whether a manager closed it.
const (
	StatePending = "pending" // before opens_at
	StateOpen    = "open"
	StateClosed  = "closed" // closed by a manager, or closes_at passed
)

// How a ballot was collected.
const (
	MethodPaper  = "paper"  // on paper in person, recorded by staff with the collector's name
	MethodOnline = "online" // cast by the owner's own account
)

// Resolution recorded when the owner of a household that objected changes
// its ballot to agree online.
const ResolutionAgreed = "改投同意 / changed the ballot to agree"

// ResolutionStaffAgreed begins the resolution recorded when staff record
// an agree paper ballot with a reason for a household that objected (the
// reason follows).
const ResolutionStaffAgreed = "工作人员登记改投同意 / staff recorded a change to agree"

// Vote is one consent vote of the households under a unit or a building.
// Times not reached are the zero time. SnapshotAt is when the electorate
// was frozen (the vote closed, or was first read after closes_at): a
// closed vote is counted over the households, areas and floors the
// register held then, a pending or open one over the register as it is.
type Vote struct {
	ID          int64          `json:"id"`
	CommunityID int64          `json:"community_id"`
	ScopeID     int64          `json:"scope_id"`
	Scope       string         `json:"scope"`      // "荟萃花园南区1号楼3单元"
	ScopeKind   registry.Kind  `json:"scope_kind"` // unit or building
	Path        string         `json:"path"`
	ProjectID   int64          `json:"project_id"` // 0: no project
	Title       string         `json:"title"`
	Matter      consent.Matter `json:"matter"`
	Unanimous   bool           `json:"unanimous"`
	Required    []int64        `json:"required_household_ids"`
	OpensAt     time.Time      `json:"opens_at"`
	ClosesAt    time.Time      `json:"closes_at"`
	ClosedAt    time.Time      `json:"closed_at"`
	State       string         `json:"state"`
	CreatedBy   string         `json:"created_by"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	SnapshotAt  time.Time      `json:"snapshot_at"` // electorate frozen (zero while pending or open; see snapshot.go)
}

// VoteInput creates a vote. Required names households by id (JSON API);
// RequiredRooms by room as people write it ("102", "3单元102", the form).
type VoteInput struct {
	ScopeID       int64          `json:"scope_id"`
	ProjectID     int64          `json:"project_id,omitempty"`
	Title         string         `json:"title"`
	Matter        consent.Matter `json:"matter"`
	Unanimous     bool           `json:"unanimous,omitempty"`
	Required      []int64        `json:"required_household_ids,omitempty"`
	RequiredRooms []string       `json:"required_rooms,omitempty"`
	OpensAt       time.Time      `json:"opens_at"`
	ClosesAt      time.Time      `json:"closes_at"`
}

// Ballot is one ballot a household cast; the latest counts.
type Ballot struct {
	ID          int64          `json:"id"`
	VoteID      int64          `json:"vote_id"`
	HouseholdID int64          `json:"household_id"`
	Choice      consent.Choice `json:"choice"`
	Reason      string         `json:"reason"`
	Method      string         `json:"method"`
	Collector   string         `json:"collector"`   // who collected a paper ballot
	RecordedBy  string         `json:"recorded_by"` // the account that entered it
	// OverrideReason is why staff recorded this paper ballot over the
	// owner's own online ballot; "" for every other ballot.
	OverrideReason string    `json:"override_reason,omitempty"`
	CastAt         time.Time `json:"cast_at"`
}

// BallotInput casts a ballot. Method paper needs HouseholdID and
// Collector; online needs HouseholdID only when the owner has several.
// OverrideReason is needed, and allowed only to staff (projects.manage),
// for a paper ballot on a household whose owner has voted online.
type BallotInput struct {
	HouseholdID    int64          `json:"household_id,omitempty"`
	Choice         consent.Choice `json:"choice"`
	Reason         string         `json:"reason,omitempty"`
	Method         string         `json:"method"`
	Collector      string         `json:"collector,omitempty"`
	OverrideReason string         `json:"override_reason,omitempty"`
}

// Tally is the live count of a vote (consent.Evaluate), areas in 0.01 m²
// and as text in m².
type Tally struct {
	Households             int      `json:"households"`
	TotalOwners            int64    `json:"total_owners"`
	TotalAreaCenti         int64    `json:"total_area_centi"`
	TotalArea              string   `json:"total_area"`
	ParticipatingOwners    int64    `json:"participating_owners"`
	ParticipatingAreaCenti int64    `json:"participating_area_centi"`
	ParticipatingArea      string   `json:"participating_area"`
	AgreeOwners            int64    `json:"agree_owners"`
	AgreeAreaCenti         int64    `json:"agree_area_centi"`
	AgreeArea              string   `json:"agree_area"`
	Agree                  int      `json:"agree"` // households (flats) whose ballot is agree
	Disagree               int      `json:"disagree"`
	Abstain                int      `json:"abstain"`
	ParticipationOK        bool     `json:"participation_ok"`
	ApprovalOK             bool     `json:"approval_ok"`
	UnanimityOK            bool     `json:"unanimity_ok"`
	RequiredOK             bool     `json:"required_ok"`
	Valid                  bool     `json:"valid"`
	Summary                []string `json:"summary"` // participation and approval in words
	// Missing says what still stands between the ballots and a valid
	// decision. It names the households that have not agreed where
	// unanimity or their own consent is required only for readers who may
	// record ballots (forReader); others get counts.
	Missing           []string `json:"missing"`
	Problems          []string `json:"problems"`
	ParticipationRule string   `json:"participation_rule"`
	ApprovalRule      string   `json:"approval_rule"`
	HeadcountRule     string   `json:"headcount_rule"` // how an owner of several flats counts (HeadcountRule)

	missingCounts []string // Missing with counts in place of household names
}

// VoteHousehold is one household of the electorate with its ballots.
type VoteHousehold struct {
	ID            int64          `json:"id"`
	Label         string         `json:"label"` // 1号楼3单元102
	Unit          string         `json:"unit"`
	Floor         int            `json:"floor"`
	Room          string         `json:"room"`
	AreaCenti     int64          `json:"area_centi"`
	Area          string         `json:"area"`
	Owners        string         `json:"owners,omitempty"` // names, for staff who read the register
	Required      bool           `json:"required"`
	Choice        consent.Choice `json:"choice"` // "" no ballot
	History       []Ballot       `json:"history"`
	OpenObjection bool           `json:"open_objection"`
}

// Objection follows a household's reasoned disagreement to resolution.
type Objection struct {
	ID          int64           `json:"id"`
	VoteID      int64           `json:"vote_id"`
	HouseholdID int64           `json:"household_id"`
	Household   string          `json:"household"`
	BallotID    int64           `json:"ballot_id"`
	Reason      string          `json:"reason"`
	OpenedAt    time.Time       `json:"opened_at"`
	ResolvedAt  time.Time       `json:"resolved_at"`
	Resolution  string          `json:"resolution"`
	ResolvedBy  string          `json:"resolved_by"`
	Notes       []ObjectionNote `json:"notes"`
	Visits      []links.Item    `json:"visits"`
}

// Open reports whether the objection is still being followed.
func (o Objection) Open() bool { return o.ResolvedAt.IsZero() }

// ObjectionNote is one follow-up.
type ObjectionNote struct {
	ID     int64     `json:"id"`
	Note   string    `json:"note"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
}

// NoteInput is a follow-up note or a manual resolution.
type NoteInput struct {
	Note string `json:"note"`
}

// Permissions says what the actor may do on a vote (pages and API alike).
type Permissions struct {
	Manage       bool    `json:"manage"`        // close, cost plans
	Record       bool    `json:"record"`        // paper ballots, objection follow-ups
	MyHouseholds []int64 `json:"my_households"` // households the actor may vote for online
}

// Detail is a vote with everything its page shows.
type Detail struct {
	Vote       Vote            `json:"vote"`
	Tally      Tally           `json:"tally"`
	Households []VoteHousehold `json:"households"`
	Objections []Objection     `json:"objections"`
	CostPlans  []CostSheet     `json:"cost_plans"`
	Links      []links.Item    `json:"links"`
	Can        Permissions     `json:"can"`
}
