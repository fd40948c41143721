package cases

import (
	"regexp"
	"strings"
)

// The English of the names Go gives states, actions, timeline steps,
// sources, priorities and ratings. They are translated here, at render
// time, not in the catalogue: one Chinese word names both a state and an
// action (挂账, 不予立案), which English words differently.

// LabelIn is the name of a state in the language ("zh" or "en").
func (s State) LabelIn(lang string) string { return pick(lang, stateLabels[s], stateLabelsEN[s]) }

var stateLabelsEN = map[State]string{Reported: "New", Accepted: "Registered", Rejected: "Not registered", Dispatched: "Dispatched",
	Acknowledged: "Reported in", InProgress: "In progress", Handled: "To verify", Verified: "Verified", Closed: "Closed",
	Shelved: "On the standing ledger", Merged: "Merged"}

// LabelIn is the name of an action in the language.
func (a Action) LabelIn(lang string) string { return pick(lang, actionLabels[a], actionLabelsEN[a]) }

var actionLabelsEN = map[Action]string{ActAccept: "Register", ActReject: "Do not register", ActDispatch: "Dispatch", ActTransfer: "Transfer",
	ActAcknowledge: "Report in", ActStart: "Start work", ActHandle: "Resolved", ActVerify: "Verified", ActSendBack: "Send back for rework",
	ActClose: "Close", ActRate: "Rate", ActReopen: "Reopen", ActShelve: "Put on the standing ledger", ActResume: "Resume",
	ActMerge: "Merge", ActNote: "Note", ActRequestExtension: "Request an extension", ActDecideExtension: "Decide on the extension",
	ActAddCoHandler: "Add a co-handler", ActWhistle: "Blow the whistle", ActReportIn: "Report in to the whistle",
	ActAcceptDispatch: "Register and dispatch"}

// EventLabel names a step of the timeline (an action, or what the system
// recorded) in the language.
func EventLabel(kind, lang string) string {
	if l := Action(kind).LabelIn(lang); l != "" {
		return l
	}
	return pick(lang, eventLabels[kind], eventLabelsEN[kind])
}

// eventLabels name the timeline steps that are not actions.
var eventLabels = map[string]string{"report": "上报", "response_overdue": "响应超时", "warning": "临期提醒", "overdue": "超期",
	"escalation_exhausted": "升级已到顶", "report_in_lapsed": "未按时报到", "merged_from": "合并", "photos": "上传照片"}

var eventLabelsEN = map[string]string{"report": "Reported", "response_overdue": "Response overdue", "warning": "Deadline near",
	"overdue": "Overdue", "escalation_exhausted": "No level left to escalate to", "report_in_lapsed": "Did not report in on time",
	"merged_from": "Merged", "photos": "Photos added"}

// LabelIn is the name of a source in the language.
func (s Source) LabelIn(lang string) string { return pick(lang, sourceLabels[s], sourceLabelsEN[s]) }

var sourceLabelsEN = map[Source]string{SourceResident: "Resident report", SourcePatrol: "Grid patrol", SourceVolunteer: "Volunteer patrol", SourceHotline: "Hotline",
	SourceMeeting: "Meeting action", SourceInspection: "Inspection finding", SourceCamera: "Camera alert", SourceOpen311: "Open311"}

// LabelIn is the name of a priority in the language.
func (p Priority) LabelIn(lang string) string {
	return pick(lang, priorityLabels[p], priorityLabelsEN[p])
}

var priorityLabelsEN = map[Priority]string{Normal: "Normal", Urgent: "Urgent", Emergency: "Emergency"}

// LabelIn is the name of a rating in the language.
func (r Rating) LabelIn(lang string) string { return pick(lang, ratingLabels[r], ratingLabelsEN[r]) }

var ratingLabelsEN = map[Rating]string{Satisfied: "Satisfied", Basic: "Basically satisfied", Unsatisfied: "Unsatisfied"}

// pick is the English where the page is English and there is one.
func pick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// Labels lists every label Go gives the pages, in the language — for the
// test that each has its English.
func Labels(lang string) map[string]string {
	out := map[string]string{}
	for _, st := range States() {
		out["state "+string(st)] = st.LabelIn(lang)
	}
	for a := range machine() {
		out["action "+string(a)] = a.LabelIn(lang)
	}
	// 立案并派遣 is two steps of the machine in one.
	out["action "+string(ActAcceptDispatch)] = ActAcceptDispatch.LabelIn(lang)
	for k := range eventLabels {
		out["event "+k] = EventLabel(k, lang)
	}
	for k := range sourceLabels {
		out["source "+string(k)] = k.LabelIn(lang)
	}
	for k := range priorityLabels {
		out["priority "+string(k)] = k.LabelIn(lang)
	}
	for k := range ratingLabels {
		out["rating "+string(k)] = k.LabelIn(lang)
	}
	return out
}

// ActorIn is who took a step, in the language: steps of the timers are
// stored as 系统 (the system).
func (e Event) ActorIn(lang string) string {
	if lang == "en" && e.ActorID == 0 && e.ActorName == systemName {
		return "System"
	}
	return e.ActorName
}

// NoteIn is a timeline note in the language. The notes the service writes
// itself (a deadline passed, a whistle, "派往…") are stored in Chinese
// with the data of the step inside; for an English page they are
// re-worded here, by the step's kind, so rows written long ago read in
// English too. What a person typed (a reason, a comment) stays as typed.
func (e Event) NoteIn(lang string) string {
	if lang != "en" || e.Note == "" {
		return e.Note
	}
	for _, w := range noteWords[e.Action] {
		if m := w.re.FindStringSubmatch(e.Note); m != nil {
			return w.en(m)
		}
	}
	return e.Note
}

// rest is the typed remainder joinNote appended ("；…"), in English
// punctuation.
func rest(s string) string {
	if s == "" {
		return ""
	}
	return "; " + strings.TrimPrefix(s, "；")
}

type noteWord struct {
	re *regexp.Regexp
	en func(m []string) string
}

func word(re string, en func(m []string) string) noteWord {
	return noteWord{regexp.MustCompile(re), en}
}

// noteWords re-word the notes the service writes (open.go, act.go,
// deadlines.go, photos.go), per step kind.
var noteWords = map[string][]noteWord{
	"response_overdue": {word(`^超过响应时限未报到签收$`, func([]string) string { return "Nobody reported in within the response time" })},
	"warning":          {word(`^即将超过办理时限（截止 (.+)）$`, func(m []string) string { return "The resolution deadline is near (due " + m[1] + ")" })},
	"overdue":          {word(`^已超过办理时限（截止 (.+)）$`, func(m []string) string { return "Past the resolution deadline (due " + m[1] + ")" })},
	"escalation_exhausted": {word(`^升级链已到最高层级$`, func([]string) string {
		return "The escalation chain has reached its top level"
	})},
	"whistle": {word(`^(自动升级吹哨|吹哨)：(.+)须在 (.+) 前报到$`, func(m []string) string {
		verb := "Whistle"
		if m[1] == "自动升级吹哨" {
			verb = "Automatic escalation"
		}
		return verb + ": " + m[2] + " to report in by " + m[3]
	})},
	"report_in": {word(`^(.+)已报到(（已超时）)?$`, func(m []string) string {
		if m[2] != "" {
			return m[1] + " reported in (late)"
		}
		return m[1] + " reported in"
	})},
	"report_in_lapsed": {word(`^(.+)未在时限内报到$`, func(m []string) string { return m[1] + " did not report in on time" })},
	string(ActRequestExtension): {word(`^申请延期至 ([^：]+)：(.*)$`, func(m []string) string {
		return "Extension requested to " + m[1] + ": " + m[2]
	})},
	string(ActDecideExtension): {
		word(`^批准延期至 ([^；]+)(；.*)?$`, func(m []string) string { return "Extension approved to " + m[1] + rest(m[2]) }),
		word(`^驳回延期(；.*)?$`, func(m []string) string { return "Extension refused" + rest(m[1]) }),
	},
	string(ActAddCoHandler): {word(`^增加协办：(.+)$`, func(m []string) string { return "Co-handler added: " + m[1] })},
	"photos":                {word(`^上传(\d+)张照片$`, func(m []string) string { return m[1] + " photo(s) added" })},
	string(ActDispatch):     {word(`^派往([^；]+)(；.*)?$`, func(m []string) string { return "Assigned to " + m[1] + rest(m[2]) })},
	string(ActTransfer):     {word(`^派往([^；]+)(；.*)?$`, func(m []string) string { return "Assigned to " + m[1] + rest(m[2]) })},
	string(ActMerge):        {word(`^合并到 ([^；]+)(；.*)?$`, func(m []string) string { return "Merged into " + m[1] + rest(m[2]) })},
	"merged_from":           {word(`^合并了重复案件 (.+)$`, func(m []string) string { return "Merged the duplicate case " + m[1] })},
	string(ActRate): {word(`^(满意|基本满意|不满意)(；.*)?$`, func(m []string) string {
		for r, l := range ratingLabels {
			if l == m[1] {
				return ratingLabelsEN[r] + rest(m[2])
			}
		}
		return m[0]
	})},
}
