package campaigns

// catalog is the English of the texts Go hands the pages: states, kinds,
// severities, roles, household marks, home panel, link relations.
func catalog() map[string]string {
	return map[string]string{
		// States, kinds, severities, roles, targets.
		"草稿": "Draft", "进行中": "In progress", "已结束": "Closed",
		"是/否": "Yes/no", "选择": "Choice", "数值": "Number", "文字": "Text", "照片": "Photo",
		"一般": "General", "较大": "Serious", "重大": "Major",
		"社区工作人员": "Community staff", "网格员": "Grid worker", "志愿者": "Volunteer", "施工单位": "Contractor",
		"住户": "Household", "楼顶": "Roof", "无主/业主不明": "Unclaimed / owner unknown",
		"自行整改": "Owner fixes it", "加固": "Reinforcement", "拆除": "Removal", "无需处理": "No action needed",
		// Household marks (the task page and the building view's layer).
		"未排查": "Not inspected", "正常": "Fine", "有隐患": "Hazard", "已整改": "Fixed", "待确认": "To confirm", "不在排查范围": "Outside the campaign",
		// The home page panel.
		"专项排查": "Inspection campaigns", "暂无排查任务": "No inspection tasks", "我的排查任务": "My inspection tasks", "排查任务": "Inspection tasks",
		"待整改": "Plans open", "整改超期": "Plans overdue", "请自查": "Please check your own", "已记录": "Recorded",
		// Links between records (web/render.go's relations).
		"排查隐患转为案件": "A hazard found in an inspection became this case", "来自专项排查": "From an inspection campaign",
		// Answers shown.
		"是": "Yes", "否": "No", "张": "photos", "—": "—", "已转案件": "Passed on as a case",
	}
}
