package registry

// catalog is the English of the registry pages.
func catalog() map[string]string {
	return map[string]string{
		"个下级": "children", "您还没有可以查看的地点。": "No places to show yet.", "楼栋视图": "Building view", "图层": "Layer", "不着色": "No colouring", "记录走访": "Record a visit", "住户列表": "Household list",
		"下级": "Child places", "建成年份": "Built", "地址": "Address", "物业": "Property company", "无物业管理": "No property management",
		"层数": "Floors", "层": "floors", "暂无下级": "None yet", "查看本单元住户": "Households of this unit", "名称": "Name", "编码": "Code",
		"物业公司": "Property company", "留空表示无物业管理": "Leave empty when there is none", "边界（GeoJSON）": "Boundary (GeoJSON)",
		"可选：GeoJSON Polygon": "Optional: a GeoJSON Polygon", "新建住户": "New household", "楼层": "Floor", "房号": "Room",
		"建筑面积（㎡）": "Floor area (m²)", "最多两位小数": "Up to two decimals", "业主姓名": "Owner's name", "业主手机号": "Owner's phone",
		"业主身份证号": "Owner's ID number", "排序": "Order", "移动到": "Move to", "新的上级": "New parent", "移动": "Move", "确定删除？": "Delete?",
		"楼栋信息": "Building details", "个单元": "units", "年建成": " built", "房屋": "Dwelling", "面积（㎡）": "Area (m²)",
		"业主": "Owner", "联系电话": "Phone", "没有找到住户": "No households found", "房号或姓名": "Room or name", "小区": "Estate",
		"楼栋单元": "Building and unit", "建筑面积": "Floor area", "成员": "Members", "姓名": "Name", "与户关系": "Relation",
		"手机号": "Phone", "身份证号": "ID number", "查看完整号码（将记入审计日志）": "Show the full number (audited)", "显示": "Show",
		"确定移除？": "Remove?", "移除": "Remove", "暂无登记成员": "Nobody recorded", "号码默认打码显示；点击“显示”查看完整号码，此操作会记入审计日志。": "Numbers are masked; “Show” reveals one and is recorded in the audit log.",
		"添加成员": "Add member", "家属": "Family", "租户": "Tenant", "其他": "Other", "可选": "Optional", "编辑住户": "Edit household",
		"住户台账导入导出": "Household ledger import and export", "错误明细": "Problems", "文件中有错误，没有导入任何数据。请修改后重新上传。": "The file has problems; nothing was imported. Fix them and upload again.",
		"行号": "Row", "列": "Column", "原因": "Reason", "新增": "Created", "更新": "Updated", "人员": "People", "新建楼栋": "Buildings created",
		"新建单元": "Units created", "导入": "Import", "下载模板": "Download the template", "社区": "Community", "文件": "File", "导出": "Export",
		"上传 .xlsx 或 .csv 住户台账。先检查每一行并显示预览（新增、更新的每个字段、未变的户数），确认后才一次性导入；已有住户（同单元同房号）会更新。模板中的示例行请删除。": "Upload an .xlsx or .csv ledger. Every row is checked and a preview shown (households added, every field changed, how many stay the same); nothing is imported until you confirm, then all in one go. Existing households (same unit and room) are updated. Delete the template's example rows.",
		"下载CSV模板": "Download the CSV template", "上传并预览": "Upload and preview", "未变": "Unchanged", "导入预览": "Import preview",
		"还没有导入任何数据。请核对下面的变化，确认无误后再点“确认导入”。": "Nothing has been imported yet. Check the changes below, then press “Confirm import”.",
		"将更新的住户": "Households to change", "将新增的住户": "Households to add", "字段": "Field", "原值": "Now", "新值": "After the import",
		"（移除）": "(removed)", "另有": "Another", "户未列出。": "households are not listed.", "内容": "Text", "确认导入": "Confirm import",
		"导出包含完整手机号和身份证号，操作会记入审计日志。": "Exports hold full phone and ID numbers and are recorded in the audit log.",
		"12位统计用区划代码": "12-digit division code", "如 XY-01": "e.g. XY-01",
		"产权共有人（家属或其他关系的共同业主）": "Co-owner (a family member or other person who shares ownership)", "单元": "Units",
		"只能删除没有下级和住户的地点。": "Only a place without child places and households can be deleted.", "左右滑动查看全部单元": "Swipe sideways to see every unit",
		// Building view: densities and the marks' default texts (layers.go).
		// Words of the layers' titles and cells (layertext.go).
		"走访": "Visit", "全部单元表决": "All unit votes", "反对，异议待解决": "Opposed, objection open",
		"显示方式": "Display", "紧凑": "Compact", "详细": "Detailed", "大屏投影": "Projector", "退出大屏": "Leave the projector view", "范围外": "Outside",
		"导入结果": "Import result", "无住户": "No household", "未登记业主": "No owner recorded", "这栋楼还没有登记住户。": "No households are recorded in this building yet.",
		"这里还没有登记住户。": "No households are recorded here yet.",
	}
}
