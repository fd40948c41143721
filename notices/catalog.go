package notices

// catalog is the English of the notice pages and of the Chinese texts the
// package hands them (urgencies, statuses, outcomes, flashes).
func catalog() map[string]string {
	return map[string]string{
		// Urgencies, states, statuses, outcomes.
		"普通": "Ordinary", "重要": "Important", "预警": "Warning",
		"定时发布": "Scheduled", "已发布": "Published", "已撤回": "Withdrawn",
		"撤回通知": "Withdraw the notice", "通知已撤回，不会发布": "The notice is withdrawn and will not be published",
		"待发送": "Not sent yet", "无法送达": "Cannot be sent", "已发送": "Sent", "已送达": "Delivered", "已读": "Read", "已确认知晓": "Acknowledged",
		"已接通": "Reached", "无人接听": "No answer", "号码错误": "Wrong number", "表示会处理": "Will fix it",
		// The home page's panel.
		"通知公告": "Notices", "暂无新通知": "No new notices", "未读通知": "Unread notices", "待跟进通知": "Notices to follow up", "未触达": "Not reached",
		// The list.
		"发布通知": "Publish a notice", "通知、公告和预警：按楼栋、按角色送达，跟进未读的住户。": "Notices, announcements and warnings: sent by building and by role, with a follow-up of the households that have not read them.",
		"未读": "Unread", "全部通知": "All notices", "已触达": "Reached", "暂无通知": "No notices",
		// The form.
		"标题": "Title", "例如：关于开展太阳能热水器安全隐患排查的通知": "e.g. Notice of the rooftop solar water heater safety inspection",
		"正文": "Text", "纯文本；空一行分段": "Plain text; a blank line starts a new paragraph", "紧急程度": "Urgency",
		"预警生效时间": "Warning valid from", "预警结束时间": "Warning valid until", "仅预警需要": "Warnings only",
		"通知范围（地点，可多选）": "Places (several allowed)", "地点": "Places", "或逐级选择一个地点": "Or pick one place level by level", "请选择": "Choose",
		"按住 Ctrl 可多选，例如社区的全部小区": "Hold Ctrl to pick several, e.g. every estate of the community",
		"通知对象": "Recipients", "全体住户（有账号的在站内，没有的发短信给业主）": "Every household (in-app for those with an account, by SMS to the owner otherwise)",
		"定时发布（留空则立即发布）": "Publish at (empty: now)", "失效时间（可选）": "Expires (optional)",
		"需要接收人确认“我已知晓”": "Recipients must confirm “I have read it”", "公开（无需登录即可查看，海报带二维码）": "Public (readable without logging in; the poster carries a QR code)",
		"图片和附件（可选）": "Photos and files (optional)", "取消": "Cancel",
		// The notice page.
		"预警有效期": "Warning valid", "失效时间": "Expires", "公开": "Public", "我已知晓": "I have read it",
		"接收情况": "Delivery", "电话告知": "Phone calls", "接收情况和未触达名单": "Delivery and the not-reached list", "打印海报": "Print the poster",
		// The recipients page.
		"触达": "Reach", "未触达名单": "Not yet reached",
		"按楼栋列出尚未读到通知、电话也未接通的住户和人员；逐户打电话后记录结果。": "By building, the households and people who have not read the notice and whom no call has reached yet; call each and record the outcome.",
		"工作人员": "Staff", "查看号码并拨打": "Show the number and call", "通话结果": "Outcome of the call", "备注": "Note",
		"记录电话告知": "Record the call", "全部已触达": "Everyone has been reached", "全部接收人": "All recipients",
		"所在楼栋": "Building", "房号": "Room", "姓名": "Name", "方式": "Channel", "状态": "Status", "站内": "In-app", "短信": "SMS",
		// The poster.
		"返回": "Back", "使用浏览器的打印功能（Ctrl+P）打印，纸张 A4。": "Print with the browser (Ctrl+P) on A4 paper.", "扫码查看通知": "Scan to read the notice",
		// Flashes.
		"通知已发布": "Notice published", "通知将按时发布": "The notice will be published at its time", "已记录电话告知": "Call recorded",
	}
}
