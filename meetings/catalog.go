package meetings

// catalog is the English of the meeting pages and of the Chinese texts the
// package hands them (kinds, states, flash messages).
func catalog() map[string]string {
	return map[string]string{
		// The home page's 待办 (home.go).
		"今日会议": "Meetings today", "全部会议": "All meetings", "今天没有会议": "No meetings today",
		// Kinds and states.
		"协调会": "Coordination meeting", "议事会": "Residents' council", "听证会": "Hearing",
		"待召开": "Planned", "已召开": "Held", "纪要已发布": "Minutes published", "已取消": "Cancelled",
		// The list.
		"会议": "Meetings", "召集会议": "Call a meeting", "协调会、议事会、听证会：邀请、签到、纪要、决定和待办事项。": "Coordination meetings, councils and hearings: invitations, sign-in, minutes, decisions and follow-up actions.",
		"即将召开": "Upcoming", "暂无待召开的会议": "No upcoming meetings", "往期会议": "Past meetings", "暂无往期会议": "No past meetings",
		"受邀": "Invited", "签到": "Sign in",
		// The form.
		"会议名称": "Title", "例如：荟萃花园南区1号楼加装电梯协调会": "e.g. Huicui Garden South building 1 elevator coordination meeting",
		"会议类型": "Kind of meeting", "涉及地点": "Place concerned", "开始时间": "Starts", "结束时间": "Ends",
		"会议地点": "Venue", "例如：学苑社区党群服务中心二楼会议室": "e.g. Xueyuan community service centre, meeting room, 2nd floor",
		"主持人": "Host", "议题（可选）": "Subject (optional)", "关联的项目或案件": "A linked project or case", "输入项目名称、案件编号或标题查找": "Type a project name, case number or title to find it", "没有找到": "Nothing found",
		"议程": "Agenda", "每行一项": "One item per line", "取消": "Cancel",
		// The meeting page.
		"时间": "Time", "人": "people", "户": "households", "取消原因": "Reason for cancelling",
		"您已签到": "You are signed in", "我已到会，签到": "I am here: sign me in", "会议已召开": "Mark as held",
		"发布纪要": "Publish the minutes", "打印纪要": "Print the minutes", "取消会议": "Cancel the meeting", "将通知所有受邀人": "All invitees will be told",
		"尚未安排议程": "No agenda yet", "增加议程": "Add to the agenda", "议程事项": "Agenda item", "说明（可选）": "Note (optional)",
		"参会人员": "Invitees", "受邀人员": "Invited people", "受邀人": "Invitee", "整户": "Household", "已签到": "Signed in", "未签到": "Not signed in", "尚未邀请": "Nobody invited yet",
		"邀请参会": "Invite", "邀请人员": "Invite people", "邀请住户（按小区、楼栋或单元，全体住户）": "Invite households (every household of an estate, building or unit)",
		"可多选；受邀住户的居民会收到站内通知": "Pick one or more; residents of invited households are notified in-app", "发出邀请": "Send invitations",
		"列席人员（按姓名签到）": "Walk-in (sign in by name)", "姓名": "Name", "住户代表或列席人员的姓名": "Name of the household's representative or of the walk-in",
		"签到名单": "Sign-in sheet", "列席": "Walk-in", "本人签到": "Signed in themselves",
		"会议纪要": "Minutes", "尚未记录纪要": "No minutes recorded yet", "记录人": "Recorder", "记录纪要": "Record the minutes", "纪要": "Minutes",
		"分段书写，段与段之间空一行": "Plain paragraphs, separated by a blank line", "保存纪要": "Save the minutes",
		"会议决定": "Decisions", "赞成": "For", "反对": "Oppose", "弃权": "Abstain", "暂无决定": "No decisions yet", "记录决定": "Record a decision",
		"决定事项": "Decision", "赞成票": "Votes for", "反对票": "Votes against", "弃权票": "Abstentions", "可选": "Optional",
		"待办事项": "Follow-up actions", "事项": "Item", "责任人": "Owner", "期限": "Due", "状态": "Status",
		"已转为案件": "Turned into a case", "已办结": "Done", "已逾期": "Overdue", "办理中": "Open", "转为案件": "Turn into a case",
		"案件类别": "Case category", "公开（居民可见）": "Public (residents can see it)", "办结": "Resolve", "办理结果": "What was done",
		"暂无待办事项": "No follow-up actions", "增加待办": "Add an action", "待办事项：": "Action:", "待办": "Action",
		"责任人账号": "Owner's account", "或责任部门、责任人": "Or a department or person", "例如：荟安物业、盐湖区住建局": "e.g. Hui'an Property, Yanhu District Housing Bureau",
		"完成期限": "Due date", "会议纪要发布后可在此查看。": "The minutes can be read here once they are published.",
		// The printed minutes.
		"使用浏览器的打印功能（A4纵向）打印本页。": "Print this page with the browser (A4 portrait).", "返回会议": "Back to the meeting",
		"应到": "Invited", "实到": "Attended", "办理方式": "Handled as", "限期办理": "Task with a due date", "记录人（签字）": "Recorder (signature)", "日期": "Date",
		// Flash messages after a form.
		"已召集会议": "Meeting called", "已发出邀请": "Invitations sent", "已加入议程": "Added to the agenda",
		"会议已召开，可记录纪要": "The meeting is held: record the minutes", "会议已取消": "Meeting cancelled",
		"签到成功": "You are signed in", "纪要已保存": "Minutes saved", "已记录决定": "Decision recorded",
		"已记录待办": "Action recorded", "待办事项已办结": "Action done", "待办已办结": "Action done",
		"标记为已召开后不能再取消会议。确定？":      "Once marked as held the meeting can no longer be cancelled. Go on?",
		"纪要发布后通知参会各方，不能再修改。确定发布？": "Published minutes go to everyone invited and can no longer be changed. Publish?",
	}
}
