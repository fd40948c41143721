package votes

// catalog is the English of the vote and cost-plan pages, and of the
// labels Go hands them (choices, methods, states, matters).
func catalog() map[string]string {
	return map[string]string{
		// The home page's 待办 (home.go).
		"进行中的表决": "Open votes", "没有进行中的表决": "No open votes", "进行中": "Open",
		"意见表决": "Consent votes", "发起表决": "Open a vote", "有效通过": "Valid", "尚未通过": "Not valid yet", "截止": "Closes",
		"已投票": "Voted", "暂无表决": "No votes",
		// Building-view layers (layer.go): the households a layer leaves out.
		"不在本次表决范围": "Not in this vote", "该单元没有表决": "No vote in this unit", "在楼栋图上查看": "Show on the building view",
		"依据《民法典》第二百七十八条：专有面积和业主人数均须三分之二以上参与表决。": "Civil Code art. 278: owners holding at least two thirds of the exclusive area and two thirds of the owners must take part.",
		"总价": "Total cost", "补贴": "Subsidy", "业主分摊": "Owners' share", "专有面积（㎡）": "Exclusive area (m²)", "分摊系数": "Coefficient",
		"分摊金额（元）": "Share (¥)", "合计": "Total", "舍入规则": "Rounding", "导出Excel": "Export to Excel",
		"表决范围（单元或楼栋）": "Scope (unit or building)", "表决事项": "Matter",
		"改建、重建等（需四分之三同意）": "Renovation or rebuilding (three quarters must agree)", "一般事项（需过半数同意）": "Ordinary matter (more than half must agree)",
		"本单元须全体业主同意": "Every owner must agree", "标题": "Title", "例如：3单元加装电梯意见征询": "e.g. Adding an elevator to unit 3",
		"所属项目（可选）": "Project (optional)", "选择后表决会关联到该项目": "The vote is linked to that project", "输入项目名称查找": "Type a project name to find it", "没有找到": "Nothing found",
		"开始时间": "Starts", "截止时间": "Closes at", "须本人同意的住户（房号）": "Households that must consent themselves (rooms)",
		"例如电梯井占用其专有部分的住户：102，多个用逗号分开": "e.g. the household whose exclusive part the shaft occupies: 102; separate several with commas",
		"表决范围": "Scope", "须全体业主同意": "Unanimity required", "投票时间": "Voting period", "提前结束": "closed early",
		"发起人": "Opened by", "结束表决": "Close the vote", "实时计票": "Live tally", "表决有效通过": "The decision is valid",
		"参与户数": "Owners taking part", "参与面积（㎡）": "Area taking part (m²)", "同意户数": "Owners agreeing", "同意面积（㎡）": "Area agreeing (m²)",
		"反对户数": "Owners opposing", "弃权户数": "Owners abstaining", "参与": "Participation", "同意": "Agree", "全体同意": "Unanimity",
		"须本人同意": "Must consent", "还差什么": "Still missing", "我的投票": "My ballot", "当前": "Now", "意见": "Choice", "反对": "Oppose",
		"弃权": "Abstain", "理由（可选）": "Reason (optional)", "提交我的意见": "Submit my ballot", "当前不在投票时间内。": "The vote is not open now.",
		"登记纸质表决票": "Record a paper ballot", "收票人": "Collected by", "入户收取纸质票的工作人员姓名": "Name of the person who collected the ballot in person",
		"理由（反对时请填写）": "Reason (please give one when opposing)", "登记": "Record", "异议跟进": "Objections", "待解决": "Open",
		"已解决": "Resolved", "异议": "Objection", "提出于": "Raised", "解决": "Resolution", "跟进情况": "Follow-up",
		"例如：看了施工图纸，了解墙体加固方案": "e.g. saw the construction drawings and the wall reinforcement plan", "记录跟进": "Add follow-up",
		"标记已解决": "Mark resolved", "各户表决情况": "Ballots by household", "当前意见": "Current choice", "投票记录": "Ballot history",
		"有异议": "Objection", "未投票": "No ballot", "费用分摊": "Cost sharing", "制定分摊方案": "Make a cost plan",
		"尚未制定费用分摊方案。": "No cost plan yet.", "表决有效通过后显示各户费用分摊表。": "The bill per household appears once the decision is valid.",
		"分摊范围": "Households sharing", "表决": "Vote", "制定人": "Made by", "修改分摊方案": "Edit the cost plan", "费用分摊方案": "Cost plan",
		"各楼层分摊系数": "Coefficient per floor",
		"默认：一、二层不分摊，三层0.7，每高一层加0.1。每个有住户的楼层都须填写系数（不分摊填0）。":                  "Default: floors 1–2 pay nothing, floor 3 pays 0.7, each floor above 0.1 more. Every floor with households needs a coefficient (0 for none).",
		"各户分摊额 = 系数 × 专有面积 ÷ 全部住户系数×面积之和 × （总价 − 补贴），按最大余数法精确到分，合计等于总价减补贴。": "Each share = coefficient × exclusive area ÷ the sum over all households × (total − subsidy), to the fen by the largest-remainder method, so the shares add up to the total minus the subsidy.",
		"总价（元）": "Total cost (¥)", "最多两位小数，如 580000.00": "At most two decimals, e.g. 580000.00", "补贴（元）": "Subsidy (¥)",
		"政府补贴等，从总价中扣除": "Government subsidies and the like, taken off the total",
		"参与人数":         "Owners taking part", "同意人数": "Owners agreeing", "代业主更改网上投票的理由": "Reason for changing the owner's online ballot",
		"仅当该户业主已在网上投票、须由社区代为更改时填写；系统会通知业主": "Only when the owner has voted online and the community must change it; the owner is notified",
		"代业主更改网上投票": "Changed the owner's online ballot",
		"未开始":       "Not open yet", "投票中": "Open", "已结束": "Closed", "纸质票": "Paper ballot", "网上投票": "Online",
	}
}
