package cases

import (
	"time"

	"linli/calendar"
)

// Source says where a report came from.
type Source string

// Where reports come from: a resident, a grid worker's patrol, the 12345
// hotline, a camera alert, an inspection finding, a meeting's action item.
// Meeting actions, inspection findings and camera alerts arrive through
// Service.Open from other capabilities.
const (
	SourceResident Source = "resident"
	SourcePatrol   Source = "patrol"
	// SourceVolunteer is a volunteer's finding on patrol in the community:
	// unlike a grid worker's, it waits to be registered by the staff.
	SourceVolunteer  Source = "volunteer"
	SourceHotline    Source = "hotline"
	SourceMeeting    Source = "meeting"
	SourceInspection Source = "inspection"
	SourceCamera     Source = "camera"
	// SourceOpen311 is a report an integrator posted to the Open311
	// GeoReport v2 server (package open311).
	SourceOpen311 Source = "open311"
)

// Label is the Chinese name of a source.
func (s Source) Label() string { return sourceLabels[s] }

var sourceLabels = map[Source]string{SourceResident: "居民上报", SourcePatrol: "网格巡查", SourceVolunteer: "志愿者巡查", SourceHotline: "热线转办", SourceMeeting: "会议事项",
	SourceInspection: "排查发现", SourceCamera: "视频告警", SourceOpen311: "开放接口"}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return s.Label() != "" }

// Priority orders work.
type Priority string

// Priorities. Emergencies count natural time (respond 30 min, first
// feedback 2 h, final 24 h).
const (
	Normal    Priority = "normal"
	Urgent    Priority = "urgent"
	Emergency Priority = "emergency"
)

// Label is the Chinese name of a priority.
func (p Priority) Label() string { return priorityLabels[p] }

var priorityLabels = map[Priority]string{Normal: "一般", Urgent: "紧急", Emergency: "特急"}

// Rating is the reporter's verdict.
type Rating string

// Ratings; satisfaction = (satisfied + weight × basic) / rated.
const (
	Satisfied   Rating = "satisfied"
	Basic       Rating = "basic"
	Unsatisfied Rating = "unsatisfied"
)

// Label is the Chinese name of a rating.
func (r Rating) Label() string { return ratingLabels[r] }

var ratingLabels = map[Rating]string{Satisfied: "满意", Basic: "基本满意", Unsatisfied: "不满意"}

// ratingColumns are the statistics counters of the ratings.
var ratingColumns = map[Rating]string{Satisfied: "satisfied", Basic: "basic", Unsatisfied: "unsatisfied"}

// Category is one entry of the taxonomy with its routing rule, time limits
// and escalation chain.
type Category struct {
	ID            int64          `json:"id"`
	Code          string         `json:"code"`
	ParentID      int64          `json:"parent_id,omitempty"`
	Name          string         `json:"name"`
	NameEN        string         `json:"name_en"`
	Class         string         `json:"class"` // community, urban_event, urban_component
	Route         string         `json:"route"` // grid, property, department:CODE
	ResponseLimit calendar.Limit `json:"-"`
	ResolveLimit  calendar.Limit `json:"-"`
	AckLimit      calendar.Limit `json:"-"`
	Response      string         `json:"response_limit"` // "4wh"
	Resolve       string         `json:"resolve_limit"`  // "15wd"
	Ack           string         `json:"ack_limit"`      // "30m"
	Escalation    []string       `json:"escalation"`     // "community", "street", "department:housing"
	Priority      Priority       `json:"priority"`
	Active        bool           `json:"active"`
	Sort          int            `json:"sort"`
}

// Case is a reported problem.
type Case struct {
	ID            int64    `json:"id"`
	Number        string   `json:"number"`
	CommunityID   int64    `json:"community_id"`
	GridID        int64    `json:"grid_id,omitempty"`
	LocationID    int64    `json:"location_id"`
	HouseholdID   int64    `json:"household_id,omitempty"`
	Lat           float64  `json:"lat,omitempty"`
	Lon           float64  `json:"lon,omitempty"`
	Address       string   `json:"address,omitempty"`
	Path          string   `json:"-"`
	CategoryID    int64    `json:"category_id"`
	Category      string   `json:"category"`
	CategoryEN    string   `json:"category_en"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	Source        Source   `json:"source"`
	SourceRef     string   `json:"source_ref,omitempty"`
	ReporterID    int64    `json:"reporter_id,omitempty"`
	ReporterName  string   `json:"reporter_name"`
	ReporterPhone string   `json:"reporter_phone,omitempty"` // masked
	Priority      Priority `json:"priority"`
	Public        bool     `json:"public"`
	State         State    `json:"state"`
	AssigneeKind  string   `json:"assignee_kind,omitempty"`
	AssigneeID    int64    `json:"assignee_id,omitempty"`
	AssigneeName  string   `json:"assignee_name,omitempty"`
	// AssigneeNameEN is a department's English name (departments.name_en).
	AssigneeNameEN  string    `json:"assignee_name_en,omitempty"`
	HandlerID       int64     `json:"handler_id,omitempty"`
	ResponseDue     time.Time `json:"response_due"`
	ResolveDue      time.Time `json:"resolve_due"`
	DispatchedAt    time.Time `json:"dispatched_at"`
	RespondedAt     time.Time `json:"responded_at"`
	HandledAt       time.Time `json:"handled_at"`
	ClosedAt        time.Time `json:"closed_at"`
	Overdue         bool      `json:"overdue"` // OverdueAt as of the read
	Warning         bool      `json:"warning"` // WarningAt as of the read: in the warning window
	Warned          bool      `json:"warned"`
	EscalationLevel int       `json:"escalation_level"`
	Reopened        int       `json:"reopened"`
	Extensions      int       `json:"extensions"`
	Rating          Rating    `json:"rating,omitempty"`
	RatingComment   string    `json:"rating_comment,omitempty"`
	MergedInto      int64     `json:"merged_into,omitempty"`
	Location        string    `json:"location"` // a readable place: 荟萃花园南区1号楼3单元602
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version         int       `json:"version"`
	// ForNeighbours says the case is seen by a resident of its community
	// because it is public: without the reporter (Service.Get).
	ForNeighbours bool `json:"-"`

	// CalendarGap is the first year the resolution deadline was counted
	// through without that year's official calendar loaded (weekends
	// only, so it may fall on a holiday); 0 when none. Set when read.
	CalendarGap int `json:"calendar_gap,omitempty"`
}

// NameIn is the category's name in the language.
func (c Category) NameIn(lang string) string { return pick(lang, c.Name, c.NameEN) }

// CategoryIn is the name of the case's category in the language (the
// Chinese one where the category has no English name).
func (c Case) CategoryIn(lang string) string { return pick(lang, c.Category, c.CategoryEN) }

// AssigneeIn is who handles the case in the language: a department's
// English name where it has one; other assignees are places and
// companies, named as registered.
func (c Case) AssigneeIn(lang string) string { return pick(lang, c.AssigneeName, c.AssigneeNameEN) }

// Event is one step on a case's timeline.
type Event struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"`
	From      State     `json:"from_state,omitempty"`
	To        State     `json:"to_state,omitempty"`
	Note      string    `json:"note,omitempty"`
	Data      string    `json:"data,omitempty"`
	Public    bool      `json:"public"`
}

// Whistle is a level or department called in on a case.
type Whistle struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	TargetKind string    `json:"target_kind"` // community, street, district, department
	TargetID   int64     `json:"target_id"`
	TargetName string    `json:"target_name"`
	Level      int       `json:"level"`
	Automatic  bool      `json:"automatic"`
	Reason     string    `json:"reason,omitempty"`
	CalledAt   time.Time `json:"called_at"`
	AckDue     time.Time `json:"ack_due"`
	AckedAt    time.Time `json:"acked_at"`
	AckedBy    int64     `json:"acked_by,omitempty"`
	LapsedAt   time.Time `json:"lapsed_at"`
	CaseNumber string    `json:"case_number,omitempty"` // set by Calls
	CaseTitle  string    `json:"case_title,omitempty"`
}
