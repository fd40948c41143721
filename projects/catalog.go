package projects

// catalog is the English of the project pages. Texts other catalogues
// already give ("保存", "满意", "说明"…) are not repeated here.
func catalog() map[string]string {
	return map[string]string{
		// The home page's 待办 (home.go).
		"我关注的项目": "Projects I follow", "还没有关注项目": "Not following any project yet",
		// Phases, kinds, roles, stages (from Go).
		"已记录走访（次）": "Visits recorded", "查看走访记录": "See the visits", "提议": "Proposal", "协商": "Consultation", "表决": "Vote", "申请与审批": "Application and approval",
		"施工": "Construction", "验收": "Acceptance", "投用": "In service",
		"加装电梯": "Elevator retrofit", "老旧小区改造": "Old estate renovation", "道路修缮": "Road repair", "照明": "Lighting",
		"绿化": "Greening", "停车设施": "Parking facilities", "公共设施": "Public facilities",
		"社区负责人": "Community lead", "网格员": "Grid worker", "楼栋长": "Building head", "单元长": "Unit head",
		"居民代表": "Resident representative", "施工单位": "Contractor", "审批部门": "Approving department",
		"施工前": "Before", "完工后": "After", "锦旗": "Silk banner", "感谢信": "Letter of thanks",
		// Case states, shown beside complaints.
		"待受理": "Awaiting registration", "已立案": "Registered", "不予立案": "Not registered", "已派遣": "Dispatched",
		"处置中": "In progress", "待核查": "Awaiting verification", "已核查": "Verified", "已结案": "Closed", "挂账": "Shelved", "已合并": "Merged",
		// List and form.
		"民生实事项目": "Livelihood projects", "新建项目": "New project", "编辑项目": "Edit project", "按阶段筛选": "Filter by phase",
		"全部": "All", "不公开": "Not public", "进度": "Progress", "预算": "Budget", "暂无项目。": "No projects yet.",
		"选择社区": "Choose the community", "项目名称": "Title", "如：荟萃花园南区1号楼加装电梯": "e.g. Elevators for Building 1, Huicui Garden South",
		"项目类型": "Kind", "预算（元）": "Budget (yuan)", "如 2400000.00": "e.g. 2400000.00", "项目说明": "Description",
		"公开（全社区居民可见，投用后进入幸福清单；项目范围内的住户始终可见）": "Public (every resident of the community sees it; on the happiness list once in service. Households in the scope always see it)",
		"召开协调会": "Call a coordination meeting",
		"项目范围（单元、楼栋或小区）": "Scope (units, buildings or estates)", "您没有可以新建项目的社区。": "You manage no community where a project could be created.",
		// Project page.
		"取消关注": "Unfollow", "关注项目": "Follow", "项目范围": "Scope", "关注人数": "Followers", "批准文号": "Approval number",
		"合格": "Passed", "投用时间": "In service since", "项目阶段": "Phases", "进入下一阶段尚需：": "Still needed to move on:",
		"已满足进入下一阶段的条件。": "Everything needed to move on is there.", "进入下一阶段": "Move to the next phase",
		"提议人": "Proposed by", "批准日期": "Approval date", "验收日期": "Acceptance date", "验收合格": "Acceptance passed",
		"参加验收的单位和人员": "Who took part in the acceptance", "提议内容": "What was proposed",
		"协商结果（如召开的协调会）": "Outcome of the consultation (e.g. meetings held)", "说明（可选）": "Note (optional)",
		"里程碑": "Milestones", "权重": "Weight", "已完成": "Done", "更新进度": "Update progress", "暂无里程碑。": "No milestones yet.",
		"添加里程碑": "Add a milestone", "上级里程碑": "Parent milestone", "（无，顶层）": "(none, top level)", "添加": "Add",
		"项目人员": "People", "暂未登记人员。": "No one listed yet.", "添加人员": "Add a person", "姓名或单位": "Name or organisation",
		"平台账号（可选）": "Linli account (optional)", "输入姓名查找": "Type a name to find them", "没有找到": "Nothing found",
		"施工安排": "Construction", "工期": "Schedule", "允许施工时段": "Permitted working hours", "安静时段": "Quiet hours",
		"设置或调整施工安排": "Set or change the construction arrangements", "开工日期": "Start date", "完工日期": "End date",
		"如 08:00-12:00、14:30-18:00": "e.g. 08:00-12:00, 14:30-18:00", "调整原因": "Reason for the change", "调整记录": "Changes",
		"安静":      "Quiet",
		"施工投诉及处理": "Complaints during construction", "措施": "Measure", "采取的措施": "Measure taken", "记录措施": "Record the measure",
		"暂无施工投诉。": "No complaints.", "反映施工问题": "Report a construction problem", "施工扰民": "Construction nuisance",
		"噪声扰民": "Noise", "安全隐患": "Safety hazard", "停车秩序": "Parking", "环境卫生": "Sanitation", "问题": "Problem", "详细描述": "Details",
		"项目动态": "Updates", "发布动态": "Post an update", "发布": "Post", "暂无动态。": "No updates yet.",
		"施工前后对比": "Before and after", "暂无照片。": "No photos yet.", "上传照片": "Upload photos", "阶段": "Stage", "上传": "Upload",
		"居民评价与致谢": "Residents' ratings and thanks", "参评": "Rated", "满意（含基本满意）": "Satisfied (incl. basically)",
		// The process page's overview, gallery and feed (issue 10).
		"下一个里程碑": "Next milestone", "计划": "Planned for", "未定日期": "No date set", "里程碑全部完成": "Every milestone is done",
		"完成于": "Done on", "我家需分摊": "My household's share", "分摊户数": "Households sharing", "阶段记录": "Phase history",
		"步骤": "Steps", "计划完成日期（可选）": "Planned date (optional)", "更多动态": "More updates", "查看大图": "View large",
		"关闭": "Close", "原图": "Original", "均已办结": "All closed",
		"您的评价": "Your rating", "登记致谢": "Record thanks", "形式": "Form", "致谢人": "From", "内容": "Text", "日期": "Date",
		// Milestone undo and the finished project's edit mode (issue 10).
		"撤销删除": "Undo", "已删除": "Deleted", "完成编辑": "Done editing", "进入下一阶段后不能退回。确定？": "A project cannot go back a stage. Move on?",
	}
}
