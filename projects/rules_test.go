package projects

import (
	"slices"
	"strings"
	"testing"

	"linli"
	"linli/web"
)

func fieldsOf(fs []linli.FieldError) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Field)
	}
	return out
}

func TestProjectPhaseRules(t *testing.T) {
	full := AdvanceInput{Proposer: "3单元居民", Outcome: "加装电梯", ApprovalNumber: "运盐住建〔2027〕12号", ApprovalDepartment: "盐湖区住建局",
		ApprovalDate: "2027-04-01", AcceptanceDate: "2027-10-20", AcceptancePassed: true, AcceptanceParticipants: "住建局、施工方、居民代表"}
	ready := Gate{In: full, Contractor: "晋安电梯", StartDate: "2027-05-01", EndDate: "2027-09-30", VoteMissing: []string{}}
	for _, tc := range []struct {
		name  string
		from  Phase
		gate  func(g Gate) Gate
		wants []string // missing fields, in order
	}{
		{"proposal complete", Proposal, nil, nil},
		{"proposal without proposer", Proposal, func(g Gate) Gate { g.In.Proposer = " "; return g }, []string{"proposer"}},
		{"proposal without anything", Proposal, func(g Gate) Gate { g.In = AdvanceInput{}; return g }, []string{"proposer", "outcome"}},
		{"consultation complete", Consultation, nil, nil},
		{"consultation without outcome", Consultation, func(g Gate) Gate { g.In.Outcome = ""; return g }, []string{"outcome"}},
		{"vote valid", ConsentVote, nil, nil},
		{"vote valid (nil answer)", ConsentVote, func(g Gate) Gate { g.VoteMissing = nil; return g }, nil},
		{"vote missing lines", ConsentVote, func(g Gate) Gate { g.VoteMissing = []string{"还需2户同意", "3-1-102须同意"}; return g }, []string{"vote", "vote"}},
		{"no vote gate", ConsentVote, func(g Gate) Gate { g.NoVoteGate = true; return g }, []string{"vote"}},
		{"approval complete", Approval, nil, nil},
		{"approval by department node", Approval, func(g Gate) Gate { g.In.ApprovalDepartment, g.In.ApprovalDepartmentID = "", 7; return g }, nil},
		{"approval without anything", Approval, func(g Gate) Gate { g.In = AdvanceInput{}; return g }, []string{"approval_number", "approval_department", "approval_date"}},
		{"construction complete", Construction, nil, nil},
		{"construction without contractor or schedule", Construction, func(g Gate) Gate { g.Contractor, g.EndDate = "", ""; return g }, []string{"contractor", "schedule"}},
		{"construction with open complaints", Construction, func(g Gate) Gate { g.OpenComplaints = []string{"XY-1", "XY-2"}; return g }, []string{"complaints", "complaints"}},
		{"acceptance complete", Acceptance, nil, nil},
		{"acceptance failed", Acceptance, func(g Gate) Gate { g.In.AcceptancePassed = false; return g }, []string{"acceptance_passed"}},
		{"acceptance without anything", Acceptance, func(g Gate) Gate { g.In = AdvanceInput{}; return g }, []string{"acceptance_date", "acceptance_passed", "acceptance_participants"}},
		{"in service has no next", InService, nil, []string{"to"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := ready
			if tc.gate != nil {
				g = tc.gate(g)
			}
			got := fieldsOf(Missing(tc.from, g))
			if !slices.Equal(got, tc.wants) {
				t.Errorf("Missing(%s) = %v, want %v", tc.from, got, tc.wants)
			}
		})
	}
}

func TestProjectCheckAdvance(t *testing.T) {
	ok := Gate{In: AdvanceInput{Proposer: "居民", Outcome: "加装电梯"}}
	for _, tc := range []struct {
		name     string
		cur, to  Phase
		g        Gate
		code     string
		contains []string
	}{
		{"next with outcome", Proposal, Consultation, ok, "", nil},
		{"next without outcome", Proposal, Consultation, Gate{}, linli.EConflict, []string{"提议人", "提议内容"}},
		{"skip two phases", Proposal, Approval, ok, linli.EConflict, []string{"协商", "表决"}},
		{"skip names what the current phase lacks", Consultation, Approval, Gate{}, linli.EConflict, []string{"表决", "协商结果"}},
		{"backwards", Approval, Consultation, ok, linli.EConflict, []string{"申请与审批"}},
		{"same phase", Proposal, Proposal, ok, linli.EConflict, nil},
		{"unknown phase", Proposal, "built", ok, linli.EInvalid, nil},
		{"bad date", Approval, Construction, Gate{In: AdvanceInput{ApprovalNumber: "1", ApprovalDepartment: "x", ApprovalDate: "2027/4/1"}}, linli.EInvalid, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkAdvance(tc.cur, tc.to, tc.g)
			if got := linli.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			for _, s := range tc.contains {
				if !strings.Contains(linli.ErrorMessage(err), s) {
					t.Errorf("message %q lacks %q", linli.ErrorMessage(err), s)
				}
			}
		})
	}
}

func TestProjectProgressMath(t *testing.T) {
	m := func(id, parent int64, weight, progress int) Milestone {
		return Milestone{ID: id, ParentID: parent, Weight: weight, Progress: progress}
	}
	for _, tc := range []struct {
		name    string
		ms      []Milestone
		project int
		each    map[int64]int
	}{
		{"none", nil, 0, nil},
		{"one leaf", []Milestone{m(1, 0, 1, 40)}, 40, map[int64]int{1: 40}},
		{"weighted mean", []Milestone{m(1, 0, 3, 100), m(2, 0, 1, 0)}, 75, nil},
		// 2/3 of 100 = 66.67: rounded down, never up.
		{"rounds down", []Milestone{m(1, 0, 2, 100), m(2, 0, 1, 0)}, 66, nil},
		{"99.6 is not 100", []Milestone{m(1, 0, 249, 100), m(2, 0, 1, 0)}, 99, nil},
		{"zero weight does not count", []Milestone{m(1, 0, 0, 0), m(2, 0, 1, 80)}, 80, nil},
		{"all zero weights count equally", []Milestone{m(1, 0, 0, 0), m(2, 0, 0, 50)}, 25, nil},
		{"parent's own progress is ignored", []Milestone{m(1, 0, 1, 90), m(2, 1, 1, 10), m(3, 1, 1, 30)}, 20, map[int64]int{1: 20}},
		// Exact through levels: children 1/3 and 2/3 of 100 → 33.33 and
		// 66.67 exactly; their mean is 50, not 49.5 from rounded parts.
		{"exact through levels", []Milestone{
			m(1, 0, 1, 0), m(11, 1, 1, 100), m(12, 1, 2, 0),
			m(2, 0, 1, 0), m(21, 2, 2, 100), m(22, 2, 1, 0),
		}, 50, map[int64]int{1: 33, 2: 66}},
		{"deep tree", []Milestone{
			m(1, 0, 1, 0), m(2, 1, 1, 0), m(3, 2, 1, 0), m(4, 3, 1, 0), m(5, 4, 1, 100), m(6, 4, 1, 0),
		}, 50, map[int64]int{5: 100, 4: 50, 3: 50, 2: 50, 1: 50}},
		{"all done is 100", []Milestone{m(1, 0, 5, 100), m(2, 0, 7, 0), m(21, 2, 1, 100), m(22, 2, 0, 0)}, 100, map[int64]int{2: 100}},
		{"8 units, one done", []Milestone{m(1, 0, 1, 100), m(2, 0, 1, 0), m(3, 0, 1, 0), m(4, 0, 1, 0), m(5, 0, 1, 0), m(6, 0, 1, 0), m(7, 0, 1, 0), m(8, 0, 1, 0)}, 12, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tree, got := ComputeProgress(tc.ms)
			if got != tc.project {
				t.Errorf("project progress %d, want %d", got, tc.project)
			}
			byID := computedByID(tree)
			for id, want := range tc.each {
				if byID[id] != want {
					t.Errorf("milestone %d: %d, want %d", id, byID[id], want)
				}
			}
			if len(Flatten(tree)) != len(tc.ms) {
				t.Errorf("tree holds %d milestones, want %d", len(Flatten(tree)), len(tc.ms))
			}
		})
	}
}

func TestProjectHours(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		bad  string
	}{
		{[]string{"8:00-12:00", "14:30–18:00"}, []string{"08:00-12:00", "14:30-18:00"}, ""},
		{[]string{"14:30-18:00", "08:00-12:00"}, []string{"08:00-12:00", "14:30-18:00"}, ""},
		{[]string{"22:00-24:00", "00:00～06:00"}, []string{"00:00-06:00", "22:00-24:00"}, ""},
		{[]string{"", " "}, []string{}, ""},
		{[]string{"12:00-08:00"}, nil, "结束早于开始"},
		{[]string{"08:00-12:00", "11:00-13:00"}, nil, "重叠"},
		{[]string{"8点-12点"}, nil, "应写作"},
		{[]string{"25:00-26:00"}, nil, "应写作"},
		{[]string{"08:60-09:00"}, nil, "应写作"},
		{[]string{"1a:00-2:00"}, nil, "应写作"},  // not 01:00-02:00 (found by FuzzProjectInputs)
		{[]string{"08:0x-09:00"}, nil, "应写作"}, // not 08:00-09:00
		{[]string{"8 : 00 - 12:00"}, []string{"08:00-12:00"}, ""},
	} {
		got, why := parseSpans(tc.in)
		if tc.bad != "" {
			if !strings.Contains(why, tc.bad) {
				t.Errorf("%v: reason %q, want %q", tc.in, why, tc.bad)
			}
			continue
		}
		if why != "" || !slices.Equal(spanStrings(got), tc.want) {
			t.Errorf("%v: %v %q, want %v", tc.in, spanStrings(got), why, tc.want)
		}
	}
	work, _ := parseSpans([]string{"08:00-12:00", "14:30-18:00"})
	quiet, _ := parseSpans([]string{"12:00-14:30", "22:00-24:00"})
	if o := overlapping(work, quiet); o != "" {
		t.Errorf("touching ranges overlap: %s", o)
	}
	lunch, _ := parseSpans([]string{"11:30-14:30"})
	if overlapping(work, lunch) == "" {
		t.Error("work 08:00-12:00 and quiet 11:30-14:30 should overlap")
	}
}

func TestProjectMoney(t *testing.T) {
	for fen, want := range map[int64]string{0: "¥0.00", 5: "¥0.05", 123456789: "¥1,234,567.89", 240000000: "¥2,400,000.00", -150: "-¥1.50"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
	for in, want := range map[string]int64{"": 0, "12": 1200, "12.5": 1250, "12.05": 1205, "2,400,000.00": 240000000, "¥30": 3000} {
		if got, ok := parseYuan(in); !ok || got != want {
			t.Errorf("parseYuan(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"abc", "1.234", "-5", ".5"} {
		if _, ok := parseYuan(in); ok {
			t.Errorf("parseYuan(%q) accepted", in)
		}
	}
}

func TestProjectHalf(t *testing.T) {
	for _, tc := range []struct{ in, zh, en string }{
		{"须有已生效的意见征询表决 / a valid consent vote is required", "须有已生效的意见征询表决", "a valid consent vote is required"},
		{"只有中文", "只有中文", "只有中文"},
		{"", "", ""},
		{"「施工」阶段尚缺：开工日期 / cannot leave construction yet", "「施工」阶段尚缺：开工日期", "cannot leave construction yet"},
	} {
		if got := web.InLanguage(tc.in, "zh"); got != tc.zh {
			t.Errorf("InLanguage(%q, zh) = %q, want %q", tc.in, got, tc.zh)
		}
		if got := web.InLanguage(tc.in, "en"); got != tc.en {
			t.Errorf("InLanguage(%q, en) = %q, want %q", tc.in, got, tc.en)
		}
	}
	// Every reason the gate gives splits into both halves.
	for _, ph := range Phases() {
		for _, f := range Missing(ph, Gate{}) {
			if zh, en := web.InLanguage(f.Reason, "zh"), web.InLanguage(f.Reason, "en"); zh == en || zh == "" || en == "" {
				t.Errorf("%s: reason %q is not bilingual", ph, f.Reason)
			}
		}
	}
}
