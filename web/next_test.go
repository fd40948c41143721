package web

import "testing"

func TestLocalPath(t *testing.T) {
	for _, tc := range []struct {
		next string
		ok   bool
	}{
		{"/", true},
		{"/cases/12", true},
		{"/households?node_id=3&q=%E5%AD%A6", true},
		{"/users/5?flash=ok#grants", true},
		{"/%E5%AD%A6%E8%8B%91", true},
		{"", false},
		{"cases", false},
		{"//evil.example", false},
		{"//evil.example/path", false},
		{"/\\evil.example", false},
		{"\\\\evil.example", false},
		{"/cases\\..\\..\\evil", false},
		{"/\t/evil.example", false},   // browsers drop the tab: //evil.example
		{"/\r\n/evil.example", false}, // and CR/LF
		{"/\n/evil.example", false},
		{"/cases\x00", false},
		{"/cases\x7f", false},
		{"/ /evil.example", false},
		{"/%09/evil.example", false}, // decoded once more by someone on the way
		{"/%0d%0a/evil.example", false},
		{"/%2F/evil.example", false},
		{"/%2f%2fevil.example", false},
		{"/%5Cevil.example", false},
		{"/%5cevil.example", false},
		{"/%zz", false},
		{"https://evil.example", false},
		{"http:/evil.example", false},
		{"javascript:alert(1)", false},
		{"/\u0085/evil.example", false},
		{"\t/cases", false},
	} {
		got := LocalPath(tc.next, "/fallback")
		if tc.ok && got != tc.next {
			t.Errorf("LocalPath(%q) = %q, want it kept", tc.next, got)
		}
		if !tc.ok && got != "/fallback" {
			t.Errorf("LocalPath(%q) = %q, want the fallback", tc.next, got)
		}
	}
}
