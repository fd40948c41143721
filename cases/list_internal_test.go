package cases

import (
	"os"
	"strings"
	"testing"
)

// The partial index of the open queues (migration 0038) and the queries'
// literal state list are the same list, and it is State.Open: a state
// added to the loop and left out here would drop its cases from every
// queue, and a list that differs from the index's stops the index being
// used.
func TestOpenStatesSQL(t *testing.T) {
	var open []string
	for _, st := range States() {
		if st.Open() {
			open = append(open, "'"+string(st)+"'")
		}
	}
	want := "state IN (" + strings.Join(open, ",") + ")"
	if openStatesSQL != "c."+want {
		t.Errorf("openStatesSQL = %s, want c.%s", openStatesSQL, want)
	}
	ddl, err := os.ReadFile("../storage/migrations/0038_case_queues.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ddl), "WHERE "+want) {
		t.Errorf("migration 0038's partial index is not on %s", want)
	}
}

func TestCursor(t *testing.T) {
	for _, c := range []cursor{{set: true, due: 1767225600000, id: 42}, {set: true, id: 7}} {
		got, err := parseCursor(c.String())
		if err != nil || got != c {
			t.Errorf("cursor %+v → %q → %+v, %v", c, c.String(), got, err)
		}
	}
	for _, bad := range []string{"x", "1.x", "-5.3", "0.0", "1.2.3"} {
		if _, err := parseCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	d := makeSearchDoc(Case{Number: "XY-20261124-0001", Title: "楼道漏水", ReporterName: "王芳"}, "荟萃花园南区1号楼3单元602", "139-1234-5678")
	for _, want := range []string{"xy-20261124-0001", "楼道漏水", "王芳", "602"} {
		if !strings.Contains(d.doc, want) {
			t.Errorf("doc %q lacks %q", d.doc, want)
		}
	}
	if d.phone != "13912345678" || strings.Contains(d.doc, "1391234") {
		t.Errorf("phone %q, doc %q: the phone goes only in its own column", d.phone, d.doc)
	}
	for _, want := range []string{"漏水|", "王芳|", "60|"} {
		if !strings.Contains(d.pairs, want) {
			t.Errorf("pairs %q lack %q", d.pairs, want)
		}
	}
	if _, err := parseSearch("漏"); err == nil {
		t.Error("a one-character search was accepted")
	}
	terms, err := parseSearch(" XY-2026  漏水 ")
	if err != nil || len(terms) != 2 || terms[0] != (searchTerm{text: "xy-2026"}) || terms[1] != (searchTerm{text: "漏水", pairs: true}) {
		t.Errorf("terms %+v, %v", terms, err)
	}
}
