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
		"新建单元": "Units created", "导入": "Import", "上传 .xlsx 或 .csv 住户台账。先检查每一行，全部正确才会一次性导入；已有住户（同单元同房号）会更新。": "Upload an .xlsx or .csv ledger. Every row is checked first and all are imported in one go only when all are good; existing households (same unit and room) are updated.",
		"下载模板": "Download the template", "社区": "Community", "文件": "File", "检查并导入": "Check and import", "导出": "Export",
		"导出包含完整手机号和身份证号，操作会记入审计日志。": "Exports hold full phone and ID numbers and are recorded in the audit log.",
		"12位统计用区划代码": "12-digit division code", "如 XY-01": "e.g. XY-01",
		"产权共有人（家属或其他关系的共同业主）": "Co-owner (a family member or other person who shares ownership)", "单元": "Units",
		"只能删除没有下级和住户的地点。": "Only a place without child places and households can be deleted.", "左右滑动查看全部单元": "Swipe sideways to see every unit",
		"导入结果": "Import result", "无住户": "No household", "未登记业主": "No owner recorded", "这栋楼还没有登记住户。": "No households are recorded in this building yet.",
		"这里还没有登记住户。": "No households are recorded here yet.",
	}
}
