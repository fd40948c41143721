package campaigns

// catalogForms is the English of the campaign, task, inspection, finding
// and plan pages.
func catalogForms() map[string]string {
	return map[string]string{
		// The list and the new campaign.
		"新建专项排查": "New campaign", "新建检查表": "New checklist", "排查列表": "Campaigns", "暂无专项排查": "No campaigns yet",
		"按楼栋、逐户排查一类安全隐患，一户一策，复查销号。": "Sweep one kind of safety hazard building by building and household by household: one plan per household, closed after re-inspection.",
		"排查名称": "Title", "例如：太阳能热水器安全隐患排查": "e.g. solar water heater safety sweep", "隐患类型": "Hazard type", "例如：太阳能热水器": "e.g. solar water heaters",
		"开始日期": "Starts", "截止日期": "Deadline", "检查表": "Checklist", "排查范围": "Scope", "可多选；选社区即其全部小区": "Pick one or more; a community stands for all its estates",
		"工作组": "Task group", "说明（可选）": "Note (optional)", "取消": "Cancel", "说明": "Note",
		// The checklist form.
		"每行一项。隐患规则：是/否题写“是”或“否”，选择题写哪些选项算隐患，数值题写“>15”或“<1”。": "One item per row. Hazard rule: for yes/no write 是 (yes) or 否 (no); for a choice the options that are a hazard; for a number >15 or <1.",
		"检查表名称": "Checklist name", "题": "Question", "题目": "Question", "题型": "Kind", "选项（用、分隔）": "Options (separated by 、)",
		"单位": "Unit", "最小值": "Minimum", "最大值": "Maximum", "隐患规则": "Hazard rule", "隐患等级": "Severity", "必答": "Required", "保存检查表": "Save the checklist",
		// The campaign page.
		"排查期": "Period", "已过截止日期": "Past the deadline", "进度": "Progress", "任务": "Tasks", "已排查": "Inspected", "隐患": "Hazards",
		"居民自查链接": "Residents' self-check link", "启动排查": "Start the campaign", "结束排查": "Close the campaign", "结束后不能再记录排查。确定？": "No findings can be recorded once it is closed. Sure?",
		"选定检查表": "Choose the checklist", "尚未选定检查表": "No checklist chosen yet", "尚无成员": "Nobody yet", "加入工作组": "Add to the task group",
		"人员": "People", "输入姓名查找": "Type a name to find", "没有找到": "Nothing found", "分工": "Part",
		"地点": "Place", "冲突": "Conflicts", "未安排": "Not assigned", "尚未分配任务": "No tasks yet", "分配任务": "Make tasks",
		"拆分方式": "Split", "按小区": "By estate", "按楼栋": "By building", "交给（工作组成员，可多选）": "Give to (task group members, one or more)",
		"待制定方案的隐患": "Hazards without a plan", "待确认的居民自查": "Self-checks to confirm", "居民自查": "Self-check", "一户一策": "One plan per household", "等级": "Severity", "方案": "Plan",
		"期限": "Due", "负责人": "Responsible", "状态": "State", "超期": "Overdue", "已销号": "Closed", "整改中": "In progress", "案件": "Case",
		// The task page.
		"截止": "Deadline", "户": "households", "记录排查": "Record a finding", "待选定的冲突记录": "Conflicting findings to decide",
		"同一户有两人的记录：原记录保留，未被覆盖。请选定一份。": "Two people recorded the same household: the first finding is kept, not overwritten. Pick one.",
		"原记录": "First finding", "冲突版本": "Conflicting version", "查看": "View", "保留原记录": "Keep the first", "采用冲突版本": "Take the conflicting version",
		"记录楼顶": "Record the roof", "记录无主设备": "Record an unclaimed device", "层": "F", "重录": "Record again", "此任务下没有住户": "No households in this task", "改派": "Reassign",
		// The inspection form.
		"入户排查": "Inspection", "排查对象": "What is inspected", "楼栋（楼顶或无主设备）": "Building (roof or unclaimed device)", "备注（可选）": "Note (optional)",
		"位置（可选）": "Location (optional)", "使用手机定位": "Use my location", "纬度": "Latitude", "经度": "Longitude", "保存排查记录": "Save the finding", "提交自查": "Send the self-check", "返回任务": "Back to the task",
		"请如实回答您家设备的情况，社区工作人员会上门或电话确认。": "Answer about your household's device as it is: community staff will confirm by a visit or a call.",
		// The finding page.
		"未见隐患": "No hazard", "未采用": "Not taken", "记录人": "Recorded by", "版本": "Version", "位置": "Location", "备注": "Note",
		"确认自查结果": "Confirm the self-check", "历史版本": "Earlier versions", "整改指导（自行整改）": "Guidance (owner fixes it)",
		"现场示范日期（自行整改）": "Demonstration date (owner fixes it)", "告知日期（拆除）": "Notice date (removal)", "告知期（天，拆除）": "Waiting period (days, removal)",
		"整改期限": "Due date", "保存方案": "Save the plan",
		// The plan page and list.
		"整改指导": "Guidance", "现场示范日期": "Demonstration date", "告知日期": "Notice date", "告知期": "Waiting period", "天": "days", "可拆除日期": "Removal from",
		"查看案件": "View the case", "复查": "Re-inspection", "查看排查记录": "View the finding", "复查销号": "Re-inspect and close",
		"告知期未满，不能拆除。": "The waiting period after notice has not ended: no removal yet.", "复查照片": "Re-inspection photo", "复查情况": "What was found",
		"需部门处置：转为案件": "Needs a department: open a case", "整改指导书": "Guidance sheet", "上传整改指导书": "Add a guidance sheet",
		"文件（PDF或图片）": "File (PDF or picture)", "上传": "Upload", "类别": "Category", "转为案件": "Open a case", "全部": "All", "暂无待整改": "No open plans",
	}
}
