package happiness

func catalog() map[string]string {
	return map[string]string{
		"幸福清单": "Happiness list", "各社区已办结的民生实事和居民诉求，公开可查。": "Each community's completed projects and resolved requests, open to all.",
		"暂无公开事项": "Nothing published yet", "办结事项": "Completed", "民生实事": "Project for the people", "居民诉求": "Resident's request",
		"做了什么": "What was done", "位置": "Location", "完成时间": "Completed on", "居民满意度": "Residents' satisfaction", "满意率": "Satisfaction",
		"暂无评价": "Not rated yet", "办理前": "Before", "办理后": "After", "锦旗": "Silk banner", "感谢信": "Letter of thanks",
		"关注这个项目": "Follow this project", "登录后关注这个项目": "Sign in to follow this project", "登记锦旗或感谢信": "Record a banner or letter", "针对事项": "For", "类型": "Kind",
		"赠送方": "From", "例如：3单元全体居民（请勿填写个人姓名、电话或房号）": "e.g. all residents of unit 3 (no personal names, phones or room numbers)",
		"内容": "Text", "例如：为民办实事 电梯暖人心": "e.g. Real work for the people, an elevator that warms hearts", "收到日期": "Received on", "登记": "Record",
		"审核公开内容": "Approve public texts", "待审核": "waiting", "撤下": "Take down",
		"报告人同意公开的已办结诉求，经审核后才会出现在公开的幸福清单上。请删去姓名、电话、房号等个人信息，只保留问题和办理结果。": "Closed requests their reporters made public appear on the public happiness list only once approved here. Remove names, phone and room numbers and any other personal detail; keep the problem and what was done.",
		"重新办结": "Closed again", "原标题": "Title as written", "原办理结果": "Result as written", "公开标题": "Public title",
		"公开的办理情况": "What was done (public)", "审核通过并公开": "Approve and publish", "没有待审核的诉求": "Nothing waiting for approval",
		"已公开到幸福清单": "Published on the happiness list", "已登记感谢": "Thanks recorded", "已从幸福清单撤下": "Taken off the happiness list",
	}
}
