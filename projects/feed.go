package projects

import (
	"regexp"
	"strings"
)

// The feed's own steps (a phase entered, a milestone done, hours changed, a
// measure taken) are stored as the project's Chinese words with the data
// inside. Their English is worded here, by the update's kind, when a page
// shows them in English and when a follower's notification is written
// (text_en), so feeds written before read in English too. A note staff
// typed stays as typed.

// TextIn is the update's text in the language.
func (u Update) TextIn(lang string) string {
	if lang != "en" {
		return u.Text
	}
	if en := feedEN(u.Kind, u.Text); en != "" {
		return en
	}
	return u.Text
}

var (
	phaseRE     = regexp.MustCompile(`^(?:进入「(.+)」阶段|(项目已投用))(?:（(.+?)：(.*)）)?$`)
	hoursRE     = regexp.MustCompile(`^施工时间调整为 (.+?)(?:（(.*)）)?$`)
	measureRE   = regexp.MustCompile(`^针对施工投诉（.*?）采取措施：(.*)$`)
	milestoneRE = regexp.MustCompile(`^里程碑完成：(.+)$`)
)

// feedEN is the English of a step the service wrote, or "" for a typed
// note (and for text no pattern knows).
func feedEN(kind, text string) string {
	word := func(zh string) string {
		if e, ok := catalog()[zh]; ok {
			return e
		}
		return zh
	}
	switch kind {
	case "phase":
		m := phaseRE.FindStringSubmatch(text)
		if m == nil {
			return ""
		}
		out := "Entered the phase “" + word(m[1]) + "”"
		if m[2] != "" {
			out = "The project is in service"
		}
		if m[3] != "" {
			out += " (" + word(m[3]) + ": " + outcomeEN(m[4], word) + ")"
		}
		return out
	case "hours":
		m := hoursRE.FindStringSubmatch(text)
		if m == nil {
			return ""
		}
		out := "Construction hours changed to " + strings.ReplaceAll(m[1], "、", ", ")
		if m[2] != "" {
			out += " (" + m[2] + ")"
		}
		return out
	case "measure":
		if m := measureRE.FindStringSubmatch(text); m != nil {
			return "Measure taken on a construction complaint: " + m[1]
		}
	case "milestone":
		if m := milestoneRE.FindStringSubmatch(text); m != nil {
			return "Milestone done: " + m[1]
		}
	}
	return ""
}

// feedTextEN is the English of a feed text for a notification: the
// service's words in English, a typed note as typed.
func feedTextEN(kind, text string) string {
	if en := feedEN(kind, text); en != "" {
		return en
	}
	return text
}

// outcomeWords are the English of the labels outcomeText puts in a phase's
// outcome ("提议人：居民；提议内容：加装电梯").
var outcomeWords = map[string]string{"提议人": "Proposed by", "提议内容": "Proposal", "表决结果": "Result", "表决有效": "The vote is valid",
	"批准文号": "Approval number", "审批部门": "Approved by", "批准日期": "Approval date", "说明": "Note", "施工完成": "Construction finished",
	"验收日期": "Acceptance date", "验收合格": "Accepted", "参加人员": "Present", "结果": "Outcome"}

// outcomeEN is an outcome line in English: its labels translated, the
// values as typed.
func outcomeEN(s string, word func(string) string) string {
	parts := strings.Split(s, "；")
	for i, p := range parts {
		label, v, ok := strings.Cut(p, "：")
		if e, known := outcomeWords[label]; known {
			label = e
		} else {
			label = word(label)
		}
		if ok {
			parts[i] = label + ": " + v
		} else {
			parts[i] = label
		}
	}
	return strings.Join(parts, "; ")
}

// notificationEN is the English of a follower's notification stored
// without it ("项目：进入「协商」阶段…", written before text_en was
// filled): the project's title, then the step in English (any kind's
// words), or the note as typed.
func notificationEN(zh string) string {
	title, text, ok := strings.Cut(zh, "：")
	if !ok {
		return ""
	}
	for _, kind := range []string{"phase", "milestone", "hours", "measure"} {
		if en := feedEN(kind, text); en != "" {
			return title + ": " + en
		}
	}
	return title + ": " + text
}
