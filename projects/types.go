package projects

import (
	"time"

	"linli"
	"linli/links"
	"linli/votes"
)

// Kinds of project, with their Chinese names.
var kindLabels = map[string]string{
	"elevator":   "加装电梯",
	"renovation": "老旧小区改造",
	"road":       "道路修缮",
	"lighting":   "照明",
	"greening":   "绿化",
	"parking":    "停车设施",
	"facility":   "公共设施",
	"other":      "其他",
}

// Kinds lists the project kinds.
func Kinds() []string {
	return []string{"elevator", "renovation", "road", "lighting", "greening", "parking", "facility", "other"}
}

// KindLabel is the Chinese name of a project kind.
func KindLabel(k string) string { return kindLabels[k] }

// Project is a livelihood project (民生实事).
type Project struct {
	ID          int64       `json:"id"`
	CommunityID int64       `json:"community_id"`
	Community   string      `json:"community"`
	Path        string      `json:"-"`
	Scope       []ScopeNode `json:"scope"`
	Place       string      `json:"place"` // the scope, down to buildings: 荟萃花园南区 1号楼
	Title       string      `json:"title"`
	Kind        string      `json:"kind"`
	Description string      `json:"description"`
	BudgetFen   int64       `json:"budget_fen"`
	Public      bool        `json:"public"`
	Phase       Phase       `json:"phase"`
	Progress    int         `json:"progress"` // percent, rounded down, from the root milestones
	// Construction (item 7).
	Contractor string   `json:"contractor"`
	StartDate  string   `json:"start_date"` // 2006-01-02, "" until set
	EndDate    string   `json:"end_date"`
	WorkHours  []string `json:"work_hours"`  // "08:00-12:00"
	QuietHours []string `json:"quiet_hours"` // "12:00-14:30"
	// Approval, recorded when leaving the approval phase.
	ApprovalNumber       string `json:"approval_number"`
	ApprovalDepartment   string `json:"approval_department"`
	ApprovalDepartmentID int64  `json:"approval_department_id"`
	ApprovalDate         string `json:"approval_date"`
	// Acceptance, recorded when leaving the acceptance phase.
	AcceptanceDate         string    `json:"acceptance_date"`
	AcceptancePassed       bool      `json:"acceptance_passed"`
	AcceptanceParticipants string    `json:"acceptance_participants"`
	CompletedAt            time.Time `json:"completed_at"` // entering in_service; zero before
	CreatedAt              time.Time `json:"created_at"`
	UpdatedAt              time.Time `json:"updated_at"`

	scopePaths []string
}

// ScopeNode is a unit, building or estate the project covers.
type ScopeNode struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`
	Label string `json:"label"` // 荟萃花园南区1号楼3单元
}

// ProjectInput creates or edits a project. CommunityID is fixed once the
// project exists (an edit that names another community is refused).
type ProjectInput struct {
	CommunityID int64   `json:"community_id"`
	Scope       []int64 `json:"scope"` // node ids of units, buildings or estates in the community
	Title       string  `json:"title"`
	Kind        string  `json:"kind"`
	Description string  `json:"description"`
	BudgetFen   int64   `json:"budget_fen"`
	// Public: every resident of the community may read the project, and
	// once in service it is on the happiness list. Residents of households
	// inside the scope read it either way.
	Public bool `json:"public"`
}

// PhaseRecord is one phase the project entered.
type PhaseRecord struct {
	ID        int64     `json:"id"`
	Phase     Phase     `json:"phase"`
	EnteredAt time.Time `json:"entered_at"`
	LeftAt    time.Time `json:"left_at"`
	Outcome   string    `json:"outcome"`
	ByID      int64     `json:"by_id"`
	By        string    `json:"by"`
}

// AdvanceInput moves a project to the next phase, with the outcome of the
// phase it leaves. Which fields are needed depends on that phase (see
// Missing): proposal — Proposer and Outcome; consultation — Outcome;
// approval — ApprovalNumber, ApprovalDepartment or ApprovalDepartmentID,
// ApprovalDate; acceptance — AcceptanceDate, AcceptancePassed,
// AcceptanceParticipants. Dates are written 2006-01-02.
type AdvanceInput struct {
	To                     Phase  `json:"to"`
	Outcome                string `json:"outcome"`
	Proposer               string `json:"proposer"`
	ApprovalNumber         string `json:"approval_number"`
	ApprovalDepartment     string `json:"approval_department"`
	ApprovalDepartmentID   int64  `json:"approval_department_id"`
	ApprovalDate           string `json:"approval_date"`
	AcceptanceDate         string `json:"acceptance_date"`
	AcceptancePassed       bool   `json:"acceptance_passed"`
	AcceptanceParticipants string `json:"acceptance_participants"`
}

// Step is one phase on the page's stepper.
type Step struct {
	Phase Phase  `json:"phase"`
	State string `json:"state"` // done, current, todo
}

// Milestone is a step of the work plan. Leaves carry Progress; a parent's
// Computed progress is the weighted mean of its children (progress.go).
type Milestone struct {
	ID        int64       `json:"id"`
	ProjectID int64       `json:"project_id"`
	ParentID  int64       `json:"parent_id"`
	Title     string      `json:"title"`
	Weight    int         `json:"weight"`
	Progress  int         `json:"progress"` // as set (leaves)
	Computed  int         `json:"computed"` // as shown: own progress for leaves, weighted mean for parents
	Leaf      bool        `json:"leaf"`
	Sort      int         `json:"sort"`
	DoneAt    time.Time   `json:"done_at"`
	Due       string      `json:"due"` // planned date, 2006-01-02; "" when none
	Children  []Milestone `json:"children"`
	Depth     int         `json:"-"`
}

// MilestoneInput adds or edits a milestone. Progress applies to leaves.
type MilestoneInput struct {
	ParentID int64  `json:"parent_id"`
	Title    string `json:"title"`
	Weight   *int   `json:"weight"` // default 1
	Sort     int    `json:"sort"`
	Due      string `json:"due,omitempty"` // planned date, 2006-01-02 (the page shows the next milestone with it)
}

// ProgressInput sets a leaf milestone's progress.
type ProgressInput struct {
	Progress int `json:"progress"`
}

// Role of a person on a project.
type Role string

// The people of a project.
const (
	RoleCommunityLead Role = "community_lead"
	RoleGridWorker    Role = "grid_worker"
	RoleBuildingHead  Role = "building_head"
	RoleUnitHead      Role = "unit_head"
	RoleResidentRep   Role = "resident_rep"
	RoleProperty      Role = "property"
	RoleContractor    Role = "contractor"
	RoleDepartment    Role = "department"
)

// Roles lists the roles in the order the page shows them.
func Roles() []Role {
	return []Role{RoleCommunityLead, RoleGridWorker, RoleBuildingHead, RoleUnitHead, RoleResidentRep, RoleProperty, RoleContractor, RoleDepartment}
}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleCommunityLead:
		return "社区负责人"
	case RoleGridWorker:
		return "网格员"
	case RoleBuildingHead:
		return "楼栋长"
	case RoleUnitHead:
		return "单元长"
	case RoleResidentRep:
		return "居民代表"
	case RoleProperty:
		return "物业公司"
	case RoleContractor:
		return "施工单位"
	case RoleDepartment:
		return "审批部门"
	}
	return ""
}

// Person is someone working on a project.
type Person struct {
	ID        int64     `json:"id"`
	Role      Role      `json:"role"`
	AccountID int64     `json:"account_id"`
	Name      string    `json:"name"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// PersonInput adds a person. With AccountID and no Name, the account's
// display name is used.
type PersonInput struct {
	Role      Role   `json:"role"`
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	Note      string `json:"note"`
}

// ConstructionInput sets the contractor, the schedule and the hours. A
// change of what was already set needs the reason (a noise complaint).
type ConstructionInput struct {
	Contractor string   `json:"contractor"`
	StartDate  string   `json:"start_date"`
	EndDate    string   `json:"end_date"`
	WorkHours  []string `json:"work_hours"`
	QuietHours []string `json:"quiet_hours"`
	Reason     string   `json:"reason"`
}

// HoursChange is one entry of the construction settings' history.
type HoursChange struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Contractor string    `json:"contractor"`
	StartDate  string    `json:"start_date"`
	EndDate    string    `json:"end_date"`
	WorkHours  []string  `json:"work_hours"`
	QuietHours []string  `json:"quiet_hours"`
	Reason     string    `json:"reason"`
	By         string    `json:"by"`
}

// ComplaintInput is a complaint during construction; it becomes a case.
// Without a place the project's first scope node is used. Category is a
// case category code ("noise", "construction", "safety_hazard",
// "parking"); empty means "construction" (施工扰民).
type ComplaintInput struct {
	Category      string `json:"category"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	LocationID    int64  `json:"location_id"`
	HouseholdID   int64  `json:"household_id"`
	ReporterName  string `json:"reporter_name"`  // staff entering a call
	ReporterPhone string `json:"reporter_phone"` // staff entering a call
}

// Complaint is a complaint case linked to the project with the measures
// taken. Title is empty for a reader who may not see the case itself.
type Complaint struct {
	CaseID     int64     `json:"case_id"`
	Number     string    `json:"number"`
	Category   string    `json:"category"`
	CategoryEN string    `json:"category_en"`
	Title      string    `json:"title"`
	State      string    `json:"state"`
	Label      string    `json:"state_label"`
	Open       bool      `json:"open"`
	At         time.Time `json:"at"`
	Measures   []Measure `json:"measures"`
	// Readable: the reader may open the case (the page links it only
	// then; others see its number, not a link that answers 403).
	Readable bool `json:"-"`
}

// CategoryIn is the complaint's category in the language.
func (k Complaint) CategoryIn(lang string) string {
	if lang == "en" && k.CategoryEN != "" {
		return k.CategoryEN
	}
	return k.Category
}

// Measure is what was done about a complaint.
type Measure struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
}

// MeasureInput records a measure.
type MeasureInput struct {
	Text string `json:"text"`
}

// Update is one entry of the project's update feed.
type Update struct {
	ID   int64     `json:"id"`
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // phase, milestone, measure, note, hours
	Text string    `json:"text"`
	By   string    `json:"by"`
}

// UpdateInput posts a note to the feed.
type UpdateInput struct {
	Text string `json:"text"`
}

// Photo is a before/after photo of a project.
type Photo struct {
	AttachmentID int64     `json:"attachment_id"`
	Stage        string    `json:"stage"` // before, after
	Caption      string    `json:"caption"`
	URL          string    `json:"url"`
	Thumb        string    `json:"thumb"`
	CreatedAt    time.Time `json:"created_at"`
}

// RatingInput is a resident's verdict on a completed project.
type RatingInput struct {
	Rating  string `json:"rating"` // satisfied, basic, unsatisfied
	Comment string `json:"comment"`
}

// ThanksInput records a banner or a letter of thanks.
type ThanksInput struct {
	Kind string `json:"kind"` // banner, letter
	From string `json:"from"`
	Text string `json:"text"`
	Date string `json:"date"` // 2006-01-02
}

// ThanksRecord is a thanks received.
type ThanksRecord struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	From string `json:"from"`
	Text string `json:"text"`
	Date string `json:"date"`
}

// Satisfaction counts the residents' ratings.
type Satisfaction struct {
	Rated       int    `json:"rated"`
	Satisfied   int    `json:"satisfied"` // satisfied or basically satisfied
	Unsatisfied int    `json:"unsatisfied"`
	Mine        string `json:"mine"` // the reader's own rating, "" if none
}

// Detail is a project page's data.
type Detail struct {
	Project      Project            `json:"project"`
	Steps        []Step             `json:"steps"`
	Phases       []PhaseRecord      `json:"phases"`
	Missing      []linli.FieldError `json:"missing"` // what the current phase still lacks (outcome fields the advance form asks for included)
	Milestones   []Milestone        `json:"milestones"`
	People       []Person           `json:"people"`
	Hours        []HoursChange      `json:"hours_history"`
	Complaints   []Complaint        `json:"complaints"`
	Updates      []Update           `json:"updates"`
	Photos       []Photo            `json:"photos"`
	Thanks       []ThanksRecord     `json:"thanks"`
	Satisfaction Satisfaction       `json:"satisfaction"`
	Links        []links.Item       `json:"links"`
	// Visits counts the door-to-door visits about the project the reader
	// may see (listed at /visits?subject=project:ID).
	Visits int `json:"visits"`
	// MyBills is what the project's cost plans ask of the reader's own
	// households (empty for everyone else, staff included).
	MyBills   []votes.HouseholdBill `json:"my_bills"`
	Following bool                  `json:"following"`
	Followers int                   `json:"followers"`
	CanManage bool                  `json:"can_manage"`
	CanRate   bool                  `json:"can_rate"`
}
