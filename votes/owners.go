package votes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"linli/storage"
	"slices"
	"strconv"
	"strings"
)

// HeadcountRule is how a vote counts owners with several flats; the vote
// page shows it beside the tally. See package consent, "Headcount".
const HeadcountRule = "一人拥有多套房屋的，按一人计算人数，面积按全部专有部分计算（最高人民法院法释〔2009〕7号第九条）；同一业主各套房屋意见不一致的，计为参与表决，不计入同意人数。 / An owner of several flats counts as one person in the headcount, with the area of all the flats (Supreme People's Court interpretation 法释〔2009〕7号, art. 9); when one owner's flats vote differently, the owner counts as taking part but not as agreeing."

// ownerKeys says who owns each household under path, for the headcount
// (法释〔2009〕7号 art. 9: one buyer of several exclusive parts counts as
// one person). An owner member is identified by the ID number (身份证号)
// the register holds, upper-cased (the check letter X), else by the
// person's id; a household's key is a digest of its owner members'
// identities, so two flats whose registered owners are the same people
// get the same key and count as one owner. Flats sharing only some of
// their co-owners are different buyers and keep their own keys. A
// household with no owner member registered has no key (its own owner).
// The digest keeps ID numbers out of the vote's frozen record.
func ownerKeys(ctx context.Context, q storage.Querier, path string) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT m.household_id, p.id, p.id_number FROM household_members m JOIN people p ON p.id = m.person_id
		JOIN households h ON h.id = m.household_id WHERE h.path LIKE ? AND m.is_owner = 1`, path+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[int64][]string{}
	for rows.Next() {
		var h, person int64
		var number string
		if err := rows.Scan(&h, &person, &number); err != nil {
			return nil, err
		}
		ids[h] = append(ids[h], identity(person, number))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ids))
	for h, who := range ids {
		slices.Sort(who)
		who = slices.Compact(who)
		sum := sha256.Sum256([]byte(strings.Join(who, "\n")))
		out[h] = hex.EncodeToString(sum[:16])
	}
	return out, nil
}

// identity is how the headcount tells people apart: the ID number when
// the register has one, else the person record.
func identity(person int64, idNumber string) string {
	if n := strings.ToUpper(strings.TrimSpace(idNumber)); n != "" {
		return "id:" + n
	}
	return "person:" + strconv.FormatInt(person, 10)
}

// withOwners sets each household's owner key from the register.
func withOwners(ctx context.Context, q storage.Querier, path string, hs []electorate) ([]electorate, error) {
	keys, err := ownerKeys(ctx, q, path)
	if err != nil {
		return nil, err
	}
	for i := range hs {
		hs[i].OwnerKey = keys[hs[i].ID]
	}
	return hs, nil
}
