package webhooks

// catalog is the English of every text on the webhooks pages.
var catalog = map[string]string{
	"事件订阅": "Webhooks", "外发消息": "Outgoing messages", "Open311 接入方": "Open311 integrators", "订阅": "Subscriptions", "添加订阅": "Add a subscription",
	"对接方（12345 热线平台、城市运行大屏等）订阅 Linli 的事件：每个事件以签名的 JSON 发送到订阅的网址，失败自动重试。": "Integrators (the 12345 hotline platform, a city dashboard) subscribe to Linli's events: each event is posted as signed JSON to the subscription's URL, and retried when it fails.",
	"名称": "Name", "网址": "URL", "事件": "Events", "范围": "Scope", "启用": "Enabled", "是": "yes", "否": "no", "密钥": "Secret",
	"整个部署": "Whole deployment", "还没有订阅": "No subscription yet", "保存": "Save", "已保存": "Saved", "已删除": "Deleted",
	"已启用": "Enabled", "已停用": "Disabled", "停用": "Disable", "重新启用": "Enable", "删除": "Delete",
	"须为 https 网址；部署允许时，内网地址可用 http。":  "Must be an https URL; http only to an intranet host, where the deployment allows it.",
	"只发送所选地点及其下级的事件；不选则为整个部署（仅限管理员）。": "Only events of the chosen places and below are sent; none chosen means the whole deployment (administrators only).",
	"保存后显示一次签名密钥，之后只显示为 ••••。":        "The signing secret is shown once after saving, and as •••• afterwards.",
	"返回事件订阅": "Back to webhooks", "签名密钥": "Signing secret", "请现在复制保存：离开本页后不再显示。": "Copy it now: it is not shown again once you leave this page.",
	"投递记录": "Deliveries", "编号": "No.", "时间": "Time", "事件对象": "Subject", "状态": "Status", "尝试": "Tries", "最近错误": "Last error",
	"下次尝试": "Next try", "发送时间": "Sent at", "操作": "Action", "待发送": "Pending", "已发送": "Sent", "失败": "Dead",
	"重新投递": "Redeliver", "还没有投递": "No deliveries yet", "更早的投递": "Older deliveries", "已重新排队": "Queued again",
	"新的签名密钥": "New signing secret", "已更换签名密钥": "Signing secret rotated", "更换签名密钥": "Rotate the signing secret",
	"过渡期": "Overlap", "小时": "hours", "无：旧密钥立即失效": "None: the old secret stops at once", "旧密钥同时签名至": "Old secret also signs until",
	"过渡期内每次投递同时带新旧两个签名，接收方换用新密钥后即可。":                           "During the overlap every delivery carries both signatures: switch the receiver to the new secret within it.",
	"更换后新密钥只显示一次；过渡期内每次投递同时带新旧两个签名（X-Linli-Signature 中以逗号分隔）。": "The new secret is shown once; during the overlap every delivery carries both signatures (comma-separated in X-Linli-Signature).",
	"案件上报": "Case reported", "案件状态变化": "Case state changed", "案件升级（吹哨）": "Case escalated (whistle)", "案件超期": "Case overdue",
	"案件评价": "Case rated", "项目进入新阶段": "Project phase changed", "表决结束": "Vote closed", "通知发布": "Notice published",
}
