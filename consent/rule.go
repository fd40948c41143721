package consent

import (
	"fmt"
	"strconv"
	"strings"
)

// Choice is one household's ballot. The zero value is no ballot.
type Choice string

const (
	NoBallot Choice = ""
	Agree    Choice = "agree"
	Disagree Choice = "disagree"
	Abstain  Choice = "abstain"
)

// Bounds on input. No flat comes near them; they keep every sum and
// cross-product of Evaluate and Allocate far inside int64 (4 × 10^7 ×
// 1000 × millions of households) and catch unit mistakes such as an area
// typed in m² × 10^4.
const (
	MaxAreaCenti = 10_000_000 // 100,000.00 m²
	MaxOwners    = 1000
)

// Household is one exclusive part (专有部分) of the unit that votes and pays.
type Household struct {
	ID        int64
	Label     string // "3-1-102": building 3, unit 1, room 102
	AreaCenti int64  // exclusive area in 0.01 m²; 1..MaxAreaCenti
	// Owners is the headcount the household carries. 0 and 1 both mean
	// one owner: one exclusive part is one owner, co-owners included (see
	// the package doc, "Headcount"). Values above 1 are taken as given.
	Owners int
	// Owner names who owns the part, for the headcount: households with
	// the same non-empty Owner are one owner (法释〔2009〕7号 art. 9: one
	// buyer of several exclusive parts counts as one person). "" is an
	// owner of its own. See the package doc, "Headcount".
	Owner    string
	Choice   Choice
	Required bool // must consent itself, e.g. the shaft occupies its exclusive part
	Floor    int  // storey, 1 = ground floor; used by Allocate only
}

// headcount is the number of owners h counts for.
func (h Household) headcount() int64 {
	if h.Owners == 0 {
		return 1
	}
	return int64(h.Owners)
}

// name is how messages refer to h: its label, or its id when it has none.
func (h Household) name() string {
	if h.Label != "" {
		return h.Label
	}
	return "#" + strconv.FormatInt(h.ID, 10)
}

// Matter is what the owners decide; it sets the approval threshold.
type Matter string

const (
	// Renovation stands for the whole ≥ 3/4 class of Civil Code art. 278
	// (items 6–8): raising maintenance funds, renovating or rebuilding the
	// building and its facilities (adding an elevator is one), changing the
	// use of common parts or running a business with them.
	Renovation Matter = "renovation"
	// Ordinary is every other matter: more than half.
	Ordinary Matter = "ordinary"
)

// Rule is how one decision is counted.
type Rule struct {
	Matter    Matter
	Unanimous bool    // the community insists that every household agrees
	Required  []int64 // households that must agree themselves, besides those marked Required
}

// Tally is the count of one decision. An ...OK field is true when its
// condition holds or is not asked for (UnanimityOK without Unanimous,
// RequiredOK with no required household). Areas are in 0.01 m².
type Tally struct {
	TotalArea, TotalOwners                 int64
	ParticipatingArea, ParticipatingOwners int64 // any ballot, agree, disagree or abstain
	AgreeArea, AgreeOwners                 int64

	ParticipationOK, ApprovalOK, UnanimityOK, RequiredOK bool
	Valid                                                bool // all four, and no Problems

	// Missing says, Chinese first with an English gloss, what still stands
	// between the ballots and a valid decision, one line per condition.
	Missing []string
	// MissingCounts is Missing with every household name replaced by a
	// count ("尚有2户未同意"): for readers who may see the tally but not
	// who voted how.
	MissingCounts []string
	// The least additional owners and area each condition needs (see the
	// package doc); zero when it holds.
	MissingOwnersParticipation, MissingAreaParticipation int64
	MissingOwnersApproval, MissingAreaApproval           int64

	// Problems lists input that cannot be counted (no households, a
	// duplicate id, an area out of range, an unknown ballot or matter, a
	// required id not in the unit). When there are any, nothing is counted:
	// every flag is false and Missing is empty.
	Problems []string
}

// Evaluate counts the ballots of one unit hs under r (Civil Code art. 278,
// see the package doc). It does not change hs.
func Evaluate(r Rule, hs []Household) Tally {
	var t Tally
	if t.Problems = problems(r, hs); len(t.Problems) > 0 {
		return t
	}
	// Area counts flat by flat, each by its own ballot.
	for _, h := range hs {
		t.TotalArea += h.AreaCenti
		if h.Choice != NoBallot {
			t.ParticipatingArea += h.AreaCenti
		}
		if h.Choice == Agree {
			t.AgreeArea += h.AreaCenti
		}
	}
	// Owners count person by person (see the package doc, "Headcount").
	for _, o := range ownersOf(hs) {
		t.TotalOwners += o.headcount
		if o.tookPart {
			t.ParticipatingOwners += o.headcount
		}
		if o.agrees() {
			t.AgreeOwners += o.headcount
		}
	}

	// Art. 278 para. 2: ≥ 2/3 of the area and ≥ 2/3 of the owners take part.
	t.MissingAreaParticipation = atLeast(2, 3, t.TotalArea, t.ParticipatingArea)
	t.MissingOwnersParticipation = atLeast(2, 3, t.TotalOwners, t.ParticipatingOwners)
	t.ParticipationOK = t.MissingAreaParticipation == 0 && t.MissingOwnersParticipation == 0
	if !t.ParticipationOK {
		t.Missing = append(t.Missing, needLine(t.MissingOwnersParticipation, t.MissingAreaParticipation,
			"参与表决", "must take part"))
		t.MissingCounts = append(t.MissingCounts, t.Missing[len(t.Missing)-1])
	}

	// Approval is counted among the participants. With no ballot at all
	// there is nothing to approve; one agreeing household of any area
	// would carry it, hence 1 owner and 0.01 m².
	switch {
	case t.ParticipatingOwners == 0:
		t.MissingOwnersApproval, t.MissingAreaApproval = 1, 1
		t.Missing = append(t.Missing, "尚无人投票 / no ballots yet")
		t.MissingCounts = append(t.MissingCounts, "尚无人投票 / no ballots yet")
	case r.Matter == Renovation: // ≥ 3/4 of each
		t.MissingAreaApproval = atLeast(3, 4, t.ParticipatingArea, t.AgreeArea)
		t.MissingOwnersApproval = atLeast(3, 4, t.ParticipatingOwners, t.AgreeOwners)
	default: // Ordinary: more than half of each
		t.MissingAreaApproval = moreThanHalf(t.ParticipatingArea, t.AgreeArea)
		t.MissingOwnersApproval = moreThanHalf(t.ParticipatingOwners, t.AgreeOwners)
	}
	t.ApprovalOK = t.MissingAreaApproval == 0 && t.MissingOwnersApproval == 0
	if !t.ApprovalOK && t.ParticipatingOwners > 0 {
		t.Missing = append(t.Missing, needLine(t.MissingOwnersApproval, t.MissingAreaApproval,
			"同意", "of approval needed"))
		t.MissingCounts = append(t.MissingCounts, t.Missing[len(t.Missing)-1])
	}

	t.UnanimityOK = true
	if r.Unanimous {
		var not []string
		for _, h := range hs {
			if h.Choice != Agree {
				not = append(not, h.name())
			}
		}
		if len(not) > 0 {
			t.UnanimityOK = false
			t.Missing = append(t.Missing, fmt.Sprintf("须全体业主同意，尚未同意：%s / unanimity required; not yet agreed: %s",
				strings.Join(not, "、"), strings.Join(not, ", ")))
			t.MissingCounts = append(t.MissingCounts, fmt.Sprintf("须全体业主同意，尚有%d户未同意 / unanimity required; %d %s not yet agreed",
				len(not), len(not), households(len(not))))
		}
	}

	t.RequiredOK = true
	required := make(map[int64]bool, len(r.Required))
	for _, id := range r.Required {
		required[id] = true
	}
	var requiredNot int
	for _, h := range hs {
		if (h.Required || required[h.ID]) && h.Choice != Agree {
			t.RequiredOK = false
			requiredNot++
			t.Missing = append(t.Missing, fmt.Sprintf("%s户须同意 / household %s must consent", h.name(), h.name()))
		}
	}
	if requiredNot > 0 {
		t.MissingCounts = append(t.MissingCounts, fmt.Sprintf("须本人同意的住户中尚有%d户未同意 / %d %s that must consent %s not yet agreed",
			requiredNot, requiredNot, households(requiredNot), map[bool]string{true: "has", false: "have"}[requiredNot == 1]))
	}

	t.Valid = t.ParticipationOK && t.ApprovalOK && t.UnanimityOK && t.RequiredOK
	return t
}

// households is "household" or "households" for n.
func households(n int) string {
	if n == 1 {
		return "household"
	}
	return "households"
}

// owner is one person of the headcount: the households of one Owner, or
// one household without.
type owner struct {
	headcount int64
	tookPart  bool // any of the owner's households cast a ballot
	ballots   int  // ballots cast by the owner's households
	agreeing  int  // of which agree
}

// agrees reports whether the owner counts as agreeing: it took part and
// every ballot its households cast is agree. Where one person's flats
// vote differently the headcount cannot tell which is the person's will,
// so it takes none as agreement (see the package doc, "Headcount").
func (o owner) agrees() bool { return o.tookPart && o.agreeing == o.ballots }

// ownersOf groups hs by owner, in the order owners first appear. A group
// carries the largest headcount among its households (1 unless a caller
// set Owners above 1).
func ownersOf(hs []Household) []owner {
	out := make([]owner, 0, len(hs))
	index := map[string]int{}
	for _, h := range hs {
		i, ok := index[h.Owner]
		if h.Owner == "" || !ok {
			i = len(out)
			out = append(out, owner{})
			if h.Owner != "" {
				index[h.Owner] = i
			}
		}
		o := &out[i]
		o.headcount = max(o.headcount, h.headcount())
		if h.Choice != NoBallot {
			o.tookPart = true
			o.ballots++
			if h.Choice == Agree {
				o.agreeing++
			}
		}
	}
	return out
}

// atLeast is how much must be added to have so that have/of ≥ num/den,
// i.e. num·of ≤ den·have: ⌈num·of/den⌉ − have, or 0. Adding to have alone
// is right both for participation (the newcomers are part of of already)
// and for approval (switching a participant's ballot to agree is the
// cheapest way; a newcomer who agrees also raises the participants).
func atLeast(num, den, of, have int64) int64 {
	return max(0, ceilDiv(num*of, den)-have)
}

// moreThanHalf is how much must be added to have so that 2·have > of.
func moreThanHalf(of, have int64) int64 {
	return max(0, of/2+1-have)
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b int64) int64 {
	return (a + b - 1) / b
}

// needLine words "n more owners and x m² <verb>" in Chinese and English,
// leaving out a part that is zero.
func needLine(owners, area int64, zh, en string) string {
	var zhs, ens string
	ownersEn := fmt.Sprintf("%d more owner", owners)
	if owners != 1 {
		ownersEn += "s"
	}
	switch {
	case owners > 0 && area > 0:
		zhs = fmt.Sprintf("%d户业主、%s㎡", owners, areaText(area))
		ens = fmt.Sprintf("%s and %s m²", ownersEn, areaText(area))
	case owners > 0:
		zhs = fmt.Sprintf("%d户业主", owners)
		ens = ownersEn
	default:
		zhs = fmt.Sprintf("%s㎡专有面积", areaText(area))
		ens = fmt.Sprintf("%s m² more exclusive area", areaText(area))
	}
	return fmt.Sprintf("还需%s%s / %s %s", zhs, zh, ens, en)
}

// areaText writes an area in 0.01 m² as square metres with two decimals.
func areaText(centi int64) string {
	return fmt.Sprintf("%d.%02d", centi/100, centi%100)
}

// problems lists the input Evaluate cannot count.
func problems(r Rule, hs []Household) []string {
	var ps []string
	if r.Matter != Renovation && r.Matter != Ordinary {
		ps = append(ps, fmt.Sprintf("表决事项%q未知（应为renovation或ordinary） / unknown matter %q (want renovation or ordinary)", r.Matter, r.Matter))
	}
	if len(hs) == 0 {
		ps = append(ps, "单元内没有住户 / the unit has no households")
	}
	ps = append(ps, householdProblems(hs)...)
	seen := make(map[int64]bool, len(hs))
	for _, h := range hs {
		seen[h.ID] = true
	}
	for _, id := range r.Required {
		if !seen[id] {
			ps = append(ps, fmt.Sprintf("须同意的住户#%d不在本单元 / required household #%d is not in the unit", id, id))
		}
	}
	for _, h := range hs {
		switch h.Choice {
		case NoBallot, Agree, Disagree, Abstain:
		default:
			ps = append(ps, fmt.Sprintf("%s户的表决票%q无法识别 / household %s: unknown ballot %q", h.name(), h.Choice, h.name(), h.Choice))
		}
	}
	return ps
}

// householdProblems checks what Evaluate and Allocate both rely on:
// distinct ids, areas and headcounts in range.
func householdProblems(hs []Household) []string {
	var ps []string
	seen := make(map[int64]bool, len(hs))
	for _, h := range hs {
		if seen[h.ID] {
			ps = append(ps, fmt.Sprintf("住户编号%d重复 / household id %d appears twice", h.ID, h.ID))
		}
		seen[h.ID] = true
		if h.AreaCenti < 1 || h.AreaCenti > MaxAreaCenti {
			ps = append(ps, fmt.Sprintf("%s户专有面积%s㎡不在0.01至%s㎡之间 / household %s: exclusive area %s m² is not between 0.01 and %s m²",
				h.name(), signedArea(h.AreaCenti), areaText(MaxAreaCenti), h.name(), signedArea(h.AreaCenti), areaText(MaxAreaCenti)))
		}
		if h.Owners < 0 || h.Owners > MaxOwners {
			ps = append(ps, fmt.Sprintf("%s户业主人数%d不在0至%d之间 / household %s: owners %d is not between 0 and %d",
				h.name(), h.Owners, MaxOwners, h.name(), h.Owners, MaxOwners))
		}
	}
	return ps
}

// signedArea is areaText for a value that may be negative (in messages).
func signedArea(centi int64) string {
	if centi < 0 {
		u := uint64(-centi) // right for math.MinInt64 too: the negation wraps to itself
		return fmt.Sprintf("-%d.%02d", u/100, u%100)
	}
	return areaText(centi)
}
