package votes

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"linli/registry"
)

// HeadcountRule is how a vote counts owners with several flats; the vote
// page shows it beside the tally. See package consent, "Headcount".
const HeadcountRule = "一人拥有多套房屋的，按一人计算人数，面积按全部专有部分计算（最高人民法院法释〔2009〕7号第九条）；同一业主各套房屋意见不一致的，计为参与表决，不计入同意人数。 / An owner of several flats counts as one person in the headcount, with the area of all the flats (Supreme People's Court interpretation 法释〔2009〕7号, art. 9); when one owner's flats vote differently, the owner counts as taking part but not as agreeing."

// ownerKeys says who owns each household, for the headcount (法释〔2009〕7号
// art. 9: one buyer of several exclusive parts counts as one person), from
// the owners the register holds (registry.OwnersUnder). An owner member is
// identified by the ID number (身份证号) the register holds, upper-cased
// (the check letter X), else by the person's id (registry.Owner.Key); a
// household's key is a digest of its owner members' identities, so two
// flats whose registered owners are the same people get the same key and
// count as one owner. Flats sharing only some of their co-owners are
// different buyers and keep their own keys. A household with no owner
// member registered has no key (its own owner). The digest keeps ID
// numbers out of the vote's frozen record.
func ownerKeys(owners map[int64][]registry.Owner) map[int64]string {
	out := make(map[int64]string, len(owners))
	for h, os := range owners {
		who := make([]string, len(os))
		for i, o := range os {
			who[i] = o.Key
		}
		slices.Sort(who)
		who = slices.Compact(who)
		sum := sha256.Sum256([]byte(strings.Join(who, "\n")))
		out[h] = hex.EncodeToString(sum[:16])
	}
	return out
}

// withOwners sets each household's owner key from the register's owners.
func withOwners(hs []electorate, owners map[int64][]registry.Owner) []electorate {
	keys := ownerKeys(owners)
	for i := range hs {
		hs[i].OwnerKey = keys[hs[i].ID]
	}
	return hs
}
