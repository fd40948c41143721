package happiness

func catalog() map[string]string {
	return map[string]string{
		"幸福清单": "Happiness list", "各社区已办结的民生实事和居民诉求，公开可查。": "Each community's completed projects and resolved requests, open to all.",
		"暂无公开事项": "Nothing published yet", "办结事项": "Completed", "民生实事": "Project for the people", "居民诉求": "Resident's request",
		"做了什么": "What was done", "位置": "Location", "完成时间": "Completed on", "居民满意度": "Residents' satisfaction", "满意率": "Satisfaction",
		"暂无评价": "Not rated yet", "办理前": "Before", "办理后": "After", "锦旗": "Silk banner", "感谢信": "Letter of thanks",
		"关注这个项目": "Follow this project", "登记锦旗或感谢信": "Record a banner or letter", "针对事项": "For", "类型": "Kind",
		"赠送方": "From", "例如：3单元全体居民（请勿填写个人姓名、电话或房号）": "e.g. all residents of unit 3 (no personal names, phones or room numbers)",
		"内容": "Text", "例如：为民办实事 电梯暖人心": "e.g. Real work for the people, an elevator that warms hearts", "收到日期": "Received on", "登记": "Record",
	}
}
