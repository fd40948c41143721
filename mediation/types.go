package mediation

import (
	"time"

	"linli"
	"linli/links"
)

// Type is the kind of dispute.
type Type string

// Dispute types.
const (
	TypeNeighbour Type = "neighbour"  // 邻里纠纷
	TypeLeak      Type = "water_leak" // 漏水、财产损害
	TypeProperty  Type = "property"   // 物业纠纷
	TypeFamily    Type = "family"     // 婚姻家庭纠纷
	TypeOther     Type = "other"
)

// Types lists the dispute types in form order.
func Types() []Type { return []Type{TypeNeighbour, TypeLeak, TypeProperty, TypeFamily, TypeOther} }

// Label is the Chinese name of the type.
func (t Type) Label() string {
	switch t {
	case TypeNeighbour:
		return "邻里纠纷"
	case TypeLeak:
		return "漏水及财产损害纠纷"
	case TypeProperty:
		return "物业管理纠纷"
	case TypeFamily:
		return "婚姻家庭纠纷"
	case TypeOther:
		return "其他纠纷"
	}
	return ""
}

// State is where a dispute stands.
type State string

// States. accepted → mediating → agreed (agreement signed) | failed;
// agreed → closed when the follow-up visit finds the agreement performed.
const (
	Accepted  State = "accepted"  // 受理
	Mediating State = "mediating" // 调解中
	Agreed    State = "agreed"    // 达成协议（协议书已签署）
	Failed    State = "failed"    // 调解不成
	Closed    State = "closed"    // 履行完毕，结案
)

// States lists every state in order.
func States() []State { return []State{Accepted, Mediating, Agreed, Failed, Closed} }

// Label is the Chinese name of the state.
func (s State) Label() string {
	switch s {
	case Accepted:
		return "已受理"
	case Mediating:
		return "调解中"
	case Agreed:
		return "已达成协议"
	case Failed:
		return "调解不成"
	case Closed:
		return "已履行结案"
	}
	return ""
}

// Open reports whether mediation is still going on (the one-month target
// runs).
func (s State) Open() bool { return s == Accepted || s == Mediating }

// Party roles.
const (
	RoleApplicant  = "applicant"  // 申请人
	RoleRespondent = "respondent" // 被申请人
)

// RoleLabel is the Chinese name of a party role.
func RoleLabel(r string) string {
	switch r {
	case RoleApplicant:
		return "申请人"
	case RoleRespondent:
		return "被申请人"
	}
	return ""
}

// Court choices (人民调解法 art. 33).
const (
	CourtApplied     = "applied"      // 已申请司法确认
	CourtNotApplying = "not_applying" // 不申请
)

// CourtLabel is the Chinese name of a court choice.
func CourtLabel(c string) string {
	switch c {
	case CourtApplied:
		return "双方已申请司法确认"
	case CourtNotApplying:
		return "双方不申请司法确认"
	}
	return ""
}

// Follow-up values.
const (
	PerfFull    = "full"
	PerfPartial = "partial"
	PerfNone    = "none"

	Satisfied   = "satisfied"
	Basic       = "basic"
	Unsatisfied = "unsatisfied"

	RiskNone = "none"
	RiskLow  = "low"
	RiskHigh = "high"
)

// PerformanceLabel, SatisfactionLabel and RiskLabel name follow-up values.
func PerformanceLabel(p string) string {
	switch p {
	case PerfFull:
		return "已全部履行"
	case PerfPartial:
		return "部分履行"
	case PerfNone:
		return "未履行"
	}
	return ""
}

// SatisfactionLabel is the Chinese name of a satisfaction value.
func SatisfactionLabel(s string) string {
	switch s {
	case Satisfied:
		return "满意"
	case Basic:
		return "基本满意"
	case Unsatisfied:
		return "不满意"
	}
	return ""
}

// RiskLabel is the Chinese name of a remaining-risk value.
func RiskLabel(r string) string {
	switch r {
	case RiskNone:
		return "无"
	case RiskLow:
		return "较低"
	case RiskHigh:
		return "较高"
	}
	return ""
}

// Party is one side of a dispute: a household and/or a person. Phone is
// always masked (138****5678).
type Party struct {
	ID          int64     `json:"id"`
	Role        string    `json:"role"`
	HouseholdID int64     `json:"household_id,omitempty"`
	PersonID    int64     `json:"person_id,omitempty"`
	Name        string    `json:"name"`
	Address     string    `json:"address"`
	Phone       string    `json:"phone,omitempty"`
	Claims      string    `json:"claims,omitempty"`
	Signed      bool      `json:"signed"`
	SignedOn    time.Time `json:"signed_on"`
	// The rest of the basic situation the agreement template asks for:
	// sex (male | female), ethnicity (民族), date of birth (2006-01-02) or
	// age, occupation.
	Sex        string `json:"sex,omitempty"`
	Ethnicity  string `json:"ethnicity,omitempty"`
	BirthDate  string `json:"birth_date,omitempty"`
	Age        int    `json:"age,omitempty"`
	Occupation string `json:"occupation,omitempty"`
	// Organisation: the party is a company or another organisation (a
	// property company); its basic situation is its name and address.
	Organisation bool `json:"organisation,omitempty"`
}

// Sexes of a party.
const (
	SexMale   = "male"
	SexFemale = "female"
)

// SexLabel is the Chinese name of a sex value.
func SexLabel(s string) string {
	switch s {
	case SexMale:
		return "男"
	case SexFemale:
		return "女"
	}
	return ""
}

// Mediator is a people's mediator (an account) on a dispute.
type Mediator struct {
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
}

// Session is one mediation session (调解记录).
type Session struct {
	ID           int64     `json:"id"`
	HeldAt       time.Time `json:"held_at"`
	Place        string    `json:"place"`
	Participants string    `json:"participants"`
	Record       string    `json:"record"`
	CreatedAt    time.Time `json:"created_at"`
}

// Term is one agreed term: what is done, how (方式) and by when (期限).
// AmountFen is set for payments.
type Term struct {
	What      string    `json:"what"`
	How       string    `json:"how"`
	Deadline  time.Time `json:"deadline"`
	AmountFen int64     `json:"amount_fen,omitempty"`
}

// Agreement is the written mediation agreement (调解协议书) with the
// content 人民调解法 art. 29 lists. The parties and their signatures are
// on the dispute (Party.Signed).
type Agreement struct {
	Exists           bool      `json:"exists"`
	Facts            string    `json:"facts"`
	Matters          string    `json:"matters"`
	Responsibilities string    `json:"responsibilities"`
	Terms            []Term    `json:"terms"`
	Performance      string    `json:"performance,omitempty"` // other performance arrangements, e.g. supervision
	Copies           int       `json:"copies"`
	CopiesHeldBy     string    `json:"copies_held_by"`
	MediatorSigned   bool      `json:"mediator_signed"`
	MediatorSignedOn time.Time `json:"mediator_signed_on"`
	Sealed           bool      `json:"sealed"`
	SealedOn         time.Time `json:"sealed_on"`
	// Oral is an oral agreement (art. 28): no written agreement is made,
	// the mediator records what was agreed, and it takes effect on
	// AgreedOn, the day the parties reached it (art. 30).
	Oral     bool      `json:"oral"`
	AgreedOn time.Time `json:"agreed_on"`
	// SignedAt is when it was marked signed; EffectiveOn is the day the
	// last signature or the seal was put on it (art. 29), or the day an
	// oral agreement was reached (art. 30); CourtDeadline the last day to
	// apply for judicial confirmation (art. 33).
	SignedAt      time.Time `json:"signed_at"`
	EffectiveOn   time.Time `json:"effective_on"`
	CourtDeadline time.Time `json:"court_deadline"`
	CourtChoice   string    `json:"court_choice,omitempty"`
	CourtChoiceAt time.Time `json:"court_choice_at"`
	// Missing lists the statutory content still missing; empty means the
	// agreement can be marked signed.
	Missing []linli.FieldError `json:"missing"`
}

// FollowUp is a follow-up visit (回访) after the agreement.
type FollowUp struct {
	ID           int64     `json:"id"`
	VisitedOn    time.Time `json:"visited_on"`
	Performance  string    `json:"performance"`
	Satisfaction string    `json:"satisfaction"`
	Risk         string    `json:"risk"`
	Notes        string    `json:"notes,omitempty"`
	VisitorName  string    `json:"visitor_name"`
	CreatedAt    time.Time `json:"created_at"`
}

// Dispute is a people's mediation matter (纠纷).
type Dispute struct {
	ID           int64     `json:"id"`
	Number       string    `json:"number"`    // （2026）东城调字第12号
	Committee    string    `json:"committee"` // 东城街道吉祥社区人民调解委员会
	CommunityID  int64     `json:"community_id"`
	LocationID   int64     `json:"location_id"`
	Type         Type      `json:"type"`
	Title        string    `json:"title"`
	Facts        string    `json:"facts"`
	State        State     `json:"state"`
	CaseID       int64     `json:"case_id,omitempty"`
	AcceptedAt   time.Time `json:"accepted_at"`
	DueDate      time.Time `json:"due_date"` // last day of the one-month target
	DaysLeft     int       `json:"days_left"`
	Overdue      bool      `json:"overdue"`
	FailedReason string    `json:"failed_reason,omitempty"`
	FailedAdvice string    `json:"failed_advice,omitempty"`
	EndedAt      time.Time `json:"ended_at"`
	ClosedAt     time.Time `json:"closed_at"`
	// Public says the dispute is on the community's happiness list; a
	// manager publishes a closed dispute only with the parties' consent,
	// recorded in PublicConsent (how and when both agreed, who noted it).
	Public        bool       `json:"public"`
	PublicConsent string     `json:"public_consent,omitempty"`
	PublishedAt   time.Time  `json:"published_at"`
	Parties       []Party    `json:"parties"`
	Mediators     []Mediator `json:"mediators"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`

	path string
}

// Detail is a dispute with its sessions, agreement and follow-up visits.
type Detail struct {
	Dispute   Dispute    `json:"dispute"`
	Sessions  []Session  `json:"sessions"`
	Agreement Agreement  `json:"agreement"`
	FollowUps []FollowUp `json:"followups"`
	// Links are the records linked to the dispute the actor may see
	// (the case it came from).
	Links []links.Item `json:"links"`
	// Manage says whether the actor may change the dispute.
	Manage bool `json:"manage"`
	// PartyCopy: the parties' copy (PartyCopy), with the parties'
	// contacts in full.
	PartyCopy bool `json:"party_copy,omitempty"`
}

// PartyPhone is a party's full phone number, revealed to a mediator who
// must call them (the reveal is audited).
type PartyPhone struct {
	PartyID int64  `json:"party_id"`
	Name    string `json:"name"`
	Phone   string `json:"phone"`
}
