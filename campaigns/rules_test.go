package campaigns

import (
	"slices"
	"testing"

	"linli"
)

func fp(x float64) *float64 { return &x }

// TestEvaluate checks the hazard rule of each kind, the gravest severity
// winning, and that items without a rule or an answer never hit.
func TestEvaluate(t *testing.T) {
	c := SolarHeaterChecklist()
	cases := []struct {
		name    string
		answers map[string]string
		hazard  bool
		sev     Severity
		hits    []string
	}{
		{"nothing answered", map[string]string{}, false, "", nil},
		{"all fine", map[string]string{"present": "yes", "bracket": "完好", "anchored": "yes", "leak": "no", "tilt": "5", "photo": "1"}, false, "", nil},
		{"yes/no rule on no", map[string]string{"anchored": "no"}, true, General, []string{"anchored"}},
		{"yes/no rule on yes", map[string]string{"leak": "yes"}, true, General, []string{"leak"}},
		{"yes/no the other answer", map[string]string{"leak": "no", "anchored": "yes"}, false, "", nil},
		{"choice in the hazard options", map[string]string{"bracket": "断裂"}, true, Serious, []string{"bracket"}},
		{"choice outside the hazard options", map[string]string{"bracket": "轻微锈蚀"}, false, "", nil},
		{"number above", map[string]string{"tilt": "15.5"}, true, Major, []string{"tilt"}},
		{"number at the limit is not above", map[string]string{"tilt": "15"}, false, "", nil},
		{"no rule: age", map[string]string{"age": "49"}, false, "", nil},
		{"gravest wins", map[string]string{"leak": "yes", "bracket": "断裂", "tilt": "30"}, true, Major, []string{"bracket", "leak", "tilt"}},
		{"serious over general", map[string]string{"leak": "yes", "bracket": "严重锈蚀或松动"}, true, Serious, []string{"bracket", "leak"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, s, hits := Evaluate(c, tc.answers)
			if h != tc.hazard || s != tc.sev || !slices.Equal(hits, tc.hits) {
				t.Errorf("Evaluate = %v %q %v, want %v %q %v", h, s, hits, tc.hazard, tc.sev, tc.hits)
			}
		})
	}
	below := Checklist{{Key: "p", Label: "水压", Kind: KindNumber, Hazard: &HazardRule{Below: fp(1)}}}
	if h, s, _ := Evaluate(below, map[string]string{"p": "0.5"}); !h || s != General {
		t.Errorf("below: %v %q (no severity counts as general)", h, s)
	}
	if h, _, _ := Evaluate(below, map[string]string{"p": "1"}); h {
		t.Error("below: the limit itself is not below")
	}
}

// TestNormalize checks answers become canonical and bad ones are refused
// naming answers.<key>.
func TestNormalize(t *testing.T) {
	c := SolarHeaterChecklist()
	good, err := Normalize(c, map[string]any{"present": true, "bracket": "完好", "anchored": "否", "tilt": "12.50", "age": float64(8), "note": " 东侧 "},
		map[string]int{"photo": 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"present": "yes", "bracket": "完好", "anchored": "no", "tilt": "12.5", "age": "8", "note": "东侧", "photo": "2"}
	for k, v := range want {
		if good[k] != v {
			t.Errorf("%s = %q, want %q", k, good[k], v)
		}
	}
	bad := []struct {
		name    string
		answers map[string]any
		photos  map[string]int
		field   string
	}{
		{"yes/no given a number", map[string]any{"present": float64(3)}, map[string]int{"photo": 1}, "answers.present"},
		{"yes/no given words", map[string]any{"present": "maybe"}, map[string]int{"photo": 1}, "answers.present"},
		{"choice not an option", map[string]any{"present": "yes", "bracket": "很好"}, map[string]int{"photo": 1}, "answers.bracket"},
		{"number given words", map[string]any{"present": "yes", "tilt": "steep"}, map[string]int{"photo": 1}, "answers.tilt"},
		{"number above max", map[string]any{"present": "yes", "tilt": "91"}, map[string]int{"photo": 1}, "answers.tilt"},
		{"number below min", map[string]any{"present": "yes", "age": float64(-1)}, map[string]int{"photo": 1}, "answers.age"},
		{"text given a bool", map[string]any{"present": "yes", "note": true}, map[string]int{"photo": 1}, "answers.note"},
		{"required missing", map[string]any{}, map[string]int{"photo": 1}, "answers.present"},
		{"required photo missing", map[string]any{"present": "yes"}, nil, "answers.photo"},
		{"photo sent as a value", map[string]any{"present": "yes", "photo": "x.jpg"}, map[string]int{"photo": 1}, "answers.photo"},
		{"unknown item", map[string]any{"present": "yes", "colour": "red"}, map[string]int{"photo": 1}, "answers.colour"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Normalize(c, tc.answers, tc.photos)
			if !hasField(err, tc.field) {
				t.Errorf("err = %v %v, want a field error on %s", err, linli.ErrorFields(err), tc.field)
			}
		})
	}
}

// TestCheckChecklist checks a template's items: rules must fit their kind.
func TestCheckChecklist(t *testing.T) {
	if _, err := CheckChecklist(SolarHeaterChecklist()); err != nil {
		t.Fatalf("the solar checklist: %v %v", err, linli.ErrorFields(err))
	}
	bad := []struct {
		name  string
		items Checklist
		field string
	}{
		{"empty", nil, "items"},
		{"no label", Checklist{{Kind: KindText}}, "items[0].label"},
		{"unknown kind", Checklist{{Label: "x", Kind: "colour"}}, "items[0].kind"},
		{"choice with one option", Checklist{{Label: "x", Kind: KindChoice, Options: []string{"a"}}}, "items[0].options"},
		{"yes/no rule neither", Checklist{{Label: "x", Kind: KindYesNo, Hazard: &HazardRule{When: "perhaps"}}}, "items[0].hazard"},
		{"choice rule not an option", Checklist{{Label: "x", Kind: KindChoice, Options: []string{"a", "b"}, Hazard: &HazardRule{Options: []string{"c"}}}}, "items[0].hazard"},
		{"number rule without limits", Checklist{{Label: "x", Kind: KindNumber, Hazard: &HazardRule{}}}, "items[0].hazard"},
		{"rule on text", Checklist{{Label: "x", Kind: KindText, Hazard: &HazardRule{When: "yes"}}}, "items[0].hazard"},
		{"min above max", Checklist{{Label: "x", Kind: KindNumber, Min: fp(5), Max: fp(1)}}, "items[0].max"},
		{"duplicate key", Checklist{{Key: "a", Label: "x", Kind: KindText}, {Key: "a", Label: "y", Kind: KindText}}, "items[1].key"},
		{"bad severity", Checklist{{Label: "x", Kind: KindYesNo, Hazard: &HazardRule{When: "yes"}, Severity: "huge"}}, "items[0].severity"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := CheckChecklist(tc.items); !hasField(err, tc.field) {
				t.Errorf("err = %v %v, want %s", err, linli.ErrorFields(err), tc.field)
			}
		})
	}
	got, _ := CheckChecklist(Checklist{{Label: "x", Kind: KindYesNo, Hazard: &HazardRule{When: "yes"}}, {Label: "y", Kind: KindText}})
	if got[0].Key != "q1" || got[1].Key != "q2" || got[0].Severity != General {
		t.Errorf("keys and default severity: %+v", got)
	}
}

// TestRemovableOn: removal from the notice's day plus the waiting period.
func TestRemovableOn(t *testing.T) {
	d, _ := ParseDay("2026-12-06")
	p := Plan{NoticeOn: d, WaitDays: 7}
	if p.RemovableOn().String() != "2026-12-13" {
		t.Errorf("removable on %s", p.RemovableOn())
	}
	if (Plan{}).RemovableOn() != 0 {
		t.Error("no notice: no date")
	}
}

func hasField(err error, field string) bool {
	for _, f := range linli.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}
