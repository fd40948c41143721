package campaigns

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// State is where a campaign stands: draft (being set up), active (the task
// group inspects; its checklist is fixed), closed.
type State string

// States of a campaign.
const (
	Draft  State = "draft"
	Active State = "active"
	Closed State = "closed"
)

var stateLabels = map[State][2]string{Draft: {"草稿", "Draft"}, Active: {"进行中", "In progress"}, Closed: {"已结束", "Closed"}}

// Label is the Chinese name of the state.
func (s State) Label() string { return stateLabels[s][0] }

// LabelEN is the English name of the state.
func (s State) LabelEN() string { return stateLabels[s][1] }

// ItemKind is what sort of answer a checklist item takes.
type ItemKind string

// Item kinds. A yes/no item is answered "yes" or "no"; a choice item one of
// its options; a number item a number (in its unit, within min/max when
// given); a text item words; a photo item one or more photos (its answer
// is how many were sent).
const (
	KindYesNo  ItemKind = "yesno"
	KindChoice ItemKind = "choice"
	KindNumber ItemKind = "number"
	KindText   ItemKind = "text"
	KindPhoto  ItemKind = "photo"
)

// ItemKinds lists the kinds in the order forms offer them.
func ItemKinds() []ItemKind {
	return []ItemKind{KindYesNo, KindChoice, KindNumber, KindText, KindPhoto}
}

var itemKindLabels = map[ItemKind][2]string{KindYesNo: {"是/否", "Yes/no"}, KindChoice: {"选择", "Choice"},
	KindNumber: {"数值", "Number"}, KindText: {"文字", "Text"}, KindPhoto: {"照片", "Photo"}}

// Label is the Chinese name of the kind.
func (k ItemKind) Label() string { return itemKindLabels[k][0] }

// Valid reports whether k is a known kind.
func (k ItemKind) Valid() bool { return k.Label() != "" }

// Severity grades a hazard as the safety rules do: 一般 (general), 较大
// (serious), 重大 (major). The zero value is no hazard.
type Severity string

// Severities, least first.
const (
	General Severity = "general"
	Serious Severity = "serious"
	Major   Severity = "major"
)

// Severities lists them, least first.
func Severities() []Severity { return []Severity{General, Serious, Major} }

var severityLabels = map[Severity][2]string{General: {"一般", "General"}, Serious: {"较大", "Serious"}, Major: {"重大", "Major"}}

// Label is the Chinese name of the severity ("" for none).
func (s Severity) Label() string { return severityLabels[s][0] }

// LabelEN is the English name of the severity.
func (s Severity) LabelEN() string { return severityLabels[s][1] }

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return s.Label() != "" }

// rank orders severities: 0 none, 1 general … 3 major.
func (s Severity) rank() int {
	switch s {
	case General:
		return 1
	case Serious:
		return 2
	case Major:
		return 3
	}
	return 0
}

// HazardRule says which answers of an item are a hazard. Only the part for
// the item's kind counts: When for yes/no ("yes" or "no"), Options for a
// choice (any of them), Above/Below for a number (strictly above / below;
// either or both). Text and photo items are never a hazard by rule.
type HazardRule struct {
	When    string   `json:"when,omitempty"`
	Options []string `json:"options,omitempty"`
	Above   *float64 `json:"above,omitempty"`
	Below   *float64 `json:"below,omitempty"`
}

// Item is one question of a checklist.
type Item struct {
	Key      string      `json:"key"` // stable within the checklist: "q1", "bracket_rust"
	Label    string      `json:"label"`
	Kind     ItemKind    `json:"kind"`
	Options  []string    `json:"options,omitempty"` // choice
	Unit     string      `json:"unit,omitempty"`    // number
	Min      *float64    `json:"min,omitempty"`     // number
	Max      *float64    `json:"max,omitempty"`     // number
	Required bool        `json:"required,omitempty"`
	Hazard   *HazardRule `json:"hazard,omitempty"`
	Severity Severity    `json:"severity,omitempty"` // of a hazard by this item
	Help     string      `json:"help,omitempty"`
}

// Checklist is the ordered items of a template or of a campaign.
type Checklist []Item

// Item returns the item with the key.
func (c Checklist) Item(key string) (Item, bool) {
	for _, it := range c {
		if it.Key == key {
			return it, true
		}
	}
	return Item{}, false
}

// Template is a reusable checklist (检查表模板).
type Template struct {
	ID         int64     `json:"id"`
	Path       string    `json:"-"`
	Title      string    `json:"title"`
	HazardType string    `json:"hazard_type"`
	Items      Checklist `json:"items"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TemplateInput creates a template.
type TemplateInput struct {
	NodeID     int64     `json:"node_id"` // where it is kept (a community, a street); 0: the actor's first scope
	Title      string    `json:"title"`
	HazardType string    `json:"hazard_type"`
	Items      Checklist `json:"items"`
}

// MemberRole is a task group member's part.
type MemberRole string

// Member roles: community staff, grid worker, volunteer, contractor.
const (
	MemberStaff      MemberRole = "staff"
	MemberGrid       MemberRole = "grid_worker"
	MemberVolunteer  MemberRole = "volunteer"
	MemberContractor MemberRole = "contractor"
)

// MemberRoles lists them in the order forms offer them.
func MemberRoles() []MemberRole {
	return []MemberRole{MemberStaff, MemberGrid, MemberVolunteer, MemberContractor}
}

var memberRoleLabels = map[MemberRole][2]string{MemberStaff: {"社区工作人员", "Community staff"}, MemberGrid: {"网格员", "Grid worker"},
	MemberVolunteer: {"志愿者", "Volunteer"}, MemberContractor: {"施工单位", "Contractor"}}

// Label is the Chinese name of the role.
func (r MemberRole) Label() string { return memberRoleLabels[r][0] }

// Valid reports whether r is a known role.
func (r MemberRole) Valid() bool { return r.Label() != "" }

// Member is one person of the task group.
type Member struct {
	AccountID int64      `json:"account_id"`
	Role      MemberRole `json:"role"`
	Name      string     `json:"name"`
}

// Campaign is one inspection campaign (专项排查).
type Campaign struct {
	ID          int64     `json:"id"`
	CommunityID int64     `json:"community_id"`
	Path        string    `json:"-"`
	Title       string    `json:"title"`
	HazardType  string    `json:"hazard_type"`
	TemplateID  int64     `json:"template_id"`
	Checklist   Checklist `json:"checklist"` // the template's items until activation, then the snapshot
	StartsOn    Day       `json:"starts_on"`
	Deadline    Day       `json:"deadline"`
	State       State     `json:"state"`
	Note        string    `json:"note,omitempty"`
	Scope       []Place   `json:"scope"`
	Members     []Member  `json:"members"`
	CreatedBy   int64     `json:"created_by"`
	ActivatedAt time.Time `json:"activated_at,omitempty,omitzero"`
	ClosedAt    time.Time `json:"closed_at,omitempty,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Counts over the current findings and plans (List and Get).
	Tasks     int `json:"tasks"`
	Findings  int `json:"findings"`
	Hazards   int `json:"hazards"`
	OpenPlans int `json:"open_plans"`
}

// Place is a node of a campaign's scope or a task.
type Place struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Path string `json:"-"`
}

// CampaignInput creates a campaign (a draft). ScopeIDs are estates,
// buildings or a community (taken as its estates, all in one step).
type CampaignInput struct {
	Title      string        `json:"title"`
	HazardType string        `json:"hazard_type"`
	TemplateID int64         `json:"template_id"`
	ScopeIDs   []int64       `json:"scope_ids"`
	StartsOn   string        `json:"starts_on"` // 2026-12-06
	Deadline   string        `json:"deadline"`
	Note       string        `json:"note"`
	Members    []MemberInput `json:"members"`
}

// MemberInput adds an account to the task group.
type MemberInput struct {
	AccountID int64      `json:"account_id"`
	Role      MemberRole `json:"role"`
}

// Split says how the scope becomes tasks: one per estate or per building.
type Split string

// Ways to split.
const (
	ByEstate   Split = "estate"
	ByBuilding Split = "building"
)

// SplitInput splits a campaign's scope into tasks, each given to the
// accounts listed (task group members; may be empty and assigned later).
type SplitInput struct {
	By         Split   `json:"by"`
	AccountIDs []int64 `json:"account_ids"`
}

// AssignInput sets who walks a task (replacing who did).
type AssignInput struct {
	AccountIDs []int64 `json:"account_ids"`
}

// Task is one estate or building of a campaign to walk.
type Task struct {
	ID         int64    `json:"id"`
	CampaignID int64    `json:"campaign_id"`
	NodeID     int64    `json:"node_id"`
	Path       string   `json:"-"`
	Title      string   `json:"title"`
	Households int      `json:"households"`
	People     []Member `json:"people"`
	Inspected  int      `json:"inspected"` // households with a current finding
	Hazards    int      `json:"hazards"`
	Conflicts  int      `json:"conflicts"`
	// CompletedAt is set when the inspector marked the task walked
	// (CompleteTask): Absent households were not met, NoDevice have no
	// device to inspect; the note says what else. Nil while open.
	CompletedAt    *time.Time `json:"completed_at,omitempty"`
	CompletedBy    int64      `json:"completed_by,omitempty"`
	Absent         int        `json:"absent"`
	NoDevice       int        `json:"no_device"`
	CompletionNote string     `json:"completion_note,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Target is what a finding is about.
type Target string

// Targets: a household, a building's roof (shared devices), a device on a
// building whose owner is unknown (无主/业主不明).
const (
	TargetHousehold Target = "household"
	TargetRoof      Target = "roof"
	TargetUnclaimed Target = "unclaimed"
)

var targetLabels = map[Target][2]string{TargetHousehold: {"住户", "Household"}, TargetRoof: {"楼顶", "Roof"}, TargetUnclaimed: {"无主/业主不明", "Unclaimed / owner unknown"}}

// Label is the Chinese name of the target.
func (t Target) Label() string { return targetLabels[t][0] }

// Valid reports whether t is a known target.
func (t Target) Valid() bool { return t.Label() != "" }

// Finding statuses.
const (
	StatusCurrent  = "current"
	StatusConflict = "conflict"
	StatusRejected = "rejected"
)

// Finding is what an inspector (or a resident, self-reported) recorded
// about one household, roof or unclaimed device.
type Finding struct {
	ID           int64             `json:"id"`
	CampaignID   int64             `json:"campaign_id"`
	TaskID       int64             `json:"task_id"`
	Target       Target            `json:"target"`
	HouseholdID  int64             `json:"household_id,omitempty"`
	BuildingID   int64             `json:"building_id"`
	Path         string            `json:"-"`
	Label        string            `json:"label"`
	Answers      map[string]string `json:"answers"`
	Hazard       bool              `json:"hazard"`
	Severity     Severity          `json:"severity,omitempty"`
	Note         string            `json:"note,omitempty"`
	Lat          *float64          `json:"lat,omitempty"`
	Lng          *float64          `json:"lng,omitempty"`
	Status       string            `json:"status"`
	ConflictOf   int64             `json:"conflict_of,omitempty"`
	SelfReported bool              `json:"self_reported"`
	ConfirmedBy  int64             `json:"confirmed_by,omitempty"`
	ConfirmedAt  time.Time         `json:"confirmed_at,omitempty,omitzero"`
	Version      int               `json:"version"`
	RecordedBy   int64             `json:"recorded_by"`
	RecorderName string            `json:"recorder_name"`
	RecordedAt   time.Time         `json:"recorded_at"`
	Photos       []Photo           `json:"photos"`
	History      []Version         `json:"history,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// Version is an earlier version of a finding its recorder changed.
type Version struct {
	Version    int               `json:"version"`
	Answers    map[string]string `json:"answers"`
	Hazard     bool              `json:"hazard"`
	Severity   Severity          `json:"severity,omitempty"`
	Note       string            `json:"note,omitempty"`
	RecordedBy int64             `json:"recorded_by"`
	RecordedAt time.Time         `json:"recorded_at"`
}

// Photo is a photo of a finding (Item: the checklist item it answers) or a
// plan's re-inspection.
type Photo struct {
	ID   int64  `json:"id"`
	Item string `json:"item,omitempty"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// FindingInput records a finding. Answers come as JSON values (true/false
// or "yes"/"no", numbers or numeric strings, strings); photos as multipart
// files in the field "photo_<item key>" (form) — JSON clients send
// photo counts only through the form. IdempotencyKey makes a resend
// return the first finding.
type FindingInput struct {
	TaskID         int64          `json:"task_id"`
	Target         Target         `json:"target"`
	HouseholdID    int64          `json:"household_id"`
	BuildingID     int64          `json:"building_id"` // roof and unclaimed
	Answers        map[string]any `json:"answers"`
	Note           string         `json:"note"`
	Lat            *float64       `json:"lat"`
	Lng            *float64       `json:"lng"`
	IdempotencyKey string         `json:"idempotency_key"`
}

// PlanKind is what is done about a hazard (一户一策).
type PlanKind string

// Plan kinds.
const (
	PlanSelfFix   PlanKind = "self_fix"  // the owner fixes it, shown how (guidance, a demonstration)
	PlanReinforce PlanKind = "reinforce" // the contractor reinforces it
	PlanRemove    PlanKind = "remove"    // a professional team removes it after notice and a waiting period
	PlanNone      PlanKind = "none"      // no action needed
)

// PlanKinds lists them in the order forms offer them.
func PlanKinds() []PlanKind { return []PlanKind{PlanSelfFix, PlanReinforce, PlanRemove, PlanNone} }

var planKindLabels = map[PlanKind][2]string{PlanSelfFix: {"自行整改", "Owner fixes it"}, PlanReinforce: {"加固", "Reinforcement"},
	PlanRemove: {"拆除", "Removal"}, PlanNone: {"无需处理", "No action needed"}}

// Label is the Chinese name of the kind.
func (k PlanKind) Label() string { return planKindLabels[k][0] }

// LabelEN is the English name of the kind.
func (k PlanKind) LabelEN() string { return planKindLabels[k][1] }

// Valid reports whether k is a known kind.
func (k PlanKind) Valid() bool { return k.Label() != "" }

// Plan states.
const (
	PlanOpen = "open"
	PlanDone = "done"
)

// Plan is the one plan of a hazard finding (一户一策).
type Plan struct {
	ID          int64    `json:"id"`
	CampaignID  int64    `json:"campaign_id"`
	FindingID   int64    `json:"finding_id"`
	HouseholdID int64    `json:"household_id,omitempty"`
	Path        string   `json:"-"`
	Label       string   `json:"label"`
	Severity    Severity `json:"severity,omitempty"`
	Kind        PlanKind `json:"kind"`
	Guidance    string   `json:"guidance,omitempty"`
	// GuidanceFiles are the guidance sheet's files (a PDF, pictures).
	GuidanceFiles []Photo   `json:"guidance_files"`
	DemoOn        Day       `json:"demo_on,omitempty,omitzero"`
	NoticeOn      Day       `json:"notice_on,omitempty,omitzero"`
	WaitDays      int       `json:"wait_days,omitempty"`
	DueOn         Day       `json:"due_on,omitempty,omitzero"`
	AssigneeID    int64     `json:"assignee_id,omitempty"`
	AssigneeName  string    `json:"assignee_name,omitempty"`
	State         string    `json:"state"`
	CaseID        int64     `json:"case_id,omitempty"`
	DoneAt        time.Time `json:"done_at,omitempty,omitzero"`
	DoneBy        int64     `json:"done_by,omitempty"`
	DoneNote      string    `json:"done_note,omitempty"`
	Photos        []Photo   `json:"photos"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// RemovableOn is the first day a removal may happen: the notice's day plus
// the waiting period.
func (p Plan) RemovableOn() Day {
	if p.NoticeOn == 0 {
		return 0
	}
	return p.NoticeOn + Day(p.WaitDays)
}

// PlanInput sets a finding's plan (creating or changing it while open).
type PlanInput struct {
	Kind       PlanKind `json:"kind"`
	Guidance   string   `json:"guidance"`
	DemoOn     string   `json:"demo_on"`   // self_fix: the demonstration's date
	NoticeOn   string   `json:"notice_on"` // remove: the notice's date
	WaitDays   int      `json:"wait_days"` // remove: the waiting period
	DueOn      string   `json:"due_on"`
	AssigneeID int64    `json:"assignee_id"`
}

// CloseInput records the re-inspection that closes a plan (a photo is
// required, sent as multipart "photo" by the form).
type CloseInput struct {
	Note string `json:"note"`
}

// EscalateInput opens a case for a hazard that needs a department.
type EscalateInput struct {
	Category    string `json:"category"`
	Description string `json:"description"`
}

// Day is a calendar date, as days since 1970-01-01 (0: none). It reads and
// writes as "2006-01-02" in JSON.
type Day int64

// DayOf is the date of t in its location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time is the start of the day in zone.
func (d Day) Time(zone *time.Location) time.Time {
	t := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
}

// String is "2006-01-02" ("" for none).
func (d Day) String() string {
	if d == 0 {
		return ""
	}
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

// Chinese is "2026年12月6日" ("" for none).
func (d Day) Chinese() string {
	if d == 0 {
		return ""
	}
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006年1月2日")
}

// IsZero reports no date (for omitzero).
func (d Day) IsZero() bool { return d == 0 }

// MarshalJSON writes "2006-01-02" or null.
func (d Day) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "2006-01-02" or null.
func (d *Day) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = 0
		return nil
	}
	x, ok := ParseDay(s)
	if !ok {
		return fmt.Errorf("campaigns: %q is not a date (2006-01-02)", s)
	}
	*d = x
	return nil
}

// ParseDay reads "2006-01-02"; ok is false for blank or bad text.
func ParseDay(s string) (Day, bool) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return DayOf(t), true
}
