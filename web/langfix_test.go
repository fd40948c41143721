package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Breadcrumbs the catalogue knows are translated on English pages; data
// crumbs (a place's name) stay as they are, and Chinese pages keep both.
func TestCrumbsInLanguage(t *testing.T) {
	r := &Renderer{catalog: map[string]string{"人民调解": "People's mediation"}}
	in := []NavItem{{Href: "/mediation", Label: "人民调解"}, {Label: "学苑社区"}}
	en := r.crumbsIn("", in, "en")
	if en[0].Label != "People's mediation" || en[1].Label != "学苑社区" {
		t.Errorf("English crumbs: %+v", en)
	}
	if in[0].Label != "人民调解" {
		t.Errorf("the handler's crumbs were changed: %+v", in)
	}
	if zh := r.crumbsIn("", in, "zh"); zh[0].Label != "人民调解" {
		t.Errorf("Chinese crumbs: %+v", zh)
	}
}

// A flash is shown in the page's language: a pair's half, or the
// catalogue's English for a Chinese-only message.
func TestFlashInLanguage(t *testing.T) {
	r := &Renderer{catalog: map[string]string{"已保存": "Saved"}}
	for _, c := range []struct{ msg, lang, want string }{
		{"密码已修改 / password changed", "zh", "密码已修改"},
		{"密码已修改 / password changed", "en", "password changed"},
		{"已保存", "en", "Saved"},
		{"已保存", "zh", "已保存"},
	} {
		if got := r.flashIn("", c.msg, c.lang); got != c.want {
			t.Errorf("flashIn(%q, %s) = %q, want %q", c.msg, c.lang, got, c.want)
		}
	}
}

// A stored text is split only where it is a pair.
func TestPairIn(t *testing.T) {
	for _, c := range []struct{ text, lang, want string }{
		{"纸质票改为同意 / a paper ballot changed to agree", "zh", "纸质票改为同意"},
		{"纸质票改为同意 / a paper ballot changed to agree", "en", "a paper ballot changed to agree"},
		{"甲 / 乙", "en", "甲 / 乙"},
		{"收票人柴晓燕 / collected by 柴晓燕", "en", "collected by 柴晓燕"},
		{"楼上 / 楼下都漏水", "zh", "楼上 / 楼下都漏水"},
		{"3 / 4", "en", "3 / 4"},
	} {
		if got := PairIn(c.text, c.lang); got != c.want {
			t.Errorf("PairIn(%q, %s) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}

// A label's colon follows the page's language: no template puts the
// full-width "：" after a template action (a translated label, most
// often), and the colon function answers per language.
func TestColonFollowsLanguage(t *testing.T) {
	r := &Renderer{}
	if zh, en := r.funcs("zh")["colon"].(func() string)(), r.funcs("en")["colon"].(func() string)(); zh != "：" || en != ": " {
		t.Errorf("colon: zh %q, en %q", zh, en)
	}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".html") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "}}：") {
				t.Errorf("%s:%d: a full-width colon after an action; use {{colon}}", path, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
