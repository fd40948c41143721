package meetings

import (
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/links"
)

// Kind is what sort of meeting it is.
type Kind string

// Kinds of meetings. A coordination meeting (协调会) brings the parties of
// one matter together; a council (议事会) is the residents' deliberative
// meeting; a hearing (听证会) hears the views on a plan before it is decided.
const (
	KindCoordination Kind = "coordination"
	KindCouncil      Kind = "council"
	KindHearing      Kind = "hearing"
)

// Kinds lists the kinds in the order forms offer them.
func Kinds() []Kind { return []Kind{KindCoordination, KindCouncil, KindHearing} }

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case KindCoordination:
		return "协调会"
	case KindCouncil:
		return "议事会"
	case KindHearing:
		return "听证会"
	}
	return ""
}

// LabelEN is the English name of the kind.
func (k Kind) LabelEN() string {
	switch k {
	case KindCoordination:
		return "Coordination meeting"
	case KindCouncil:
		return "Residents' council"
	case KindHearing:
		return "Hearing"
	}
	return ""
}

// State is where a meeting stands.
type State string

// States: planned → held (minutes can be recorded) → published; a planned
// meeting can be cancelled.
const (
	Planned   State = "planned"
	Held      State = "held"
	Published State = "published"
	Cancelled State = "cancelled"
)

// Label is the Chinese name of the state.
func (s State) Label() string {
	switch s {
	case Planned:
		return "待召开"
	case Held:
		return "已召开"
	case Published:
		return "纪要已发布"
	case Cancelled:
		return "已取消"
	}
	return ""
}

// Action states. A task is open until done; an action that became a case
// follows the case.
const (
	ActionOpen = "open"
	ActionDone = "done"
	ActionCase = "case"
)

// SelfSignInEarly is how long before the start an invited person may sign
// themselves in on their phone; self sign-in closes at the end.
const SelfSignInEarly = 30 * time.Minute

// Meeting is one meeting with everything recorded about it.
type Meeting struct {
	ID          int64      `json:"id"`
	CommunityID int64      `json:"community_id"`
	ScopeID     int64      `json:"scope_id"`
	Scope       string     `json:"scope"` // the place's name, e.g. "荟萃花园南区1号楼3单元"
	Path        string     `json:"path"`
	Subject     *links.Ref `json:"subject,omitempty"`
	Kind        Kind       `json:"kind"`
	Title       string     `json:"title"`
	StartsAt    time.Time  `json:"starts_at"`
	EndsAt      time.Time  `json:"ends_at"`
	Place       string     `json:"place"`
	Host        string     `json:"host"`
	State       State      `json:"state"`
	// Minutes are plain paragraphs separated by blank lines.
	Minutes      string    `json:"minutes"`
	Recorder     string    `json:"recorder"`
	CancelReason string    `json:"cancel_reason,omitempty"`
	HeldAt       time.Time `json:"held_at"`
	PublishedAt  time.Time `json:"published_at"`
	CancelledAt  time.Time `json:"cancelled_at"`
	CreatedBy    int64     `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// Counts, for lists and for readers who do not see the names.
	InvitedAccounts   int `json:"invited_accounts"`
	InvitedHouseholds int `json:"invited_households"`
	Attended          int `json:"attended"`
}

// AgendaItem is one numbered item of the agenda.
type AgendaItem struct {
	ID    int64  `json:"id"`
	Seq   int    `json:"seq"`
	Title string `json:"title"`
	Note  string `json:"note,omitempty"`
}

// Invitee is an invited account or household, with its attendance.
type Invitee struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id,omitempty"`
	HouseholdID int64     `json:"household_id,omitempty"`
	Name        string    `json:"name"` // display name, or the household label "1号楼3单元602"
	InvitedAt   time.Time `json:"invited_at"`
	Attended    bool      `json:"attended"`
	SignedAt    time.Time `json:"signed_at"`
}

// Attendance is one sign-in: an invited account, a household's
// representative, or a walk-in by name.
type Attendance struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id,omitempty"`
	HouseholdID int64     `json:"household_id,omitempty"`
	Name        string    `json:"name"`
	Household   string    `json:"household,omitempty"` // label of the household represented
	SignedAt    time.Time `json:"signed_at"`
	SignedBy    int64     `json:"signed_by"`
	Self        bool      `json:"self"` // signed in on their own phone
}

// Decision is one numbered decision, with an optional vote count.
type Decision struct {
	ID       int64     `json:"id"`
	Seq      int       `json:"seq"`
	Text     string    `json:"text"`
	HasVotes bool      `json:"has_votes"`
	For      int       `json:"votes_for"`
	Against  int       `json:"votes_against"`
	Abstain  int       `json:"votes_abstain"`
	At       time.Time `json:"created_at"`
}

// Action is a follow-up action: a task tracked to done, or a case.
type Action struct {
	ID             int64     `json:"id"`
	MeetingID      int64     `json:"meeting_id"`
	Seq            int       `json:"seq"`
	Title          string    `json:"title"`
	Note           string    `json:"note,omitempty"`
	OwnerAccountID int64     `json:"owner_account_id,omitempty"`
	Owner          string    `json:"owner"` // the account's name or a department's
	Due            string    `json:"due"`   // date, YYYY-MM-DD, in the deployment's zone
	State          string    `json:"state"` // open, done or case
	DoneNote       string    `json:"done_note,omitempty"`
	DoneAt         time.Time `json:"done_at"`
	Overdue        bool      `json:"overdue"`
	CaseID         int64     `json:"case_id,omitempty"`
	// Case is the case this action became, as the reader may see it.
	Case      *links.Item `json:"case,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	// A conversion to a case in flight (see ToCase).
	claimAt time.Time
	claimBy int64
}

// Detail is a meeting's page.
type Detail struct {
	Meeting
	Agenda     []AgendaItem `json:"agenda"`
	Invitees   []Invitee    `json:"invitees"`   // empty for readers who only see their own invitation
	Attendance []Attendance `json:"attendance"` // likewise
	Decisions  []Decision   `json:"decisions"`  // empty until the reader may see the minutes
	Actions    []Action     `json:"actions"`
	Links      []links.Item `json:"links"`
	// What the reader may do.
	CanManage  bool `json:"can_manage"`
	CanSignIn  bool `json:"can_sign_in"`  // sign others in (staff, grid workers, heads)
	CanCheckIn bool `json:"can_check_in"` // sign oneself in now
	SeeMinutes bool `json:"see_minutes"`
	CheckedIn  bool `json:"checked_in"` // the reader (or their household) has signed in
}

// MeetingInput creates a meeting.
type MeetingInput struct {
	Title    string     `json:"title"`
	Kind     Kind       `json:"kind"`
	ScopeID  int64      `json:"scope_id"`
	Subject  *links.Ref `json:"subject,omitempty"`
	StartsAt time.Time  `json:"starts_at"`
	EndsAt   time.Time  `json:"ends_at"`
	Place    string     `json:"place"`
	Host     string     `json:"host"`
	Agenda   []string   `json:"agenda,omitempty"`
	// Invitations sent at once (optional).
	Invite *InviteInput `json:"invite,omitempty"`
}

// subjectKinds are the records a meeting can be about.
var subjectKinds = map[string]bool{links.KindProject: true, links.KindCase: true, links.KindVote: true, links.KindDispute: true}

func (in *MeetingInput) validate() error {
	var v linli.Validation
	in.Title = strings.TrimSpace(in.Title)
	in.Place = strings.TrimSpace(in.Place)
	in.Host = strings.TrimSpace(in.Host)
	if in.Title == "" {
		v.Add("title", "请填写会议名称 / title is required")
	} else if utf8.RuneCountInString(in.Title) > 100 {
		v.Add("title", "会议名称不超过100字 / title is at most 100 characters")
	}
	if in.Kind == "" {
		in.Kind = KindCoordination
	}
	if in.Kind.Label() == "" {
		v.Add("kind", "会议类型应为 coordination、council 或 hearing / unknown kind")
	}
	if in.ScopeID <= 0 {
		v.Add("scope_id", "请选择会议涉及的地点 / pick the place the meeting concerns")
	}
	if in.Subject != nil && !in.Subject.IsZero() && !subjectKinds[in.Subject.Kind] {
		v.Add("subject", "议题只能是项目、案件、表决或调解 / subject must be a project, case, vote or dispute")
	}
	if in.StartsAt.IsZero() {
		v.Add("starts_at", "请填写开始时间 / start time is required")
	}
	if in.EndsAt.IsZero() {
		v.Add("ends_at", "请填写结束时间 / end time is required")
	} else if !in.StartsAt.IsZero() && !in.EndsAt.After(in.StartsAt) {
		v.Add("ends_at", "结束时间须晚于开始时间 / the end must be after the start")
	} else if in.EndsAt.Sub(in.StartsAt) > 24*time.Hour {
		v.Add("ends_at", "会议不超过24小时 / a meeting lasts at most 24 hours")
	}
	if in.Place == "" {
		v.Add("place", "请填写会议地点 / place is required")
	} else if utf8.RuneCountInString(in.Place) > 200 {
		v.Add("place", "地点不超过200字 / place is at most 200 characters")
	}
	if in.Host == "" {
		v.Add("host", "请填写主持人 / host is required")
	} else if utf8.RuneCountInString(in.Host) > 100 {
		v.Add("host", "主持人不超过100字 / host is at most 100 characters")
	}
	for i := range in.Agenda {
		in.Agenda[i] = strings.TrimSpace(in.Agenda[i])
		checkAgendaTitle(&v, agendaField(i), in.Agenda[i])
	}
	if len(in.Agenda) > 50 {
		v.Add("agenda", "议程不超过50项 / at most 50 agenda items")
	}
	return v.Err()
}

func agendaField(i int) string { return "agenda[" + itoa(int64(i)) + "]" }

func checkAgendaTitle(v *linli.Validation, field, title string) {
	if title == "" {
		v.Add(field, "议程事项不能为空 / an agenda item cannot be empty")
	} else if utf8.RuneCountInString(title) > 200 {
		v.Add(field, "议程事项不超过200字 / an agenda item is at most 200 characters")
	}
}

// AgendaInput adds an item to the agenda.
type AgendaInput struct {
	Title string `json:"title"`
	Note  string `json:"note,omitempty"`
}

func (in *AgendaInput) validate() error {
	var v linli.Validation
	in.Title, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.Note)
	checkAgendaTitle(&v, "title", in.Title)
	if utf8.RuneCountInString(in.Note) > 1000 {
		v.Add("note", "说明不超过1000字 / note is at most 1000 characters")
	}
	return v.Err()
}

// InviteInput invites accounts and households. NodeIDs invite every
// household of those units or buildings in one step.
type InviteInput struct {
	AccountIDs   []int64 `json:"account_ids,omitempty"`
	HouseholdIDs []int64 `json:"household_ids,omitempty"`
	NodeIDs      []int64 `json:"node_ids,omitempty"`
}

func (in InviteInput) empty() bool {
	return len(in.AccountIDs) == 0 && len(in.HouseholdIDs) == 0 && len(in.NodeIDs) == 0
}

// SignInInput records one attendee: an account, a household (with its
// representative's name) or a walk-in by name.
type SignInInput struct {
	AccountID   int64  `json:"account_id,omitempty"`
	HouseholdID int64  `json:"household_id,omitempty"`
	Name        string `json:"name,omitempty"`
}

func (in *SignInInput) validate() error {
	var v linli.Validation
	in.Name = strings.TrimSpace(in.Name)
	n := 0
	for _, set := range []bool{in.AccountID != 0, in.HouseholdID != 0} {
		if set {
			n++
		}
	}
	if n > 1 {
		v.Add("account_id", "账号和住户只填一项 / give an account or a household, not both")
	}
	if n == 0 && in.Name == "" {
		v.Add("name", "请选择参会人或填写姓名 / pick an invitee or give a name")
	}
	if utf8.RuneCountInString(in.Name) > 50 {
		v.Add("name", "姓名不超过50字 / name is at most 50 characters")
	}
	return v.Err()
}

// MinutesInput records the minutes.
type MinutesInput struct {
	Minutes  string `json:"minutes"`
	Recorder string `json:"recorder"`
}

func (in *MinutesInput) validate() error {
	var v linli.Validation
	in.Minutes = normalizeParagraphs(in.Minutes)
	in.Recorder = strings.TrimSpace(in.Recorder)
	if in.Minutes == "" {
		v.Add("minutes", "请填写会议纪要 / minutes are required")
	} else if utf8.RuneCountInString(in.Minutes) > 20000 {
		v.Add("minutes", "纪要不超过20000字 / minutes are at most 20000 characters")
	}
	if in.Recorder == "" {
		v.Add("recorder", "请填写记录人 / recorder is required")
	} else if utf8.RuneCountInString(in.Recorder) > 50 {
		v.Add("recorder", "记录人不超过50字 / recorder is at most 50 characters")
	}
	return v.Err()
}

// normalizeParagraphs trims the lines of plain text and keeps at most one
// blank line between paragraphs.
func normalizeParagraphs(s string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// Paragraphs splits minutes into paragraphs for display.
func Paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// DecisionInput records a decision; the vote count is optional.
type DecisionInput struct {
	Text    string `json:"text"`
	For     *int   `json:"votes_for,omitempty"`
	Against *int   `json:"votes_against,omitempty"`
	Abstain *int   `json:"votes_abstain,omitempty"`
}

func (in *DecisionInput) validate() error {
	var v linli.Validation
	in.Text = strings.TrimSpace(in.Text)
	if in.Text == "" {
		v.Add("text", "请填写决定事项 / the decision is required")
	} else if utf8.RuneCountInString(in.Text) > 2000 {
		v.Add("text", "决定事项不超过2000字 / a decision is at most 2000 characters")
	}
	for _, f := range []struct {
		name string
		n    *int
	}{{"votes_for", in.For}, {"votes_against", in.Against}, {"votes_abstain", in.Abstain}} {
		if f.n != nil && (*f.n < 0 || *f.n > 100000) {
			v.Add(f.name, "票数应为0到100000 / a vote count is 0 to 100000")
		}
	}
	return v.Err()
}

func (in DecisionInput) hasVotes() bool {
	return in.For != nil || in.Against != nil || in.Abstain != nil
}

// ActionInput records a follow-up action.
type ActionInput struct {
	Title          string `json:"title"`
	Note           string `json:"note,omitempty"`
	OwnerAccountID int64  `json:"owner_account_id,omitempty"`
	OwnerName      string `json:"owner_name,omitempty"` // a department or a person without an account
	Due            string `json:"due"`                  // YYYY-MM-DD
}

// validate checks the input; the due date may not be before the meeting's
// day (in the deployment's zone).
func (in *ActionInput) validate(meetingStart time.Time, zone *time.Location) (time.Time, error) {
	var v linli.Validation
	in.Title, in.Note, in.OwnerName, in.Due = strings.TrimSpace(in.Title), strings.TrimSpace(in.Note), strings.TrimSpace(in.OwnerName), strings.TrimSpace(in.Due)
	if in.Title == "" {
		v.Add("title", "请填写待办事项 / the action is required")
	} else if utf8.RuneCountInString(in.Title) > 200 {
		v.Add("title", "待办事项不超过200字 / an action is at most 200 characters")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		v.Add("note", "说明不超过2000字 / note is at most 2000 characters")
	}
	if in.OwnerAccountID == 0 && in.OwnerName == "" {
		v.Add("owner", "请指定责任人或责任部门 / name an owner (account or department)")
	}
	if utf8.RuneCountInString(in.OwnerName) > 100 {
		v.Add("owner_name", "责任人不超过100字 / owner is at most 100 characters")
	}
	var due time.Time
	if in.Due == "" {
		v.Add("due", "请填写完成期限 / due date is required")
	} else if d, err := time.ParseInLocation("2006-01-02", in.Due, zone); err != nil {
		v.Add("due", "日期格式应为2026-12-31 / date must look like 2026-12-31")
	} else if day := meetingStart.In(zone); d.Before(time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, zone)) {
		v.Add("due", "完成期限不能早于会议日期 / the due date cannot be before the meeting")
	} else {
		due = d
	}
	return due, v.Err()
}

// overdue reports whether an open task is past its due date: due on D means
// done by the end of D in the deployment's zone.
func overdue(state, dueOn string, now time.Time, zone *time.Location) bool {
	if state != ActionOpen {
		return false
	}
	d, err := time.ParseInLocation("2006-01-02", dueOn, zone)
	if err != nil {
		return false
	}
	return !now.Before(d.AddDate(0, 0, 1))
}

// CaseInput turns an action into a case: the category code (cases'
// categories.json, e.g. "public_facility"), and optionally a title,
// description and whether residents may see it on the public list.
type CaseInput struct {
	Category    string `json:"category"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Public      bool   `json:"public,omitempty"`
}

// DoneInput closes a task.
type DoneInput struct {
	Note string `json:"note"`
}

// CancelInput cancels a planned meeting.
type CancelInput struct {
	Reason string `json:"reason"`
}

// ListFilter narrows the meeting list.
type ListFilter struct {
	Limit int
	// Day narrows the list to the meetings starting on that day (from its
	// midnight in the deployment's zone, for 24 hours), cancelled ones left
	// out: the home page's 今日会议 links to it. Zero: every meeting.
	Day time.Time
}

// ParseDay reads the day filter of a request: "today", a date
// (2026-12-06) or empty (no filter), as the midnight starting it in zone.
func ParseDay(v string, now time.Time, zone *time.Location) (time.Time, error) {
	switch v {
	case "":
		return time.Time{}, nil
	case "today":
		n := now.In(zone)
		return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, zone), nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, zone)
	if err != nil {
		return time.Time{}, linli.Invalid("日期应为 today 或 2026-12-06 的形式 / day must be today or a date like 2026-12-06",
			linli.FieldError{Field: "day", Reason: "日期格式不对 / not a date"})
	}
	return d, nil
}

// Lists are the meetings a reader may see, upcoming (planned, not yet
// ended; soonest first) and past (newest first).
type Lists struct {
	Upcoming []Meeting `json:"upcoming"`
	Past     []Meeting `json:"past"`
}
