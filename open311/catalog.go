package open311

// catalog is the English of the integrators page.
func catalog() map[string]string {
	return map[string]string{
		"Open311 接入方": "Open311 integrators",
		"外部系统（12345 热线平台、居民常用的小程序）通过 Open311 GeoReport v2 标准接口查看问题类别、上报问题并跟踪办理。每个接入方有自己的 api_key，只能向所选地点上报。": "Outside systems (the 12345 hotline platform, the residents' mini-program) list the kinds of problems, report one and follow it through the Open311 GeoReport v2 standard interface. Each integrator has its own api_key and reports only into the places chosen for it.",
		"接口地址": "Endpoint", "接入方": "Integrator", "名称": "Name", "范围": "Scope", "每分钟上限": "Per minute", "需审核": "Moderated",
		"密钥开头": "Key begins", "状态": "State", "在用": "Active", "已停用": "Revoked", "停用": "Revoke", "是": "Yes", "否": "No",
		"暂无接入方": "No integrators", "新增接入方": "Add an integrator", "例如：12345 热线平台": "e.g. the 12345 hotline platform",
		"可上报的地点（可多选）": "Places it may report into (choose one or more)", "每分钟最多请求次数": "Requests a minute at most",
		"默认 60": "60 by default", "需审核：上报先返回 token，工作人员受理后才给出编号": "Moderated: a report answers a token first; the number follows once staff register it",
		"新发放的 api_key": "The new api_key", "仅显示这一次，请立即复制并交给接入方。": "Shown this once: copy it now and hand it to the integrator.",
	}
}
