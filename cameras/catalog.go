package cameras

// catalog is the English of the camera pages and of the Chinese texts the
// package hands them (states, rule kinds).
func catalog() map[string]string {
	return map[string]string{
		// The home page's panel.
		"门岗告警": "Gate camera alerts", "没有待处理的告警": "No alerts waiting", "待处理告警": "Alerts waiting", "最新告警": "Newest alerts",
		// States, rule kinds.
		"草稿": "Draft", "已启用": "Active", "已停用": "Inactive",
		"待处理": "Open", "已确认": "Acknowledged", "已处理": "Handled", "误报": "False alarm", "已转案件": "Escalated",
		"异常徘徊": "Loitering", "人员": "Person", "人脸": "Face", "汽车": "Car", "货车": "Truck", "公交车": "Bus", "摩托车": "Motorcycle", "自行车": "Bicycle", "车牌": "Licence plate", "包裹": "Parcel", "狗": "Dog", "猫": "Cat", "鸟": "Bird", "马": "Horse", "雨伞": "Umbrella", "背包": "Backpack", "行李箱": "Suitcase", "明火": "Fire", "烟雾": "Smoke", "目标": "Object", "夜间进入": "Night entry", "反复出现": "Reappearing", "摄像头离线": "Camera offline",
		// The list.
		"门岗摄像头": "Gate cameras", "门岗告警看板": "Guard-room board", "告警记录": "Alerts",
		"邻里不存视频、不做识别：接收已有分析设备的事件，按社区规则提醒门岗，并留存隐私保护记录。": "Linli stores no video and runs no detection: it takes the events of the analytics already in place, alerts the guard by the community's rules, and keeps the privacy records.",
		"摄像头": "Camera", "编号": "Code", "名称": "Name", "状态": "State", "在线": "Online", "离线": "Offline",
		"未启用时丢弃的事件": "Events dropped while not active", "暂无摄像头": "No cameras",
		"事件接收情况（累计）": "Events received (all time)", "来源": "Source", "已接收": "Accepted", "重复": "Duplicates",
		"乱序未用": "Late, not applied", "未知摄像头": "Unknown camera", "未启用摄像头": "Camera not active", "告警": "Alert",
		"新增摄像头": "Add a camera", "例如：LD-YYJ-01": "e.g. LD-YYJ-01", "例如：颐源居南门": "e.g. Yiyuanju south gate",
		"安装位置（小区大门或楼栋入口）": "Place (estate gate or building entrance)", "朝向": "Direction", "事件来源": "Event source",
		"来源中的名称": "Name in the source", "Frigate 摄像头名或国标设备/通道编号": "The Frigate camera name or the GB/T 28181 device or channel ID",
		"区域（每行一个：名称=覆盖范围）": "Zones (one a line: name=what it covers)", "例如：gate=大门内侧人行道": "e.g. gate=the footpath inside the gate",
		"允许保存告警快照": "Snapshots of alerts may be stored",
		// The camera page.
		"最近心跳": "Last heartbeat", "是": "Yes", "否": "No", "区域": "Zone", "本摄像头的告警": "This camera's alerts",
		"停用": "Switch off", "启用": "Switch on", "隐私记录不完整，不能启用": "The privacy record is incomplete: the camera cannot be switched on",
		"隐私保护记录": "Privacy record",
		"依据《个人信息保护法》第二十六条和《公共安全视频图像信息系统管理条例》：写明用途，经居民协商，画面不含阳台、窗户等私密空间，设置提示标识。": "Under PIPL art. 26 and the regulation on public security video image systems: state the purpose, consult the residents, keep balconies, windows and other private spaces out of view, put up signs.",
		"用途": "Purpose", "居民协商（会议或走访）": "Residents' consultation (meeting or visit)", "例如：meeting:12 或 visit:7": "e.g. meeting:12 or visit:7",
		"已确认画面中没有阳台、窗户或私人空间": "Confirmed: no balcony, window or private space is in view",
		"画面照片": "Photo of the view", "摄像头编码": "Camera code", "已上传；再选一张即替换": "Uploaded; choose another to replace it", "遮挡后的实际画面": "The view as recorded, after the masks", "现场的视频监控提示牌": "The surveillance sign on site", "遮挡区域（JSON 多边形）": "Masks (JSON polygons)",
		"例如：[[[0,0],[0.2,0],[0.2,0.3]]]": "e.g. [[[0,0],[0.2,0],[0.2,0.3]]]",
		"提示牌照片":                          "Photo of the sign", "提示牌文字": "Text of the sign", "审核人": "Reviewer", "审核日期": "Review date",
		"保存隐私记录":  "Save the privacy record",
		"画面无私密空间": "No private space in view", "审核": "Review",
		"（红色为遮挡区域）": " (red: the masks)", "遮挡区域": "Masks", "坐标为画面宽、高的百分比，从左上角起。": "Corners in percent of the frame's width and height, from the top left.",
		"编辑隐私记录": "Edit the privacy record",
		"告警规则":   "Rules", "秒": "s", "暂无规则": "No rules", "规则类型": "Kind of rule", "区域（留空为整个画面）": "Zone (empty: the whole view)",
		"目标类别（逗号分隔，留空为全部）": "Labels (comma-separated; empty: all)", "例如：person": "e.g. person",
		"时长（秒）": "Seconds", "徘徊：停留时长；反复出现：时间窗；离线：离线时长": "Loitering: time in the zone; reappearing: the window; offline: time without a heartbeat",
		"次数（反复出现）": "Count (reappearing)", "起始时间": "From", "起止相同为全天；可跨午夜": "Equal: all day; may cross midnight",
		"结束时间": "To", "冷却时间（秒）": "Cool-down (seconds)", "添加规则": "Add the rule",
		// A rule's notify field.
		"企业微信群": "WeCom group", "钉钉群": "DingTalk group", "通知": "Notify",
		"告警同时发到群机器人（在“外发渠道”配置）": "Also send the alerts to the group robots (set up under Outgoing channels)",
		"告警数": "Alerts", "所转案件": "Case", "所在地点": "Place", "停用此来源": "Revoke",
		"%d 秒": "%d s", "%d 分钟": "%d min", "%d 小时 %d 分": "%d h %d min",
		// Delete or retire.
		"已退役": "Retired", "该摄像头已退役：不再接收事件，告警记录保留，不在看板显示。": "This camera is retired: its events are no longer taken, its alerts are kept for the record and left off the board.",
		"删除或退役": "Delete or retire", "该摄像头从未产生事件或告警，可以删除（连同区域、规则、隐私记录和照片）。": "This camera never produced an event or alert: it may be deleted (with its zones, rules, privacy record and photos).",
		"删除后不能恢复。确定删除该摄像头？": "A deleted camera cannot be restored. Delete it?", "删除摄像头": "Delete the camera",
		"该摄像头已有事件或告警，不能删除，只能退役。退役后不能再启用，并且：": "This camera has events or alerts: it cannot be deleted, only retired. A retired camera cannot be switched on again, and:",
		"已存的事件删除": "Its stored events are deleted", "告警保留备查，不再显示在看板上": "Its alerts are kept for the record, off the board",
		"之后收到的事件一律丢弃并计数":     "Events arriving later are dropped and counted",
		"退役后不能再启用。确定退役该摄像头？": "A retired camera cannot be switched on again. Retire it?", "退役摄像头": "Retire the camera",
		// Ingest sources.
		"事件来源设备": "Event sources", "允许哪些分析设备推送事件：HTTP 来源凭令牌推送，国标设备凭国标编码和密码注册。只有本地点的工作人员能查看和管理。": "Which analytics boxes may send events: an HTTP source posts with its token, a GB/T 28181 device registers with its code and password. Only the place's staff see and manage them.",
		"新令牌（只显示一次）": "New token (shown this once)", "令牌": "Token",
		"请现在复制（选中后 Ctrl+C，手机上长按），填入分析设备的 Authorization: Bearer 配置。离开本页后无法再次查看，只能停用后重新创建。": "Copy it now (select it and press Ctrl+C; on a phone, long-press) into the analytics box's Authorization: Bearer setting. Once you leave this page it cannot be shown again: revoke the source and add a new one.",
		"类型": "Kind", "地点": "Place", "添加": "Added", "最近使用": "Last used", "国标设备": "GB/T 28181 device", "从未": "Never",
		"停用后该设备推送的事件将被拒绝，且不能恢复。确定停用？": "Once revoked, this source's events are refused, for good. Revoke it?",
		"使用中": "In use", "暂无事件来源": "No event sources", "新增事件来源": "Add an event source",
		"HTTP（凭令牌推送）": "HTTP (posts with a token)", "国标设备（GB/T 28181）": "GB/T 28181 device", "例如：颐源居门岗分析盒": "e.g. Yiyuanju gate-house analytics box",
		"地点（其下的摄像头）": "Place (the cameras under it)", "国标编码（仅国标设备）": "Device code (GB/T 28181 only)", "20 位数字": "20 digits",
		"注册密码（仅国标设备）": "Registration password (GB/T 28181 only)", "8 到 64 个字符": "8 to 64 characters",
		// Alerts.
		"全部": "All", "起始日期": "From date", "结束日期": "To date", "筛选": "Filter", "暂无告警": "No alerts",
		"时间": "Time", "目标类别": "Label", "确认": "Acknowledged", "处理结果": "Outcome", "案件": "Case", "查看案件": "View the case",
		"快照": "Snapshot", "告警快照（查看会记入审计日志）": "The alert's snapshot (each view is audited)",
		// Statistics.
		"统计（近 30 天）": "Statistics (last 30 days)", "误报占比（已关闭中）": "False alarms (of the closed)",
		"确认用时（中位数 / 平均）": "Time to acknowledge (median / mean)", "各摄像头告警数": "Alerts per camera",
		"最近 7 天（每天）": "Last 7 days (per day)",
		// The board.
		"正在连接…": "Connecting…", "连接中断，正在重连…": "Connection lost, reconnecting…", "已连接": "Connected",
		"提示音：开": "Sound: on", "提示音：关": "Sound: off", "点击开启提示音": "Click to turn the sound on",
		"详情": "Details", "暂无待处理告警": "No open alerts",
		"备注": "Note", "确认收到": "Acknowledge", "转为案件": "Escalate to a case",
	}
}
