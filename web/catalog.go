package web

// baseCatalog is the English for the layout and shared pages. Each
// capability brings its own in web.Pages.Catalog.
func baseCatalog() map[string]string {
	return map[string]string{
		"邻里":       "Linli",
		"社区多元共治平台": "Community co-governance",
		"我的账号":     "My account",
		"退出登录":     "Log out",
		"导航":       "Navigation",
		"邻里 · 问题发现—协商解决—监督反馈": "Linli · discover — negotiate — supervise",
		"出错了":         "Something went wrong",
		"您没有权限访问此页面。": "You are not allowed to see this page.",
		"页面或记录不存在。":   "The page or record does not exist.",
		"返回首页":        "Back to home",
		"保存":          "Save",
		"取消":          "Cancel",
		"删除":          "Delete",
		"编辑":          "Edit",
		"新建":          "New",
		"搜索":          "Search",
		"操作":          "Actions",
		"名称":          "Name",
		"编码":          "Code",
		"备注":          "Note",
		"首页":          "Home",
		"地点":          "Places",
		"住户":          "Households",
		"导入导出":        "Import/export",
		"账号":          "Accounts",
		"审计日志":        "Audit log",
		"上一页":         "Previous",
		"下一页":         "Next",
		"共":           "Total",
		"户":           "households",
		"请修正标出的字段。":   "Please correct the marked fields.",
	}
}
