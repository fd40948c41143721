package registry

import (
	"regexp"
	"strings"
)

// The capabilities that give layers (votes, visits) write their titles
// and cell texts in Chinese around the matter's own title: "表决：…",
// "走访：…", "1单元101：同意", "2025-05-12 走访：支持". layerText words
// them for the page's language, piece by piece, with the page catalogue:
// a piece the catalogue knows is translated, anything else (a title, a
// room, a date) stays as written.

var (
	unitVotesRE = regexp.MustCompile(`^全部单元表决（(\d+)个单元，各单元最近一次）$`)
	zhDateRE    = regexp.MustCompile(`(\d{4})年(\d{1,2})月(\d{1,2})日`)
)

// layerWords are the words the layers put around the data (each with its
// English in a catalogue); only these are looked up, so a matter's title
// is never taken for a missing translation.
var layerWords = map[string]bool{"表决": true, "走访": true, "同意": true, "反对": true, "弃权": true, "未投票": true, "支持": true,
	"未决定": true, "未走访": true, "反对，异议待解决": true, "异议": true, "全部单元表决": true}

// layerText is a layer's title or a cell's text in the language.
func layerText(s, lang string, t func(string) string) string {
	if lang != "en" || s == "" {
		return s
	}
	if m := unitVotesRE.FindStringSubmatch(s); m != nil {
		return "All unit votes (" + m[1] + " units, the latest vote of each)"
	}
	if layerWords[s] {
		return t(s)
	}
	// A date the capability wrote the Chinese way: the English pages'
	// form (2006-01-02).
	s = zhDateRE.ReplaceAllStringFunc(s, func(d string) string {
		m := zhDateRE.FindStringSubmatch(d)
		return m[1] + "-" + pad2(m[2]) + "-" + pad2(m[3])
	})
	parts := strings.Split(s, "：")
	for i, p := range parts {
		words := strings.Split(p, " ")
		for j, w := range words {
			if layerWords[w] {
				words[j] = t(w)
			}
		}
		parts[i] = strings.Join(words, " ")
	}
	return strings.Join(parts, ": ")
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
