package audit

import (
	"regexp"
	"strings"

	"linli"
	"linli/web"
)

// The audit log's summaries are written in Chinese by every capability
// (Change.Summary). Their English is worded here, once, from the action and
// the Chinese sentence: Record stores it beside the Chinese (summary_en),
// and rows written before migration 0047 are re-worded the same way when an
// English page shows them. What the sentence quotes — names, titles, what
// a person typed — stays as it was written; the words the capabilities put
// around it (a node's kind, a phase, a stance) are looked up in the
// lexicon (and, on a page, in the page catalogue).

// SummaryIn is the entry's summary in the language.
func (e Entry) SummaryIn(lang string, t func(string) string) string {
	if lang != "en" {
		return e.Summary
	}
	if e.SummaryEN != "" {
		return e.SummaryEN
	}
	return English(e.Action, e.Summary, t)
}

// English words a summary for an English reader: by the action's pattern
// where one matches, else the action's name with what the summary quoted.
// t translates a word the pattern captured (nil: the lexicon only).
func English(action, zh string, t func(string) string) string {
	if zh == "" {
		return ""
	}
	word := func(s string) string { return lexWord(s, t) }
	for _, p := range summaryWords[action] {
		if m := p.re.FindStringSubmatch(zh); m != nil {
			return p.en(m, word)
		}
	}
	// Unknown sentence: the action in words, and what it quoted.
	out := strings.ReplaceAll(strings.ReplaceAll(action, ".", " "), "_", " ")
	if out != "" {
		out = strings.ToUpper(out[:1]) + out[1:]
	}
	var quoted []string
	for _, m := range quoteRE.FindAllStringSubmatch(zh, -1) {
		quoted = append(quoted, "“"+m[1]+"”")
	}
	if len(quoted) > 0 {
		out += ": " + strings.Join(quoted, ", ")
	}
	return out
}

var quoteRE = regexp.MustCompile(`「([^」]*)」`)

// lexWord translates one word a summary was built from: the lexicon, the
// roles, the page's catalogue; a "中文 / English" pair gives its English.
func lexWord(s string, t func(string) string) string {
	if e, ok := lexicon[s]; ok {
		return e
	}
	for _, r := range linli.Roles() {
		if r.Label() == s {
			return r.LabelEN()
		}
	}
	if t != nil {
		if e := t(s); e != s && e != "" {
			return e
		}
	}
	if p := web.PairIn(s, "en"); p != s {
		return p
	}
	// A list of words ("未决定 · 采光、噪音").
	for _, sep := range []string{" · ", "、"} {
		if strings.Contains(s, sep) {
			parts := strings.Split(s, sep)
			for i, p := range parts {
				parts[i] = lexWord(p, t)
			}
			if sep == "、" {
				return strings.Join(parts, ", ")
			}
			return strings.Join(parts, sep)
		}
	}
	return s
}

// lexicon is the English of the words capabilities put in summaries: the
// kinds of places, phases, stances, concerns, choices, ratings, relations.
var lexicon = map[string]string{
	"市": "city", "区县": "district/county", "街道": "street", "社区": "community", "网格": "grid", "小区": "estate", "楼栋": "building", "单元": "unit",
	"提议": "proposal", "协商": "consultation", "表决": "consent vote", "申请与审批": "application and approval", "施工": "construction",
	"验收": "acceptance", "投用": "in service",
	"支持": "support", "反对": "oppose", "未决定": "undecided", "采光": "light", "噪音": "noise", "结构安全": "structural safety",
	"费用": "cost", "隐私": "privacy", "其他": "other", "同意": "agree", "弃权": "abstain",
	"满意": "satisfied", "基本满意": "basically satisfied", "不满意": "unsatisfied",
	"业主": "owner", "家庭成员": "family member", "租户": "tenant", "家属": "family member",
	"施工前": "before", "完工后": "after",
	"社区负责人": "community lead", "网格员": "grid worker", "楼栋长": "building head", "单元长": "unit head", "居民代表": "residents' representative",
	"物业公司": "property company", "施工单位": "contractor", "职能部门": "department",
	"手机号": "phone number", "身份证号": "ID number", "锦旗": "banner", "感谢信": "thank-you letter",
	"双方已申请司法确认": "both parties applied for court confirmation", "双方不申请司法确认": "the parties do not apply for court confirmation",
	"完成": "Done", "新增": "Added", "重开": "Reopened", "停用": "Disabled", "启用": "Enabled",
}

type summaryWord struct {
	re *regexp.Regexp
	en func(m []string, w func(string) string) string
}

func sw(re string, en func(m []string, w func(string) string) string) summaryWord {
	return summaryWord{regexp.MustCompile(re), en}
}

// q quotes a name.
func q(s string) string { return "“" + s + "”" }

// summaryWords re-word the summaries, per action.
var summaryWords = map[string][]summaryWord{
	"account.create": {sw(`^创建账号「(.+)」$`, func(m []string, _ func(string) string) string { return "Created account " + q(m[1]) })},
	"account.login":  {sw(`^登录$`, func([]string, func(string) string) string { return "Logged in" })},
	"account.register": {sw(`^「(.+)」以手机号自助注册$`, func(m []string, _ func(string) string) string {
		return q(m[1]) + " registered with a phone number"
	})},
	"account.disable": {sw(`^(停用|启用)账号「(.+)」$`, func(m []string, w func(string) string) string { return w(m[1]) + " account " + q(m[2]) })},
	"grant.create":    {sw(`^授予「(.+)」(.+)角色$`, func(m []string, w func(string) string) string { return "Granted " + q(m[1]) + " the role " + w(m[2]) })},
	"grant.revoke": {sw(`^撤销「(.+)」的(.+)角色$`, func(m []string, w func(string) string) string {
		return "Revoked the role " + w(m[2]) + " of " + q(m[1])
	})},
	"token.create": {sw(`^创建API令牌「(.+)」$`, func(m []string, _ func(string) string) string { return "Created API token " + q(m[1]) })},
	"token.revoke": {sw(`^撤销API令牌$`, func([]string, func(string) string) string { return "Revoked an API token" })},
	"node.create":  {sw(`^新建(\S+?)「(.+)」$`, func(m []string, w func(string) string) string { return "Created " + w(m[1]) + " " + q(m[2]) })},
	"node.update":  {sw(`^修改(\S+?)「(.+)」$`, func(m []string, w func(string) string) string { return "Changed " + w(m[1]) + " " + q(m[2]) })},
	"node.delete":  {sw(`^删除(\S+?)「(.+)」$`, func(m []string, w func(string) string) string { return "Deleted " + w(m[1]) + " " + q(m[2]) })},
	"node.move": {sw(`^将(\S+?)「(.+)」移到「(.+)」下$`, func(m []string, w func(string) string) string {
		return "Moved " + w(m[1]) + " " + q(m[2]) + " under " + q(m[3])
	})},
	"household.create": {sw(`^新建住户 (.+)$`, func(m []string, _ func(string) string) string { return "Created household " + m[1] })},
	"household.update": {sw(`^修改住户 (.+)$`, func(m []string, _ func(string) string) string { return "Changed household " + m[1] })},
	"household.delete": {sw(`^删除住户 (.+)$`, func(m []string, _ func(string) string) string { return "Deleted household " + m[1] })},
	"household.member.add": {sw(`^为 (.+) 添加(.+?)「(.+)」$`, func(m []string, w func(string) string) string {
		return "Added " + w(m[2]) + " " + q(m[3]) + " to " + m[1]
	})},
	"household.member.remove": {sw(`^移除 (.+) 的成员$`, func(m []string, _ func(string) string) string { return "Removed a member of " + m[1] })},
	"person.reveal": {sw(`^查看「(.+)」的完整(.+)$`, func(m []string, w func(string) string) string {
		return "Viewed the full " + w(m[2]) + " of " + q(m[1])
	})},
	"registry.import": {sw(`^导入住户台账：(\d+)户（新增(\d+)，更新(\d+)，未变(\d+)），(\d+)人$`, func(m []string, _ func(string) string) string {
		return "Imported the household ledger: " + m[1] + " households (" + m[2] + " new, " + m[3] + " changed, " + m[4] + " unchanged), " + m[5] + " people"
	})},
	"registry.export": {sw(`^导出「(.+)」住户台账（(\d+)户，含完整联系方式）$`, func(m []string, _ func(string) string) string {
		return "Exported the household ledger of " + q(m[1]) + " (" + m[2] + " households, full contact details)"
	})},
	"case.reporter_reveal": {sw(`^查看案件(.+)反映人「(.+)」的完整手机号$`, func(m []string, _ func(string) string) string {
		return "Viewed the full phone number of " + q(m[2]) + ", reporter of case " + m[1]
	})},
	"category.update": {sw(`^修改案件类别「(.+)」$`, func(m []string, _ func(string) string) string { return "Changed the case category " + q(m[1]) })},
	"calendar.year.save": {sw(`^录入(\d+)年工作日历（(\d+)段放假，(\d+)个调休上班日）$`, func(m []string, _ func(string) string) string {
		return "Entered the working calendar of " + m[1] + " (" + m[2] + " holidays, " + m[3] + " make-up working days)"
	})},
	"cost_plan.create": {sw(`^制定费用分摊方案「(.+)」：总价(.+)元，补贴(.+)元$`, func(m []string, _ func(string) string) string {
		return "Drew up the cost plan " + q(m[1]) + ": total ¥" + m[2] + ", subsidy ¥" + m[3]
	})},
	"cost_plan.update": {sw(`^修改费用分摊方案「(.+)」$`, func(m []string, _ func(string) string) string { return "Changed the cost plan " + q(m[1]) })},
	"dispute.accept": {
		sw(`^受理人民调解 (\S+)：(.+)（((?:申请人|被申请人)[^（）]*)）$`, func(m []string, _ func(string) string) string {
			parties := strings.Split(m[3], "、")
			for i, p := range parties {
				if n, ok := strings.CutPrefix(p, "被申请人"); ok {
					parties[i] = "respondent " + n
				} else if n, ok := strings.CutPrefix(p, "申请人"); ok {
					parties[i] = "applicant " + n
				}
			}
			return "Accepted mediation " + m[1] + ": " + m[2] + " (" + strings.Join(parties, ", ") + ")"
		}),
		sw(`^受理人民调解 (\S+)：(.+)$`, func(m []string, _ func(string) string) string { return "Accepted mediation " + m[1] + ": " + m[2] }),
	},
	"dispute.agreement": {sw(`^编辑调解协议书 (.+)$`, func(m []string, _ func(string) string) string {
		return "Edited the mediation agreement " + m[1]
	})},
	"dispute.court": {sw(`^(\S+)：(.+)$`, func(m []string, w func(string) string) string { return m[1] + ": " + w(m[2]) })},
	"dispute.followup": {sw(`^回访 (\S+)：`, func(m []string, _ func(string) string) string {
		return "Follow-up visit of " + m[1] + " recorded"
	})},
	"dispute.publish": {sw(`^公开 (\S+) 到幸福清单：(.+)$`, func(m []string, _ func(string) string) string {
		return "Published " + m[1] + " on the happiness list: " + m[2]
	})},
	"dispute.unpublish": {sw(`^撤回 (\S+) 的公开$`, func(m []string, _ func(string) string) string { return "Withdrew " + m[1] + " from the happiness list" })},
	"dispute.session":   {sw(`^记录调解 (\S+)：(.+)$`, func(m []string, _ func(string) string) string { return "Mediation session of " + m[1] + ": " + m[2] })},
	"dispute.sign": {sw(`^调解协议书 (\S+) 已签署，(.+)生效$`, func(m []string, _ func(string) string) string {
		return "Mediation agreement " + m[1] + " signed, in force from " + m[2]
	})},
	"dispute.fail":    {sw(`^调解不成 (\S+)：(.*)$`, func(m []string, _ func(string) string) string { return "Mediation " + m[1] + " failed: " + m[2] })},
	"dispute.overdue": {sw(`^调解超期 (.+)$`, func(m []string, _ func(string) string) string { return "Mediation " + m[1] + " is overdue" })},
	"dispute.court_reminder": {sw(`^提醒司法确认申请期限 (.+)$`, func(m []string, _ func(string) string) string {
		return "Reminded of the court-confirmation deadline of " + m[1]
	})},
	"dispute.reveal": {sw(`^查看调解 (\S+) (\S+)「(.+)」的完整手机号$`, func(m []string, w func(string) string) string {
		return "Viewed the full phone number of " + q(m[3]) + " in mediation " + m[1]
	})},
	"dispute.print_copy": {sw(`^打印调解 (\S+) 的当事人收执本`, func(m []string, _ func(string) string) string {
		return "Printed the parties' copy of " + m[1] + " (full contact details)"
	})},
	"happiness.approve":  {sw(`^幸福清单公开：(.+)$`, func(m []string, _ func(string) string) string { return "Published on the happiness list: " + m[1] })},
	"happiness.withdraw": {sw(`^撤下幸福清单：(.+)$`, func(m []string, _ func(string) string) string { return "Withdrawn from the happiness list: " + m[1] })},
	"thanks.create": {sw(`^登记(.+?)（(.+?)）：(.+)$`, func(m []string, w func(string) string) string {
		return "Recorded a " + w(m[1]) + " (" + m[2] + "): " + m[3]
	})},
	"meeting.create": {sw(`^召集协调会「(.+)」$`, func(m []string, _ func(string) string) string { return "Called the meeting " + q(m[1]) })},
	"meeting.hold":   {sw(`^「(.+)」已召开$`, func(m []string, _ func(string) string) string { return q(m[1]) + " was held" })},
	"meeting.invite": {sw(`^邀请(\d+)个账号、(\d+)户参加「(.+)」$`, func(m []string, _ func(string) string) string {
		return "Invited " + m[1] + " accounts and " + m[2] + " households to " + q(m[3])
	})},
	"meeting.minutes": {sw(`^记录「(.+)」的会议纪要$`, func(m []string, _ func(string) string) string { return "Wrote the minutes of " + q(m[1]) })},
	"meeting.publish": {sw(`^发布「(.+)」的会议纪要$`, func(m []string, _ func(string) string) string { return "Published the minutes of " + q(m[1]) })},
	"meeting.sign_in": {sw(`^(.+) 在「(.+)」签到$`, func(m []string, _ func(string) string) string { return m[1] + " signed in at " + q(m[2]) })},
	"meeting.decision": {sw(`^「(.+)」决定第(\d+)项：(.+)$`, func(m []string, _ func(string) string) string {
		return q(m[1]) + " decision " + m[2] + ": " + m[3]
	})},
	"meeting.action": {sw(`^「(.+)」待办第(\d+)项：(.+)$`, func(m []string, _ func(string) string) string {
		return q(m[1]) + " action " + m[2] + ": " + m[3]
	})},
	"meeting.action_done": {sw(`^「(.+)」待办第(\d+)项已办结：?(.*)$`, func(m []string, _ func(string) string) string {
		return q(m[1]) + " action " + m[2] + " done" + colonRest(m[3])
	})},
	"meeting.action_case": {sw(`^「(.+)」待办第(\d+)项转为案件（案件(\d+)）$`, func(m []string, _ func(string) string) string {
		return q(m[1]) + " action " + m[2] + " became case " + m[3]
	})},
	"project.create": {sw(`^新建项目：(.+)$`, func(m []string, _ func(string) string) string { return "Created the project " + q(m[1]) })},
	"project.update": {
		sw(`^修改项目：(.+)$`, func(m []string, _ func(string) string) string { return "Changed the project " + q(m[1]) }),
		sw(`^项目动态：(.+)$`, func(m []string, _ func(string) string) string { return "Project update: " + m[1] }),
	},
	"project.advance": {sw(`^项目「(.+)」由(.+)进入(.+)$`, func(m []string, w func(string) string) string {
		return "Project " + q(m[1]) + " moved from " + w(m[2]) + " to " + w(m[3])
	})},
	"project.construction": {sw(`^施工安排：(.+)$`, func(m []string, _ func(string) string) string { return "Construction schedule: " + m[1] })},
	"project.complaint": {sw(`^施工投诉立案：(.+)$`, func(m []string, _ func(string) string) string {
		return "Construction complaint registered: " + m[1]
	})},
	"project.measure": {sw(`^投诉 (\S+) 的处理措施：(.+)$`, func(m []string, _ func(string) string) string {
		return "Measure taken on complaint " + m[1] + ": " + m[2]
	})},
	"project.follow":           {sw(`^(.+) 关注了项目$`, func(m []string, _ func(string) string) string { return m[1] + " followed the project" })},
	"project.unfollow":         {sw(`^(.+) 取消关注项目$`, func(m []string, _ func(string) string) string { return m[1] + " stopped following the project" })},
	"project.milestone.add":    {sw(`^新增里程碑：(.+)$`, func(m []string, _ func(string) string) string { return "Added the milestone " + q(m[1]) })},
	"project.milestone.update": {sw(`^修改里程碑：(.+)$`, func(m []string, _ func(string) string) string { return "Changed the milestone " + q(m[1]) })},
	"project.milestone.delete": {sw(`^删除里程碑：(.+)$`, func(m []string, _ func(string) string) string { return "Deleted the milestone " + q(m[1]) })},
	"project.milestone.restore": {sw(`^恢复里程碑：(.+)$`, func(m []string, _ func(string) string) string {
		return "Restored the milestone " + q(m[1])
	})},
	"project.milestone.progress": {sw(`^里程碑「(.+)」进度 (\d+)% → (\d+)%$`, func(m []string, _ func(string) string) string {
		return "Milestone " + q(m[1]) + " progress " + m[2] + "% → " + m[3] + "%"
	})},
	"project.person.add": {sw(`^项目人员：(\S+) (.+)$`, func(m []string, w func(string) string) string {
		return "Project people: " + w(m[1]) + " " + m[2]
	})},
	"project.person.remove": {sw(`^移除项目人员：(.+)$`, func(m []string, _ func(string) string) string { return "Removed " + m[1] + " from the project" })},
	"project.photos": {sw(`^上传(\d+)张(.+)照片$`, func(m []string, w func(string) string) string {
		return "Added " + m[1] + " photo(s) (" + w(m[2]) + ")"
	})},
	"project.rate":   {sw(`^居民评价：(.+)$`, func(m []string, w func(string) string) string { return "Resident's rating: " + w(m[1]) })},
	"project.thanks": {sw(`^收到致谢：(.+)$`, func(m []string, _ func(string) string) string { return "Thanks received: " + m[1] })},
	"visit.create": {sw(`^走访 (.+)（(.+)）：(.+)$`, func(m []string, w func(string) string) string {
		return "Visited " + m[1] + " (" + m[2] + "): " + w(m[3])
	})},
	"visit.files":         {sw(`^走访记录上传(\d+)个附件$`, func(m []string, _ func(string) string) string { return "Added " + m[1] + " file(s) to a visit" })},
	"visit_matter.create": {sw(`^新建走访事项「(.+)」$`, func(m []string, _ func(string) string) string { return "Created the visit matter " + q(m[1]) })},
	"visit_matter.update": {sw(`^走访事项更名为「(.+)」$`, func(m []string, _ func(string) string) string { return "Renamed the visit matter to " + q(m[1]) })},
	"visit_matter.widen": {sw(`^走访事项「(.+)」的范围扩大到(.+)$`, func(m []string, _ func(string) string) string {
		return "Widened the visit matter " + q(m[1]) + " to " + m[2]
	})},
	"visit.followup_done": {sw(`^完成走访后续事项：(.+)$`, func(m []string, _ func(string) string) string { return "Visit follow-up done: " + m[1] })},
	"visit.followup_reopen": {sw(`^重新打开走访后续事项：(.+)$`, func(m []string, _ func(string) string) string {
		return "Visit follow-up reopened: " + m[1]
	})},
	"claim.create": {sw(`^「(.+)」认领 (.+)（(.+)）$`, func(m []string, w func(string) string) string {
		return q(m[1]) + " claimed " + m[2] + " (" + w(m[3]) + ")"
	})},
	"claim.approve": {sw(`^通过「(.+)」认领 (.+)（(.+)）$`, func(m []string, w func(string) string) string {
		return "Approved the claim of " + q(m[1]) + " to " + m[2] + " (" + w(m[3]) + ")"
	})},
	"claim.refuse": {sw(`^拒绝「(.+)」认领 (.+)（(.+)）$`, func(m []string, w func(string) string) string {
		return "Refused the claim of " + q(m[1]) + " to " + m[2] + " (" + w(m[3]) + ")"
	})},
	"vote.create": {sw(`^发起表决「(.+)」（(.+)）$`, func(m []string, _ func(string) string) string {
		return "Opened the vote " + q(m[1]) + " (" + m[2] + ")"
	})},
	"vote.close": {sw(`^结束表决「(.+)」：(.+)$`, func(m []string, w func(string) string) string { return "Closed the vote " + q(m[1]) + ": " + w(m[2]) })},
	"vote.snapshot": {sw(`^表决「(.+)」结束，冻结表决名册：(\d+)户，专有面积(.+)㎡$`, func(m []string, _ func(string) string) string {
		return "Vote " + q(m[1]) + " closed; roll frozen: " + m[2] + " households, " + m[3] + " m² of exclusive area"
	})},
	"vote.ballot": {sw(`^(.+)户对「(.+)」投(同意|反对|弃权|未投票)（(.+)）$`, func(m []string, w func(string) string) string {
		return m[1] + " voted " + w(m[3]) + " on " + q(m[2]) + " (" + w(m[4]) + ")"
	})},
	"vote.objection.open": {sw(`^(.+)户提出异议：(.+)$`, func(m []string, _ func(string) string) string { return m[1] + " objected: " + m[2] })},
	"vote.objection.note": {sw(`^跟进异议：(.+)$`, func(m []string, w func(string) string) string { return "Objection followed up: " + w(m[1]) })},
	"vote.objection.resolve": {sw(`^异议已解决：(.+)$`, func(m []string, _ func(string) string) string {
		return "Objection resolved: " + m[1]
	})},
}

// colonRest is ": rest", or nothing.
func colonRest(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
