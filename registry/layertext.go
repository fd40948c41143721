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

var unitVotesRE = regexp.MustCompile(`^全部单元表决（(\d+)个单元，各单元最近一次）$`)

// layerText is a layer's title or a cell's text in the language.
func layerText(s, lang string, t func(string) string) string {
	if lang != "en" || s == "" {
		return s
	}
	if m := unitVotesRE.FindStringSubmatch(s); m != nil {
		return "All unit votes (" + m[1] + " units, the latest vote of each)"
	}
	if e := t(s); e != s {
		return e
	}
	parts := strings.Split(s, "：")
	for i, p := range parts {
		words := strings.Split(p, " ")
		for j, w := range words {
			if e := t(w); e != w && e != "" {
				words[j] = e
			}
		}
		parts[i] = strings.Join(words, " ")
	}
	return strings.Join(parts, ": ")
}
