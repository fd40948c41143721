package visits

func catalog() map[string]string {
	return map[string]string{
		"记录走访": "Record a visit", "所涉事项": "Matter", "范围": "Scope", "全部事项": "All matters",
		"筛选": "Filter", "最近走访": "Recent visits", "暂无走访记录": "No visits yet", "走访住户": "Household", "住户总数": "Households", "住户编号": "Household id",
		"见住户页面的编号": "See the household's page for its id", "例如 project:3（项目）、vote:2（表决）": "e.g. project:3 (a project), vote:2 (a vote)",
		"事项名称": "Matter title", "首次走访该事项时填写，可选": "Optional; for the first visit about the matter", "走访日期": "Date of visit",
		"时间": "Time", "同行人员": "Visitors", "可选，多人用逗号分隔；默认是您本人": "Optional, separated by commas; yourself by default",
		"住户态度": "Stance", "主要顾虑": "Concerns", "走访记录": "Notes", "住户说了什么、担心什么": "What the household said and what worries it",
		"照片或文件": "Photos or files", "可选，最多9个，每个不超过10MB": "Optional, up to 9, 10 MB each", "后续事项": "Follow-ups",
		"事项": "Item", "例如：下周带施工图纸再来解释": "e.g. come back next week with the drawings", "期限": "Due",
		"保存走访记录": "Save the visit", "查看": "View", "走访时间": "Visited at", "走访人员": "Visitors", "记录人": "Recorder",
		"已完成": "Done", "重新打开": "Reopen", "标记完成": "Mark done", "照片和文件": "Photos and files", "走访覆盖": "Visit coverage",
		"已走访": "Visited", "未走访": "Not visited", "覆盖率": "Coverage", "在楼栋图上查看": "Show on the building view",
		"尚未走访的住户": "Households not visited yet", "全部住户已走访": "Every household has been visited", "全部走访记录": "All visits",
		// The form opened from /visits: unit, then room; a matter, or another.
		"第一步：选择单元": "Step 1: choose a unit", "楼栋单元": "Building and unit", "您负责走访的单元；下一步选择房号": "The units you visit; the room comes next",
		"下一步": "Next", "您负责的范围内没有登记住户。": "No households are registered where you visit.", "房号": "Room",
		"请选择房号": "Choose a room", "换一个单元": "Choose another unit", "其他事项": "Another matter",
		"其他事项的名称": "Name of the other matter", "选择“其他事项”时填写，例如：楼道堆物清理意见": "When you choose “Another matter”, e.g. clearing the stairwell",
		// Building-view legends (registry shows them through t): the
		// visits layer's, and the vote layer's that no catalogue had.
		"已走访·反对": "Visited · opposed", "有未解决的异议": "Open objection", "不在走访范围": "Outside the visits",
		// Stances and concerns (Go labels shown through t).
		"支持": "Support", "反对": "Oppose", "未决定": "Undecided",
		"采光": "Light", "噪音": "Noise", "结构安全": "Structural safety", "费用": "Cost", "隐私": "Privacy", "其他": "Other",
	}
}
