package cases

func catalog() map[string]string {
	m := catalogCore()
	for k, v := range formsCatalog() {
		m[k] = v
	}
	return m
}

func catalogCore() map[string]string {
	return map[string]string{
		// The dispatch board and lists (issue 10).
		"编号、姓名、房号、电话或问题": "Number, name, room, phone or problem", "未办结": "Open", "全部": "All", "分类": "Category",
		"网格": "Grid", "不限": "Any time", "今天": "Today", "近7天": "Last 7 days",
		"近30天": "Last 30 days", "本月": "This month", "只看超期": "Overdue only", "只看已升级": "Escalated only", "筛选": "Filter", "清除": "Clear",
		"导出Excel": "Export to Excel", "案件列表": "Cases", "超过1,000件时只显示“1,000+”，请用筛选缩小范围。": "Beyond 1,000 cases the count shows “1,000+”: narrow the filter.",
		"下一页": "Next page", "问题": "Problem", "临期": "Due soon", "未派遣": "Not dispatched",
		// The home page's 待办 (home.go).
		"待办案件": "Cases to handle", "待派遣": "Awaiting dispatch", "延期待批": "Extensions to approve", "即将到期": "Due soon",
		"吹哨待报到": "Whistles to report in", "暂无待办": "Nothing to do", "请评价": "Please rate", "还没有上报过问题": "No reports yet", "进展": "Progress",
		"转人民调解": "Take to mediation", "我要上报": "Report a problem", "三步完成：选类别、拍照片、说一句话。": "Three steps: pick a category, take a photo, say what is wrong.",
		"选择类别": "Category", "类别": "Category", "城市管理事件和部件": "Urban management events and components", "拍照或选择照片": "Photos",
		"可选，最多9张，每张不超过10MB": "Optional, up to 9, 10 MB each", "说一句话": "In a sentence", "发生了什么？": "What happened?",
		"例如：楼上卫生间漏水，我家天花板渗水": "e.g. the bathroom upstairs leaks through my ceiling", "补充说明（可选）": "More detail (optional)",
		"位置": "Location", "默认是您家": "Your home by default", "请选择": "Choose", "您的角色不能在这里上报问题。": "Your role cannot report problems here.", "上报由居民、志愿者、网格员和工作人员提交；施工中的投诉请通过所在项目的页面反映。": "Reports come from residents, volunteers, grid workers and staff; complaints about construction go through the project's page.", "选择小区、楼栋、单元，需要时选到房号": "Choose the estate, building and unit, down to the room if needed",
		"公开（邻居可以看到进展）":          "Public (neighbours can follow it)",
		"公开只公开问题和进展，不公开您的姓名和房号": "Public shows only the problem and its progress, never your name or room", "提交": "Submit", "超期": "Overdue", "已吹哨": "Whistle blown", "暂无案件": "No cases",
		"年工作日历未加载，期限只扣除了周末": "calendar not loaded: the deadline skips weekends only",
		"案件": "Cases", "案件调度": "Dispatch board", "登记新案件": "Register a case", "统计": "Statistics", "吹哨报到": "Whistles", "请在": "Report in by",
		"前报到": "", "待受理/待派遣": "New", "已升级": "Escalated", "待核查/待结案": "To verify", "全部案件": "All cases", "编号或标题": "Number or title",
		"我的上报": "My reports", "我的任务": "My tasks", "巡查上报": "Patrol report", "报到": "Report in", "办结": "Resolve", "暂无待办任务": "Nothing to do",
		"消息": "Notifications", "全部标为已读": "Mark all read", "暂无消息": "No notifications", "编号": "Number", "来源": "Source", "志愿者巡查": "Volunteer patrol", "上报时间": "Reported",
		"承办": "Assignee", "响应时限": "Respond by", "已于": "at", "办结时限": "Resolve by", "评价": "Rating", "描述": "Description", "照片": "Photos",
		"办理": "Actions", "派往": "Assign to", "按类别规则（网格或物业）": "By the category's rule (grid or property)", "职能部门": "Department", "部门": "Department",
		"说明": "Note", "处置结果": "Result", "处置照片": "Result photos", "提交处置结果": "Submit the result", "核查意见（可选）": "Verification note (optional)",
		"请评价办理结果": "Please rate the result", "满意": "Satisfied", "基本满意": "Basically satisfied", "不满意": "Unsatisfied", "意见（可选）": "Comment (optional)",
		"提交评价": "Submit rating", "召集": "Call in", "社区": "Community", "街道": "Street", "原因": "Reason", "吹哨": "Blow the whistle", "延期至": "Extend to",
		"提交申请": "Submit request", "审批意见": "Decision note", "批准延期": "Approve", "驳回延期": "Refuse",
		"处置中": "In progress", "已结案": "Closed", // map legend
		"合并到案件": "Merge into case", "输入编号或标题查找": "Type a number or title to find it", "没有找到": "Nothing found",
		"自动升级": "Automatic", "时限": "Due", "已报到": "Reported in", "未按时报到": "Missed", "待报到": "Waiting", "办理过程": "Timeline",
	}
}
