package reports

// catalog is the English of the report's words.
var catalog = map[string]string{
	"月度工作报告": "Monthly work report", "返回统计": "Back to statistics", "月份": "Month", "查看": "View", "本季度报告": "This quarter's report",
	"导出 Excel": "Export to Excel", "使用浏览器的打印功能（Ctrl+P）打印，纸张 A4。": "Print with the browser (Ctrl+P) on A4 paper.",
	"统计时段": "Period", "对比上期": "Compared with", "生成日期": "Made on", "（续）": "(continued)", "本期无": "None in this period",
	"主要指标": "Key rates", "指标": "Measure", "本期": "This period", "上期": "Previous period", "变化（百分点）": "Change (points)",
	"案件数量": "Case counts", "各街道情况": "By street", "各社区情况": "By community", "各网格情况": "By grid", "各名称情况": "By place",
	"街道": "Street", "社区": "Community", "网格": "Grid", "名称": "Name",
	"上报": "Reported", "派遣": "Dispatched", "结案": "Closed", "应结": "Due", "已评价": "Rated", "升级": "Escalated",
	"响应率": "Response", "解决率": "Resolution", "满意率": "Satisfaction", "结案率": "Closure", "按期结案率": "On-time closure",
	"返工率": "Rework", "延期率": "Extension", "综合得分": "Composite", "按期结案": "Closed on time",
	"案件分类": "Cases by category", "类别": "Category", "件数": "Cases", "占比": "Share", "案件来源": "Cases by source", "来源": "Source",
	"网格按期结案排名": "Grids ranked by on-time closure", "名次": "Rank", "高频问题": "Recurring problems", "地点": "Place", "次数": "Times",
	"升级与吹哨": "Escalations and whistles", "时间": "Time", "编号": "Number", "事项": "Matter", "方式": "How", "呼叫": "Called in",
	"原因": "Reason", "状态": "State", "吹哨": "Whistle", "超期升级": "Overdue escalation", "共 %d 次，列出最近 %d 次": "%d in all, the latest %d listed",
	"民生项目": "Livelihood projects", "项目": "Project", "类型": "Kind", "当前阶段": "Phase now", "本期进入阶段": "Phases entered in the period",
	"人民调解": "People’s mediation", "受理日期": "Accepted", "结束日期": "Ended", "幸福清单": "Happiness list", "居民诉求": "Residents' reports",
	"完成日期": "Done", "范围较大，幸福清单见各街道的报告": "A large scope: each street's report has its happiness lists", "每日上报与结案": "Reported and closed per day", "三率对比": "The three rates compared", "月度报告": "Monthly report",
}
