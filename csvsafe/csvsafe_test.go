package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张三", "张三"},
		{"", ""},
		{"=1+1", "'=1+1"},
		{"+86 138", "'+86 138"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"},
		{"\r=1", "'\r=1"},
		{"  =1", "'  =1"},
		{`=HYPERLINK("http://x","点这里")`, `'=HYPERLINK("http://x","点这里")`},
		{"'=1", "''=1"},
		{"'abc", "''abc"},
		{"-1", "-1"},     // a basement floor stays a number
		{"+3.5", "+3.5"}, // a plain number is no formula
		{"\t13812345678", "\t13812345678"},
		{"a=b", "a=b"},
	} {
		if got := Cell(c.in); got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := Uncell(Cell(c.in)); back != c.in {
			t.Errorf("Uncell(Cell(%q)) = %q", c.in, back)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	rec := []string{"=1+1", "ok", "@x"}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if rec[0] != "=1+1" {
		t.Errorf("Write changed its argument: %q", rec)
	}
	got, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "'=1+1" || got[1] != "ok" || got[2] != "'@x" {
		t.Errorf("written %q", got)
	}
}

func FuzzUncell(f *testing.F) {
	for _, s := range []string{"=1", "'", "''=", "-1", "\t@", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Cell(s)
		if risky(c) && c[0] != '\'' {
			t.Fatalf("Cell(%q) = %q still starts a formula", s, c)
		}
		if Uncell(c) != s {
			t.Fatalf("Uncell(Cell(%q)) = %q", s, Uncell(c))
		}
	})
}
