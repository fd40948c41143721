package cases

// formsCatalog is the English of the report form's photos and checks,
// the case page's next step, contact, before/after photos and confirmed
// actions (issue 10).
func formsCatalog() map[string]string {
	return map[string]string{
		"请选择类别": "Choose a category", "请用一句话描述问题": "Describe the problem in a sentence", "请选择地点": "Choose the place",
		"上传失败，请重试": "Upload failed, try again", "保留这张照片": "Keep this photo",
		"已保留上次选择的照片；取消勾选可去掉": "The photos you chose are kept; untick one to drop it",
		"正在上传": "Uploading", "正在提交…": "Sending…",
		"联系反映人": "Contact the reporter", "查看完整号码（将记入审计日志）": "Show the full number (audited)", "显示号码": "Show number",
		"接下来": "What happens next", "已转给": "Passed to", "社区受理后将转给": "Once the community registers it, it goes to",
		"，预计": ", expected to respond by", "前响应": "",
		"反映时": "As reported", "处置后": "After the work",
		"结案后办理期限停止，不能再处置；只有反映人评价“不满意”才会重新办理。确定结案？": "Once closed, the deadlines stop and the case cannot be worked on again unless the reporter rates it unsatisfied. Close it?",
		"将派往：": "Goes to: ", "申请延期至": "Extension requested to",
	}
}
