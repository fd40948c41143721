package cases

import "slices"

// State is where a case stands in the loop 上报 → 立案 → 派遣 → 报到 →
// 处置 → 核查 → 结案 → 评价 (CJ/T 315, GB/T 30428, 12345 接诉即办).
type State string

// The states of a case.
const (
	Reported     State = "reported"     // 待受理: reported, not yet registered
	Accepted     State = "accepted"     // 已立案: registered, not yet dispatched
	Rejected     State = "rejected"     // 不予立案 (terminal, with a reason)
	Dispatched   State = "dispatched"   // 已派遣: the clock runs
	Acknowledged State = "acknowledged" // 已报到: the assignee took it
	InProgress   State = "in_progress"  // 处置中
	Handled      State = "handled"      // 已处置: result reported, waiting for verification
	Verified     State = "verified"     // 已核查: someone other than the handler checked it
	Closed       State = "closed"       // 已结案 (rated or waiting for the rating)
	Shelved      State = "shelved"      // 挂账: cannot be solved in time; kept on the standing ledger
	Merged       State = "merged"       // 已合并 into another case (terminal)
)

// States lists every state in loop order.
func States() []State {
	return []State{Reported, Accepted, Dispatched, Acknowledged, InProgress, Handled, Verified, Closed, Shelved, Rejected, Merged}
}

// Label is the Chinese name of a state.
func (s State) Label() string { return stateLabels[s] }

var stateLabels = map[State]string{Reported: "待受理", Accepted: "已立案", Rejected: "不予立案", Dispatched: "已派遣", Acknowledged: "已报到",
	InProgress: "处置中", Handled: "待核查", Verified: "已核查", Closed: "已结案", Shelved: "挂账", Merged: "已合并"}

// Open reports whether the case still needs work (counts for deadlines).
func (s State) Open() bool {
	switch s {
	case Rejected, Closed, Merged:
		return false
	}
	return true
}

// Action is a step someone takes on a case.
type Action string

// The actions. Each is one transition (or a note that keeps the state).
const (
	ActAccept           Action = "accept"            // 立案
	ActReject           Action = "reject"            // 不予立案
	ActDispatch         Action = "dispatch"          // 派遣
	ActTransfer         Action = "transfer"          // 转派 to another assignee
	ActAcknowledge      Action = "acknowledge"       // 报到/签收
	ActStart            Action = "start"             // 开始处置
	ActHandle           Action = "handle"            // 处置完成, with result
	ActVerify           Action = "verify"            // 核查通过
	ActSendBack         Action = "send_back"         // 核查不通过, back to handling
	ActClose            Action = "close"             // 结案
	ActRate             Action = "rate"              // the reporter rates
	ActReopen           Action = "reopen"            // unsatisfied: back to the assignee (rework)
	ActShelve           Action = "shelve"            // 挂账
	ActResume           Action = "resume"            // off the standing ledger
	ActMerge            Action = "merge"             // duplicate of another case
	ActNote             Action = "note"              // a note on the timeline
	ActRequestExtension Action = "request_extension" // 申请延期
	ActDecideExtension  Action = "decide_extension"  // 批准/驳回延期
	ActAddCoHandler     Action = "add_cohandler"     // 协办
	ActWhistle          Action = "whistle"           // 吹哨: call levels or departments in
	ActReportIn         Action = "report_in"         // 报到 to a whistle
)

// ActAcceptDispatch is 立案 and 派遣 in one step (one transaction), as
// the case page offers it to staff with the target named beforehand. It
// is not an edge of the machine: Act takes the two edges in turn.
const ActAcceptDispatch Action = "accept_dispatch"

// transition is one edge of the machine: from any of From, to To ("" keeps
// the state).
type transition struct {
	From []State
	To   State
}

// machine is the one place where the allowed transitions live.
func machine() map[Action]transition {
	working := []State{Dispatched, Acknowledged, InProgress}
	open := []State{Reported, Accepted, Dispatched, Acknowledged, InProgress, Handled, Verified, Shelved}
	return map[Action]transition{
		ActAccept:           {From: []State{Reported}, To: Accepted},
		ActReject:           {From: []State{Reported, Accepted}, To: Rejected},
		ActDispatch:         {From: []State{Accepted}, To: Dispatched},
		ActTransfer:         {From: working, To: Dispatched},
		ActAcknowledge:      {From: []State{Dispatched}, To: Acknowledged},
		ActStart:            {From: []State{Acknowledged}, To: InProgress},
		ActHandle:           {From: []State{Acknowledged, InProgress}, To: Handled},
		ActVerify:           {From: []State{Handled}, To: Verified},
		ActSendBack:         {From: []State{Handled, Verified}, To: InProgress},
		ActClose:            {From: []State{Verified}, To: Closed},
		ActRate:             {From: []State{Closed}},
		ActReopen:           {From: []State{Closed}, To: Dispatched},
		ActShelve:           {From: working, To: Shelved},
		ActResume:           {From: []State{Shelved}, To: InProgress},
		ActMerge:            {From: []State{Reported, Accepted, Dispatched, Acknowledged}, To: Merged},
		ActNote:             {From: append(open, Closed)},
		ActRequestExtension: {From: working},
		ActDecideExtension:  {From: append(working, Shelved)},
		ActAddCoHandler:     {From: working},
		ActWhistle:          {From: append(working, Handled, Shelved)},
		ActReportIn:         {From: open},
	}
}

// effect is what an action does besides moving the state, in act.go:
// before checks the input and sets the columns, the event's note and data,
// counters, timers and the notices that go out with them; after are the
// notices once the state has changed. An action with own writes its own
// steps (extensions, co-handlers, whistles) and keeps the state.
type effect struct {
	before func(*step) error
	after  []notice
	own    func(*step) error
}

// effects is the one place where what each action does lives, beside
// machine(): an action without an entry only moves the state and writes
// its event.
func effects() map[Action]effect {
	return map[Action]effect{
		ActAccept:           {after: []notice{tellReporterState}},
		ActReject:           {before: (*step).needReason, after: []notice{tellReporterState}},
		ActDispatch:         {before: (*step).dispatch, after: []notice{tellAssigneeDispatched}},
		ActTransfer:         {before: (*step).assign, after: []notice{tellAssigneeDispatched}},
		ActAcknowledge:      {before: (*step).acknowledge},
		ActHandle:           {before: (*step).handle, after: []notice{tellReporterState, tellStaffToVerify}},
		ActVerify:           {before: (*step).verify},
		ActSendBack:         {before: (*step).sendBack},
		ActClose:            {before: (*step).close},
		ActRate:             {before: (*step).rate},
		ActReopen:           {before: (*step).reopen},
		ActShelve:           {before: (*step).shelve},
		ActResume:           {before: (*step).resume},
		ActMerge:            {before: (*step).merge},
		ActNote:             {before: (*step).noteOnly},
		ActRequestExtension: {own: (*step).requestExtension},
		ActDecideExtension:  {own: (*step).decideExtension},
		ActAddCoHandler:     {own: (*step).addCoHandler},
		ActWhistle:          {own: (*step).whistle},
		ActReportIn:         {own: (*step).reportIn},
	}
}

// Next returns the state after action a from s, or ok=false when a is not
// allowed from s.
func Next(s State, a Action) (State, bool) {
	t, ok := machine()[a]
	if !ok || !slices.Contains(t.From, s) {
		return s, false
	}
	if t.To == "" {
		return s, true
	}
	return t.To, true
}

// Allowed lists the actions allowed from s, in a stable order.
func Allowed(s State) []Action {
	var out []Action
	for _, a := range Actions() {
		if _, ok := Next(s, a); ok {
			out = append(out, a)
		}
	}
	return out
}

// Actions lists every action in a stable order.
func Actions() []Action {
	return []Action{ActAccept, ActReject, ActDispatch, ActTransfer, ActAcknowledge, ActStart, ActHandle, ActVerify, ActSendBack,
		ActClose, ActRate, ActReopen, ActShelve, ActResume, ActMerge, ActNote, ActRequestExtension, ActDecideExtension,
		ActAddCoHandler, ActWhistle, ActReportIn}
}

// Label is the Chinese name of an action.
func (a Action) Label() string { return actionLabels[a] }

var actionLabels = map[Action]string{ActAccept: "立案", ActReject: "不予立案", ActDispatch: "派遣", ActTransfer: "转派", ActAcknowledge: "报到签收",
	ActStart: "开始处置", ActHandle: "处置完成", ActVerify: "核查通过", ActSendBack: "退回重办", ActClose: "结案", ActRate: "评价",
	ActReopen: "重新办理", ActShelve: "挂账", ActResume: "恢复办理", ActMerge: "合并", ActNote: "备注", ActRequestExtension: "申请延期",
	ActDecideExtension: "审批延期", ActAddCoHandler: "增加协办", ActWhistle: "吹哨", ActReportIn: "报到", ActAcceptDispatch: "立案并派遣"}
