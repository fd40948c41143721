package visits

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/attach"
	"linli/links"
)

// Stance is where a household stands on the matter after a visit.
type Stance string

// The stances a visitor records.
const (
	Support   Stance = "support"
	Oppose    Stance = "oppose"
	Undecided Stance = "undecided"
)

// Stances lists the stances in form order.
func Stances() []Stance { return []Stance{Support, Oppose, Undecided} }

// Label is the Chinese name of a stance.
func (s Stance) Label() string {
	switch s {
	case Support:
		return "支持"
	case Oppose:
		return "反对"
	case Undecided:
		return "未决定"
	}
	return ""
}

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool { return s.Label() != "" }

// Concern is a tag for what worries a household about the matter. For an
// elevator these are the usual ones: the low floors lose light and gain
// noise, the shaft touches the wall, the upper floors pay, the landing
// looks into a window.
type Concern string

// The concern tags.
const (
	Light      Concern = "light"
	Noise      Concern = "noise"
	Structural Concern = "structural_safety"
	Cost       Concern = "cost"
	Privacy    Concern = "privacy"
	Other      Concern = "other"
)

// Concerns lists the tags in form order.
func Concerns() []Concern { return []Concern{Light, Noise, Structural, Cost, Privacy, Other} }

// Label is the Chinese name of a concern.
func (c Concern) Label() string {
	switch c {
	case Light:
		return "采光"
	case Noise:
		return "噪音"
	case Structural:
		return "结构安全"
	case Cost:
		return "费用"
	case Privacy:
		return "隐私"
	case Other:
		return "其他"
	}
	return ""
}

// Valid reports whether c is a known concern.
func (c Concern) Valid() bool { return c.Label() != "" }

// Subject kinds a visit may be about. KindMatter is a general matter that
// exists only as a visit matter (its id is the matter's id).
const KindMatter = "matter"

func validSubjectKind(k string) bool {
	switch k {
	case links.KindProject, links.KindVote, links.KindDispute, KindMatter:
		return true
	}
	return false
}

// subjectLabel names a subject for people when no title is known.
func subjectLabel(r links.Ref) string {
	switch r.Kind {
	case links.KindProject:
		return fmt.Sprintf("项目 #%d", r.ID)
	case links.KindVote:
		return fmt.Sprintf("表决 #%d", r.ID)
	case links.KindDispute:
		return fmt.Sprintf("纠纷 #%d", r.ID)
	}
	return fmt.Sprintf("事项 #%d", r.ID)
}

// subjectURL is the page of a subject.
func subjectURL(r links.Ref) string {
	switch r.Kind {
	case links.KindProject:
		return fmt.Sprintf("/projects/%d", r.ID)
	case links.KindVote:
		return fmt.Sprintf("/votes/%d", r.ID)
	case links.KindDispute:
		return fmt.Sprintf("/mediation/%d", r.ID)
	}
	return ""
}

// Visitor is one person who made the visit: an account, or a name alone.
type Visitor struct {
	AccountID int64  `json:"account_id,omitempty"`
	Name      string `json:"name"`
}

// FollowUp is something promised during a visit, with its due date.
type FollowUp struct {
	ID     int64     `json:"id"`
	Text   string    `json:"text"`
	Due    string    `json:"due,omitempty"` // 2006-01-02
	Done   bool      `json:"done"`
	DoneAt time.Time `json:"done_at"`
}

// Visit is one door-to-door visit to one household about one matter.
type Visit struct {
	ID           int64      `json:"id"`
	MatterID     int64      `json:"matter_id"`
	Subject      string     `json:"subject"` // "project:3"
	HouseholdID  int64      `json:"household_id"`
	Household    string     `json:"household"` // 荟萃花园南区1号楼3单元602
	VisitedAt    time.Time  `json:"visited_at"`
	Visitors     []Visitor  `json:"visitors"`
	Stance       Stance     `json:"stance"`
	Concerns     []Concern  `json:"concerns"`
	Notes        string     `json:"notes"`
	FollowUps    []FollowUp `json:"follow_ups"`
	RecordedBy   int64      `json:"recorded_by"`
	RecorderName string     `json:"recorder_name"`
	CreatedAt    time.Time  `json:"created_at"`
	Path         string     `json:"-"`
}

// Ref is the visit as a link end.
func (v Visit) Ref() links.Ref { return links.Ref{Kind: links.KindVisit, ID: v.ID} }

// SubjectRef is what the visit is about.
func (v Visit) SubjectRef() links.Ref { r, _ := links.Parse(v.Subject); return r }

// ConcernLabels joins the Chinese names of the concerns with 、.
func (v Visit) ConcernLabels() string {
	var out []string
	for _, c := range v.Concerns {
		out = append(out, c.Label())
	}
	return strings.Join(out, "、")
}

// FollowUpInput is a follow-up to record with a visit.
type FollowUpInput struct {
	Text string `json:"text"`
	Due  string `json:"due"` // 2006-01-02, or empty
}

// VisitInput is what a visitor records.
type VisitInput struct {
	HouseholdID int64 `json:"household_id"`
	// Subject is "project:3", "vote:2", "dispute:1" or "matter:5"; empty
	// with a MatterTitle, the visit starts a new general matter of that
	// title (其他事项).
	Subject string `json:"subject"`
	// MatterTitle names the matter when this visit is the first about the
	// subject (default "项目 #3" etc.).
	MatterTitle  string          `json:"matter_title"`
	VisitedAt    time.Time       `json:"visited_at"` // zero: now
	VisitorIDs   []int64         `json:"visitor_ids"`
	VisitorNames []string        `json:"visitor_names"`
	Stance       Stance          `json:"stance"`
	Concerns     []Concern       `json:"concerns"`
	Notes        string          `json:"notes"`
	FollowUps    []FollowUpInput `json:"follow_ups"`
	// Files are checked uploads (photos, PDF) saved with the visit.
	Files []attach.Checked `json:"-"`
}

// Limits on free text.
const (
	maxNotes    = 2000
	maxName     = 40
	maxFollowUp = 200
	maxTitle    = 80
	maxVisitors = 10
)

// validate checks the input and normalises it: trims text, drops repeated
// tags and names. now bounds the visit time; zone reads due dates. It
// returns the subject and the due days of the follow-ups.
func (in *VisitInput) validate(now time.Time) (links.Ref, []int64, error) {
	var v linli.Validation
	if in.HouseholdID <= 0 {
		v.Add("household_id", "请选择住户 / household is required")
	}
	in.Subject, in.MatterTitle = strings.TrimSpace(in.Subject), strings.TrimSpace(in.MatterTitle)
	subject, err := links.Parse(in.Subject)
	switch {
	case in.Subject == "" && in.MatterTitle != "":
		// Another matter: a new general matter named by its title.
		subject = links.Ref{}
	case in.Subject == "":
		v.Add("subject", "请选择走访事项，或填写其他事项的名称 / choose a subject, or name another matter")
	case err != nil || !validSubjectKind(subject.Kind):
		v.Add("subject", "走访事项应为 project:ID、vote:ID、dispute:ID 或 matter:ID / subject must be project:ID, vote:ID, dispute:ID or matter:ID")
	}
	if utf8.RuneCountInString(in.MatterTitle) > maxTitle {
		v.Add("matter_title", fmt.Sprintf("事项名称不超过%d字 / at most %d characters", maxTitle, maxTitle))
	}
	if in.VisitedAt.IsZero() {
		in.VisitedAt = now
	} else if in.VisitedAt.After(now.Add(5 * time.Minute)) {
		v.Add("visited_at", "走访时间不能晚于现在 / the visit cannot be in the future")
	}
	if !in.Stance.Valid() {
		if in.Stance == "" {
			v.Add("stance", "请选择住户态度 / stance is required")
		} else {
			v.Add("stance", "态度应为支持、反对或未决定 / stance must be support, oppose or undecided")
		}
	}
	var tags []Concern
	for i, c := range in.Concerns {
		if !c.Valid() {
			v.Add(fmt.Sprintf("concerns[%d]", i), fmt.Sprintf("未知的顾虑标签 %q / unknown concern %q", c, c))
			continue
		}
		if !containsConcern(tags, c) {
			tags = append(tags, c)
		}
	}
	in.Concerns = tags
	in.Notes = strings.TrimSpace(in.Notes)
	if utf8.RuneCountInString(in.Notes) > maxNotes {
		v.Add("notes", fmt.Sprintf("记录不超过%d字 / notes at most %d characters", maxNotes, maxNotes))
	}
	if containsConcern(in.Concerns, Other) && in.Notes == "" {
		v.Add("notes", "选择“其他”顾虑时请在记录中说明 / say what the other concern is in the notes")
	}
	var names []string
	for i, n := range in.VisitorNames {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
			continue
		case utf8.RuneCountInString(n) > maxName:
			v.Add(fmt.Sprintf("visitor_names[%d]", i), fmt.Sprintf("姓名不超过%d字 / at most %d characters", maxName, maxName))
		default:
			names = append(names, n)
		}
	}
	in.VisitorNames = names
	if len(in.VisitorIDs)+len(in.VisitorNames) > maxVisitors {
		v.Add("visitor_names", fmt.Sprintf("走访人员最多%d人 / at most %d visitors", maxVisitors, maxVisitors))
	}
	var due []int64
	var fus []FollowUpInput
	for i, f := range in.FollowUps {
		f.Text, f.Due = strings.TrimSpace(f.Text), strings.TrimSpace(f.Due)
		if f.Text == "" && f.Due == "" {
			continue
		}
		if f.Text == "" {
			v.Add(fmt.Sprintf("follow_ups[%d].text", i), "请填写后续事项 / say what is to be done")
		} else if utf8.RuneCountInString(f.Text) > maxFollowUp {
			v.Add(fmt.Sprintf("follow_ups[%d].text", i), fmt.Sprintf("不超过%d字 / at most %d characters", maxFollowUp, maxFollowUp))
		}
		var day int64
		if f.Due != "" {
			d, err := time.Parse("2006-01-02", f.Due)
			if err != nil {
				v.Add(fmt.Sprintf("follow_ups[%d].due", i), "日期格式应为 2026-03-05 / date must look like 2026-03-05")
			} else {
				day = d.Unix() / 86400
			}
		}
		fus = append(fus, f)
		due = append(due, day)
	}
	in.FollowUps = fus
	return subject, due, v.Err()
}

func containsConcern(cs []Concern, c Concern) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// dayString writes days since 1970-01-01 as 2006-01-02 ("" for 0).
func dayString(day int64) string {
	if day == 0 {
		return ""
	}
	return time.Unix(day*86400, 0).UTC().Format("2006-01-02")
}

// joinConcerns and splitConcerns store the tags in one column.
func joinConcerns(cs []Concern) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

func splitConcerns(s string) []Concern {
	out := []Concern{}
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, Concern(p))
		}
	}
	return out
}

// Matter is what visitors go door to door about, with the place whose
// households it concerns.
type Matter struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"` // "project:3", or "matter:ID" for a general matter
	Title     string    `json:"title"`
	ScopeID   int64     `json:"scope_id"`
	Scope     string    `json:"scope"` // the place's name
	CreatedAt time.Time `json:"created_at"`
	Path      string    `json:"-"` // the scope's node path
}

// SubjectRef is the matter's subject.
func (m Matter) SubjectRef() links.Ref { r, _ := links.Parse(m.Subject); return r }

// SubjectURL is the subject's own page ("" for a general matter).
func (m Matter) SubjectURL() string { return subjectURL(m.SubjectRef()) }

// MatterInput creates a matter explicitly: for a subject (scope it now,
// before the first visit), or a general matter with a title alone.
type MatterInput struct {
	Subject string `json:"subject"` // "project:3"; empty for a general matter
	Title   string `json:"title"`
	ScopeID int64  `json:"scope_id"`
}

// Coverage says which households under a place have been visited about a
// matter, and which not yet.
type Coverage struct {
	Subject    string              `json:"subject"`
	MatterID   int64               `json:"matter_id,omitempty"`
	Title      string              `json:"title"`
	NodeID     int64               `json:"node_id"`
	Node       string              `json:"node"`
	Total      int                 `json:"total"`
	Visited    int                 `json:"visited"`
	NotVisited int                 `json:"not_visited"`
	Support    int                 `json:"support"`
	Oppose     int                 `json:"oppose"`
	Undecided  int                 `json:"undecided"`
	Pending    []CoverageHousehold `json:"pending"` // not visited yet, by building, unit, floor, room
}

// CoverageHousehold is a household not visited yet.
type CoverageHousehold struct {
	ID    int64  `json:"id"`
	Label string `json:"label"` // 荟萃花园南区1号楼3单元602
}

// Percent is the visited share, one decimal ("87.5").
func (c Coverage) Percent() string {
	if c.Total == 0 {
		return "0.0"
	}
	pm := (int64(c.Visited)*2000 + int64(c.Total)) / (2 * int64(c.Total))
	return fmt.Sprintf("%d.%d", pm/10, pm%10)
}
