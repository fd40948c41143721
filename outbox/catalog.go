package outbox

// catalog is the English of every text on the outbox pages.
var catalog = map[string]string{
	"外发消息": "Outgoing messages", "外发渠道": "Outgoing channels",
	"短信、邮件、企业微信、钉钉和 Webhook 的每一条外发消息：状态、尝试次数、最近的错误和下次尝试时间。": "Every message that leaves Linli by SMS, e-mail, WeCom, DingTalk or webhook: its status, tries, last error and next try.",
	"待发送": "Pending", "已发送": "Sent", "失败": "Dead", "全部": "All", "状态": "Status", "渠道": "Channel", "筛选": "Filter",
	"编号": "No.", "时间": "Time", "接收方": "Recipient", "社区": "Community", "内容": "Content", "尝试": "Tries",
	"最近错误": "Last error", "下次尝试": "Next try", "发送时间": "Sent at", "操作": "Action", "重试": "Retry",
	"失败消息（死信）": "Dead letters", "没有失败的消息": "No dead messages", "没有消息": "No messages", "更早的消息": "Older messages",
	"短信": "SMS", "账号（短信）": "Account (SMS)", "邮件": "E-mail", "企业微信": "WeCom", "钉钉": "DingTalk", "Webhook": "Webhook",
	"已重新排队": "Queued again", "已保存": "Saved", "已删除": "Deleted", "已启用": "Enabled", "已停用": "Disabled", "停用": "Disable", "重新启用": "Enable",
	"已配置的渠道": "Configured channels", "名称": "Name", "网址": "URL", "密钥": "Secret", "启用": "Enabled", "范围": "Scope",
	"部署配置（命令行参数）": "Deployment (command-line flags)", "删除": "Delete", "是": "yes", "否": "no",
	"添加渠道": "Add a channel", "类型": "Kind", "企业微信群机器人": "WeCom group robot", "钉钉群机器人": "DingTalk group robot", "通用 Webhook": "Generic webhook",
	"整个部署": "Whole deployment", "保存": "Save", "还没有配置渠道": "No channel configured yet",
	"企业微信：群机器人的 Webhook 地址（含 key）。钉钉：机器人 Webhook 地址（含 access_token），密钥填“加签”的 SEC 开头的字符串。Webhook：接收方地址，密钥用于 X-Linli-Signature 签名。": "WeCom: the group robot's webhook URL (with its key). DingTalk: the robot's webhook URL (with access_token); the secret is its 加签 string starting with SEC. Webhook: the receiver's URL; the secret signs X-Linli-Signature.",
	"保存后网址中的参数和密钥只显示为 ••••。":                    "After saving, the URL's parameters and the secret show only as ••••.",
	"短信和邮件在部署时用 --sms-gateway 和 --smtp-url 配置。": "SMS and e-mail are configured at deployment with --sms-gateway and --smtp-url.",
	"管理渠道": "Manage channels", "返回外发消息": "Back to outgoing messages", "事件订阅": "Webhooks",
}
