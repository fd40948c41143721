// Package consent holds the two rule sets behind consent votes and projects
// such as adding an elevator to an old six-storey unit: who must take part
// and agree (Civil Code art. 278) and how the owners' part of the cost is
// shared by floor. Both are plain functions with no I/O; amounts are
// integers (area in 0.01 m², money in fen) so no float ever decides a
// boundary.
//
// # Votes: Civil Code art. 278 (民法典第二百七十八条, in force 2021)
//
// [Evaluate] counts one unit's (or building's) ballots against a [Rule]:
//
//   - Participation: owners holding ≥ 2/3 of the exclusive area AND ≥ 2/3
//     of the owners take part. Any ballot — agree, disagree, abstain — is
//     taking part; "" is no ballot.
//   - Approval, counted among the PARTICIPANTS: renovation-class matters
//     (art. 278 items 6–8: raising maintenance funds, renovating or
//     rebuilding — adding an elevator is renovation — and changing the use
//     of common parts) need ≥ 3/4 of the area AND ≥ 3/4 of the owners;
//     every other matter needs MORE than half of each (exactly half fails).
//   - A community may add unanimity of the unit ([Rule].Unanimous), and a
//     household whose exclusive part the works occupy must consent itself
//     ([Rule].Required or [Household].Required).
//
// Ratios are compared by integer cross-multiplication (3·part ≥ 2·total,
// 4·agree ≥ 3·part, 2·agree > part).
//
// # Headcount: one household, one owner; one person, one owner
//
// The Supreme People's Court interpretation on building distinguished
// ownership (法释〔2009〕7号, amended 2020, art. 9) counts owners by exclusive
// part: one exclusive part is one owner however many co-owners hold it.
// So a household counts as ONE owner: [Household].Owners 0 and 1 both mean
// that, and co-owners never add votes. An Owners above 1 is honoured as
// given, for a caller bound by a local rule that counts otherwise; Linli's
// own callers leave it at 0.
//
// The same article counts one buyer of several exclusive parts (and a
// developer's unsold parts) as ONE person, the area counting in full.
// [Household].Owner names the owner: households with the same non-empty
// Owner are one owner in the headcount (一人拥有多套房屋的，按一人计算人数，
// 面积按全部专有部分计算). Without it, six flats of which one person owns two,
// with that person and two others voting, would count 4/6 owners taking
// part (valid) where the law counts 3/5 (< 2/3, not valid). Package votes
// sets Owner from the owner members' ID numbers (the person id when the
// register has none): flats whose registered owners are the same people
// are one buyer's; flats that share only some of their co-owners are not
// merged (a different set of buyers bought each).
//
// A person with several flats may vote each differently. The rule
// (Evaluate, ownersOf):
//
//   - Area counts flat by flat, each flat by its own ballot: art. 9 keeps
//     the whole area, and each flat's area is what its ballot speaks for.
//   - Headcount: the owner takes part once if any of the flats cast a
//     ballot, and agrees once only if every ballot of the flats is agree.
//     The headcount asks whether the PERSON agrees; when the person's
//     ballots differ there is no clear consent, and a decision binding all
//     owners is not taken on consent that is not clear. Counting the
//     favourable flat, or the majority of area, would let one person's
//     larger or chosen flat speak for the person's whole voice; counting
//     none keeps the result on the safe side and is easy to explain at the
//     door ("your flats voted differently, so you do not count as
//     agreeing; please settle one view").
//   - Unanimity and households that must consent themselves are judged
//     flat by flat: every flat's ballot must be agree.
//
// # What is still missing
//
// [Tally] states, per condition, the least additional owners and area that
// would make it pass, counted against the ballots as they stand and
// assuming the households still needed act favourably (take part; agree).
// Owner counts are exact. Area is stated as an amount (for example 2/3 of
// the total minus the participating area, rounded up to 0.01 m²): whole
// households come with their own areas, so more may be needed in fact —
// choosing the best households is a subset-sum problem, left to people.
//
// # Cost sharing by floor
//
// [Allocate] shares the owners' part of a project (total minus subsidy)
// in proportion to coefficient × exclusive area, the coefficient set by
// floor ([Scheme]; [DefaultScheme] is one published plan: floors 1–2 pay
// nothing, floor 3 pays 0.7, +0.1 per floor). Amounts are whole fen and sum
// exactly to total − subsidy by the largest-remainder method; see Allocate.
package consent
