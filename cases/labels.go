package cases

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
	ActAddCoHandler: "Add a co-handler", ActWhistle: "Blow the whistle", ActReportIn: "Report in to the whistle"}

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

var sourceLabelsEN = map[Source]string{SourceResident: "Resident report", SourcePatrol: "Grid patrol", SourceHotline: "Hotline",
	SourceMeeting: "Meeting action", SourceInspection: "Inspection finding", SourceCamera: "Camera alert"}

// LabelIn is the name of a priority in the language.
func (p Priority) LabelIn(lang string) string { return pick(lang, priorityLabels[p], priorityLabelsEN[p]) }

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
