package campaigns

// catalogBoard is the English of the progress board, the export and the
// print.
func catalogBoard() map[string]string {
	return map[string]string{
		"进度看板": "Progress board", "返回排查": "Back to the campaign", "导出Excel（每个小区一页）": "Export to Excel (one sheet per estate)",
		"总体进度": "Overall progress", "已完成": "Done", "未完成": "To do", "已排查设备": "Devices inspected",
		"已拆除": "Removed", "小区完成情况": "Estates done and to do", "各小区排查进度": "Progress of each estate", "设备": "Devices", "打印": "Print", "打印清单": "Print the list", "排查与整改结果": "Inspections and their outcome",
		"隐患等级分布": "Hazards by severity", "等级": "Severity", "整改方案分布": "Plans by kind", "方案": "Plan",
		"尚未定方案": "No plan yet", "每日排查数": "Findings per day", "排查": "Findings", "逐日数字": "Figures by day", "日期": "Date",
		"尚无排查记录": "Nothing recorded yet",
		// Words other capabilities name too (the same English).
		"小区": "Estate", "楼栋": "Buildings", "单元": "Units",
		// The print (and the sheet's states).
		"返回进度看板": "Back to the progress board", "使用浏览器的打印功能（Ctrl+P）打印，纸张 A4。": "Print with the browser (Ctrl+P) on A4 paper.",
		"排查清单": "Inspection list", "打印日期": "Printed", "楼层": "Floor", "房号": "Room",
		"业主": "Owner", "电话": "Phone", "整改方案": "Plan", "排查结果": "Answers", "排查人": "Inspector", "此处没有住户": "No households here",
		"排查人（签名）": "Inspector (signature)", "复核人（签名）": "Checked by (signature)",
		"待定方案": "Plan to be set", "整改负责人": "Plan assignee",
		// Tasks marked walked (the task page and the board).
		"本任务已走完": "This task is walked", "未遇": "Absent", "无设备": "Without a device", "重新打开": "Reopen",
		"完成本任务": "Complete this task", "楼栋都走完后标记完成。未排查的住户请说明：未遇到人，或家中没有设备。": "Mark the task complete once every building is walked. Say what became of the households not inspected: nobody was met, or there is no device.",
		"未遇住户（户）": "Households absent", "无设备住户（户）": "Households without a device", "标记为已走完": "Mark as walked",
		"已走完": "Walked", "任务已走完": "Tasks walked",
	}
}
