package consent_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"linli/consent"
)

// even builds n households of equal area (centi), ids 1..n, with the
// given ballots; ballots beyond len(choices) are no ballot.
func even(n int, area int64, choices ...consent.Choice) []consent.Household {
	areas := make([]int64, n)
	for i := range areas {
		areas[i] = area
	}
	return unit(areas, choices...)
}

// unit builds one household per area, ids 1..n, labelled "h1", "h2", …
func unit(areas []int64, choices ...consent.Choice) []consent.Household {
	hs := make([]consent.Household, len(areas))
	for i, a := range areas {
		hs[i] = consent.Household{ID: int64(i + 1), Label: fmt.Sprintf("h%d", i+1), AreaCenti: a}
		if i < len(choices) {
			hs[i].Choice = choices[i]
		}
	}
	return hs
}

// rep is n copies of c.
func rep(n int, c consent.Choice) []consent.Choice {
	cs := make([]consent.Choice, n)
	for i := range cs {
		cs[i] = c
	}
	return cs
}

func cat(parts ...[]consent.Choice) []consent.Choice { return slices.Concat(parts...) }

const (
	A = consent.Agree
	D = consent.Disagree
	X = consent.Abstain
	N = consent.NoBallot
)

var (
	renovation = consent.Rule{Matter: consent.Renovation}
	ordinary   = consent.Rule{Matter: consent.Ordinary}
)

// want is what a table case checks; Missing lines are compared whole.
type want struct {
	partOK, apprOK, valid  bool
	mOwnersPart, mAreaPart int64
	mOwnersAppr, mAreaAppr int64
	missing                []string
}

func check(t *testing.T, got consent.Tally, w want) {
	t.Helper()
	if len(got.Problems) > 0 {
		t.Fatalf("problems: %q", got.Problems)
	}
	if got.ParticipationOK != w.partOK || got.ApprovalOK != w.apprOK || got.Valid != w.valid {
		t.Errorf("participation %v approval %v valid %v, want %v %v %v",
			got.ParticipationOK, got.ApprovalOK, got.Valid, w.partOK, w.apprOK, w.valid)
	}
	gotM := [4]int64{got.MissingOwnersParticipation, got.MissingAreaParticipation, got.MissingOwnersApproval, got.MissingAreaApproval}
	wantM := [4]int64{w.mOwnersPart, w.mAreaPart, w.mOwnersAppr, w.mAreaAppr}
	if gotM != wantM {
		t.Errorf("missing (owners part, area part, owners appr, area appr) = %v, want %v", gotM, wantM)
	}
	if !slices.Equal(got.Missing, w.missing) {
		t.Errorf("Missing =\n  %q\nwant\n  %q", got.Missing, w.missing)
	}
}

// TestEvaluateBoundaries puts the art. 278 thresholds exactly on and one
// unit (one owner, 0.01 m²) beside each boundary.
func TestEvaluateBoundaries(t *testing.T) {
	ok := want{partOK: true, apprOK: true, valid: true}
	tests := []struct {
		name string
		rule consent.Rule
		hs   []consent.Household
		want want
	}{
		// Participation ≥ 2/3 of area and of owners.
		{"participation exactly 2/3 of area and owners", renovation,
			unit([]int64{5000, 5000, 5000, 5000, 5000, 5000}, A, A, A, A), ok},
		{"participation 0.01 m² below 2/3", renovation,
			unit([]int64{5000, 5000, 5000, 4999, 5000, 5001}, A, A, A, A),
			want{apprOK: true, mAreaPart: 1,
				missing: []string{"还需0.01㎡专有面积参与表决 / 0.01 m² more exclusive area must take part"}}},
		{"participation one owner below 2/3, area exactly 2/3", renovation,
			unit([]int64{10000, 10000, 10000, 5000, 5000, 5000}, A, A, A),
			want{apprOK: true, mOwnersPart: 1,
				missing: []string{"还需1户业主参与表决 / 1 more owner must take part"}}},
		{"participation 5 of 7 owners passes (15 ≥ 14)", renovation, even(7, 6000, A, A, A, A, A), ok},
		{"participation 4 of 7 owners fails", renovation, even(7, 6000, A, A, A, A),
			want{apprOK: true, mOwnersPart: 1, mAreaPart: 4000,
				missing: []string{"还需1户业主、40.00㎡参与表决 / 1 more owner and 40.00 m² must take part"}}},
		{"nobody votes", renovation, even(3, 7000),
			want{mOwnersPart: 2, mAreaPart: 14000, mOwnersAppr: 1, mAreaAppr: 1,
				missing: []string{"还需2户业主、140.00㎡参与表决 / 2 more owners and 140.00 m² must take part",
					"尚无人投票 / no ballots yet"}}},

		// Renovation: ≥ 3/4 of the participating area and owners.
		{"renovation exactly 3/4", renovation, even(8, 5000, cat(rep(6, A), rep(2, D))...), ok},
		{"renovation one owner below 3/4, area exactly 3/4", renovation,
			unit([]int64{6000, 6000, 6000, 6000, 6000, 3333, 3333, 3334}, cat(rep(5, A), rep(3, D))...),
			want{partOK: true, mOwnersAppr: 1,
				missing: []string{"还需1户业主同意 / 1 more owner of approval needed"}}},
		{"renovation 0.01 m² below 3/4", renovation,
			unit([]int64{5000, 5000, 5000, 5000, 5000, 4999, 5000, 5001}, cat(rep(6, A), rep(2, D))...),
			want{partOK: true, mAreaAppr: 1,
				missing: []string{"还需0.01㎡专有面积同意 / 0.01 m² more exclusive area of approval needed"}}},
		{"renovation: abstaining counts against (3 of 5)", renovation, even(6, 5000, A, A, A, X, X),
			want{partOK: true, mOwnersAppr: 1, mAreaAppr: 3750,
				missing: []string{"还需1户业主、37.50㎡同意 / 1 more owner and 37.50 m² of approval needed"}}},
		{"renovation: staying away does not (3 of 4)", renovation, even(6, 5000, A, A, A, X), ok},
		{"renovation 5 of 8 fails what ordinary passes", renovation, even(8, 5000, cat(rep(5, A), rep(3, D))...),
			want{partOK: true, mOwnersAppr: 1, mAreaAppr: 5000,
				missing: []string{"还需1户业主、50.00㎡同意 / 1 more owner and 50.00 m² of approval needed"}}},

		// Ordinary: MORE than half of each; exactly half fails.
		{"ordinary exactly half fails", ordinary, even(8, 5000, cat(rep(4, A), rep(4, D))...),
			want{partOK: true, mOwnersAppr: 1, mAreaAppr: 1,
				missing: []string{"还需1户业主、0.01㎡同意 / 1 more owner and 0.01 m² of approval needed"}}},
		{"ordinary just above half", ordinary,
			unit([]int64{4000, 4000, 4000, 4000, 4001, 6666, 6666, 6667}, cat(rep(5, A), rep(3, D))...), ok},
		{"ordinary area exactly half fails", ordinary,
			unit([]int64{4000, 4000, 4000, 4000, 4000, 6666, 6667, 6667}, cat(rep(5, A), rep(3, D))...),
			want{partOK: true, mAreaAppr: 1,
				missing: []string{"还需0.01㎡专有面积同意 / 0.01 m² more exclusive area of approval needed"}}},
		{"ordinary 4 of 7 passes", ordinary, even(7, 5000, cat(rep(4, A), rep(3, D))...), ok},
		{"ordinary 3 of 7 fails", ordinary, even(7, 5000, cat(rep(3, A), rep(4, D))...),
			want{partOK: true, mOwnersAppr: 1, mAreaAppr: 2501,
				missing: []string{"还需1户业主、25.01㎡同意 / 1 more owner and 25.01 m² of approval needed"}}},
		{"ordinary with no ballot", ordinary, even(2, 5000),
			want{mOwnersPart: 2, mAreaPart: 6667, mOwnersAppr: 1, mAreaAppr: 1,
				missing: []string{"还需2户业主、66.67㎡参与表决 / 2 more owners and 66.67 m² must take part",
					"尚无人投票 / no ballots yet"}}},

		// Both conditions missing at once, several owners.
		{"far off", renovation, even(12, 6000, cat(rep(3, A), rep(4, D))...),
			want{mOwnersPart: 1, mAreaPart: 6000, mOwnersAppr: 3, mAreaAppr: 13500,
				missing: []string{"还需1户业主、60.00㎡参与表决 / 1 more owner and 60.00 m² must take part",
					"还需3户业主、135.00㎡同意 / 3 more owners and 135.00 m² of approval needed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, consent.Evaluate(tt.rule, tt.hs), tt.want)
		})
	}
}

func TestEvaluateCounts(t *testing.T) {
	hs := unit([]int64{5876, 7143, 6000, 100}, A, D, X, N)
	got := consent.Evaluate(renovation, hs)
	if got.TotalArea != 19119 || got.TotalOwners != 4 ||
		got.ParticipatingArea != 19019 || got.ParticipatingOwners != 3 ||
		got.AgreeArea != 5876 || got.AgreeOwners != 1 {
		t.Errorf("counts = %+v", got)
	}
	if !got.UnanimityOK || !got.RequiredOK {
		t.Errorf("UnanimityOK %v RequiredOK %v, want true when not asked for", got.UnanimityOK, got.RequiredOK)
	}
}

// Headcount: Owners 0 and 1 are one owner (one exclusive part, one
// owner); a larger value is taken as given.
func TestEvaluateHeadcount(t *testing.T) {
	zero := unit([]int64{5000, 5000, 5000}, A)
	one := unit([]int64{5000, 5000, 5000}, A)
	for i := range one {
		one[i].Owners = 1
	}
	if a, b := consent.Evaluate(renovation, zero), consent.Evaluate(renovation, one); !equalTally(a, b) {
		t.Errorf("Owners 0 and 1 differ:\n%+v\n%+v", a, b)
	}
	if got := consent.Evaluate(renovation, zero); got.TotalOwners != 3 || got.MissingOwnersParticipation != 1 {
		t.Errorf("TotalOwners %d missing %d, want 3 and 1", got.TotalOwners, got.MissingOwnersParticipation)
	}

	// A local rule counting the three co-owners of h1 separately: 3 of 5
	// owners take part, 9 < 10.
	local := unit([]int64{5000, 5000, 5000}, A)
	local[0].Owners = 3
	got := consent.Evaluate(renovation, local)
	if got.TotalOwners != 5 || got.ParticipatingOwners != 3 || got.ParticipationOK || got.MissingOwnersParticipation != 1 {
		t.Errorf("Owners 3: %+v", got)
	}
	local[0].Owners = 4 // 4 of 6: 12 ≥ 12
	if got := consent.Evaluate(renovation, local); got.MissingOwnersParticipation != 0 {
		t.Errorf("Owners 4: missing %d owners, want 0", got.MissingOwnersParticipation)
	}
}

func equalTally(a, b consent.Tally) bool {
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

// huicui is building 3, unit 1 of 荟萃花园南区: six floors, two flats a
// floor, x01 = 58.76 m² and x02 = 71.43 m²; 781.14 m² in all. Everyone
// agrees unless listed in ballots.
func huicui(ballots map[string]consent.Choice) []consent.Household {
	var hs []consent.Household
	for floor := 1; floor <= 6; floor++ {
		for room, area := range []int64{5876, 7143} {
			label := fmt.Sprintf("3-1-%d%02d", floor, room+1)
			c, ok := ballots[label]
			if !ok {
				c = A
			}
			hs = append(hs, consent.Household{ID: int64(floor*100 + room + 1), Label: label,
				AreaCenti: area, Floor: floor, Choice: c})
		}
	}
	return hs
}

// TestEvaluateHuicui follows the elevator vote of one unit. 3/4 of the
// 781.14 m² is 585.855 m², so 585.86 m² must agree; floors 3–6 hold
// 520.76 m².
func TestEvaluateHuicui(t *testing.T) {
	lowFloorsObject := map[string]consent.Choice{"3-1-101": D, "3-1-102": D, "3-1-201": D, "3-1-202": D}
	changed := func(label string, c consent.Choice) map[string]consent.Choice {
		m := make(map[string]consent.Choice)
		for k, v := range lowFloorsObject {
			m[k] = v
		}
		m[label] = c
		return m
	}
	tests := []struct {
		name    string
		ballots map[string]consent.Choice
		want    want
	}{
		// 8 of 12 owners (32 < 36) and 520.76 m²: one more owner, and
		// 65.10 m² — a 58.76 m² flat would not do, a 71.43 m² one would.
		{"floors 1–2 object", lowFloorsObject,
			want{partOK: true, mOwnersAppr: 1, mAreaAppr: 6510,
				missing: []string{"还需1户业主、65.10㎡同意 / 1 more owner and 65.10 m² of approval needed"}}},
		// 9 of 12 owners is exactly 3/4; 579.52 m² is 6.34 m² short.
		{"3-1-201 changes its vote", changed("3-1-201", A),
			want{partOK: true, mAreaAppr: 634,
				missing: []string{"还需6.34㎡专有面积同意 / 6.34 m² more exclusive area of approval needed"}}},
		// 9 of 12 and 592.19 m²: passes.
		{"3-1-202 changes its vote instead", changed("3-1-202", A),
			want{partOK: true, apprOK: true, valid: true}},
		// Floor 1 stays away: 10 of 12 take part, 8 of 10 agree; 520.76 of
		// 650.95 m² (×4 = 2083.04 ≥ 1952.85). Staying away is not objecting.
		{"floor 1 stays away, floor 2 objects", map[string]consent.Choice{"3-1-101": N, "3-1-102": N, "3-1-201": D, "3-1-202": D},
			want{partOK: true, apprOK: true, valid: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, consent.Evaluate(renovation, huicui(tt.ballots)), tt.want)
		})
	}

	// The community insists on unanimity: one objector stops the unit
	// though art. 278 is met, until it changes its vote.
	unanimous := consent.Rule{Matter: consent.Renovation, Unanimous: true}
	got := consent.Evaluate(unanimous, huicui(map[string]consent.Choice{"3-1-101": D}))
	check(t, got, want{partOK: true, apprOK: true,
		missing: []string{"须全体业主同意，尚未同意：3-1-101 / unanimity required; not yet agreed: 3-1-101"}})
	if got.UnanimityOK || !got.RequiredOK {
		t.Errorf("UnanimityOK %v RequiredOK %v, want false true", got.UnanimityOK, got.RequiredOK)
	}
	got = consent.Evaluate(unanimous, huicui(nil))
	check(t, got, want{partOK: true, apprOK: true, valid: true})
	if !got.UnanimityOK {
		t.Error("UnanimityOK false with every household agreeing")
	}
}

func TestEvaluateUnanimity(t *testing.T) {
	unanimous := consent.Rule{Matter: consent.Ordinary, Unanimous: true}
	// Abstaining and not voting are not agreeing; order follows the unit.
	got := consent.Evaluate(unanimous, even(6, 5000, A, X, A, A, A, N))
	check(t, got, want{partOK: true, apprOK: true,
		missing: []string{"须全体业主同意，尚未同意：h2、h6 / unanimity required; not yet agreed: h2, h6"}})
	if got.UnanimityOK {
		t.Error("UnanimityOK with an abstention")
	}
}

func TestEvaluateRequired(t *testing.T) {
	// The shaft stands on 3-1-102's exclusive part: it must consent
	// itself, though 11 of 12 is far above 3/4.
	hs := huicui(map[string]consent.Choice{"3-1-102": D})
	rule := consent.Rule{Matter: consent.Renovation, Required: []int64{102}}
	got := consent.Evaluate(rule, hs)
	check(t, got, want{partOK: true, apprOK: true,
		missing: []string{"3-1-102户须同意 / household 3-1-102 must consent"}})
	if got.RequiredOK || !got.UnanimityOK {
		t.Errorf("RequiredOK %v UnanimityOK %v, want false true", got.RequiredOK, got.UnanimityOK)
	}

	// The same through the household's own flag, with a second required
	// household that has not voted and one that agrees.
	hs = huicui(map[string]consent.Choice{"3-1-102": D, "3-1-101": N})
	for i := range hs {
		hs[i].Required = hs[i].Floor == 1 || hs[i].Label == "3-1-601"
	}
	check(t, consent.Evaluate(renovation, hs), want{partOK: true, apprOK: true,
		missing: []string{"3-1-101户须同意 / household 3-1-101 must consent", "3-1-102户须同意 / household 3-1-102 must consent"}})

	hs = huicui(nil)
	check(t, consent.Evaluate(rule, hs), want{partOK: true, apprOK: true, valid: true})

	// Listed by the rule AND flagged: one line, not two.
	hs = huicui(map[string]consent.Choice{"3-1-102": X})
	hs[1].Required = true
	if got := consent.Evaluate(rule, hs); len(got.Missing) != 1 {
		t.Errorf("Missing = %q, want one line", got.Missing)
	}

	// A household without a label is named by its id.
	hs = even(4, 5000, A, A, A, D)
	hs[3].Label = ""
	rule = consent.Rule{Matter: consent.Renovation, Required: []int64{4}}
	check(t, consent.Evaluate(rule, hs), want{partOK: true, apprOK: true,
		missing: []string{"#4户须同意 / household #4 must consent"}})
}

func TestEvaluateProblems(t *testing.T) {
	good := even(3, 5000, A, A, A)
	with := func(f func(hs []consent.Household) []consent.Household) []consent.Household {
		return f(slices.Clone(good))
	}
	tests := []struct {
		name string
		rule consent.Rule
		hs   []consent.Household
		want string
	}{
		{"no households", renovation, nil, "单元内没有住户 / the unit has no households"},
		{"unknown matter", consent.Rule{Matter: "elevator"}, good, `表决事项"elevator"未知（应为renovation或ordinary） / unknown matter "elevator" (want renovation or ordinary)`},
		{"no matter", consent.Rule{}, good, `unknown matter ""`},
		{"duplicate id", renovation, with(func(hs []consent.Household) []consent.Household { hs[2].ID = 1; return hs }),
			"住户编号1重复 / household id 1 appears twice"},
		{"zero area", renovation, with(func(hs []consent.Household) []consent.Household { hs[1].AreaCenti = 0; return hs }),
			"h2户专有面积0.00㎡不在0.01至100000.00㎡之间 / household h2: exclusive area 0.00 m² is not between 0.01 and 100000.00 m²"},
		{"negative area", renovation, with(func(hs []consent.Household) []consent.Household { hs[1].AreaCenti = -5; return hs }),
			"exclusive area -0.05 m²"},
		{"area too large", renovation, with(func(hs []consent.Household) []consent.Household {
			hs[1].AreaCenti = consent.MaxAreaCenti + 1
			return hs
		}),
			"exclusive area 100000.01 m²"},
		{"negative owners", renovation, with(func(hs []consent.Household) []consent.Household { hs[0].Owners = -1; return hs }),
			"h1户业主人数-1不在0至1000之间 / household h1: owners -1 is not between 0 and 1000"},
		{"unknown ballot", renovation, with(func(hs []consent.Household) []consent.Household { hs[0].Choice = "yes"; return hs }),
			`h1户的表决票"yes"无法识别 / household h1: unknown ballot "yes"`},
		{"required household not in the unit", consent.Rule{Matter: consent.Renovation, Required: []int64{9}}, good,
			"须同意的住户#9不在本单元 / required household #9 is not in the unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := consent.Evaluate(tt.rule, tt.hs)
			if !slices.ContainsFunc(got.Problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("Problems = %q, want one containing %q", got.Problems, tt.want)
			}
			if got.Valid || got.ParticipationOK || got.ApprovalOK || got.UnanimityOK || got.RequiredOK || len(got.Missing) > 0 {
				t.Errorf("input with problems was counted: %+v", got)
			}
		})
	}
	// The same input without the mistake passes: the tests above fail for
	// the reason they name.
	if got := consent.Evaluate(renovation, good); !got.Valid {
		t.Fatalf("good unit: %+v", got)
	}
}

// TestEvaluateAgainstRationals checks, on random units, every flag and
// every Missing number against a reference that compares exact fractions
// (math/big.Rat) instead of cross-multiplied integers: each Missing number
// m must make its condition hold and m − 1 must not.
func TestEvaluateAgainstRationals(t *testing.T) {
	rng := rand.New(rand.NewPCG(278, 2021))
	choices := []consent.Choice{A, D, X, N}
	frac := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	geq := func(have, of int64, q *big.Rat) bool { // have/of ≥ q
		return of > 0 && frac(have, of).Cmp(q) >= 0
	}
	more := func(have, of int64, q *big.Rat) bool { return of > 0 && frac(have, of).Cmp(q) > 0 }
	twoThirds, threeQuarters, half := frac(2, 3), frac(3, 4), frac(1, 2)

	for range 5000 {
		n := 1 + rng.IntN(15)
		hs := make([]consent.Household, n)
		for i := range hs {
			hs[i] = consent.Household{ID: int64(i + 1), AreaCenti: 1 + rng.Int64N(20000),
				Owners: rng.IntN(3), Choice: choices[rng.IntN(len(choices))]}
			if rng.IntN(4) == 0 {
				hs[i].AreaCenti = 1 + rng.Int64N(consent.MaxAreaCenti)
			}
		}
		rule := consent.Rule{Matter: consent.Renovation, Unanimous: rng.IntN(5) == 0}
		if rng.IntN(2) == 0 {
			rule.Matter = consent.Ordinary
		}
		if rng.IntN(5) == 0 {
			rule.Required = []int64{1 + rng.Int64N(int64(n))}
		}
		got := consent.Evaluate(rule, hs)
		if len(got.Problems) > 0 {
			t.Fatalf("problems %q for %+v", got.Problems, hs)
		}

		var ta, to, pa, po, aa, ao int64
		unanimous, required := true, true
		for _, h := range hs {
			o := int64(max(h.Owners, 1))
			ta, to = ta+h.AreaCenti, to+o
			if h.Choice != N {
				pa, po = pa+h.AreaCenti, po+o
			}
			if h.Choice == A {
				aa, ao = aa+h.AreaCenti, ao+o
			} else {
				unanimous = false
				if slices.Contains(rule.Required, h.ID) {
					required = false
				}
			}
		}
		if got.TotalArea != ta || got.TotalOwners != to || got.ParticipatingArea != pa ||
			got.ParticipatingOwners != po || got.AgreeArea != aa || got.AgreeOwners != ao {
			t.Fatalf("counts %+v for %+v", got, hs)
		}
		partOK := geq(pa, ta, twoThirds) && geq(po, to, twoThirds)
		approves := func(have, of int64) bool {
			if rule.Matter == consent.Renovation {
				return geq(have, of, threeQuarters)
			}
			return more(have, of, half)
		}
		apprOK := approves(aa, pa) && approves(ao, po)
		if got.ParticipationOK != partOK || got.ApprovalOK != apprOK ||
			got.UnanimityOK != (unanimous || !rule.Unanimous) || got.RequiredOK != required ||
			got.Valid != (partOK && apprOK && (unanimous || !rule.Unanimous) && required) {
			t.Fatalf("flags %+v for %+v under %+v", got, hs, rule)
		}

		minimal := func(name string, m int64, holds func(int64) bool) {
			t.Helper()
			if m < 0 || !holds(m) || (m > 0 && holds(m-1)) {
				t.Fatalf("%s = %d is not the least amount (holds(m) %v) for %+v under %+v", name, m, holds(m), hs, rule)
			}
		}
		minimal("MissingAreaParticipation", got.MissingAreaParticipation, func(m int64) bool { return geq(pa+m, ta, twoThirds) })
		minimal("MissingOwnersParticipation", got.MissingOwnersParticipation, func(m int64) bool { return geq(po+m, to, twoThirds) })
		if po == 0 {
			if got.MissingOwnersApproval != 1 || got.MissingAreaApproval != 1 {
				t.Fatalf("no ballot: missing approval %d, %d", got.MissingOwnersApproval, got.MissingAreaApproval)
			}
			continue
		}
		// Switching participants to agree: the participants stay as they are.
		minimal("MissingAreaApproval", got.MissingAreaApproval, func(m int64) bool { return approves(aa+m, pa) })
		minimal("MissingOwnersApproval", got.MissingOwnersApproval, func(m int64) bool { return approves(ao+m, po) })
		// And there is that much to switch.
		if got.MissingAreaApproval > pa-aa || got.MissingOwnersApproval > po-ao {
			t.Fatalf("missing approval beyond the non-agreeing participants: %+v", got)
		}
		if (len(got.Missing) == 0) != got.Valid {
			t.Fatalf("Valid %v with Missing %q", got.Valid, got.Missing)
		}
	}
}

// Evaluate must not reorder or change the caller's households.
func TestEvaluateLeavesInputAlone(t *testing.T) {
	hs := huicui(map[string]consent.Choice{"3-1-101": D})
	before := slices.Clone(hs)
	consent.Evaluate(consent.Rule{Matter: consent.Renovation, Unanimous: true, Required: []int64{101}}, hs)
	if !slices.Equal(hs, before) {
		t.Error("Evaluate changed its input")
	}
}

// TestEvaluateOneOwnerSeveralFlats applies 法释〔2009〕7号 art. 9: one
// buyer of several exclusive parts counts as one person, the area in
// full. Six flats of equal area; "p" owns h1 and h2; p and two others
// (h3, h4) take part. Counted flat by flat it would be 4/6 owners (valid
// participation); by person it is 3 of 5 owners, 9 < 10: not valid.
func TestEvaluateOneOwnerSeveralFlats(t *testing.T) {
	hs := even(6, 8000, A, A, A, A)
	hs[0].Owner, hs[1].Owner = "p", "p"
	got := consent.Evaluate(ordinary, hs)
	if got.TotalOwners != 5 || got.ParticipatingOwners != 3 {
		t.Errorf("owners %d/%d, want 3/5", got.ParticipatingOwners, got.TotalOwners)
	}
	if got.TotalArea != 48000 || got.ParticipatingArea != 32000 {
		t.Errorf("area %d/%d, want 32000/48000 (every flat's area counts)", got.ParticipatingArea, got.TotalArea)
	}
	if got.ParticipationOK || got.Valid || got.MissingOwnersParticipation != 1 {
		t.Errorf("participation %v valid %v missing owners %d, want false false 1", got.ParticipationOK, got.Valid, got.MissingOwnersParticipation)
	}

	// One flat of p votes: p still takes part once.
	hs = even(6, 8000, A, N, A, A)
	hs[0].Owner, hs[1].Owner = "p", "p"
	if got := consent.Evaluate(ordinary, hs); got.ParticipatingOwners != 3 || got.AgreeOwners != 3 || got.ParticipatingArea != 24000 {
		t.Errorf("one flat of p voting: owners %d agree %d area %d, want 3 3 24000", got.ParticipatingOwners, got.AgreeOwners, got.ParticipatingArea)
	}

	// p's flats disagree with each other: p takes part, does not agree
	// in the headcount; each flat's area follows its own ballot.
	hs = even(6, 8000, A, D, A, A, A)
	hs[0].Owner, hs[1].Owner = "p", "p"
	got = consent.Evaluate(ordinary, hs)
	if got.ParticipatingOwners != 4 || got.AgreeOwners != 3 || got.AgreeArea != 32000 {
		t.Errorf("split owner: part %d agree %d agree area %d, want 4 3 32000", got.ParticipatingOwners, got.AgreeOwners, got.AgreeArea)
	}

	// Owner "" is everyone's own: no merging.
	hs = even(6, 8000, A, A, A, A)
	if got := consent.Evaluate(ordinary, hs); got.TotalOwners != 6 || got.ParticipatingOwners != 4 || !got.ParticipationOK {
		t.Errorf("no owners named: %d/%d ok %v, want 4/6 true", got.ParticipatingOwners, got.TotalOwners, got.ParticipationOK)
	}
}

// TestEvaluateMissingCounts: the count-only lines name no household.
func TestEvaluateMissingCounts(t *testing.T) {
	hs := even(4, 8000, A, D, N, A)
	hs[3].Required = true
	hs[1].Required = true
	got := consent.Evaluate(consent.Rule{Matter: consent.Ordinary, Unanimous: true}, hs)
	if len(got.MissingCounts) == 0 {
		t.Fatal("no count lines")
	}
	for _, line := range got.MissingCounts {
		for _, h := range hs {
			if strings.Contains(line, h.Label) {
				t.Errorf("count line %q names %s", line, h.Label)
			}
		}
	}
	want := []string{
		"须全体业主同意，尚有2户未同意 / unanimity required; 2 households not yet agreed",
		"须本人同意的住户中尚有1户未同意 / 1 household that must consent has not yet agreed",
	}
	for _, w := range want {
		if !slices.Contains(got.MissingCounts, w) {
			t.Errorf("MissingCounts %q lacks %q", got.MissingCounts, w)
		}
	}
}
