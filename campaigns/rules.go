package campaigns

// The rules of checklists and answers: plain functions, no I/O, tested
// by table (rules_test.go).

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"linli"
)

// Evaluate says whether the answers show a hazard, how grave (the gravest
// item that hit) and which items hit, in checklist order. Answers are in
// the canonical form Normalize gives; an item without an answer or
// without a rule never hits. An item that hits without a severity counts
// as general.
func Evaluate(c Checklist, answers map[string]string) (hazard bool, sev Severity, hits []string) {
	for _, it := range c {
		v, ok := answers[it.Key]
		if !ok || it.Hazard == nil || !ruleHits(it, v) {
			continue
		}
		hits = append(hits, it.Key)
		s := it.Severity
		if !s.Valid() {
			s = General
		}
		if s.rank() > sev.rank() {
			sev = s
		}
	}
	return len(hits) > 0, sev, hits
}

// ruleHits applies one item's rule to its canonical answer.
func ruleHits(it Item, v string) bool {
	r := it.Hazard
	switch it.Kind {
	case KindYesNo:
		return r.When != "" && v == r.When
	case KindChoice:
		return slices.Contains(r.Options, v)
	case KindNumber:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		return (r.Above != nil && n > *r.Above) || (r.Below != nil && n < *r.Below)
	}
	return false
}

// answerField names an answer in a field error: "answers.<key>".
func answerField(key string) string { return "answers." + key }

// Normalize checks answers against the checklist and returns them in
// canonical form: yes/no "yes" or "no" (from true/false, "yes"/"no",
// "是"/"否"), a choice one of its options, a number in decimal (within
// min/max), text trimmed, a photo item the number of photos sent (photos,
// by item key). Every refusal is a field error naming "answers.<key>": an
// unknown item, an answer of the wrong kind, a required item without an
// answer or without a photo.
func Normalize(c Checklist, in map[string]any, photos map[string]int) (map[string]string, error) {
	var v linli.Validation
	out := map[string]string{}
	for k := range in {
		if _, ok := c.Item(k); !ok {
			v.Add(answerField(k), "检查表中没有此项 / not an item of the checklist")
		}
	}
	for _, it := range c {
		f := answerField(it.Key)
		if it.Kind == KindPhoto {
			n := photos[it.Key]
			if raw, ok := in[it.Key]; ok && raw != nil && raw != "" {
				v.Add(f, "照片须以文件上传 / photos are sent as files")
				continue
			}
			if n == 0 {
				if it.Required {
					v.Add(f, "请拍照上传 / a photo is required")
				}
				continue
			}
			out[it.Key] = strconv.Itoa(n)
			continue
		}
		raw, ok := in[it.Key]
		if !ok || raw == nil || raw == "" {
			if it.Required {
				v.Add(f, "必填 / required")
			}
			continue
		}
		s, reason := canonical(it, raw)
		if reason != "" {
			v.Add(f, reason)
			continue
		}
		if s == "" {
			if it.Required {
				v.Add(f, "必填 / required")
			}
			continue
		}
		out[it.Key] = s
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// canonical reads one answer for its item; reason says why it is refused.
func canonical(it Item, raw any) (string, string) {
	switch it.Kind {
	case KindYesNo:
		switch x := raw.(type) {
		case bool:
			if x {
				return "yes", ""
			}
			return "no", ""
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "yes", "true", "是", "1":
				return "yes", ""
			case "no", "false", "否", "0":
				return "no", ""
			}
		}
		return "", "应为是或否 / must be yes or no"
	case KindChoice:
		x, ok := raw.(string)
		x = strings.TrimSpace(x)
		if !ok || !slices.Contains(it.Options, x) {
			return "", "应为给定选项之一 / must be one of the options"
		}
		return x, ""
	case KindNumber:
		var n float64
		switch x := raw.(type) {
		case float64:
			n = x
		case int:
			n = float64(x)
		case int64:
			n = float64(x)
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return "", "应为数字 / must be a number"
			}
			n = f
		default:
			return "", "应为数字 / must be a number"
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return "", "应为数字 / must be a number"
		}
		if it.Min != nil && n < *it.Min {
			return "", fmt.Sprintf("不小于%s / at least %s", num(*it.Min), num(*it.Min))
		}
		if it.Max != nil && n > *it.Max {
			return "", fmt.Sprintf("不大于%s / at most %s", num(*it.Max), num(*it.Max))
		}
		return num(n), ""
	case KindText:
		x, ok := raw.(string)
		if !ok {
			return "", "应为文字 / must be text"
		}
		x = strings.TrimSpace(x)
		if utf8.RuneCountInString(x) > 500 {
			return "", "不超过500字 / at most 500 characters"
		}
		return x, ""
	}
	return "", "未知题型 / unknown kind"
}

// num writes a number without a needless fraction: 3, 2.5.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// CheckChecklist validates a checklist's items; field errors name
// "items[i].<field>". Keys are made from the position ("q1") when blank.
func CheckChecklist(c Checklist) (Checklist, error) {
	var v linli.Validation
	if len(c) == 0 {
		v.Add("items", "至少一项 / at least one item")
	}
	if len(c) > 60 {
		v.Add("items", "不超过60项 / at most 60 items")
	}
	out := make(Checklist, len(c))
	seen := map[string]bool{}
	for i, it := range c {
		f := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		it.Label = strings.TrimSpace(it.Label)
		it.Key = strings.TrimSpace(it.Key)
		if it.Key == "" {
			it.Key = fmt.Sprintf("q%d", i+1)
		}
		if !keyPattern.MatchString(it.Key) {
			v.Add(f("key"), "小写字母开头，字母数字下划线 / lower-case letters, digits and _")
		} else if seen[it.Key] {
			v.Add(f("key"), "重复 / duplicate key")
		}
		seen[it.Key] = true
		if it.Label == "" {
			v.Add(f("label"), "必填 / required")
		}
		if !it.Kind.Valid() {
			v.Add(f("kind"), "应为 yesno、choice、number、text 或 photo / must be yesno, choice, number, text or photo")
		}
		if it.Severity != "" && !it.Severity.Valid() {
			v.Add(f("severity"), "应为 general、serious 或 major / must be general, serious or major")
		}
		var opts []string
		for _, o := range it.Options {
			if o = strings.TrimSpace(o); o != "" && !slices.Contains(opts, o) {
				opts = append(opts, o)
			}
		}
		it.Options = opts
		if it.Kind == KindChoice && len(opts) < 2 {
			v.Add(f("options"), "至少两个选项 / at least two options")
		}
		if it.Kind == KindNumber && it.Min != nil && it.Max != nil && *it.Min > *it.Max {
			v.Add(f("max"), "不小于最小值 / not below the minimum")
		}
		if r := it.Hazard; r != nil {
			switch it.Kind {
			case KindYesNo:
				if r.When != "yes" && r.When != "no" {
					v.Add(f("hazard"), "隐患答案应为 yes 或 no / the hazard answer must be yes or no")
				}
			case KindChoice:
				if len(r.Options) == 0 {
					v.Add(f("hazard"), "请选择哪些选项是隐患 / pick the options that are a hazard")
				}
				for _, o := range r.Options {
					if !slices.Contains(opts, o) {
						v.Add(f("hazard"), "隐患选项须是本项选项 / hazard options must be options of the item")
						break
					}
				}
			case KindNumber:
				if r.Above == nil && r.Below == nil {
					v.Add(f("hazard"), "请给出高于或低于的界限 / give an above or below limit")
				}
			default:
				v.Add(f("hazard"), "文字和照片题不能设隐患规则 / text and photo items have no hazard rule")
			}
			if it.Severity == "" {
				it.Severity = General
			}
		}
		out[i] = it
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
